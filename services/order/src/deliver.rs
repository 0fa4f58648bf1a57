//! What the order service's outbox delivers: refunds owed by cancelled
//! orders (topic `order.refund`), to the payment service.
//!
//! The cancel flow refunds at once and marks the event delivered; the
//! outbox's first attempt falls due a little later, so it only ever runs
//! when the flow could not (the payment service down, the process killed).
//! A repeat is harmless: the refund's idempotency key is the order's.

use std::time::Duration;

use ec_common::deadline::Deadline;
use ec_outbox::{Carried, Deliver, Failure, NewEvent, Pending};
use tonic::Code;
use tracing::Instrument;

use crate::{domain::keys, flows::Flows};

pub const REFUND_TOPIC: &str = "order.refund";

/// How long the cancel flow has to refund by itself before the outbox does.
const INLINE_GRACE: Duration = Duration::from_secs(5);

/// The outbox row of a refund a cancelled order owes.
pub fn refund_owed(order_id: i64, carried: Carried) -> NewEvent {
    NewEvent {
        topic: REFUND_TOPIC,
        key: keys::cancel_refund(order_id),
        order_id,
        // The order says it all: the refund is what is left of its payment.
        payload: Vec::new(),
        summary: format!("refund of cancelled order {order_id}"),
        carried,
        first_attempt_in: INLINE_GRACE,
    }
}

pub struct OrderEvents {
    pub flows: Flows,
}

#[async_trait::async_trait]
impl Deliver for OrderEvents {
    async fn deliver(&self, topic: &str, events: &[Pending]) -> Vec<Result<(), Failure>> {
        let mut out = Vec::with_capacity(events.len());
        for e in events {
            out.push(match topic {
                REFUND_TOPIC => self.refund(e).await,
                other => Err(Failure::permanent(format!("no deliverer for topic {other}"))),
            });
        }
        out
    }
}

impl OrderEvents {
    async fn refund(&self, e: &Pending) -> Result<(), Failure> {
        let span = tracing::info_span!("order_refund deliver", otel.kind = "consumer", ec.order_id = e.order_id);
        ec_common::telemetry::continue_carried(&span, &e.trace_context);
        match self.flows.refund(e.order_id, Deadline::NONE).instrument(span).await {
            Ok(amount) => {
                tracing::info!(order_id = e.order_id, amount, "owed refund done");
                Ok(())
            }
            Err(s) if matches!(s.code(), Code::InvalidArgument | Code::FailedPrecondition | Code::NotFound) => {
                Err(Failure::permanent(format!("{:?}: {}", s.code(), s.message())))
            }
            Err(s) => Err(Failure::transient(format!("{:?}: {}", s.code(), s.message()))),
        }
    }
}
