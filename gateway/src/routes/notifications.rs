//! `/api/v1/notifications`: queue email/SMS, an order's log, templates, queue
//! stats, the list by status, and the operators' retries of failed ones.

use std::collections::HashMap;

use axum::{
    Router,
    extract::{Path, State},
    http::StatusCode,
    routing::{get, post, put},
};
use ec_proto::notification::v1 as pb;
use serde_json::Value;

use crate::{
    dto::{
        NewEmail, NewSms, Notification, NotificationList, NotificationListParams, QueueStats, RetriedFailed, Template,
        TemplateCode, TemplateUpdate, answered,
    },
    error::{ApiError, Problem},
    extract::{Id, Json, Query},
    routes::orders::wire_limit,
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/notifications", get(list_notifications))
        .route("/api/v1/notifications/{id}/retry", post(retry_notification))
        .route("/api/v1/notifications/retry-failed", post(retry_failed))
        .route("/api/v1/notifications/email", post(send_email))
        .route("/api/v1/notifications/sms", post(send_sms))
        .route("/api/v1/notifications/order/{order_id}", get(order_notifications))
        .route("/api/v1/notifications/templates", get(list_templates))
        .route("/api/v1/notifications/templates/{code}", put(update_template))
        .route("/api/v1/notifications/stats", get(queue_stats))
}

/// Template variables as strings: numbers and booleans are written out,
/// anything nested is refused.
fn variables(v: serde_json::Map<String, Value>) -> Result<HashMap<String, String>, ApiError> {
    v.into_iter()
        .map(|(k, v)| match v {
            Value::String(s) => Ok((k, s)),
            Value::Number(n) => Ok((k, n.to_string())),
            Value::Bool(b) => Ok((k, b.to_string())),
            _ => Err(ApiError::field(ec_common::error::FieldViolation::new(
                format!("variables.{k}"),
                ec_common::error::FieldCode::InvalidType,
                &[("expected", &"a string, number or boolean")],
            ))),
        })
        .collect()
}

/// Render a template and queue an email (delivered by the dispatcher).
#[utoipa::path(post, path = "/api/v1/notifications/email", tag = "notifications", request_body = NewEmail,
    responses((status = 201, body = Notification), (status = 422, description = "Unknown template, missing variable or bad recipient", body = Problem)))]
pub async fn send_email(
    State(s): State<AppState>,
    Json(b): Json<NewEmail>,
) -> Result<(StatusCode, axum::Json<Notification>), ApiError> {
    let req = pb::SendEmailRequest {
        order_id: b.order_id,
        recipient: b.recipient,
        template: b.template,
        variables: variables(b.variables)?,
        idempotency_key: String::new(),
    };
    let res = s.notifications().send_email(s.call(req, s.default_timeout)?).await?.into_inner();
    Ok((StatusCode::CREATED, axum::Json(answered(res.notification, "notification")?)))
}

/// Render a template's body and queue an SMS.
#[utoipa::path(post, path = "/api/v1/notifications/sms", tag = "notifications", request_body = NewSms,
    responses((status = 201, body = Notification), (status = 422, body = Problem)))]
pub async fn send_sms(
    State(s): State<AppState>,
    Json(b): Json<NewSms>,
) -> Result<(StatusCode, axum::Json<Notification>), ApiError> {
    let req = pb::SendSmsRequest {
        order_id: b.order_id,
        recipient: b.recipient,
        template: b.template,
        variables: variables(b.variables)?,
        idempotency_key: String::new(),
    };
    let res = s.notifications().send_sms(s.call(req, s.default_timeout)?).await?.into_inner();
    Ok((StatusCode::CREATED, axum::Json(answered(res.notification, "notification")?)))
}

/// An order's notifications, oldest first (empty when none).
#[utoipa::path(get, path = "/api/v1/notifications/order/{order_id}", tag = "notifications", params(("order_id" = i64, Path)),
    responses((status = 200, body = Vec<Notification>)))]
pub async fn order_notifications(
    State(s): State<AppState>,
    Id(order_id): Id,
) -> Result<axum::Json<Vec<Notification>>, ApiError> {
    let req = s.call(pb::ListOrderNotificationsRequest { order_id }, s.default_timeout)?;
    let res = s.notifications().list_order_notifications(req).await?.into_inner();
    Ok(axum::Json(res.notifications.into_iter().map(Notification::try_from).collect::<Result<_, _>>()?))
}

/// Every template.
#[utoipa::path(get, path = "/api/v1/notifications/templates", tag = "notifications", responses((status = 200, body = Vec<Template>)))]
pub async fn list_templates(State(s): State<AppState>) -> Result<axum::Json<Vec<Template>>, ApiError> {
    let res =
        s.notifications().list_templates(s.call(pb::ListTemplatesRequest {}, s.default_timeout)?).await?.into_inner();
    Ok(axum::Json(res.templates.into_iter().map(Template::try_from).collect::<Result<_, _>>()?))
}

/// Replace a template's subject and body.
#[utoipa::path(put, path = "/api/v1/notifications/templates/{code}", tag = "notifications", params(("code" = TemplateCode, Path)),
    request_body = TemplateUpdate, responses((status = 200, body = Template), (status = 404, description = "No such template", body = Problem), (status = 422, body = Problem)))]
pub async fn update_template(
    State(s): State<AppState>,
    Path(code): Path<String>,
    Json(b): Json<TemplateUpdate>,
) -> Result<axum::Json<Template>, ApiError> {
    let code = TemplateCode::parse(&code).ok_or_else(|| ApiError::not_found(format!("no template {code:?}")))?;
    let req = pb::UpdateTemplateRequest { code: code.as_str().to_owned(), subject: b.subject, body: b.body };
    let res = s.notifications().update_template(s.call(req, s.default_timeout)?).await?.into_inner();
    Ok(axum::Json(answered(res.template, "template")?))
}

/// How many notifications wait, were sent and failed; the delivery rate.
#[utoipa::path(get, path = "/api/v1/notifications/stats", tag = "notifications", responses((status = 200, body = QueueStats)))]
pub async fn queue_stats(State(s): State<AppState>) -> Result<axum::Json<QueueStats>, ApiError> {
    let r =
        s.notifications().get_queue_stats(s.call(pb::GetQueueStatsRequest {}, s.default_timeout)?).await?.into_inner();
    Ok(axum::Json(QueueStats { queued: r.queued, sent: r.sent, failed: r.failed, rate_per_second: r.rate_per_second }))
}

/// Notifications newest first, one page at a time; `status=failed` lists
/// what needs an operator.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "notifications", params(NotificationListParams),
    responses((status = 200, body = NotificationList), (status = 422, description = "A bad status, limit or cursor", body = Problem)))]
pub async fn list_notifications(
    State(s): State<AppState>,
    Query(p): Query<NotificationListParams>,
) -> Result<axum::Json<NotificationList>, ApiError> {
    let req = pb::ListNotificationsRequest {
        status: p.status.map_or(pb::NotificationStatus::Unspecified, |st| st.to_proto()) as i32,
        limit: wire_limit(p.limit, ec_common::rules::page::NOTIFICATIONS_MAX)?,
        cursor: crate::extract::cursor(p.cursor)?,
    };
    let res = s.notifications().list_notifications(s.call(req, s.default_timeout)?).await?.into_inner();
    Ok(axum::Json(NotificationList {
        notifications: res.notifications.into_iter().map(Notification::try_from).collect::<Result<_, _>>()?,
        next_cursor: Some(res.next_cursor).filter(|c| !c.is_empty()),
    }))
}

/// Queue a failed notification again, due now, with a fresh budget of
/// delivery attempts (its attempt count and log go on).
#[utoipa::path(post, path = "/api/v1/notifications/{id}/retry", tag = "notifications", params(("id" = i64, Path)),
    responses(
        (status = 200, description = "The notification, queued again", body = Notification),
        (status = 404, description = "No such notification", body = Problem),
        (status = 409, description = "The notification is not failed (NOTIFICATION_NOT_FAILED): it is queued or already sent", body = Problem),
    ))]
pub async fn retry_notification(State(s): State<AppState>, Id(id): Id) -> Result<axum::Json<Notification>, ApiError> {
    let req = s.call(pb::RetryNotificationRequest { id }, s.default_timeout)?;
    let res = s.notifications().retry_notification(req).await?.into_inner();
    Ok(axum::Json(answered(res.notification, "notification")?))
}

/// Queue every failed notification again (as retrying each one).
#[utoipa::path(post, path = "/api/v1/notifications/retry-failed", tag = "notifications",
    responses((status = 200, description = "How many were queued again", body = RetriedFailed)))]
pub async fn retry_failed(State(s): State<AppState>) -> Result<axum::Json<RetriedFailed>, ApiError> {
    let req = s.call(pb::RetryFailedNotificationsRequest {}, s.default_timeout)?;
    let res = s.notifications().retry_failed_notifications(req).await?.into_inner();
    Ok(axum::Json(RetriedFailed { requeued: res.requeued }))
}
