//! Finishes what a failure interrupted, so no order is left in limbo:
//!
//! - `payment_processing` orders older than every payment call that could
//!   still be running for them are settled by asking the payment service
//!   (payment found: paid; none: payment_failed; service down: later);
//! - mails an order still owes are handed to the notification service
//!   (deduplicated there by idempotency key);
//! - refunds owed by cancelled orders are retried (idempotent too).

use std::time::Duration;

use ec_common::deadline::Deadline;
use ec_common::grpc::TracedChannel as Channel;
use ec_proto::payment::v1::{GetPaymentByOrderRequest, payment_service_client::PaymentServiceClient};
use tonic::Code;

use crate::{domain::OrderStatus, flows::Flows, store::Transition};

const PASS_LIMIT: u64 = 200;

/// How the status history names what the reconciler settles.
pub const ACTOR: &str = "system:reconciler";

pub async fn run(
    flows: Flows,
    payment: Channel,
    interval: Duration,
    stuck_after: Duration,
    stop: impl Future<Output = ()>,
) {
    let mut payment = PaymentServiceClient::new(payment);
    let mut tick = tokio::time::interval(interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tokio::pin!(stop);
    loop {
        tokio::select! {
            () = &mut stop => return,
            _ = tick.tick() => {}
        }
        if let Err(e) = pass(&flows, &mut payment, stuck_after).await {
            tracing::warn!(error = %e, "reconciliation pass failed");
        }
    }
}

async fn pass(
    flows: &Flows,
    payment: &mut PaymentServiceClient<Channel>,
    stuck_after: Duration,
) -> Result<(), crate::error::Error> {
    let now = chrono::Utc::now();
    let cutoff = now - chrono::Duration::from_std(stuck_after).unwrap_or_default();
    for order in flows.store.stale(OrderStatus::PaymentProcessing, cutoff, PASS_LIMIT).await? {
        let req = Deadline::NONE
            .request(GetPaymentByOrderRequest { order_id: order.id }, Duration::from_secs(10))
            .map_err(|status| crate::error::Error::Upstream { service: "payment", status, order_id: Some(order.id) })?;
        let to = match payment.get_payment_by_order(req).await {
            Ok(_) => OrderStatus::Paid,
            Err(s) if s.code() == Code::NotFound => OrderStatus::PaymentFailed,
            Err(s) => {
                tracing::debug!(order_id = order.id, code = ?s.code(), "payment service not reachable; will retry");
                break;
            }
        };
        let t = flows.store.transition(Transition::lenient(order.id, to).by(ACTOR)).await?;
        tracing::info!(order_id = order.id, status = %t.status, "reconciled a stuck payment");
    }
    // Mails and refunds: give the flow that made the debt a moment to pay it
    // itself (else both do it: harmless, the keys dedupe, but the work and
    // its trace would land in the reconciler's pass).
    let grace = now - chrono::Duration::seconds(2);
    for order in flows.store.owing_mail(grace, PASS_LIMIT).await? {
        flows.deliver_owed(&order, order.pending_notification, Deadline::NONE).await;
    }
    for order in flows.store.owing_refund(grace, PASS_LIMIT).await? {
        match flows.refund(order.id, Deadline::NONE).await {
            Ok(amount) => tracing::info!(order_id = order.id, amount, "owed refund done"),
            Err(s) => {
                tracing::debug!(order_id = order.id, code = ?s.code(), "refund still failing; will retry");
                break;
            }
        }
    }
    Ok(())
}
