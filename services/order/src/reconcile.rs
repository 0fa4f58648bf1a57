//! Finishes what a failure interrupted, so no order is left in limbo:
//!
//! - `payment_processing` orders whose flow is gone (a crash, or a payment
//!   service down for longer than the call's deadline) are paid and
//!   confirmed by the reconciler. Their payment carries the order's
//!   idempotency key, so however many flows try, it is taken once; and no
//!   fixed wait is needed: an order is settled within a pass or two of the
//!   payment service answering again;
//! - mails an order still owes are handed to the notification service
//!   (deduplicated there by idempotency key).
//!
//! Refunds owed by cancelled orders are the outbox's (see [`crate::deliver`]).

use std::time::Duration;

use ec_common::deadline::Deadline;

use crate::{domain::OrderStatus, error::Error, flows::Flows};

const PASS_LIMIT: u64 = 200;

/// How the status history names what the reconciler settles.
pub const ACTOR: &str = "system:reconciler";

/// Runs a pass every `interval`, on one replica at a time: the one holding
/// the `reconciler` lease (renewed each pass; another replica takes it
/// over a few intervals after its holder stops).
pub async fn run(flows: Flows, interval: Duration, stop: impl Future<Output = ()>) {
    let owner = ec_common::lease::owner("order-service");
    let lease = (interval * 3).max(Duration::from_secs(5));
    let mut tick = tokio::time::interval(interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tokio::pin!(stop);
    loop {
        tokio::select! {
            () = &mut stop => {
                // A clean stop hands the work on at once.
                let _ = ec_common::lease::release(flows.store.db(), "reconciler", &owner).await;
                return;
            }
            _ = tick.tick() => {}
        }
        match ec_common::lease::claim(flows.store.db(), "reconciler", &owner, lease).await {
            Ok(true) => {}
            Ok(false) => continue,
            Err(e) => {
                tracing::warn!(error = %e, "cannot claim the reconciler's lease");
                continue;
            }
        }
        if let Err(e) = pass(&flows).await {
            tracing::warn!(error = %e, "reconciliation pass failed");
        }
    }
}

/// How long a flow has to finish what it started before the reconciler
/// finishes it: enough for the create flow to register itself as live.
const GRACE: chrono::Duration = chrono::Duration::seconds(2);

async fn pass(flows: &Flows) -> Result<(), Error> {
    let now = chrono::Utc::now();
    let grace = now - GRACE;
    for order in flows.store.stale(OrderStatus::PaymentProcessing, grace, PASS_LIMIT).await? {
        if flows.is_live(order.id) {
            continue;
        }
        let order = flows.store.get(order.id).await?;
        match flows.resume(order, ACTOR).await {
            Ok(o) => tracing::info!(order_id = o.id(), status = %o.status, "settled an interrupted order"),
            Err(Error::Upstream { status, .. }) => {
                tracing::debug!(code = ?status.code(), "payment service not answering; will retry");
                break;
            }
            // Rejected (now payment_failed) or taken over by a replay.
            Err(e) => tracing::info!(error = %e, "interrupted order not paid"),
        }
    }
    // Mails: the same grace lets the flow that made the debt pay it itself
    // (else both do it: harmless, the keys dedupe, but the work and its
    // trace would land in the reconciler's pass).
    for order in flows.store.owing_mail(grace, PASS_LIMIT).await? {
        flows.deliver_owed(&order, order.pending_notification, Deadline::NONE).await;
    }
    Ok(())
}
