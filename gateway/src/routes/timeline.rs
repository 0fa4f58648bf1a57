//! `GET /api/v1/orders/{id}/timeline`: everything that happened to an order,
//! from every service, in one list: its status changes, its payment and
//! refunds, its notifications and their delivery attempts, the events the
//! services owed each other about it (under the service that owed them),
//! and the calls to this API that touched it. Each entry names who did it
//! and the trace it belongs to.
//!
//! The order itself must be readable (its service down is a 503, an unknown
//! id a 404). Any other source that does not answer is left out and named
//! in `unavailable`: a partial timeline beats none while a service is down.

use axum::{Router, extract::State, routing::get};
use chrono::{DateTime, Utc};
use ec_proto::{notification::v1 as npb, order::v1 as opb, outbox::v1 as xpb, payment::v1 as ppb};

use crate::{
    auth::store::AuditFilter,
    dto::{
        DeliveryAttempt, Notification, Order, OutboxEvent, OutboxService, Payment, Timeline, TimelineEntry,
        TimelineSource, answered,
    },
    error::{ApiError, Problem},
    extract::Id,
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/orders/{id}/timeline", get(order_timeline))
}

/// How many outbox events and API calls of one order are read (an order has
/// a handful; a bound keeps an abused one from costing much).
const PER_SOURCE_MAX: i32 = 200;

/// Everything that happened to an order, oldest first.
#[utoipa::path(get, path = "/api/v1/orders/{id}/timeline", tag = "orders", params(("id" = i64, Path)),
    responses((status = 200, body = Timeline), (status = 404, description = "No such order", body = Problem),
        (status = 503, description = "The order service is unavailable", body = Problem)))]
pub async fn order_timeline(State(s): State<AppState>, Id(id): Id) -> Result<axum::Json<Timeline>, ApiError> {
    let order = async {
        let res = s.orders().get_order(s.call(opb::GetOrderRequest { id }, s.default_timeout)?).await?;
        answered::<_, Order>(res.into_inner().order, "order")
    };
    let (order, payment, notifications, order_events, payment_events, calls) = tokio::join!(
        order,
        payment(&s, id),
        notifications(&s, id),
        events(&s, OutboxService::Order, id),
        events(&s, OutboxService::Payment, id),
        api_calls(&s, id),
    );
    let mut t = Entries { list: Vec::new(), unavailable: Vec::new(), trace_url: s.trace_url_template.as_deref() };
    t.order(order?);
    t.add(TimelineSource::Payment, payment, Entries::payment);
    t.add(TimelineSource::Notification, notifications, Entries::notifications);
    t.add(TimelineSource::Order, order_events, Entries::events);
    t.add(TimelineSource::Payment, payment_events, Entries::events);
    t.add(TimelineSource::Gateway, calls, Entries::api_calls);
    // Stable: what happened at the same instant keeps its source's order.
    t.list.sort_by_key(|e| e.at);
    Ok(axum::Json(Timeline { order_id: id, events: t.list, unavailable: t.unavailable }))
}

/// `None`: the order has no payment.
async fn payment(s: &AppState, order_id: i64) -> Result<Option<Payment>, ApiError> {
    let req = s.call(ppb::GetPaymentByOrderRequest { order_id }, s.default_timeout)?;
    match s.payments().get_payment_by_order(req).await {
        Ok(res) => answered(res.into_inner().payment, "payment").map(Some),
        Err(status) if status.code() == tonic::Code::NotFound => Ok(None),
        Err(status) => Err(status.into()),
    }
}

async fn notifications(s: &AppState, order_id: i64) -> Result<Vec<Notification>, ApiError> {
    let req = s.call(npb::ListOrderNotificationsRequest { order_id }, s.default_timeout)?;
    let res = s.notifications().list_order_notifications(req).await?.into_inner();
    res.notifications.into_iter().map(Notification::try_from).collect()
}

async fn events(s: &AppState, service: OutboxService, order_id: i64) -> Result<Vec<OutboxEvent>, ApiError> {
    let req = xpb::ListEventsRequest { order_id, limit: PER_SOURCE_MAX, ..Default::default() };
    let res = s.outbox(service).list_events(s.call(req, s.default_timeout)?).await?.into_inner();
    res.events.into_iter().map(|e| OutboxEvent::from_proto(service, e)).collect()
}

/// The audited calls whose target is the order (or below it).
async fn api_calls(s: &AppState, order_id: i64) -> Result<Vec<crate::auth::entity::audit_log::Model>, ApiError> {
    let filter = AuditFilter {
        target: Some(format!("/api/v1/orders/{order_id}")),
        limit: PER_SOURCE_MAX as u64,
        ..Default::default()
    };
    let (rows, _more) = s.auth.audit_page(&filter).await.map_err(crate::auth::routes::db_error)?;
    Ok(rows)
}

/// The timeline being assembled.
struct Entries<'a> {
    list: Vec<TimelineEntry>,
    unavailable: Vec<TimelineSource>,
    trace_url: Option<&'a str>,
}

impl Entries<'_> {
    fn push(
        &mut self,
        at: DateTime<Utc>,
        source: TimelineSource,
        kind: &str,
        summary: String,
        actor: Option<String>,
        trace_id: Option<String>,
    ) {
        let trace_url =
            self.trace_url.zip(trace_id.as_deref()).map(|(template, id)| template.replace("{trace_id}", id));
        self.list.push(TimelineEntry { at, source, kind: kind.to_owned(), summary, actor, trace_id, trace_url });
    }

    /// The entries of a source that answered; a source that did not is
    /// named as unavailable.
    fn add<T>(&mut self, source: TimelineSource, answer: Result<T, ApiError>, entries: fn(&mut Self, T)) {
        match answer {
            Ok(v) => entries(self, v),
            Err(e) => {
                tracing::warn!(source = ?source, code = %e.0.code, detail = %e.0.detail, "a timeline source did not answer");
                if !self.unavailable.contains(&source) {
                    self.unavailable.push(source);
                }
            }
        }
    }

    fn order(&mut self, o: Order) {
        for h in o.status_history {
            let summary = format!("status {}", h.status.as_str());
            self.push(h.at, TimelineSource::Order, "status_changed", summary, h.actor, h.trace_id);
        }
    }

    fn payment(&mut self, p: Option<Payment>) {
        let Some(p) = p else { return };
        let summary = format!("payment #{} of {} {} by {}", p.id, p.amount, p.currency, p.method);
        self.push(p.created_at, TimelineSource::Payment, "payment_completed", summary, p.requested_by, p.trace_id);
        for r in p.refunds {
            let reason = if r.reason.is_empty() { String::new() } else { format!(": {}", r.reason) };
            let summary = format!("refund #{} of {} {}{reason}", r.id, r.amount, p.currency);
            self.push(r.created_at, TimelineSource::Payment, "refunded", summary, r.created_by, r.trace_id);
        }
    }

    fn notifications(&mut self, list: Vec<Notification>) {
        for n in list {
            let what = format!("{} {}", n.channel.as_str(), n.template.as_str());
            let summary = format!("{what} to {} queued (notification #{})", n.recipient, n.id);
            self.push(
                n.created_at,
                TimelineSource::Notification,
                "notification_queued",
                summary,
                None,
                n.trace_id.clone(),
            );
            for a in n.delivery_attempts {
                let summary = format!("{what}: {}", attempt(&a));
                self.push(
                    a.at,
                    TimelineSource::Notification,
                    "notification_attempt",
                    summary,
                    None,
                    n.trace_id.clone(),
                );
            }
        }
    }

    fn events(&mut self, list: Vec<OutboxEvent>) {
        for e in list {
            let source = match e.service {
                OutboxService::Order => TimelineSource::Order,
                OutboxService::Payment => TimelineSource::Payment,
            };
            let summary = format!("{} owed ({}): {}", e.topic, e.key, e.summary);
            self.push(e.created_at, source, "event_written", summary, None, e.trace_id.clone());
            for a in e.delivery_attempts {
                let summary = format!("{} delivery: {}", e.topic, attempt(&a));
                self.push(a.at, source, "event_attempt", summary, None, e.trace_id.clone());
            }
        }
    }

    fn api_calls(&mut self, rows: Vec<crate::auth::entity::audit_log::Model>) {
        for r in rows {
            let summary = format!("{} → {}", r.action, r.status);
            self.push(r.at, TimelineSource::Gateway, "api_call", summary, Some(r.actor), r.trace_id);
        }
    }
}

/// `attempt 2: retry after 31 ms (421 try later)`.
fn attempt(a: &DeliveryAttempt) -> String {
    let outcome = a.outcome.as_str();
    let error = a.error.as_deref().map(|e| format!(" ({e})")).unwrap_or_default();
    format!("attempt {}: {outcome} after {} ms{error}", a.attempt, a.duration_ms)
}
