//! Delivers the payment service's outbox (topic `payment.event`) to the
//! order service: seed section 4's payment -> order webhook, 10 s deadline.
//!
//! Many events travel in one `HandlePaymentWebhooks` call (a throughput
//! win); each carries the trace context of the payment or refund that wrote
//! it, and the order service applies it in that trace. The order service
//! applies an event id once, so a repeat after a lost answer is harmless.

use std::time::Duration;

use ec_common::{deadline::Deadline, grpc::TracedChannel as Channel};
use ec_outbox::{Deliver, Failure, Pending};
use ec_proto::order::v1::{
    HandlePaymentWebhookRequest, HandlePaymentWebhooksRequest, order_service_client::OrderServiceClient,
};
use prost::Message;

pub struct PaymentEvents {
    client: OrderServiceClient<Channel>,
    timeout: Duration,
}

impl PaymentEvents {
    pub fn new(order: Channel, timeout: Duration) -> Self {
        Self { client: OrderServiceClient::new(order), timeout }
    }
}

/// What the order service answered for an event: it is applied (or changed
/// nothing); or it failed on the order service's side (try again); or the
/// event can never apply (no such order, invalid): dead-lettered at once.
fn outcome(reason: &str) -> Result<(), Failure> {
    match reason {
        "" => Ok(()),
        "INTERNAL" | "UNAVAILABLE" | "DEADLINE_EXCEEDED" => Err(Failure::transient(reason)),
        other => Err(Failure::permanent(format!("the order service refused it: {other}"))),
    }
}

#[async_trait::async_trait]
impl Deliver for PaymentEvents {
    async fn deliver(&self, _topic: &str, events: &[Pending]) -> Vec<Result<(), Failure>> {
        let mut sent = Vec::with_capacity(events.len());
        let mut slots = Vec::with_capacity(events.len());
        let mut outcomes: Vec<Result<(), Failure>> = Vec::with_capacity(events.len());
        for (i, e) in events.iter().enumerate() {
            match HandlePaymentWebhookRequest::decode(e.payload.as_slice()) {
                Ok(mut m) => {
                    m.trace_context = e.trace_context.clone();
                    sent.push(m);
                    slots.push(i);
                    outcomes.push(Ok(()));
                }
                Err(err) => outcomes.push(Err(Failure::permanent(format!("unreadable event: {err}")))),
            }
        }
        if sent.is_empty() {
            return outcomes;
        }
        let request = match Deadline::NONE.request(HandlePaymentWebhooksRequest { events: sent }, self.timeout) {
            Ok(r) => r,
            Err(s) => return events.iter().map(|_| Err(Failure::transient(s.message().to_owned()))).collect(),
        };
        match self.client.clone().handle_payment_webhooks(request).await {
            Ok(r) => {
                let results = r.into_inner().results;
                for (k, slot) in slots.into_iter().enumerate() {
                    outcomes[slot] = match results.get(k) {
                        Some(r) => outcome(&r.error_reason),
                        None => Err(Failure::transient("the order service answered fewer results than events")),
                    };
                }
                outcomes
            }
            Err(s) => {
                let why = format!("{:?}: {}", s.code(), s.message());
                for slot in slots {
                    outcomes[slot] = Err(Failure::transient(why.clone()));
                }
                outcomes
            }
        }
    }
}
