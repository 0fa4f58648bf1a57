//! A transactional outbox, shared by every service that owes others events.
//!
//! - **Written with the change.** A service writes its events ([`write`])
//!   in the same transaction as the change they report, so a crash can
//!   lose neither without the other.
//! - **Delivered at least once.** A worker ([`Outbox::run`]) sends due
//!   events, many per call, through the service's [`Deliver`]. A failed
//!   attempt is tried again after an exponential, jittered backoff; after
//!   the last one the event is dead-lettered. Receivers are idempotent (by
//!   the event's key), so a repeat is harmless.
//! - **Each attempt recorded**: time, outcome, error, duration.
//! - **Operators see and act**: [`Outbox::admin`] is the
//!   `ec.outbox.v1.OutboxService` (list, retry one, retry all dead).
//! - **Traces**: each event carries the trace context of the change that
//!   wrote it; the receiver continues that trace. The call that carries many
//!   events is a trace of its own, linked to each.
//!
//! One worker per service instance. Two workers on one database (replicas)
//! may both send an event; the receivers' idempotency makes that harmless.

use std::{collections::HashMap, sync::Arc, time::Duration};

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter,
    sea_query::{Expr, OnConflict},
};
use tokio::sync::Notify;
use tracing::Instrument;

mod admin;
pub mod entity;
pub mod migration;

pub use admin::Admin;
pub use entity::EventStatus;

/// What an attempt came to, in the attempt log (the words the notification
/// service uses for its own attempts, so an operator reads one vocabulary).
pub const OUTCOME_SENT: &str = "sent";
/// Not delivered; tried again later.
pub const OUTCOME_RETRY: &str = "retry";
/// Not delivered and not tried again: the event is dead-lettered.
pub const OUTCOME_FAILED: &str = "failed";
use entity::{attempts, events};

/// The trace an event belongs to: the change that wrote it.
#[derive(Debug, Clone, Default)]
pub struct Carried {
    pub context: HashMap<String, String>,
    pub trace_id: Option<String>,
}

impl Carried {
    /// The current span's.
    pub fn current() -> Self {
        Self { context: ec_common::telemetry::context_carrier(), trace_id: ec_common::telemetry::current_trace_id() }
    }
}

/// An event to write.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub topic: &'static str,
    /// Unique per event (the receiver's idempotency key or event id).
    pub key: String,
    pub order_id: i64,
    /// The message, protobuf-encoded.
    pub payload: Vec<u8>,
    pub summary: String,
    pub carried: Carried,
    /// How long after writing the first attempt is due: zero for "now",
    /// more when the writer tries to deliver it itself first.
    pub first_attempt_in: Duration,
}

/// Writes events in the caller's transaction. An event whose key is already
/// stored is left as it is.
pub async fn write<C: ConnectionTrait>(conn: &C, events: Vec<NewEvent>, now: DateTime<Utc>) -> Result<(), DbErr> {
    if events.is_empty() {
        return Ok(());
    }
    let rows = events.into_iter().map(|e| events::ActiveModel {
        id: NotSet,
        topic: Set(e.topic.to_owned()),
        key: Set(e.key),
        order_id: Set(e.order_id),
        payload: Set(e.payload),
        summary: Set(e.summary),
        trace_context: Set(serde_json::to_string(&e.carried.context).unwrap_or_else(|_| "{}".into())),
        trace_id: Set(e.carried.trace_id),
        status: Set(EventStatus::Pending),
        attempts: Set(0),
        next_attempt_at: Set(now + chrono::Duration::from_std(e.first_attempt_in).unwrap_or_default()),
        last_error: Set(None),
        created_at: Set(now),
        delivered_at: Set(None),
    });
    events::Entity::insert_many(rows)
        .on_conflict(OnConflict::column(events::Column::Key).do_nothing().to_owned())
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// An event handed to a [`Deliver`].
#[derive(Debug, Clone)]
pub struct Pending {
    pub id: i64,
    pub key: String,
    pub order_id: i64,
    pub payload: Vec<u8>,
    /// The trace context of the change that wrote it.
    pub trace_context: HashMap<String, String>,
    /// Which attempt this is (1 for the first).
    pub attempt: i32,
}

/// Why an attempt failed.
#[derive(Debug, Clone)]
pub struct Failure {
    pub error: String,
    /// The receiver refused it for good: no more attempts.
    pub permanent: bool,
}

impl Failure {
    pub fn transient(error: impl Into<String>) -> Self {
        Self { error: error.into(), permanent: false }
    }

    pub fn permanent(error: impl Into<String>) -> Self {
        Self { error: error.into(), permanent: true }
    }
}

/// Sends events of one topic to where they go.
#[async_trait::async_trait]
pub trait Deliver: Send + Sync + 'static {
    /// One outcome per event, in order.
    async fn deliver(&self, topic: &str, events: &[Pending]) -> Vec<Result<(), Failure>>;
}

/// How hard the worker tries.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Attempts before an event is dead-lettered.
    pub max_attempts: i32,
    /// The pause after the first failed attempt; it doubles each time
    /// (jittered) up to `max_backoff`.
    pub first_backoff: Duration,
    pub max_backoff: Duration,
    /// Events per round (and per delivery call at most).
    pub batch: u64,
    /// How often to look for due retries when nothing wakes the worker.
    pub poll: Duration,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            max_attempts: 10,
            first_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(300),
            batch: 500,
            poll: Duration::from_millis(500),
        }
    }
}

impl From<&ec_common::config::Delivery> for Policy {
    fn from(d: &ec_common::config::Delivery) -> Self {
        Self {
            max_attempts: d.outbox_max_attempts.max(1),
            first_backoff: Duration::from_millis(d.outbox_first_backoff_ms),
            max_backoff: Duration::from_millis(d.outbox_max_backoff_ms.max(d.outbox_first_backoff_ms)),
            ..Self::default()
        }
    }
}

impl Policy {
    /// The pause after failed attempt `attempt` (1-based).
    pub fn backoff(&self, attempt: i32) -> Duration {
        let doublings = u32::try_from(attempt.saturating_sub(1)).unwrap_or(0).min(20);
        let pause = self.first_backoff.saturating_mul(1 << doublings).min(self.max_backoff);
        ec_common::retry::jittered(pause)
    }
}

/// A service's outbox: wakes the worker, runs it, serves the admin RPCs.
#[derive(Clone)]
pub struct Outbox {
    db: DatabaseConnection,
    wake: Arc<Notify>,
    service: &'static str,
}

impl Outbox {
    /// `service`: whose outbox this is (for traces and logs).
    pub fn new(db: DatabaseConnection, service: &'static str) -> Self {
        Self { db, wake: Arc::new(Notify::new()), service }
    }

    /// Tells the worker new events are committed (call after the commit).
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Records that the writer delivered an event itself (before its first
    /// attempt fell due): it is marked delivered, with the attempt logged.
    pub async fn delivered_inline(&self, key: &str, took: Duration) -> Result<(), DbErr> {
        let now = ec_common::time::now();
        let txn = ec_common::db::begin_write(&self.db).await?;
        let Some(e) = events::Entity::find().filter(events::Column::Key.eq(key)).one(&*txn).await? else {
            return Ok(());
        };
        if e.status != EventStatus::Pending {
            return Ok(());
        }
        let attempt = e.attempts + 1;
        events::Entity::update_many()
            .col_expr(events::Column::Status, Expr::value(EventStatus::Delivered))
            .col_expr(events::Column::Attempts, Expr::value(attempt))
            .col_expr(events::Column::DeliveredAt, Expr::value(now))
            .filter(events::Column::Id.eq(e.id))
            .exec(&*txn)
            .await?;
        attempts::ActiveModel {
            id: NotSet,
            event_id: Set(e.id),
            attempt: Set(attempt),
            at: Set(now),
            outcome: Set(OUTCOME_SENT.to_owned()),
            error: Set(None),
            duration_ms: Set(i64::try_from(took.as_millis()).unwrap_or(i64::MAX)),
        }
        .insert(&*txn)
        .await?;
        txn.commit().await
    }

    /// The `ec.outbox.v1.OutboxService` of this outbox.
    pub fn admin(&self) -> ec_proto::outbox::v1::outbox_service_server::OutboxServiceServer<Admin> {
        ec_proto::outbox::v1::outbox_service_server::OutboxServiceServer::new(Admin::new(self.clone()))
    }

    /// Delivers due events until `stop` resolves.
    pub async fn run(self, deliver: impl Deliver, policy: Policy, stop: impl Future<Output = ()>) {
        tokio::pin!(stop);
        loop {
            match self.round(&deliver, &policy).await {
                // A full round: there may be more right away.
                Ok(n) if n as u64 >= policy.batch => continue,
                Ok(_) => {}
                Err(e) => tracing::warn!(service = self.service, error = %e, "outbox round failed"),
            }
            tokio::select! {
                () = &mut stop => return,
                () = self.wake.notified() => {
                    // Under load many changes commit together: let them.
                    tokio::time::sleep(LINGER).await;
                }
                () = tokio::time::sleep(policy.poll) => {}
            }
        }
    }

    /// One round: the due events, oldest first, delivered by topic; then
    /// every outcome and attempt written in one transaction.
    async fn round(&self, deliver: &impl Deliver, policy: &Policy) -> Result<usize, DbErr> {
        let due = self.claim(policy.batch).await?;
        if due.is_empty() {
            return Ok(0);
        }
        let mut by_topic: Vec<(String, Vec<&events::Model>)> = Vec::new();
        for e in &due {
            match by_topic.iter_mut().find(|(t, _)| *t == e.topic) {
                Some((_, list)) => list.push(e),
                None => by_topic.push((e.topic.clone(), vec![e])),
            }
        }
        let mut settled = Vec::with_capacity(due.len());
        for (topic, list) in by_topic {
            let pending: Vec<Pending> = list
                .iter()
                .map(|e| Pending {
                    id: e.id,
                    key: e.key.clone(),
                    order_id: e.order_id,
                    payload: e.payload.clone(),
                    trace_context: serde_json::from_str(&e.trace_context).unwrap_or_default(),
                    attempt: e.attempts + 1,
                })
                .collect();
            let span = tracing::info_span!(parent: None, "outbox deliver", ec.service = self.service, topic = %topic, events = pending.len());
            for p in &pending {
                ec_common::telemetry::link_carried(&span, &p.trace_context);
            }
            let started = std::time::Instant::now();
            let mut outcomes = deliver.deliver(&topic, &pending).instrument(span).await;
            let took = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
            outcomes.resize_with(pending.len(), || Err(Failure::transient("the deliverer gave no outcome")));
            settled.extend(list.into_iter().zip(outcomes).map(|(e, o)| (e, o, took)));
        }
        self.settle(settled, policy).await?;
        Ok(due.len())
    }

    /// Claims the due events, oldest first, for [`LEASE`]: their next
    /// attempt moves past it, so no other worker (replica) finds them due
    /// meanwhile; settling sets the real outcome. A crashed replica's claims
    /// fall due again when the lease runs out ([`ec_common::db::claim`]).
    async fn claim(&self, limit: u64) -> Result<Vec<events::Model>, DbErr> {
        let now = ec_common::time::now();
        let due = sea_orm::Condition::all()
            .add(events::Column::Status.eq(EventStatus::Pending))
            .add(events::Column::NextAttemptAt.lte(now));
        let until = now + chrono::Duration::from_std(LEASE).unwrap_or_default();
        let claim = events::Entity::update_many().col_expr(events::Column::NextAttemptAt, Expr::value(until));
        let mut claimed = ec_common::db::claim(&self.db, events::Column::Id, due, limit, claim).await?;
        claimed.sort_by_key(|e| e.id);
        Ok(claimed)
    }

    async fn settle(
        &self,
        settled: Vec<(&events::Model, Result<(), Failure>, i64)>,
        policy: &Policy,
    ) -> Result<(), DbErr> {
        let now = ec_common::time::now();
        let txn = ec_common::db::begin_write(&self.db).await?;
        let mut delivered = Vec::new();
        let mut log = Vec::with_capacity(settled.len());
        for (e, outcome, took) in settled {
            let attempt = e.attempts + 1;
            let (label, error) = match outcome {
                Ok(()) => {
                    delivered.push(e.id);
                    (OUTCOME_SENT, None)
                }
                Err(f) => {
                    let dead = f.permanent || attempt >= policy.max_attempts;
                    let next = now + chrono::Duration::from_std(policy.backoff(attempt)).unwrap_or_default();
                    tracing::warn!(service = self.service, event = %e.key, attempt, dead, error = %f.error, "outbox delivery failed");
                    events::Entity::update_many()
                        .col_expr(events::Column::Attempts, Expr::value(attempt))
                        .col_expr(
                            events::Column::Status,
                            Expr::value(if dead { EventStatus::Dead } else { EventStatus::Pending }),
                        )
                        .col_expr(events::Column::NextAttemptAt, Expr::value(next))
                        .col_expr(events::Column::LastError, Expr::value(f.error.clone()))
                        .filter(events::Column::Id.eq(e.id))
                        .exec(&*txn)
                        .await?;
                    (if dead { OUTCOME_FAILED } else { OUTCOME_RETRY }, Some(f.error))
                }
            };
            log.push(attempts::ActiveModel {
                id: NotSet,
                event_id: Set(e.id),
                attempt: Set(attempt),
                at: Set(now),
                outcome: Set(label.to_owned()),
                error: Set(error),
                duration_ms: Set(took),
            });
        }
        for ids in delivered.chunks(500) {
            events::Entity::update_many()
                .col_expr(events::Column::Status, Expr::value(EventStatus::Delivered))
                .col_expr(
                    events::Column::Attempts,
                    sea_orm::sea_query::ExprTrait::add(Expr::col(events::Column::Attempts), 1),
                )
                .col_expr(events::Column::DeliveredAt, Expr::value(now))
                .col_expr(events::Column::LastError, Expr::value(Option::<String>::None))
                .filter(events::Column::Id.is_in(ids.to_vec()))
                .exec(&*txn)
                .await?;
        }
        if !log.is_empty() {
            attempts::Entity::insert_many(log).exec_without_returning(&*txn).await?;
        }
        txn.commit().await
    }
}

/// How long a claimed event is a worker's own: beyond any delivery call's
/// deadline (the longest, a payment's, is 30 s).
const LEASE: Duration = Duration::from_secs(90);

/// How long a woken worker waits for more commits before its round. Each
/// round is a write transaction beside the service's own writer: under load
/// fewer, fuller rounds cost the writer less. Nobody waits for an event on
/// the answer's path (the writer's flow does what it reports itself).
const LINGER: Duration = Duration::from_millis(25);

#[cfg(test)]
mod tests;
