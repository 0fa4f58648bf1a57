//! `/api/v1/payments`: take a payment, read an order's payment, refund.

use axum::{
    Router,
    extract::State,
    http::{HeaderMap, StatusCode},
    routing::{get, post},
};
use ec_proto::payment::v1 as pb;

use crate::{
    dto::{NewPayment, NewRefund, Payment, Refund, answered},
    error::{ApiError, Problem},
    extract::{Id, IdempotencyKey, Json},
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/payments", post(create_payment))
        .route("/api/v1/payments/refund", post(refund_payment))
        .route("/api/v1/payments/order/{order_id}", get(payment_by_order))
        .route("/api/v1/payments/{id}", get(get_payment))
}

/// Take the payment of an order (100..=1,000,000 JPY, one per order).
#[utoipa::path(post, path = "/api/v1/payments", tag = "payments", request_body = NewPayment,
    params(("Idempotency-Key" = Option<String>, Header, description = "A retried payment with the same key, order and amount answers the first (header idempotent-replayed: true); never pays twice")),
    responses((status = 201, body = Payment),
        (status = 404, description = "No such order (NOT_FOUND)", body = Problem),
        (status = 409, description = "The order does not wait for a payment (ORDER_NOT_PAYABLE), already has one (DUPLICATE_PAYMENT), or the idempotency key was used for another order or amount (IDEMPOTENCY_CONFLICT)", body = Problem),
        (status = 422, description = "Amount out of range (AMOUNT_OUT_OF_RANGE), not the order's total (AMOUNT_MISMATCH), or not JPY", body = Problem)))]
pub async fn create_payment(
    State(s): State<AppState>,
    IdempotencyKey(idempotency_key): IdempotencyKey,
    Json(body): Json<NewPayment>,
) -> Result<(StatusCode, HeaderMap, axum::Json<Payment>), ApiError> {
    let req = pb::CreatePaymentRequest {
        order_id: body.order_id,
        amount: body.amount,
        currency: "JPY".into(),
        method: body.method.unwrap_or_default(),
        idempotency_key,
    };
    let res = s.payments().create_payment(s.call(req, s.payment_timeout)?).await?.into_inner();
    let mut headers = HeaderMap::new();
    if res.replayed {
        headers.insert("idempotent-replayed", axum::http::HeaderValue::from_static("true"));
    }
    Ok((StatusCode::CREATED, headers, axum::Json(answered(res.payment, "payment")?)))
}

/// The payment of an order, with its refunds.
#[utoipa::path(get, path = "/api/v1/payments/order/{order_id}", tag = "payments", params(("order_id" = i64, Path)),
    responses((status = 200, body = Payment), (status = 404, body = Problem)))]
pub async fn payment_by_order(State(s): State<AppState>, Id(order_id): Id) -> Result<axum::Json<Payment>, ApiError> {
    let req = s.call(pb::GetPaymentByOrderRequest { order_id }, s.payment_timeout)?;
    let res = s.payments().get_payment_by_order(req).await?.into_inner();
    Ok(axum::Json(answered(res.payment, "payment")?))
}

/// One payment, with its refunds.
#[utoipa::path(get, path = "/api/v1/payments/{id}", tag = "payments", params(("id" = i64, Path)),
    responses((status = 200, body = Payment), (status = 404, body = Problem)))]
pub async fn get_payment(State(s): State<AppState>, Id(id): Id) -> Result<axum::Json<Payment>, ApiError> {
    let res = s.payments().get_payment(s.call(pb::GetPaymentRequest { id }, s.payment_timeout)?).await?.into_inner();
    Ok(axum::Json(answered(res.payment, "payment")?))
}

/// Refund all (no amount) or part of a payment.
#[utoipa::path(post, path = "/api/v1/payments/refund", tag = "payments", request_body = NewRefund,
    params(("Idempotency-Key" = Option<String>, Header, description = "A retried refund with the same key answers the first")),
    responses((status = 201, body = Refund), (status = 404, body = Problem),
        (status = 409, description = "More than what is left to refund (OVER_REFUND)", body = Problem), (status = 422, body = Problem)))]
pub async fn refund_payment(
    State(s): State<AppState>,
    IdempotencyKey(key): IdempotencyKey,
    Json(body): Json<NewRefund>,
) -> Result<(StatusCode, axum::Json<Refund>), ApiError> {
    let req = pb::RefundPaymentRequest {
        payment_id: body.payment_id,
        amount: body.amount,
        reason: body.reason.unwrap_or_default(),
        idempotency_key: key,
    };
    let res = s.payments().refund_payment(s.call(req, s.payment_timeout)?).await?.into_inner();
    Ok((StatusCode::CREATED, axum::Json(answered(res.refund, "refund")?)))
}
