//! The tonic layer: decode, act, encode. No logic.

use std::time::Duration;

use ec_common::{deadline::Deadline, error::Fault};
use ec_proto::{
    order::v1::PaymentEventStatus,
    payment::v1::{self as pb, payment_service_server::PaymentService},
};
use tonic::{Request, Response, Status};
use tracing::Instrument;

use crate::{
    domain::{NewPayment, PaymentStatus},
    entity::refunds,
    error::Error,
    store::{PaymentView, RefundRequest, Store},
    webhook::Webhook,
};

#[derive(Clone)]
pub struct PaymentGrpc {
    store: Store,
    webhook: Webhook,
    processing_delay: Duration,
}

impl PaymentGrpc {
    pub fn new(store: Store, webhook: Webhook, processing_delay: Duration) -> Self {
        Self { store, webhook, processing_delay }
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

pub fn payment_to_proto(v: PaymentView) -> pb::Payment {
    let p = v.payment;
    pb::Payment {
        id: p.id,
        order_id: p.order_id,
        amount: p.amount,
        currency: p.currency,
        method: p.method,
        status: PaymentStatus::parse(&p.status).to_proto() as i32,
        refunded_amount: p.refunded_amount,
        refunds: v.refunds.into_iter().map(refund_to_proto).collect(),
        created_at: Some(ec_common::time::to_proto(p.created_at)),
        updated_at: Some(ec_common::time::to_proto(p.updated_at)),
    }
}

fn refund_to_proto(r: refunds::Model) -> pb::Refund {
    pb::Refund {
        id: r.id,
        payment_id: r.payment_id,
        amount: r.amount,
        reason: r.reason,
        created_at: Some(ec_common::time::to_proto(r.created_at)),
    }
}

#[tonic::async_trait]
impl PaymentService for PaymentGrpc {
    #[tracing::instrument(skip_all)]
    async fn create_payment(
        &self,
        request: Request<pb::CreatePaymentRequest>,
    ) -> Result<Response<pb::CreatePaymentResponse>, Status> {
        let deadline = Deadline::from_request(&request);
        let new = NewPayment::parse(request.into_inner())?;
        let this = self.clone();
        let payment = self
            .detached(async move {
                if !this.processing_delay.is_zero() {
                    tokio::time::sleep(this.processing_delay).await;
                }
                let v = this.store.create(new, deadline).await?;
                let p = &v.payment;
                this.webhook.report(
                    p.order_id,
                    p.id,
                    PaymentEventStatus::Completed,
                    p.amount,
                    format!("payment-{}-completed", p.id),
                );
                Ok(v)
            })
            .await?;
        Ok(Response::new(pb::CreatePaymentResponse { payment: Some(payment_to_proto(payment)) }))
    }

    #[tracing::instrument(skip_all)]
    async fn get_payment(
        &self,
        request: Request<pb::GetPaymentRequest>,
    ) -> Result<Response<pb::GetPaymentResponse>, Status> {
        let v = self.store.get(request.into_inner().id).await?;
        Ok(Response::new(pb::GetPaymentResponse { payment: Some(payment_to_proto(v)) }))
    }

    #[tracing::instrument(skip_all)]
    async fn get_payment_by_order(
        &self,
        request: Request<pb::GetPaymentByOrderRequest>,
    ) -> Result<Response<pb::GetPaymentByOrderResponse>, Status> {
        let v = self.store.by_order(request.into_inner().order_id).await?;
        Ok(Response::new(pb::GetPaymentByOrderResponse { payment: Some(payment_to_proto(v)) }))
    }

    #[tracing::instrument(skip_all)]
    async fn refund_payment(
        &self,
        request: Request<pb::RefundPaymentRequest>,
    ) -> Result<Response<pb::RefundPaymentResponse>, Status> {
        let r = request.into_inner();
        let reason = r.reason.trim();
        if reason.chars().count() > 500 {
            return Err(Fault::validation(vec![ec_common::error::FieldViolation::new(
                "reason",
                "must be at most 500 characters",
            )])
            .into());
        }
        let key = Some(r.idempotency_key.trim().to_owned()).filter(|k| !k.is_empty());
        let req = RefundRequest {
            payment_id: r.payment_id,
            amount: r.amount,
            reason: reason.to_owned(),
            idempotency_key: key,
        };
        let this = self.clone();
        let (refund, payment) = self
            .detached(async move {
                let (refund, payment, replayed) = this.store.refund(req).await?;
                if !replayed {
                    let p = &payment.payment;
                    this.webhook.report(
                        p.order_id,
                        p.id,
                        PaymentEventStatus::Refunded,
                        refund.amount,
                        format!("refund-{}", refund.id),
                    );
                }
                Ok((refund, payment))
            })
            .await?;
        Ok(Response::new(pb::RefundPaymentResponse {
            refund: Some(refund_to_proto(refund)),
            payment: Some(payment_to_proto(payment)),
        }))
    }
}
