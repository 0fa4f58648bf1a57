//! Reports payment status changes to the order service (seed section 4:
//! payment -> order `POST /api/v1/orders/{id}/webhook`, 10 s).
//!
//! Reports are sent after the answer, never making the payer wait. They are
//! coalesced: one sender task collects what arrives within a few
//! milliseconds and sends it as one `HandlePaymentWebhooks` call, so under
//! load one RPC carries many events instead of one RPC per payment. The
//! order service applies each event once (by `event_id`), so the retries
//! here are safe.
//!
//! Tracing: each event is published in a `payment_event publish` span of the
//! payment's own trace and carries that span's context; the order service
//! applies it under that context, so every payment's webhook is in its own
//! trace. The coalesced call does the work of many traces and belongs to
//! none: it is a trace of its own, linked to every event it carries.

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
    tx: mpsc::UnboundedSender<HandlePaymentWebhookRequest>,
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
        let publish = tracing::info_span!(
            "payment_event publish",
            otel.kind = "producer",
            ec.order_id = order_id,
            ec.event_id = %event_id,
        );
        let trace_context = publish.in_scope(ec_common::telemetry::context_carrier);
        let event = HandlePaymentWebhookRequest {
            order_id,
            payment_id,
            status: status as i32,
            amount,
            event_id,
            trace_context,
        };
        if self.tx.send(event).is_err() {
            tracing::warn!(order_id, "webhook sender stopped; event not sent (the order service reconciles)");
        }
    }
}

async fn send_loop(
    client: OrderServiceClient<Channel>,
    timeout: Duration,
    mut rx: mpsc::UnboundedReceiver<HandlePaymentWebhookRequest>,
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
        let events = std::mem::replace(&mut batch, Vec::with_capacity(MAX_EVENTS));
        let span = tracing::info_span!(parent: None, "payment_webhooks send", events = events.len());
        for event in &events {
            ec_common::telemetry::link_carried(&span, &event.trace_context);
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
