//! The tonic layer: decode, act, encode. No logic.

use std::time::Duration;

use ec_common::grpc::TracedChannel;
use ec_common::{
    deadline::Deadline,
    error::{ErrorCode, Fault, FieldCode, FieldViolation},
};
use ec_proto::{
    order::v1::{self as opb, order_service_client::OrderServiceClient},
    payment::v1::{self as pb, payment_service_server::PaymentService},
};
use tonic::{Request, Response, Status};
use tracing::Instrument;

use crate::{
    domain::NewPayment,
    entity::refunds,
    error::Error,
    store::{PaymentView, RefundRequest, Store},
};

/// The service that creates orders and pays them itself.
const ORDER_SERVICE: &str = "order-service";

#[derive(Clone)]
pub struct PaymentGrpc {
    store: Store,
    orders: OrderServiceClient<TracedChannel>,
    /// Deadline of an order look-up (a call to the order service).
    order_timeout: Duration,
    processing_delay: Duration,
}

impl PaymentGrpc {
    pub fn new(store: Store, order: TracedChannel, order_timeout: Duration, processing_delay: Duration) -> Self {
        Self { store, orders: OrderServiceClient::new(order), order_timeout, processing_delay }
    }

    /// A payment from anyone but the order service must be for an existing
    /// order that waits for its payment, and for exactly its total. The
    /// order service pays only orders it has just created for their total,
    /// so its own payments skip the look-up (the create flow stays one call).
    async fn check_order(&self, caller: Option<&str>, p: &NewPayment, deadline: Deadline) -> Result<(), Fault> {
        if caller == Some(ORDER_SERVICE) {
            return Ok(());
        }
        let req = deadline.request(opb::GetOrderRequest { id: p.order_id }, self.order_timeout).map_err(|s| {
            Fault::new(
                ErrorCode::DeadlineExceeded,
                format!("no time left to look up order {}: {}", p.order_id, s.message()),
            )
        })?;
        let order = match self.orders.clone().get_order(req).await {
            Ok(r) => r.into_inner().order.ok_or_else(|| {
                tracing::error!(order_id = p.order_id, "the order service answered no order");
                Fault::internal()
            })?,
            Err(s) if s.code() == tonic::Code::NotFound => {
                return Err(
                    Fault::not_found(format!("order {} does not exist", p.order_id)).with("order_id", p.order_id)
                );
            }
            Err(s) => return Err(order_lookup_failed(&s)),
        };
        let status = opb::OrderStatus::try_from(order.status).unwrap_or_default();
        if !matches!(status, opb::OrderStatus::Pending | opb::OrderStatus::PaymentProcessing) {
            return Err(Fault::new(
                ErrorCode::OrderNotPayable,
                format!("order {} is {} and does not wait for a payment", p.order_id, status_name(status)),
            )
            .with("order_id", p.order_id)
            .with("order_status", status_name(status)));
        }
        if order.total_amount != p.amount {
            return Err(Fault {
                fields: vec![FieldViolation::new(
                    "amount",
                    FieldCode::InvalidValue,
                    &[("allowed", &order.total_amount)],
                )],
                ..Fault::new(
                    ErrorCode::AmountMismatch,
                    format!("order {} totals {} JPY; {} JPY offered", p.order_id, order.total_amount, p.amount),
                )
                .with("order_id", p.order_id)
                .with("order_total", order.total_amount)
            });
        }
        Ok(())
    }

    /// Runs `work` in its own task so a caller hanging up cannot cut it
    /// between storing the payment and reporting it.
    async fn detached<T, Fut>(&self, work: Fut) -> Result<T, Status>
    where
        Fut: Future<Output = Result<T, Error>> + Send + 'static,
        T: Send + 'static,
    {
        match tokio::spawn(work.instrument(tracing::Span::current())).await {
            Ok(r) => r.map_err(Status::from),
            Err(e) => {
                tracing::error!(error = %e, "payment task failed");
                Err(Fault::internal().into())
            }
        }
    }
}

/// The trace context a payment event carries: a `payment_event publish`
/// span in the request's trace, which the order service continues when it
/// applies the event (however late, and in whatever batch).
fn published(order_id: i64) -> ec_outbox::Carried {
    let span = tracing::info_span!("payment_event publish", otel.kind = "producer", ec.order_id = order_id);
    span.in_scope(ec_outbox::Carried::current)
}

/// Items per CreatePaymentBatch call.
const MAX_BATCH_ITEMS: usize = 1000;

pub fn payment_to_proto(v: PaymentView) -> pb::Payment {
    let p = v.payment;
    pb::Payment {
        id: p.id,
        order_id: p.order_id,
        amount: p.amount,
        currency: p.currency,
        method: p.method,
        status: p.status.to_proto() as i32,
        refunded_amount: p.refunded_amount,
        refunds: v.refunds.into_iter().map(refund_to_proto).collect(),
        created_at: Some(ec_common::time::to_proto(p.created_at)),
        updated_at: Some(ec_common::time::to_proto(p.updated_at)),
        requested_by: p.requested_by.unwrap_or_default(),
        trace_id: p.trace_id.unwrap_or_default(),
    }
}

fn refund_to_proto(r: refunds::Model) -> pb::Refund {
    pb::Refund {
        id: r.id,
        payment_id: r.payment_id,
        amount: r.amount,
        reason: r.reason,
        created_at: Some(ec_common::time::to_proto(r.created_at)),
        created_by: r.created_by.unwrap_or_default(),
        trace_id: r.trace_id.unwrap_or_default(),
    }
}

#[tonic::async_trait]
impl PaymentService for PaymentGrpc {
    async fn create_payment(
        &self,
        request: Request<pb::CreatePaymentRequest>,
    ) -> Result<Response<pb::CreatePaymentResponse>, Status> {
        let deadline = Deadline::from_request(&request);
        let caller = ec_common::grpc::caller_of(&request).map(str::to_owned);
        let by = ec_common::grpc::actor_of(&request);
        let mut new = NewPayment::parse(request.into_inner())?;
        new.requested_by = by;
        // A retry is answered before the order is looked at: by then the
        // first request's payment has made the order paid. The order
        // service's own calls are not looked at (check_order), so the writer
        // alone answers their retries, and the create path reads nothing.
        if caller.as_deref() != Some(ORDER_SERVICE)
            && let Some(key) = new.idempotency_key.as_deref()
            && let Some(v) = self.store.by_key(key).await?
        {
            if v.payment.order_id != new.order_id || v.payment.amount != new.amount {
                return Err(crate::store::key_conflict(&v.payment, &new).into());
            }
            return Ok(Response::new(pb::CreatePaymentResponse { payment: Some(payment_to_proto(v)), replayed: true }));
        }
        self.check_order(caller.as_deref(), &new, deadline).await?;
        let this = self.clone();
        let (payment, replayed) = self
            .detached(async move {
                if !this.processing_delay.is_zero() {
                    tokio::time::sleep(this.processing_delay).await;
                }
                new.carried = published(new.order_id);
                // The payment and its event for the order service commit
                // together (the outbox); a replay owes no new event.
                this.store.create(new, deadline).await
            })
            .await?;
        Ok(Response::new(pb::CreatePaymentResponse { payment: Some(payment_to_proto(payment)), replayed }))
    }

    async fn get_payment(
        &self,
        request: Request<pb::GetPaymentRequest>,
    ) -> Result<Response<pb::GetPaymentResponse>, Status> {
        let v = self.store.get(request.into_inner().id).await?;
        Ok(Response::new(pb::GetPaymentResponse { payment: Some(payment_to_proto(v)) }))
    }

    async fn get_payment_by_order(
        &self,
        request: Request<pb::GetPaymentByOrderRequest>,
    ) -> Result<Response<pb::GetPaymentByOrderResponse>, Status> {
        let v = self.store.by_order(request.into_inner().order_id).await?;
        Ok(Response::new(pb::GetPaymentByOrderResponse { payment: Some(payment_to_proto(v)) }))
    }

    async fn refund_payment(
        &self,
        request: Request<pb::RefundPaymentRequest>,
    ) -> Result<Response<pb::RefundPaymentResponse>, Status> {
        let by = ec_common::grpc::actor_of(&request);
        let r = request.into_inner();
        let reason = r.reason.trim();
        if reason.chars().count() > 500 {
            return Err(Fault::field(FieldViolation::too_long("reason", 500)).into());
        }
        let key = Some(r.idempotency_key.trim().to_owned()).filter(|k| !k.is_empty());
        let req = RefundRequest {
            payment_id: r.payment_id,
            amount: r.amount,
            reason: reason.to_owned(),
            idempotency_key: key,
            requested_by: by,
            // Refunds are rare: the payment is read first so the event's
            // span names the order (a missing payment is a 404 here).
            carried: published(self.store.get(r.payment_id).await?.payment.order_id),
        };
        let this = self.clone();
        let (refund, payment) = self
            .detached(async move {
                let (refund, payment, _replayed) = this.store.refund(req).await?;
                Ok((refund, payment))
            })
            .await?;
        Ok(Response::new(pb::RefundPaymentResponse {
            refund: Some(refund_to_proto(refund)),
            payment: Some(payment_to_proto(payment)),
        }))
    }

    async fn create_payment_batch(
        &self,
        request: Request<pb::CreatePaymentBatchRequest>,
    ) -> Result<Response<pb::CreatePaymentBatchResponse>, Status> {
        if ec_common::grpc::caller_of(&request) != Some(ORDER_SERVICE) {
            return Err(Fault::new(ErrorCode::Forbidden, "only the order service pays batches (its imports)").into());
        }
        let r = request.into_inner();
        let batch_id = r.batch_id.trim().to_owned();
        if batch_id.is_empty() {
            return Err(Status::from(Fault::field(FieldViolation::required("batch_id"))));
        }
        if batch_id.len() > 100 {
            return Err(Status::from(Fault::field(FieldViolation::too_long("batch_id", 100))));
        }
        if r.items.len() > MAX_BATCH_ITEMS {
            return Err(Status::from(Fault::field(FieldViolation::new(
                "items",
                FieldCode::TooMany,
                &[("max", &MAX_BATCH_ITEMS)],
            ))));
        }
        // Validate each item on its own: a refused item never stops the rest.
        let mut results: Vec<pb::BatchPaymentResult> = Vec::with_capacity(r.items.len());
        let mut accepted = Vec::with_capacity(r.items.len());
        let mut slots = Vec::with_capacity(r.items.len());
        // The batch's payments belong to the trace of the import that asked.
        let carried = ec_outbox::Carried::current();
        for (i, item) in r.items.iter().enumerate() {
            results.push(pb::BatchPaymentResult { order_id: item.order_id, ..Default::default() });
            let req = pb::CreatePaymentRequest {
                order_id: item.order_id,
                amount: item.amount,
                currency: "JPY".into(),
                method: r.method.clone(),
                ..Default::default()
            };
            match NewPayment::parse(req) {
                Ok(mut p) => {
                    p.batch_id = Some(batch_id.clone());
                    p.carried = carried.clone();
                    accepted.push(p);
                    slots.push(i);
                }
                Err(f) => {
                    results[i].error_reason = f.code.as_str().to_owned();
                    results[i].error_message = f.message;
                }
            }
        }
        let store = self.store.clone();
        let delay = self.processing_delay;
        let taken = self
            .detached(async move {
                if !delay.is_zero() {
                    tokio::time::sleep(delay).await;
                }
                store.create_many(accepted).await
            })
            .await?;
        for (i, outcome) in slots.into_iter().zip(taken) {
            match outcome {
                Ok(v) => results[i].payment_id = v.payment.id,
                Err(e) => {
                    let s = Status::from(e);
                    results[i].error_reason = ec_common::error::decode(&s).code.as_str().to_owned();
                    results[i].error_message = s.message().to_owned();
                }
            }
        }
        let rejections =
            results.iter().filter(|r| r.payment_id == 0).map(|r| (r.order_id, r.error_reason.clone())).collect();
        self.store.reject(batch_id, rejections).await?;
        Ok(Response::new(pb::CreatePaymentBatchResponse { results }))
    }

    async fn get_payment_batch(
        &self,
        request: Request<pb::GetPaymentBatchRequest>,
    ) -> Result<Response<pb::GetPaymentBatchResponse>, Status> {
        let batch_id = request.into_inner().batch_id;
        let s = self.store.batch_summary(&batch_id).await?;
        if s.succeeded + s.failed == 0 {
            return Err(Fault::not_found(format!("no payment batch {batch_id:?}")).into());
        }
        Ok(Response::new(pb::GetPaymentBatchResponse {
            batch_id,
            count: s.succeeded + s.failed,
            succeeded: s.succeeded,
            failed: s.failed,
            total_amount: s.total_amount,
        }))
    }
}

/// `payment_failed` for ORDER_STATUS_PAYMENT_FAILED: the REST spelling.
fn status_name(s: opb::OrderStatus) -> String {
    s.as_str_name().trim_start_matches("ORDER_STATUS_").to_ascii_lowercase()
}

fn order_lookup_failed(s: &Status) -> Fault {
    if ec_common::error::is_timeout(s) {
        Fault::new(ErrorCode::DeadlineExceeded, "the order service did not answer in time")
    } else if ec_common::error::is_unreachable(s) {
        Fault::new(ErrorCode::Unavailable, "the order service is unavailable; the payment was not taken")
    } else {
        tracing::error!(code = ?s.code(), message = s.message(), "order look-up failed");
        Fault::internal()
    }
}
