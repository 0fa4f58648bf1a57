//! Reports payment status changes to the order service (seed section 4:
//! payment -> order `POST /api/v1/orders/{id}/webhook`, 10 s), as the
//! `HandlePaymentWebhook` RPC.
//!
//! Sent after the answer, in a task of its own, so the payer never waits for
//! it; the order service applies each event once (by `event_id`), so the
//! retries here are safe. The task carries the caller's span, so the webhook
//! shows up in the same trace.

use std::time::Duration;

use ec_common::deadline::Deadline;
use ec_common::grpc::TracedChannel as Channel;
use ec_proto::order::v1::{HandlePaymentWebhookRequest, PaymentEventStatus, order_service_client::OrderServiceClient};
use tonic::Code;
use tracing::Instrument;

const ATTEMPTS: u32 = 3;

#[derive(Clone)]
pub struct Webhook {
    client: OrderServiceClient<Channel>,
    timeout: Duration,
}

impl Webhook {
    pub fn new(order: Channel, timeout: Duration) -> Self {
        Self { client: OrderServiceClient::new(order), timeout }
    }

    /// Sends the event in the background.
    pub fn report(&self, order_id: i64, payment_id: i64, status: PaymentEventStatus, amount: i64, event_id: String) {
        let this = self.clone();
        let span = tracing::info_span!("payment_webhook", order_id, payment_id, event_id = %event_id);
        tokio::spawn(
            async move {
                let event =
                    HandlePaymentWebhookRequest { order_id, payment_id, status: status as i32, amount, event_id };
                for attempt in 1..=ATTEMPTS {
                    let request = match Deadline::NONE.request(event.clone(), this.timeout) {
                        Ok(r) => r,
                        Err(_) => return,
                    };
                    match this.client.clone().handle_payment_webhook(request).await {
                        Ok(_) => return,
                        // The order service answered: nothing a retry can fix.
                        Err(s) if matches!(s.code(), Code::NotFound | Code::InvalidArgument) => {
                            tracing::warn!(code = ?s.code(), message = s.message(), "webhook refused");
                            return;
                        }
                        Err(s) => {
                            tracing::warn!(attempt, code = ?s.code(), message = s.message(), "webhook failed");
                            tokio::time::sleep(Duration::from_millis(500 * u64::from(attempt))).await;
                        }
                    }
                }
            }
            .instrument(span),
        );
    }
}
