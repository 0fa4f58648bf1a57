//! `/healthz` (the gateway itself) and `/readyz` (the three services, by
//! grpc.health.v1).

use std::time::Duration;

use axum::{Router, extract::State, http::StatusCode, routing::get};
use ec_common::grpc::TracedChannel as Channel;
use tonic_health::pb::{HealthCheckRequest, health_check_response::ServingStatus, health_client::HealthClient};

use crate::{
    dto::{Readiness, ServiceHealth, ServicesHealth},
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new().route("/healthz", get(healthz)).route("/readyz", get(readyz))
}

/// The gateway is up.
#[utoipa::path(get, path = "/healthz", tag = "health", responses((status = 200, description = "ok")))]
pub async fn healthz() -> &'static str {
    "ok"
}

async fn check(channel: Channel, service: &str) -> ServiceHealth {
    let mut req = tonic::Request::new(HealthCheckRequest { service: service.to_owned() });
    req.set_timeout(Duration::from_secs(1));
    match tokio::time::timeout(Duration::from_secs(2), HealthClient::new(channel).check(req)).await {
        Ok(Ok(r)) if r.get_ref().status() == ServingStatus::Serving => ServiceHealth::Serving,
        Ok(Ok(_)) => ServiceHealth::NotServing,
        _ => ServiceHealth::Unreachable,
    }
}

/// Ready when all three services answer their health checks.
#[utoipa::path(get, path = "/readyz", tag = "health",
    responses((status = 200, body = Readiness), (status = 503, description = "At least one service is not serving", body = Readiness)))]
pub async fn readyz(State(s): State<AppState>) -> (StatusCode, axum::Json<Readiness>) {
    let (order, payment, notification) = tokio::join!(
        check(s.order_channel.clone(), "ec.order.v1.OrderService"),
        check(s.payment_channel.clone(), "ec.payment.v1.PaymentService"),
        check(s.notification_channel.clone(), "ec.notification.v1.NotificationService"),
    );
    let ready = [&order, &payment, &notification].iter().all(|h| matches!(h, ServiceHealth::Serving));
    let body = Readiness {
        status: if ready { "ready" } else { "degraded" }.to_owned(),
        services: ServicesHealth { order, payment, notification },
    };
    (if ready { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE }, axum::Json(body))
}
