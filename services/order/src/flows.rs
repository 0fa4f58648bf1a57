//! The seed's flows, orchestrated by the order service.
//!
//! Each flow runs in a task of its own (see [`crate::grpc`]) so a caller that
//! hangs up cannot stop it halfway. Onward calls get their deadline from
//! [`Deadline::request`]: the hop's own (30 s payment, 10 s notification) or
//! what is left of the caller's, whichever is smaller.

use std::{
    collections::{HashMap, HashSet},
    sync::{Arc, Mutex},
};

use ec_common::grpc::TracedChannel as Channel;
use ec_common::{
    deadline::Deadline,
    error::{ErrorCode, Fault, FieldViolation},
    retry,
    vocab::TemplateCode,
};
use ec_proto::{
    notification::v1::{SendEmailRequest, notification_service_client::NotificationServiceClient},
    order::v1 as pb,
    payment::v1::{
        CreatePaymentRequest, GetPaymentByOrderRequest, Payment, RefundPaymentRequest,
        payment_service_client::PaymentServiceClient,
    },
};
use tonic::Code;

use crate::{
    config::Config,
    domain::{NewOrder, OrderStatus, PaymentEventKind, keys},
    error::Error,
    store::{HistoryEntry, Inserted, OrderView, Outcome, PaymentEvent, Store, Transition, Transitioned},
};

#[derive(Clone)]
pub struct Flows {
    pub store: Store,
    payment: PaymentServiceClient<Channel>,
    notification: NotificationServiceClient<Channel>,
    config: Config,
    /// Flows running detached from their callers (see [`Flows::spawn`]).
    tasks: tokio_util::task::TaskTracker,
    /// Orders a flow of this process is paying now.
    live: Live,
    /// What this service owes others (refunds), written with the changes.
    pub outbox: ec_outbox::Outbox,
}

/// What a create request answered.
pub struct Created {
    pub order: OrderView,
    pub replayed: bool,
}

impl Flows {
    pub fn new(
        store: Store,
        outbox: ec_outbox::Outbox,
        payment: Channel,
        notification: Channel,
        config: Config,
    ) -> Self {
        Self {
            store,
            payment: PaymentServiceClient::new(payment),
            notification: NotificationServiceClient::new(notification),
            config,
            tasks: tokio_util::task::TaskTracker::new(),
            live: Live::default(),
            outbox,
        }
    }

    /// Runs a flow in a task of its own, so a caller that hangs up cannot
    /// stop it between two steps; shutdown waits for these ([`Flows::drain`]).
    pub fn spawn<T: Send + 'static>(
        &self,
        work: impl Future<Output = T> + Send + 'static,
    ) -> tokio::task::JoinHandle<T> {
        self.tasks.spawn(work)
    }

    /// Waits (at most `within`) for running flows to finish.
    pub async fn drain(&self, within: std::time::Duration) {
        self.tasks.close();
        let _ = tokio::time::timeout(within, self.tasks.wait()).await;
    }

    /// Seed 5.1: validate, total, store (pending -> payment_processing), pay,
    /// paid, ORDER_CONFIRMATION, answer.
    pub async fn create(
        &self,
        req: pb::CreateOrderRequest,
        deadline: Deadline,
        actor: String,
    ) -> Result<Created, Error> {
        let mut new = NewOrder::parse(req)?;
        new.created_by = Some(actor.clone());
        new.trace_id = ec_common::telemetry::current_trace_id();
        let order = match self.store.insert(new).await? {
            Inserted::New(order) => *order,
            Inserted::Existing(id) => return self.replay(id, deadline, actor).await,
        };
        let Some(_live) = self.live.hold(order.id()) else {
            // Only a replay can hold it first, and it waits for nothing.
            return Err(still_running(order.id()).into());
        };
        let order = self.pay_and_confirm(order, deadline, &actor).await?;
        Ok(Created { order, replayed: false })
    }

    /// Pays a stored order (payment_processing), makes it paid and queues
    /// its confirmation. Safe to run again for the same order, by a replay
    /// or the reconciler, after a crash: the payment carries the order's
    /// idempotency key, so it is taken once whoever asks.
    pub async fn pay_and_confirm(
        &self,
        mut order: OrderView,
        deadline: Deadline,
        actor: &str,
    ) -> Result<OrderView, Error> {
        let id = order.id();
        let request = CreatePaymentRequest {
            order_id: id,
            amount: order.order.total_amount,
            currency: "JPY".into(),
            method: String::new(),
            idempotency_key: keys::order_payment(id),
        };
        let hop = self.config.payment_timeout();
        let paid = retry::within_deadline(deadline, hop, |d| {
            let (mut client, request) = (self.payment.clone(), request.clone());
            async move {
                let mut r = d.request(request, hop)?;
                ec_common::grpc::set_principal(&mut r, actor);
                client.create_payment(r).await
            }
        })
        .await;
        match paid {
            Ok(_) => {}
            // Paid before, by the same order under another key (an older
            // release): the order is paid all the same.
            Err(s) if s.code() == Code::AlreadyExists => {}
            Err(s) if matches!(s.code(), Code::InvalidArgument | Code::FailedPrecondition) => {
                let t = self.store.transition(Transition::lenient(id, OrderStatus::PaymentFailed).by(actor)).await?;
                tracing::info!(order_id = id, reason = s.message(), "payment rejected");
                return Err(payment_rejected(id, s.message(), t.status).into());
            }
            Err(s) => {
                // The outcome is unknown: keep payment_processing; the
                // reconciler pays it (same key) once the service answers.
                tracing::warn!(order_id = id, code = ?s.code(), message = s.message(), "payment call failed; order kept for reconciliation");
                return Err(Error::Upstream { service: "payment", status: s, order_id: Some(id) });
            }
        }
        let t = self.store.transition(Transition::lenient(id, OrderStatus::Paid).by(actor)).await?;
        apply(&mut order, &t, actor);
        self.deliver_owed(&order.order, t.pending_notification, deadline).await;
        Ok(order)
    }

    /// Answers a repeated request (same idempotency key and body) from what
    /// the first one did. A first request that a crash interrupted (its
    /// order waits for a payment and no flow of this process runs for it) is
    /// finished now, so a client retrying after an outage gets its order.
    async fn replay(&self, id: i64, deadline: Deadline, actor: String) -> Result<Created, Error> {
        let order = self.store.get(id).await?;
        match order.status {
            OrderStatus::PaymentFailed => {
                Err(payment_rejected(id, "the payment of this order was rejected", order.status).into())
            }
            OrderStatus::Pending | OrderStatus::PaymentProcessing => {
                if let Some(_live) = self.live.hold(id) {
                    let order = self.pay_and_confirm(order, deadline, &actor).await?;
                    return Ok(Created { order, replayed: true });
                }
                // Another flow (the first request, or the reconciler after a
                // restart) is paying it: its outcome is this answer too.
                if !self.live.released(id, deadline).await {
                    return Err(still_running(id).into());
                }
                Box::pin(self.replay(id, deadline, actor)).await
            }
            _ => Ok(Created { order, replayed: true }),
        }
    }

    /// Finishes an order whose flow is gone, as `actor`: pays it (with its
    /// own deadline, the payment hop's) and confirms it, unless a flow of
    /// this process took it over meanwhile.
    pub async fn resume(&self, order: OrderView, actor: &str) -> Result<OrderView, Error> {
        if !matches!(order.status, OrderStatus::Pending | OrderStatus::PaymentProcessing) {
            return Ok(order);
        }
        let Some(_live) = self.live.hold(order.id()) else { return Err(still_running(order.id()).into()) };
        self.pay_and_confirm(order, Deadline::NONE, actor).await
    }

    /// Whether a flow of this process is paying the order now.
    pub fn is_live(&self, id: i64) -> bool {
        self.live.contains(id)
    }

    /// Seed 5.2: cancelled, look up the payment, refund, ORDER_CANCELLED.
    /// Answers the order and what was refunded.
    pub async fn cancel(&self, id: i64, deadline: Deadline, actor: String) -> Result<(OrderView, i64), Error> {
        let before = self.store.get(id).await?;
        if before.status == OrderStatus::PaymentProcessing {
            return Err(Fault::new(
                ErrorCode::PaymentPending,
                format!("order {id} is waiting for its payment and cannot be cancelled yet"),
            )
            .with("order_id", id)
            .into());
        }
        let mut t = Transition::strict(id, OrderStatus::Cancelled).by(actor);
        t.refund_due = before.status == OrderStatus::Paid;
        t.carried = ec_outbox::Carried::current();
        let t = self.store.transition(t).await?;
        let mut refunded = 0;
        if t.refund_due {
            // The refund is owed in the outbox (written with the cancel);
            // done here it is marked delivered, else the outbox retries it.
            let started = std::time::Instant::now();
            refunded = self.refund(id, deadline).await.map_err(|status| Error::Upstream {
                service: "payment",
                status,
                order_id: Some(id),
            })?;
            if let Err(e) = self.outbox.delivered_inline(&keys::cancel_refund(id), started.elapsed()).await {
                tracing::warn!(order_id = id, error = %e, "refund done but not marked delivered; the outbox repeats it (idempotent)");
            }
        }
        let order = self.store.get(id).await?;
        self.deliver_owed(&order.order, t.pending_notification, deadline).await;
        Ok((order, refunded))
    }

    /// Refunds what is left of an order's payment. Idempotent: the refund's
    /// key is derived from the order.
    pub async fn refund(&self, id: i64, deadline: Deadline) -> Result<i64, tonic::Status> {
        let hop = self.config.payment_timeout();
        let lookup = retry::within_deadline(deadline, hop, |d| {
            let mut client = self.payment.clone();
            async move { client.get_payment_by_order(d.request(GetPaymentByOrderRequest { order_id: id }, hop)?).await }
        })
        .await;
        let payment = match lookup {
            Ok(r) => r.into_inner().payment,
            Err(s) if s.code() == Code::NotFound => None,
            Err(s) => return Err(s),
        };
        let refunded = match payment {
            Some(Payment { id: payment_id, amount, refunded_amount, .. }) if refunded_amount < amount => {
                let req = RefundPaymentRequest {
                    payment_id,
                    amount: None,
                    reason: "order cancelled".into(),
                    idempotency_key: keys::cancel_refund(id),
                };
                let r = retry::within_deadline(deadline, hop, |d| {
                    let (mut client, req) = (self.payment.clone(), req.clone());
                    async move { client.refund_payment(d.request(req, hop)?).await }
                })
                .await?
                .into_inner();
                r.refund.map(|r| r.amount).unwrap_or_default()
            }
            _ => 0,
        };
        Ok(refunded)
    }

    /// paid -> shipped (ORDER_SHIPPED), shipped -> delivered.
    pub async fn set_status(
        &self,
        id: i64,
        to: OrderStatus,
        deadline: Deadline,
        actor: String,
    ) -> Result<OrderView, Error> {
        if !matches!(to, OrderStatus::Shipped | OrderStatus::Delivered) {
            return Err(Fault::field(FieldViolation::described(
                "status",
                ec_common::error::FieldCode::InvalidValue,
                "can only be set to shipped or delivered (cancel with DELETE)",
            ))
            .into());
        }
        let t = self.store.transition(Transition::strict(id, to).by(actor)).await?;
        let order = self.store.get(id).await?;
        self.deliver_owed(&order.order, t.pending_notification, deadline).await;
        Ok(order)
    }

    /// Applies a payment webhook. Never sends mail itself: an order it makes
    /// paid owes its confirmation, which the create flow (when it is the
    /// payer) or the reconciler delivers.
    /// Answers whether the event changed anything, and the order's status:
    /// the caller (the payment service) needs no more, and reading the whole
    /// order would cost three queries per payment.
    pub async fn webhook(
        &self,
        req: pb::HandlePaymentWebhookRequest,
        actor: String,
    ) -> Result<(OrderStatus, bool), Error> {
        let mut errors = Vec::new();
        let event_id = req.event_id.trim();
        if event_id.is_empty() {
            errors.push(FieldViolation::required("event_id"));
        } else if event_id.len() > ec_common::rules::KEY_MAX {
            errors.push(FieldViolation::too_long("event_id", ec_common::rules::KEY_MAX));
        }
        if req.amount < 0 {
            errors.push(FieldViolation::at_least("amount", 0));
        }
        let (to, label) = match pb::PaymentEventStatus::try_from(req.status) {
            Ok(pb::PaymentEventStatus::Completed) => (Some(OrderStatus::Paid), PaymentEventKind::Completed),
            Ok(pb::PaymentEventStatus::Failed) => (Some(OrderStatus::PaymentFailed), PaymentEventKind::Failed),
            Ok(pb::PaymentEventStatus::Refunded) => (None, PaymentEventKind::Refunded),
            _ => {
                errors.push(FieldViolation::one_of("status", &["completed", "failed", "refunded"]));
                (None, PaymentEventKind::Completed)
            }
        };
        if !errors.is_empty() {
            return Err(Fault::validation(errors).into());
        }
        let t = Transition {
            order_id: req.order_id,
            to,
            strict: false,
            event: Some(PaymentEvent {
                event_id: event_id.to_owned(),
                payment_id: req.payment_id,
                status: label,
                amount: req.amount,
            }),
            refund_due: false,
            actor: Some(actor),
            // The event's own trace: each event is handled in a span under
            // the context it carried.
            trace_id: ec_common::telemetry::current_trace_id(),
            carried: ec_outbox::Carried::default(),
        };
        let t = self.store.transition(t).await?;
        Ok((t.status, matches!(t.outcome, Outcome::Applied { .. })))
    }

    /// Hands the mail an order owes to the notification service and clears
    /// the debt. A failure is logged and left for the reconciler: it never
    /// undoes the order's new status.
    pub async fn deliver_owed(
        &self,
        order: &crate::entity::orders::Model,
        template: Option<TemplateCode>,
        deadline: Deadline,
    ) {
        let Some(template) = template else { return };
        let variables = mail_variables(order);
        let req = SendEmailRequest {
            order_id: order.id,
            recipient: order.customer_email.clone(),
            template: template.as_str().to_owned(),
            variables,
            idempotency_key: keys::order_mail(order.id, template),
        };
        let hop = self.config.notification_timeout();
        let sent = retry::within_deadline(deadline, hop, |d| {
            let (mut client, req) = (self.notification.clone(), req.clone());
            async move { client.send_email(d.request(req, hop)?).await.map(|_| ()) }
        })
        .await;
        match sent {
            Ok(()) => {
                // Clearing the debt needs no one to wait for it: if it is
                // lost, the reconciler sends again and the notification
                // service answers the mail it already queued (same key).
                let (store, id) = (self.store.clone(), order.id);
                self.spawn(async move {
                    if let Err(e) = store.clear_notification(id, template).await {
                        tracing::warn!(order_id = id, error = %e, "mail queued but the debt was not cleared; a retry is deduplicated");
                    }
                });
            }
            Err(s) => {
                tracing::warn!(order_id = order.id, template = %template, code = ?s.code(), message = s.message(), "notification not queued; the reconciler will retry")
            }
        }
    }
}

/// What an order's mails say of it (the placeholders of ORDER_CONFIRMATION,
/// ORDER_SHIPPED and ORDER_CANCELLED).
pub fn mail_variables(order: &crate::entity::orders::Model) -> HashMap<String, String> {
    HashMap::from([
        ("customer_name".to_owned(), order.customer_name.clone()),
        ("order_id".to_owned(), order.id.to_string()),
        ("total_amount".to_owned(), order.total_amount.to_string()),
    ])
}

fn still_running(id: i64) -> Fault {
    Fault::new(
        ErrorCode::PaymentPending,
        format!("the first request with this key is still being processed (order {id})"),
    )
    .with("order_id", id)
}

/// The orders whose payment a flow of this process is running, so a replay
/// or the reconciler does not start a second one beside it (which would be
/// harmless, the payment key dedupes, but wasted).
#[derive(Clone, Default)]
struct Live {
    set: Arc<Mutex<HashSet<i64>>>,
    /// Woken whenever an order stops being live.
    released: Arc<tokio::sync::Notify>,
}

/// Holds an order live until dropped.
struct LiveGuard(Live, i64);

impl Live {
    fn hold(&self, id: i64) -> Option<LiveGuard> {
        self.lock().insert(id).then(|| LiveGuard(self.clone(), id))
    }

    fn contains(&self, id: i64) -> bool {
        self.lock().contains(&id)
    }

    /// Waits until no flow holds the order, or the deadline passes (false).
    async fn released(&self, id: i64, deadline: Deadline) -> bool {
        let wait = async {
            loop {
                // Registered before the check: a release in between wakes it.
                let notified = self.released.notified();
                if !self.contains(id) {
                    return;
                }
                notified.await;
            }
        };
        match deadline.remaining() {
            Some(left) => tokio::time::timeout(left, wait).await.is_ok(),
            None => {
                wait.await;
                true
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashSet<i64>> {
        // A panic while holding the lock leaves a plain set: still usable.
        self.set.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Drop for LiveGuard {
    fn drop(&mut self) {
        self.0.lock().remove(&self.1);
        self.0.released.notify_waiters();
    }
}

fn payment_rejected(id: i64, why: &str, status: OrderStatus) -> Fault {
    Fault::new(ErrorCode::PaymentRejected, format!("payment rejected: {why}; order {id} is kept as {status}"))
        .with("order_id", id)
}

/// Brings an in-memory order up to date with a transition.
fn apply(order: &mut OrderView, t: &Transitioned, actor: &str) {
    if order.status != t.status {
        order.history.push(HistoryEntry {
            status: t.status,
            at: t.at,
            actor: Some(actor.to_owned()),
            trace_id: ec_common::telemetry::current_trace_id(),
        });
    }
    order.status = t.status;
    order.order.status = t.status;
    order.order.updated_at = t.at;
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn a_replay_waits_for_the_flow_that_holds_the_order() {
        let live = Live::default();
        let held = live.hold(7).expect("free");
        assert!(live.hold(7).is_none(), "one flow per order");
        let waiting = tokio::spawn({
            let live = live.clone();
            async move { live.released(7, Deadline::NONE).await }
        });
        tokio::task::yield_now().await;
        assert!(!waiting.is_finished(), "held: the replay waits");
        drop(held);
        assert!(waiting.await.expect("joined"), "released: the replay goes on");
        assert!(live.hold(7).is_some());
    }

    #[tokio::test(start_paused = true)]
    async fn a_replay_gives_up_at_its_deadline() {
        let live = Live::default();
        let _held = live.hold(7).expect("free");
        assert!(!live.released(7, Deadline::after(Duration::from_secs(1))).await);
        assert!(live.released(8, Deadline::after(Duration::from_secs(1))).await, "not held: no wait");
    }
}
