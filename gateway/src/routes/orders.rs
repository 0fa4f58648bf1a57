//! `/api/v1/orders`: create, list, read, cancel, ship/deliver, stats, webhook.

use axum::{
    Router,
    extract::State,
    http::{HeaderMap, HeaderValue, StatusCode},
    response::IntoResponse,
    routing::{get, post, put},
};
use ec_proto::order::v1 as pb;

use crate::{
    dto::{
        ListParams, NewOrder, Order, OrderList, OrderStats, PaymentWebhook, SortOrder, StatsParams, StatusUpdate,
        WebhookResult, WebhookStatus, answered,
    },
    error::{ApiError, Problem},
    extract::{Id, IdempotencyKey, Json, Query},
    state::AppState,
};
use ec_common::rules;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/orders", post(create_order).get(list_orders))
        .route("/api/v1/orders/stats", get(order_stats))
        .route("/api/v1/orders/{id}", get(get_order).delete(cancel_order))
        .route("/api/v1/orders/{id}/status", put(update_status))
        .route("/api/v1/orders/{id}/webhook", post(payment_webhook))
}

/// Create an order: validated, totalled, stored, paid, confirmation queued.
#[utoipa::path(post, path = "/api/v1/orders", tag = "orders",
    params(("Idempotency-Key" = Option<String>, Header, description = "Repeat a request safely: the same key and body answer the first order")),
    request_body = NewOrder,
    responses(
        (status = 201, description = "The paid order", body = Order),
        (status = 400, description = "Malformed JSON", body = Problem),
        (status = 409, description = "Idempotency key reused with another body, or still in progress", body = Problem),
        (status = 422, description = "Invalid order (VALIDATION_FAILED) or payment rejected (PAYMENT_REJECTED, with order_id)", body = Problem),
        (status = 503, description = "Payment service unavailable (the order is kept, with order_id)", body = Problem),
        (status = 504, description = "Payment service too slow (the order is kept, with order_id)", body = Problem),
    ))]
pub async fn create_order(
    State(s): State<AppState>,
    IdempotencyKey(key): IdempotencyKey,
    Json(body): Json<NewOrder>,
) -> Result<impl IntoResponse, ApiError> {
    // Without a key of the client's, the gateway names the request itself:
    // then it may send it again when the order service was unreachable (a
    // restart), and the order service answers (or finishes) the order the
    // first attempt stored instead of making a second one.
    let key = if key.is_empty() { gateway_key() } else { key };
    // Creating pays: the payment deadline governs the whole call.
    let message = body.into_proto(key);
    let res = s
        .retried(s.payment_timeout, message, |req| {
            let mut orders = s.orders();
            async move { orders.create_order(req).await }
        })
        .await?
        .into_inner();
    let order: Order = answered(res.order, "order")?;
    let mut headers = HeaderMap::new();
    if let Ok(v) = HeaderValue::from_str(&format!("/api/v1/orders/{}", order.id)) {
        headers.insert(axum::http::header::LOCATION, v);
    }
    if res.replayed {
        headers.insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    Ok((StatusCode::CREATED, headers, axum::Json(order)))
}

/// List orders, newest first (or oldest first with `order=asc`), one page at a time.
#[utoipa::path(get, path = "/api/v1/orders", tag = "orders", params(ListParams),
    responses((status = 200, body = OrderList), (status = 422, body = Problem)))]
pub async fn list_orders(
    State(s): State<AppState>,
    Query(p): Query<ListParams>,
) -> Result<axum::Json<OrderList>, ApiError> {
    let req = pb::ListOrdersRequest {
        status: p.status.map_or(pb::OrderStatus::Unspecified, |st| st.to_proto()) as i32,
        customer_email: p.customer_email.unwrap_or_default(),
        batch_id: p.batch_id.unwrap_or_default(),
        limit: wire_limit(p.limit, rules::page::ORDERS_MAX)?,
        cursor: crate::extract::cursor(p.cursor)?,
        oldest_first: p.order == Some(SortOrder::Asc),
    };
    let res = s.orders().list_orders(s.call(req, s.default_timeout)?).await?.into_inner();
    Ok(axum::Json(OrderList {
        orders: res.orders.into_iter().map(Order::try_from).collect::<Result<_, _>>()?,
        next_cursor: Some(res.next_cursor).filter(|c| !c.is_empty()),
    }))
}

/// Orders by status and revenue of the last 7 days, for the dashboard.
#[utoipa::path(get, path = "/api/v1/orders/stats", tag = "orders", params(StatsParams),
    responses((status = 200, body = OrderStats), (status = 422, body = Problem)))]
pub async fn order_stats(
    State(s): State<AppState>,
    Query(p): Query<StatsParams>,
) -> Result<axum::Json<OrderStats>, ApiError> {
    let max = rules::UTC_OFFSET_MAX_MINUTES;
    let offset = rules::in_range(
        "tz_offset_minutes",
        i64::from(p.tz_offset_minutes.unwrap_or(0)),
        -i64::from(max),
        i64::from(max),
    )
    .map_err(ApiError::field)? as i32;
    let req = pb::GetOrderStatsRequest { utc_offset_minutes: offset };
    let res = s.orders().get_order_stats(s.call(req, s.default_timeout)?).await?.into_inner();
    Ok(axum::Json(res.try_into()?))
}

/// One order with its items and status history.
#[utoipa::path(get, path = "/api/v1/orders/{id}", tag = "orders", params(("id" = i64, Path)),
    responses((status = 200, body = Order), (status = 404, body = Problem)))]
pub async fn get_order(State(s): State<AppState>, Id(id): Id) -> Result<axum::Json<Order>, ApiError> {
    let res = s.orders().get_order(s.call(pb::GetOrderRequest { id }, s.default_timeout)?).await?.into_inner();
    Ok(axum::Json(answered(res.order, "order")?))
}

/// Cancel an order: refund what was paid, queue ORDER_CANCELLED.
#[utoipa::path(delete, path = "/api/v1/orders/{id}", tag = "orders", params(("id" = i64, Path)),
    responses(
        (status = 200, description = "The cancelled order; header Refunded-Amount says what was refunded", body = Order),
        (status = 404, body = Problem),
        (status = 409, description = "Cannot be cancelled any more (ILLEGAL_TRANSITION) or payment still in progress", body = Problem),
        (status = 503, description = "Cancelled, but the refund could not be made yet; it is retried", body = Problem),
    ))]
pub async fn cancel_order(State(s): State<AppState>, Id(id): Id) -> Result<impl IntoResponse, ApiError> {
    let req = s.call(pb::CancelOrderRequest { id, reason: String::new() }, s.payment_timeout)?;
    let res = s.orders().cancel_order(req).await?.into_inner();
    let mut headers = HeaderMap::new();
    headers.insert("refunded-amount", HeaderValue::from(res.refunded_amount));
    Ok((headers, axum::Json(answered::<_, Order>(res.order, "order")?)))
}

/// Mark an order shipped (queues ORDER_SHIPPED) or delivered.
#[utoipa::path(put, path = "/api/v1/orders/{id}/status", tag = "orders", params(("id" = i64, Path)), request_body = StatusUpdate,
    responses((status = 200, body = Order), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update_status(
    State(s): State<AppState>,
    Id(id): Id,
    Json(body): Json<StatusUpdate>,
) -> Result<axum::Json<Order>, ApiError> {
    let req = pb::UpdateOrderStatusRequest { id, status: body.status.to_proto() as i32 };
    let res = s.orders().update_order_status(s.call(req, s.default_timeout)?).await?.into_inner();
    Ok(axum::Json(answered(res.order, "order")?))
}

/// Payment status callback (seed: payment -> order), signed the Standard
/// Webhooks way (headers `webhook-id`, `webhook-timestamp`,
/// `webhook-signature`, over the raw body, with `EC_WEBHOOK_SECRET`).
/// Idempotent per `event_id`; a repeated `webhook-id` changes nothing.
#[utoipa::path(post, path = "/api/v1/orders/{id}/webhook", tag = "orders", params(
        ("id" = i64, Path),
        ("webhook-id" = String, Header, description = "Unique per delivery: a repeated one changes nothing"),
        ("webhook-timestamp" = i64, Header, description = "Unix seconds; at most 5 minutes from now"),
        ("webhook-signature" = String, Header, description = "v1,<base64 HMAC-SHA256 of \"{id}.{timestamp}.{body}\">; several space-separated"),
    ), request_body = PaymentWebhook,
    responses((status = 200, body = WebhookResult),
        (status = 401, description = "Missing, wrong or stale signature (UNAUTHENTICATED); nothing changed", body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem),
        (status = 503, description = "The webhook is disabled: no EC_WEBHOOK_SECRET (WEBHOOK_DISABLED)", body = Problem)))]
pub async fn payment_webhook(
    State(s): State<AppState>,
    Id(id): Id,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<axum::Json<WebhookResult>, ApiError> {
    let Some(secrets) = &s.webhook_secrets else {
        return Err(ApiError::new(
            ec_common::error::ErrorCode::WebhookDisabled,
            "the payment webhook is disabled: the gateway has no EC_WEBHOOK_SECRET",
        ));
    };
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let webhook_id = header("webhook-id");
    secrets
        .verify(
            webhook_id,
            header("webhook-timestamp"),
            header("webhook-signature"),
            &body,
            chrono::Utc::now().timestamp(),
        )
        .map_err(|why| {
            let mut e = ApiError::new(ec_common::error::ErrorCode::Unauthenticated, why.to_string());
            e.0.extra.insert("www_authenticate".into(), serde_json::Value::from("webhook signature"));
            e
        })?;
    let webhook_id = webhook_id.unwrap_or_default();
    crate::extract::require_json(&headers)?;
    let body: PaymentWebhook = crate::extract::parse_json(&body)?;
    let already = s.auth.webhook_seen(webhook_id).await.map_err(|e| {
        tracing::error!(error = %e, "cannot read webhook ids");
        ApiError::internal()
    })?;
    let applied = if already {
        false
    } else {
        let status = match body.status {
            WebhookStatus::Completed => pb::PaymentEventStatus::Completed,
            WebhookStatus::Failed => pb::PaymentEventStatus::Failed,
            WebhookStatus::Refunded => pb::PaymentEventStatus::Refunded,
        };
        let req = pb::HandlePaymentWebhookRequest {
            order_id: id,
            payment_id: body.payment_id,
            status: status as i32,
            amount: body.amount,
            event_id: body.event_id,
            ..Default::default()
        };
        let mut req = s.call(req, s.webhook_timeout)?;
        // Signed, not signed in: the delivery names itself.
        ec_common::grpc::set_principal(&mut req, &format!("webhook:{webhook_id}"));
        let res = s.orders().handle_payment_webhook(req).await?.into_inner();
        // Remembered once applied: a delivery that failed may come again.
        if let Err(e) = s.auth.remember_webhook(webhook_id).await {
            tracing::warn!(error = %e, "webhook applied but its id not remembered; the event id still dedupes");
        }
        res.applied
    };
    let order = s.orders().get_order(s.call(pb::GetOrderRequest { id }, s.webhook_timeout)?).await?.into_inner();
    Ok(axum::Json(WebhookResult { applied, order: answered(order.order, "order")? }))
}

/// A page size as the services take it (0: their default), checked first:
/// on the wire 0 means "default", in a URL it is a mistake.
pub fn wire_limit(limit: Option<u32>, max: u32) -> Result<i32, ApiError> {
    match limit {
        None => Ok(0),
        Some(n) => {
            let n = rules::page_size("limit", Some(n), max, max).map_err(ApiError::field)?;
            Ok(i32::try_from(n).unwrap_or(i32::MAX))
        }
    }
}

/// A key the gateway makes for a create that came without one: unique (96
/// random bits) and in time order, so the order database's key index grows
/// at its end instead of at random places (a random key costs each commit
/// pages all over the index).
fn gateway_key() -> String {
    let millis = chrono::Utc::now().timestamp_millis().max(0);
    let random = ec_common::hex::encode(&crate::auth::secrets::random_bytes::<12>());
    format!("gw-{millis:011x}-{random}")
}
