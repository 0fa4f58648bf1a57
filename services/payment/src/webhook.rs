//! Reports payment status changes to the order service (seed section 4:
//! payment -> order `POST /api/v1/orders/{id}/webhook`, 10 s).
//!
//! Reports are sent after the answer, never making the payer wait. They are
//! coalesced: one sender task collects what arrives within a few
//! milliseconds and sends it as one `HandlePaymentWebhooks` call, so under
//! load one RPC carries many events instead of one RPC per payment. The
//! order service applies each event once (by `event_id`), so the retries
//! here are safe. The call runs in a span whose parent is the first event's
//! span (linked to the others'), so a payment's webhook shows up in its trace.

use std::time::Duration;

use ec_common::{deadline::Deadline, grpc::TracedChannel as Channel};
use ec_proto::order::v1::{
    HandlePaymentWebhookRequest, HandlePaymentWebhooksRequest, PaymentEventStatus,
    order_service_client::OrderServiceClient,
};
use tokio::sync::mpsc;
use tracing::Instrument;

const ATTEMPTS: u32 = 3;
/// How long the sender waits for more events after the first one.
const LINGER: Duration = Duration::from_millis(3);
const MAX_EVENTS: usize = 500;

#[derive(Clone)]
pub struct Webhook {
    tx: mpsc::UnboundedSender<(HandlePaymentWebhookRequest, tracing::Span)>,
}

impl Webhook {
    /// Starts the sender task.
    pub fn new(order: Channel, timeout: Duration) -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(send_loop(OrderServiceClient::new(order), timeout, rx));
        Self { tx }
    }

    /// Queues one event; it is sent within milliseconds.
    pub fn report(&self, order_id: i64, payment_id: i64, status: PaymentEventStatus, amount: i64, event_id: String) {
        let event = HandlePaymentWebhookRequest { order_id, payment_id, status: status as i32, amount, event_id };
        if self.tx.send((event, tracing::Span::current())).is_err() {
            tracing::warn!(order_id, "webhook sender stopped; event not sent (the order service reconciles)");
        }
    }
}

async fn send_loop(
    client: OrderServiceClient<Channel>,
    timeout: Duration,
    mut rx: mpsc::UnboundedReceiver<(HandlePaymentWebhookRequest, tracing::Span)>,
) {
    let mut batch = Vec::with_capacity(MAX_EVENTS);
    while rx.recv_many(&mut batch, MAX_EVENTS).await > 0 {
        // Linger a moment: under load, many payments complete together.
        tokio::time::sleep(LINGER).await;
        while batch.len() < MAX_EVENTS {
            match rx.try_recv() {
                Ok(item) => batch.push(item),
                Err(_) => break,
            }
        }
        let (events, spans): (Vec<_>, Vec<_>) = batch.drain(..).unzip();
        let span = tracing::info_span!(parent: &spans[0], "payment_webhooks", events = events.len());
        for other in spans.iter().skip(1) {
            span.follows_from(other);
        }
        // Sent in the background so the next batch can gather meanwhile.
        tokio::spawn(send(client.clone(), timeout, events).instrument(span));
    }
}

async fn send(mut client: OrderServiceClient<Channel>, timeout: Duration, events: Vec<HandlePaymentWebhookRequest>) {
    let request = HandlePaymentWebhooksRequest { events };
    for attempt in 1..=ATTEMPTS {
        let Ok(req) = Deadline::NONE.request(request.clone(), timeout) else { return };
        match client.handle_payment_webhooks(req).await {
            Ok(r) => {
                for (event, result) in request.events.iter().zip(r.into_inner().results) {
                    if !result.error_reason.is_empty() {
                        tracing::warn!(order_id = event.order_id, reason = %result.error_reason, "webhook event refused");
                    }
                }
                return;
            }
            Err(s) => {
                tracing::warn!(attempt, code = ?s.code(), message = s.message(), events = request.events.len(), "webhook failed");
                tokio::time::sleep(Duration::from_millis(500 * u64::from(attempt))).await;
            }
        }
    }
}
