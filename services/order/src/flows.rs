//! The seed's flows, orchestrated by the order service.
//!
//! Each flow runs in a task of its own (see [`crate::grpc`]) so a caller that
//! hangs up cannot stop it halfway. Onward calls get their deadline from
//! [`Deadline::request`]: the hop's own (30 s payment, 10 s notification) or
//! what is left of the caller's, whichever is smaller.

use std::collections::HashMap;

use ec_common::grpc::TracedChannel as Channel;
use ec_common::{
    deadline::Deadline,
    error::{ErrorCode, Fault, FieldViolation},
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
}

/// What a create request answered.
pub struct Created {
    pub order: OrderView,
    pub replayed: bool,
}

impl Flows {
    pub fn new(store: Store, payment: Channel, notification: Channel, config: Config) -> Self {
        Self {
            store,
            payment: PaymentServiceClient::new(payment),
            notification: NotificationServiceClient::new(notification),
            config,
            tasks: tokio_util::task::TaskTracker::new(),
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
        let mut order = match self.store.insert(new).await? {
            Inserted::New(order) => *order,
            Inserted::Existing(id) => return self.replay(id).await,
        };
        let id = order.id();
        let request = CreatePaymentRequest {
            order_id: id,
            amount: order.order.total_amount,
            currency: "JPY".into(),
            method: String::new(),
        };
        let paid = match deadline.request(request, self.config.payment_timeout()) {
            Ok(r) => self.payment.clone().create_payment(r).await.map(|_| ()),
            Err(s) => Err(s),
        };
        match paid {
            Ok(()) => {}
            // A retry of a payment that did go through.
            Err(s) if s.code() == Code::AlreadyExists => {}
            Err(s) if matches!(s.code(), Code::InvalidArgument | Code::FailedPrecondition) => {
                let t = self.store.transition(Transition::lenient(id, OrderStatus::PaymentFailed).by(&actor)).await?;
                tracing::info!(order_id = id, reason = s.message(), "payment rejected");
                return Err(payment_rejected(id, s.message(), t.status).into());
            }
            Err(s) => {
                // The outcome is unknown: keep payment_processing, the
                // reconciler asks the payment service later.
                tracing::warn!(order_id = id, code = ?s.code(), message = s.message(), "payment call failed; order kept for reconciliation");
                return Err(Error::Upstream { service: "payment", status: s, order_id: Some(id) });
            }
        }
        let t = self.store.transition(Transition::lenient(id, OrderStatus::Paid).by(&actor)).await?;
        apply(&mut order, &t, &actor);
        self.deliver_owed(&order.order, t.pending_notification, deadline).await;
        Ok(Created { order, replayed: false })
    }

    /// Answers a repeated request (same idempotency key and body) from what the
    /// first one did.
    async fn replay(&self, id: i64) -> Result<Created, Error> {
        let order = self.store.get(id).await?;
        match order.status {
            OrderStatus::PaymentFailed => {
                Err(payment_rejected(id, "the payment of this order was rejected", order.status).into())
            }
            OrderStatus::Pending | OrderStatus::PaymentProcessing => Err(Fault::new(
                ErrorCode::PaymentPending,
                format!("the first request with this key is still being processed (order {id})"),
            )
            .with("order_id", id)
            .into()),
            _ => Ok(Created { order, replayed: true }),
        }
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
        let t = self.store.transition(t).await?;
        let mut refunded = 0;
        if t.refund_due {
            refunded = self.refund(id, deadline).await.map_err(|status| Error::Upstream {
                service: "payment",
                status,
                order_id: Some(id),
            })?;
        }
        let order = self.store.get(id).await?;
        self.deliver_owed(&order.order, t.pending_notification, deadline).await;
        Ok((order, refunded))
    }

    /// Refunds what is left of an order's payment and clears `refund_due`.
    /// Idempotent: the refund's key is derived from the order.
    pub async fn refund(&self, id: i64, deadline: Deadline) -> Result<i64, tonic::Status> {
        let lookup = deadline.request(GetPaymentByOrderRequest { order_id: id }, self.config.payment_timeout())?;
        let payment = match self.payment.clone().get_payment_by_order(lookup).await {
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
                let req = deadline.request(req, self.config.payment_timeout())?;
                let r = self.payment.clone().refund_payment(req).await?.into_inner();
                r.refund.map(|r| r.amount).unwrap_or_default()
            }
            _ => 0,
        };
        if let Err(e) = self.store.clear_refund_due(id).await {
            tracing::error!(order_id = id, error = %e, "refund done but could not clear refund_due; the reconciler will retry it idempotently");
        }
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
        let sent = match deadline.request(req, self.config.notification_timeout()) {
            Ok(r) => self.notification.clone().send_email(r).await.map(|_| ()),
            Err(s) => Err(s),
        };
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

fn payment_rejected(id: i64, why: &str, status: OrderStatus) -> Fault {
    Fault::new(ErrorCode::PaymentRejected, format!("payment rejected: {why}; order {id} is kept as {status}"))
        .with("order_id", id)
}

/// Brings an in-memory order up to date with a transition.
fn apply(order: &mut OrderView, t: &Transitioned, actor: &str) {
    if order.status != t.status {
        order.history.push(HistoryEntry { status: t.status, at: t.at, actor: Some(actor.to_owned()) });
    }
    order.status = t.status;
    order.order.status = t.status;
    order.order.updated_at = t.at;
}
