//! `/api/v1/outbox/{service}`: the events a service owes another (the order
//! service's owed refunds, the payment service's payment events), and the
//! operators' retries of dead-lettered ones.

use axum::{
    Router,
    extract::{Path, State},
    routing::{get, post},
};
use ec_common::grpc::TracedChannel as Channel;
use ec_proto::outbox::v1::{self as pb, outbox_service_client::OutboxServiceClient};

use crate::{
    dto::{OutboxEvent, OutboxEventList, OutboxEventListParams, OutboxService, RetriedFailed},
    error::{ApiError, Problem, required},
    extract::Query,
    routes::orders::wire_limit,
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/outbox/{service}/events", get(list_events))
        .route("/api/v1/outbox/{service}/events/{id}/retry", post(retry_event))
        .route("/api/v1/outbox/{service}/retry-dead", post(retry_dead))
}

/// The `{service}` of a path: `order` or `payment`, anything else is 404.
fn service(name: &str) -> Result<OutboxService, ApiError> {
    OutboxService::parse(name).ok_or_else(|| ApiError::not_found(format!("no service {name:?} keeps an outbox")))
}

impl AppState {
    /// The outbox of a service (served on the service's own port).
    pub fn outbox(&self, service: OutboxService) -> OutboxServiceClient<Channel> {
        OutboxServiceClient::new(match service {
            OutboxService::Order => self.order_channel.clone(),
            OutboxService::Payment => self.payment_channel.clone(),
        })
    }
}

/// A service's outbox events, newest first; `status=dead` lists what needs
/// an operator.
#[utoipa::path(get, path = "/api/v1/outbox/{service}/events", tag = "outbox",
    params(("service" = OutboxService, Path), OutboxEventListParams),
    responses((status = 200, body = OutboxEventList),
        (status = 404, description = "No such service", body = Problem),
        (status = 422, description = "A bad status, order_id, limit or cursor", body = Problem)))]
pub async fn list_events(
    State(s): State<AppState>,
    Path(name): Path<String>,
    Query(p): Query<OutboxEventListParams>,
) -> Result<axum::Json<OutboxEventList>, ApiError> {
    let service = service(&name)?;
    let req = pb::ListEventsRequest {
        status: p.status.map_or(pb::EventStatus::Unspecified, |st| st.to_proto()) as i32,
        order_id: match p.order_id {
            None => 0,
            Some(id) if id >= 1 => id,
            Some(_) => return Err(ApiError::field(ec_common::error::FieldViolation::at_least("order_id", 1))),
        },
        limit: wire_limit(p.limit, ec_common::rules::page::OUTBOX_MAX)?,
        cursor: crate::extract::cursor(p.cursor)?,
    };
    let res = s.outbox(service).list_events(s.call(req, s.default_timeout)?).await?.into_inner();
    Ok(axum::Json(OutboxEventList {
        events: res.events.into_iter().map(|e| OutboxEvent::from_proto(service, e)).collect::<Result<_, _>>()?,
        next_cursor: Some(res.next_cursor).filter(|c| !c.is_empty()),
    }))
}

/// Send a dead-lettered event again, now, with a fresh budget of attempts:
/// its attempt count starts again, and its earlier attempts stay in the log.
/// The receiver is idempotent: a late duplicate changes nothing.
#[utoipa::path(post, path = "/api/v1/outbox/{service}/events/{id}/retry", tag = "outbox",
    params(("service" = OutboxService, Path), ("id" = i64, Path)),
    responses(
        (status = 200, description = "The event, pending again", body = OutboxEvent),
        (status = 404, description = "No such service or event", body = Problem),
        (status = 409, description = "The event is not dead-lettered (NOT_DEAD_LETTERED): it is pending or delivered", body = Problem),
    ))]
pub async fn retry_event(
    State(s): State<AppState>,
    Path((name, id)): Path<(String, String)>,
) -> Result<axum::Json<OutboxEvent>, ApiError> {
    let service = service(&name)?;
    let id = crate::extract::id(&id)?;
    let res =
        s.outbox(service).retry_event(s.call(pb::RetryEventRequest { id }, s.default_timeout)?).await?.into_inner();
    OutboxEvent::from_proto(service, required(res.event, "event")?).map(axum::Json)
}

/// Send every dead-lettered event of a service again (as retrying each one).
#[utoipa::path(post, path = "/api/v1/outbox/{service}/retry-dead", tag = "outbox", params(("service" = OutboxService, Path)),
    responses((status = 200, description = "How many were queued again", body = RetriedFailed),
        (status = 404, description = "No such service", body = Problem)))]
pub async fn retry_dead(
    State(s): State<AppState>,
    Path(name): Path<String>,
) -> Result<axum::Json<RetriedFailed>, ApiError> {
    let service = service(&name)?;
    let res = s.outbox(service).retry_dead_events(s.call(pb::RetryDeadEventsRequest {}, s.default_timeout)?).await?;
    Ok(axum::Json(RetriedFailed { requeued: res.into_inner().retried }))
}
