//! Every access to the notification service's database. Enqueues go
//! through the service's group-commit writer ([`ec_common::writer`]);
//! templates are cached in memory (read on every enqueue, written rarely).

use std::{
    collections::HashMap,
    sync::{Arc, RwLock},
};

use chrono::{DateTime, Utc};
use ec_common::db::WriteTxn;
use ec_common::error::{ErrorCode, Fault};
use ec_common::vocab::TemplateCode;
use ec_common::writer::{Writer, insert_chunked};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect, Set, Statement,
    sea_query::{Expr, ExprTrait, OnConflict},
};
use tokio::sync::Notify;

use crate::{
    entity::{notification_attempts as attempts, notification_templates as templates, notifications},
    error::Error,
};

/// How a notification travels; stored by these names (a SeaORM active enum).
#[derive(Debug, Clone, Copy, PartialEq, Eq, sea_orm::EnumIter, sea_orm::DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text")]
pub enum Channel {
    #[sea_orm(string_value = "email")]
    Email,
    #[sea_orm(string_value = "sms")]
    Sms,
}

impl Channel {
    pub fn to_proto(self) -> ec_proto::notification::v1::Channel {
        match self {
            Self::Email => ec_proto::notification::v1::Channel::Email,
            Self::Sms => ec_proto::notification::v1::Channel::Sms,
        }
    }
}

/// Where a notification is in its delivery; stored by these names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sea_orm::EnumIter, sea_orm::DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text")]
pub enum DeliveryStatus {
    #[sea_orm(string_value = "queued")]
    Queued,
    #[sea_orm(string_value = "sent")]
    Sent,
    #[sea_orm(string_value = "failed")]
    Failed,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Sent => "sent",
            Self::Failed => "failed",
        }
    }

    pub fn to_proto(self) -> ec_proto::notification::v1::NotificationStatus {
        use ec_proto::notification::v1::NotificationStatus as P;
        match self {
            Self::Queued => P::Queued,
            Self::Sent => P::Sent,
            Self::Failed => P::Failed,
        }
    }
}

/// What one delivery attempt came to; stored by these names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sea_orm::EnumIter, sea_orm::DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text")]
pub enum AttemptOutcome {
    /// Delivered.
    #[sea_orm(string_value = "sent")]
    Sent,
    /// Not delivered; tried again later.
    #[sea_orm(string_value = "retry")]
    Retry,
    /// Not delivered, and not tried again (refused for good, or the last attempt).
    #[sea_orm(string_value = "failed")]
    Failed,
    /// Handed over, and then no answer (or the dispatcher died): it may have
    /// been delivered, and it is not tried again, so it never goes twice.
    #[sea_orm(string_value = "unconfirmed")]
    Unconfirmed,
}

impl AttemptOutcome {
    pub fn to_proto(self) -> ec_proto::notification::v1::AttemptOutcome {
        use ec_proto::notification::v1::AttemptOutcome as P;
        match self {
            Self::Sent => P::Sent,
            Self::Retry => P::Retry,
            Self::Failed => P::Failed,
            Self::Unconfirmed => P::Unconfirmed,
        }
    }
}

/// One delivery attempt as the dispatcher hands it to [`Store::record`].
#[derive(Debug, Clone)]
pub struct Attempted {
    pub id: i64,
    /// Its number: the notification's attempts before it, plus one.
    pub attempt: i32,
    /// When the sender answered.
    pub at: DateTime<Utc>,
    pub duration_ms: i64,
    pub result: Delivery,
}

/// What becomes of the notification after an attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    Sent,
    Retry {
        error: String,
        next_at: DateTime<Utc>,
    },
    Failed {
        error: String,
    },
    /// Handed over without an answer: recorded as sent, with why it is not
    /// confirmed (see [`AttemptOutcome::Unconfirmed`]).
    Unconfirmed {
        error: String,
    },
}

impl Attempted {
    fn outcome(&self) -> AttemptOutcome {
        match self.result {
            Delivery::Sent => AttemptOutcome::Sent,
            Delivery::Retry { .. } => AttemptOutcome::Retry,
            Delivery::Failed { .. } => AttemptOutcome::Failed,
            Delivery::Unconfirmed { .. } => AttemptOutcome::Unconfirmed,
        }
    }

    fn error(&self) -> Option<&str> {
        match &self.result {
            Delivery::Sent => None,
            Delivery::Retry { error, .. } | Delivery::Failed { error } | Delivery::Unconfirmed { error } => Some(error),
        }
    }
}

/// A rendered notification ready to queue.
#[derive(Debug, Clone)]
pub struct NewNotification {
    pub order_id: i64,
    pub channel: Channel,
    pub template: TemplateCode,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub idempotency_key: Option<String>,
    pub batch_id: Option<String>,
    /// The trace of the request that queues it (hex), if traced.
    pub trace_id: Option<String>,
}

pub enum WriteOp {
    Enqueue(NewNotification),
    /// Many notifications in one transaction, each answered on its own.
    EnqueueMany(Vec<NewNotification>),
    PutTemplate {
        code: TemplateCode,
        subject: String,
        body: String,
        by: Option<String>,
    },
}

pub enum WriteOut {
    Queued(notifications::Model),
    QueuedMany(Vec<notifications::Model>),
    Template(templates::Model),
}

type WriteResult = Result<WriteOut, Error>;

#[derive(Debug, Clone, Default)]
pub struct QueueStats {
    pub queued: i64,
    pub sent: i64,
    pub failed: i64,
}

impl QueueStats {
    fn from_rows(rows: impl IntoIterator<Item = (DeliveryStatus, i64)>) -> Self {
        let mut s = Self::default();
        for (status, n) in rows {
            match status {
                DeliveryStatus::Queued => s.queued = n,
                DeliveryStatus::Sent => s.sent = n,
                DeliveryStatus::Failed => s.failed = n,
            }
        }
        s
    }
}

#[derive(Clone)]
pub struct Store {
    db: DatabaseConnection,
    writer: Writer<Writes>,
    templates: Arc<RwLock<HashMap<TemplateCode, templates::Model>>>,
    /// Wakes the dispatcher when something was queued.
    pub queued: Arc<Notify>,
}

impl Store {
    pub async fn open(db: DatabaseConnection, max_batch: usize) -> Result<Self, DbErr> {
        let cache: HashMap<_, _> = templates::Entity::find().all(&db).await?.into_iter().map(|t| (t.code, t)).collect();
        let templates = Arc::new(RwLock::new(cache));
        let queued = Arc::new(Notify::new());
        tokio::spawn(refresh_templates(db.clone(), Arc::downgrade(&templates)));
        let writes = Writes { templates: templates.clone(), queued: queued.clone() };
        let writer = Writer::spawn("notification-service", db.clone(), max_batch, writes);
        Ok(Self { db, writer, templates, queued })
    }

    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    pub fn template(&self, code: TemplateCode) -> Option<templates::Model> {
        self.templates.read().ok().and_then(|c| c.get(&code).cloned())
    }

    pub fn templates(&self) -> Vec<templates::Model> {
        let mut all: Vec<_> = self.templates.read().map(|c| c.values().cloned().collect()).unwrap_or_default();
        all.sort_by_key(|t| t.code.as_str());
        all
    }

    pub async fn enqueue(&self, n: NewNotification) -> Result<notifications::Model, Error> {
        match self.writer.submit(WriteOp::Enqueue(n)).await?? {
            WriteOut::Queued(m) => Ok(m),
            _ => Err(Error::Db(DbErr::Custom("writer answered the wrong kind".into()))),
        }
    }

    /// Queues many notifications in one transaction (answers them in order).
    pub async fn enqueue_many(&self, items: Vec<NewNotification>) -> Result<Vec<notifications::Model>, Error> {
        if items.is_empty() {
            return Ok(Vec::new());
        }
        match self.writer.submit(WriteOp::EnqueueMany(items)).await?? {
            WriteOut::QueuedMany(m) => Ok(m),
            _ => Err(Error::Db(DbErr::Custom("writer answered the wrong kind".into()))),
        }
    }

    /// (queued, sent, failed) of a batch.
    pub async fn batch_stats(&self, batch_id: &str) -> Result<QueueStats, Error> {
        #[derive(FromQueryResult)]
        struct Row {
            status: DeliveryStatus,
            n: i64,
        }
        let rows = Row::find_by_statement(Statement::from_sql_and_values(
            self.db.get_database_backend(),
            "SELECT status, COUNT(*) AS n FROM notifications WHERE batch_id = $1 GROUP BY status",
            [batch_id.into()],
        ))
        .all(&self.db)
        .await?;
        Ok(QueueStats::from_rows(rows.into_iter().map(|r| (r.status, r.n))))
    }

    pub async fn put_template(
        &self,
        code: TemplateCode,
        subject: String,
        body: String,
        by: Option<String>,
    ) -> Result<templates::Model, Error> {
        match self.writer.submit(WriteOp::PutTemplate { code, subject, body, by }).await?? {
            WriteOut::Template(t) => Ok(t),
            _ => Err(Error::Db(DbErr::Custom("writer answered the wrong kind".into()))),
        }
    }

    pub async fn by_order(&self, order_id: i64) -> Result<Vec<notifications::Model>, Error> {
        Ok(notifications::Entity::find()
            .filter(notifications::Column::OrderId.eq(order_id))
            .order_by_asc(notifications::Column::Id)
            .all(&self.db)
            .await?)
    }

    /// Claims the next notifications due for delivery, in queue order, for
    /// `owner` until `now + lease`: no other dispatcher (replica) takes them
    /// meanwhile. A claim a crashed replica left expires with its lease and
    /// the row is claimed again ([`ec_common::db::claim`]).
    pub async fn claim(
        &self,
        owner: &str,
        now: DateTime<Utc>,
        lease: std::time::Duration,
        limit: u64,
    ) -> Result<Vec<notifications::Model>, Error> {
        use notifications::Column as C;
        let until = now + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::minutes(1));
        let due = sea_orm::Condition::all()
            .add(C::Status.eq(DeliveryStatus::Queued))
            .add(C::NextAttemptAt.lte(now))
            .add(sea_orm::Condition::any().add(C::LeaseUntil.is_null()).add(C::LeaseUntil.lt(now)));
        let claim = notifications::Entity::update_many()
            .col_expr(C::LeaseOwner, Expr::value(owner))
            .col_expr(C::LeaseUntil, Expr::value(until));
        let mut claimed = ec_common::db::claim(&self.db, C::Id, due, limit, claim).await?;
        claimed.sort_by_key(|n| n.id);
        Ok(claimed)
    }

    /// Gives back claimed notifications a round did not get to.
    pub async fn release(&self, owner: &str, ids: &[i64]) -> Result<(), Error> {
        if ids.is_empty() {
            return Ok(());
        }
        // In a write transaction, as every write of the dispatcher: it
        // takes turns with the service's writer ([`ec_common::db::begin_write`]).
        let txn = ec_common::db::begin_write(&self.db).await?;
        notifications::Entity::update_many()
            .col_expr(notifications::Column::LeaseOwner, Expr::value(Option::<String>::None))
            .col_expr(notifications::Column::LeaseUntil, Expr::value(Option::<DateTime<Utc>>::None))
            .filter(notifications::Column::Id.is_in(ids.iter().copied()))
            .filter(notifications::Column::LeaseOwner.eq(owner))
            .exec(&*txn)
            .await?;
        Ok(txn.commit().await?)
    }

    /// Records that `owner` is handing notification `id` over now (the point
    /// of no return of its delivery, [`crate::sender::Handover`]). False
    /// when the row is no longer this dispatcher's to deliver.
    pub async fn hand_over(&self, owner: &str, id: i64, at: DateTime<Utc>) -> Result<bool, Error> {
        use notifications::Column as C;
        let txn = ec_common::db::begin_write(&self.db).await?;
        let done = notifications::Entity::update_many()
            .col_expr(C::HandedOverAt, Expr::value(Some(at)))
            .filter(C::Id.eq(id))
            .filter(C::Status.eq(DeliveryStatus::Queued))
            .filter(C::LeaseOwner.eq(owner))
            .exec(&*txn)
            .await?;
        txn.commit().await?;
        Ok(done.rows_affected == 1)
    }

    /// Takes up to `want` sends from the fleet's budget: a token bucket of
    /// `rate` per second and `burst` at most, kept in the database under a
    /// row lock, so every replica together stays within the rate. Answers
    /// how many it may send now.
    pub async fn take_budget(&self, want: u64, rate: f64, burst: f64, now: DateTime<Utc>) -> Result<u64, Error> {
        use crate::entity::send_budget;
        let txn = ec_common::db::begin_write(&self.db).await?;
        let row = send_budget::Entity::find_by_id("delivery").lock_exclusive().one(&*txn).await?;
        let tokens = match &row {
            Some(b) => {
                let elapsed = Ord::max((now - b.at).num_microseconds().unwrap_or(i64::MAX), 0) as f64 / 1e6;
                (b.tokens + elapsed * rate).min(burst)
            }
            None => burst,
        };
        let take = Ord::min(tokens.floor().max(0.0) as u64, want);
        let left =
            send_budget::ActiveModel { name: Set("delivery".into()), tokens: Set(tokens - take as f64), at: Set(now) };
        send_budget::Entity::insert(left)
            .on_conflict(
                OnConflict::column(send_budget::Column::Name)
                    .update_columns([send_budget::Column::Tokens, send_budget::Column::At])
                    .to_owned(),
            )
            .exec_without_returning(&*txn)
            .await?;
        txn.commit().await?;
        Ok(take)
    }

    /// Writes what one delivery came to, in one transaction: the
    /// notification's new state and the attempt's row. Only a notification
    /// still queued changes: a state someone else set since is left alone.
    pub async fn record(&self, a: &Attempted) -> Result<(), Error> {
        let update = notifications::Entity::update_many()
            .col_expr(notifications::Column::Attempts, Expr::col(notifications::Column::Attempts).add(1))
            // The attempt is over: the lease and the handover go with it (the
            // owner stays, as the dispatcher that made the last attempt).
            .col_expr(notifications::Column::LeaseUntil, Expr::value(Option::<DateTime<Utc>>::None))
            .col_expr(notifications::Column::HandedOverAt, Expr::value(Option::<DateTime<Utc>>::None))
            .filter(notifications::Column::Id.eq(a.id))
            .filter(notifications::Column::Status.eq(DeliveryStatus::Queued));
        // An attempt with something to say leaves it as the last error (a
        // clean send keeps the one before).
        let update = match a.error() {
            Some(e) => update.col_expr(notifications::Column::LastError, Expr::value(Some(e.to_owned()))),
            None => update,
        };
        let update = match &a.result {
            Delivery::Sent | Delivery::Unconfirmed { .. } => update
                .col_expr(notifications::Column::Status, Expr::value(DeliveryStatus::Sent))
                .col_expr(notifications::Column::SentAt, Expr::value(Some(a.at))),
            Delivery::Retry { next_at, .. } => {
                update.col_expr(notifications::Column::NextAttemptAt, Expr::value(*next_at))
            }
            Delivery::Failed { .. } => {
                update.col_expr(notifications::Column::Status, Expr::value(DeliveryStatus::Failed))
            }
        };
        let txn = ec_common::db::begin_write(&self.db).await?;
        update.exec(&*txn).await?;
        let row = attempts::ActiveModel {
            notification_id: Set(a.id),
            attempt: Set(a.attempt),
            at: Set(a.at),
            outcome: Set(a.outcome()),
            error: Set(a.error().map(str::to_owned)),
            duration_ms: Set(a.duration_ms),
        };
        // The log must never stop the state from being recorded.
        attempts::Entity::insert(row)
            .on_conflict(
                OnConflict::columns([attempts::Column::NotificationId, attempts::Column::Attempt])
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(&*txn)
            .await?;
        txn.commit().await?;
        Ok(())
    }

    /// The attempts of these notifications, each one's in order.
    pub async fn attempts_of(&self, ids: &[i64]) -> Result<HashMap<i64, Vec<attempts::Model>>, Error> {
        let mut by_id: HashMap<i64, Vec<attempts::Model>> = HashMap::new();
        for chunk in ids.chunks(500) {
            let rows = attempts::Entity::find()
                .filter(attempts::Column::NotificationId.is_in(chunk.iter().copied()))
                .order_by_asc(attempts::Column::NotificationId)
                .order_by_asc(attempts::Column::Attempt)
                .all(&self.db)
                .await?;
            for a in rows {
                by_id.entry(a.notification_id).or_default().push(a);
            }
        }
        Ok(by_id)
    }

    /// One page of notifications, newest first, optionally of one status;
    /// and the id to continue before, when there is more.
    pub async fn list(
        &self,
        status: Option<DeliveryStatus>,
        before_id: Option<i64>,
        limit: u64,
    ) -> Result<(Vec<notifications::Model>, Option<i64>), Error> {
        let mut q = notifications::Entity::find();
        if let Some(s) = status {
            q = q.filter(notifications::Column::Status.eq(s));
        }
        if let Some(before) = before_id {
            q = q.filter(notifications::Column::Id.lt(before));
        }
        let mut page = q.order_by_desc(notifications::Column::Id).limit(limit + 1).all(&self.db).await?;
        let more = page.len() as u64 > limit;
        page.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        let next = if more { page.last().map(|n| n.id) } else { None };
        Ok((page, next))
    }

    /// Queues a failed notification again, with a fresh budget of attempts
    /// (its count and its attempt log go on). NOT_FOUND for an unknown id;
    /// NOTIFICATION_NOT_FAILED for one that is queued or sent.
    pub async fn retry(&self, id: i64) -> Result<notifications::Model, Error> {
        let requeued = requeue().filter(notifications::Column::Id.eq(id)).exec(&self.db).await?.rows_affected;
        let n = notifications::Entity::find_by_id(id)
            .one(&self.db)
            .await?
            .ok_or_else(|| Fault::not_found(format!("no notification {id}")).with("notification_id", id))?;
        if requeued == 0 {
            let status = n.status.as_str();
            return Err(Fault::new(
                ErrorCode::NotificationNotFailed,
                format!("notification {id} is {status}: only a failed notification can be retried"),
            )
            .with("notification_id", id)
            .with("notification_status", status)
            .into());
        }
        self.queued.notify_one();
        Ok(n)
    }

    /// Queues every failed notification again (as [`Store::retry`]);
    /// answers how many.
    pub async fn retry_failed(&self) -> Result<u64, Error> {
        let n = requeue().exec(&self.db).await?.rows_affected;
        if n > 0 {
            self.queued.notify_one();
        }
        Ok(n)
    }

    pub async fn stats(&self) -> Result<QueueStats, Error> {
        #[derive(FromQueryResult)]
        struct Row {
            status: DeliveryStatus,
            n: i64,
        }
        let rows = Row::find_by_statement(Statement::from_string(
            self.db.get_database_backend(),
            "SELECT status, COUNT(*) AS n FROM notifications GROUP BY status",
        ))
        .all(&self.db)
        .await?;
        Ok(QueueStats::from_rows(rows.into_iter().map(|r| (r.status, r.n))))
    }
}

/// Failed notifications back to the queue, due now, their budget of
/// attempts counted afresh from here.
fn requeue() -> sea_orm::UpdateMany<notifications::Entity> {
    notifications::Entity::update_many()
        .col_expr(notifications::Column::Status, Expr::value(DeliveryStatus::Queued))
        .col_expr(notifications::Column::NextAttemptAt, Expr::value(ec_common::time::now()))
        .col_expr(notifications::Column::AttemptsAtRetry, Expr::col(notifications::Column::Attempts))
        .filter(notifications::Column::Status.eq(DeliveryStatus::Failed))
}

/// How often the template cache is read again: an edit made through another
/// replica is used here within this.
pub const TEMPLATE_REFRESH: std::time::Duration = std::time::Duration::from_secs(2);

/// Keeps the template cache in step with the database until the store is gone.
async fn refresh_templates(
    db: DatabaseConnection,
    cache: std::sync::Weak<RwLock<HashMap<TemplateCode, templates::Model>>>,
) {
    loop {
        tokio::time::sleep(TEMPLATE_REFRESH).await;
        let Some(cache) = cache.upgrade() else { return };
        match templates::Entity::find().all(&db).await {
            Ok(all) => {
                if let Ok(mut c) = cache.write() {
                    *c = all.into_iter().map(|t| (t.code, t)).collect();
                }
            }
            Err(e) => tracing::warn!(error = %e, "cannot read templates again"),
        }
    }
}

/// The notification service's writes, as its writer applies them.
struct Writes {
    templates: Arc<RwLock<HashMap<TemplateCode, templates::Model>>>,
    queued: Arc<Notify>,
}

impl ec_common::writer::Batch for Writes {
    type Op = WriteOp;
    type Out = WriteOut;
    type Error = Error;

    fn apply<'a>(
        &'a self,
        txn: &'a WriteTxn,
        ops: &'a [WriteOp],
    ) -> futures::future::BoxFuture<'a, Result<Vec<WriteResult>, DbErr>> {
        Box::pin(apply(txn, ops))
    }

    fn after(&self, _ops: &[WriteOp], outs: &[WriteResult]) {
        for out in outs {
            match out {
                Ok(WriteOut::Template(t)) => {
                    if let Ok(mut cache) = self.templates.write() {
                        cache.insert(t.code, t.clone());
                    }
                }
                Ok(WriteOut::Queued(_) | WriteOut::QueuedMany(_)) => self.queued.notify_one(),
                Err(_) => {}
            }
        }
    }
}

async fn apply(write: &WriteTxn, ops: &[WriteOp]) -> Result<Vec<WriteResult>, DbErr> {
    let txn: &DatabaseTransaction = write;
    let now = ec_common::time::now();
    let keys: Vec<&str> = ops
        .iter()
        .flat_map(|op| match op {
            WriteOp::Enqueue(n) => std::slice::from_ref(n),
            WriteOp::EnqueueMany(ns) => ns.as_slice(),
            WriteOp::PutTemplate { .. } => &[],
        })
        .filter_map(|n| n.idempotency_key.as_deref())
        .collect();
    let mut known: HashMap<String, notifications::Model> = HashMap::new();
    if !keys.is_empty() {
        for m in
            notifications::Entity::find().filter(notifications::Column::IdempotencyKey.is_in(keys)).all(txn).await?
        {
            if let Some(k) = m.idempotency_key.clone() {
                known.insert(k, m);
            }
        }
    }
    let new = ops
        .iter()
        .map(|op| match op {
            WriteOp::Enqueue(_) => 1,
            WriteOp::EnqueueMany(ns) => ns.len(),
            WriteOp::PutTemplate { .. } => 0,
        })
        .sum();
    let mut ids = ec_common::db::take_ids(write, "notifications", new).await?.into_iter();
    let mut outs = Vec::with_capacity(ops.len());
    let mut rows = Vec::new();
    for op in ops {
        outs.push(match op {
            WriteOp::Enqueue(n) => queue_one(n, now, &mut ids, &mut known, &mut rows).map(WriteOut::Queued),
            WriteOp::EnqueueMany(ns) => ns
                .iter()
                .map(|n| queue_one(n, now, &mut ids, &mut known, &mut rows))
                .collect::<Result<_, _>>()
                .map(WriteOut::QueuedMany),
            WriteOp::PutTemplate { code, subject, body, by } => {
                let t = templates::Model {
                    code: *code,
                    subject: subject.clone(),
                    body: body.clone(),
                    updated_at: now,
                    updated_by: by.clone(),
                };
                templates::Entity::insert(templates::ActiveModel {
                    code: Set(t.code),
                    subject: Set(t.subject.clone()),
                    body: Set(t.body.clone()),
                    updated_at: Set(now),
                    updated_by: Set(t.updated_by.clone()),
                })
                .on_conflict(
                    OnConflict::column(templates::Column::Code)
                        .update_columns([
                            templates::Column::Subject,
                            templates::Column::Body,
                            templates::Column::UpdatedAt,
                            templates::Column::UpdatedBy,
                        ])
                        .to_owned(),
                )
                .exec_without_returning(txn)
                .await?;
                Ok(WriteOut::Template(t))
            }
        });
    }
    let rows: Vec<notifications::ActiveModel> = rows.into_iter().map(notifications::ActiveModel::from).collect();
    insert_chunked(txn, &rows).await?;
    Ok(outs)
}

/// One notification to queue: the one already queued under its idempotency
/// key, or a new row.
fn queue_one(
    n: &NewNotification,
    now: chrono::DateTime<chrono::Utc>,
    ids: &mut impl Iterator<Item = i64>,
    known: &mut HashMap<String, notifications::Model>,
    rows: &mut Vec<notifications::Model>,
) -> Result<notifications::Model, Error> {
    if let Some(existing) = n.idempotency_key.as_ref().and_then(|k| known.get(k)) {
        return Ok(existing.clone());
    }
    let m = notifications::Model {
        id: ids.next().ok_or_else(|| Error::Db(DbErr::Custom("no notification id left in the batch".into())))?,
        order_id: n.order_id,
        channel: n.channel,
        template: n.template,
        recipient: n.recipient.clone(),
        subject: n.subject.clone(),
        body: n.body.clone(),
        status: DeliveryStatus::Queued,
        attempts: 0,
        last_error: None,
        idempotency_key: n.idempotency_key.clone(),
        next_attempt_at: now,
        created_at: now,
        sent_at: None,
        batch_id: n.batch_id.clone(),
        trace_id: n.trace_id.clone(),
        attempts_at_retry: 0,
        lease_owner: None,
        lease_until: None,
        handed_over_at: None,
    };
    if let Some(k) = &n.idempotency_key {
        known.insert(k.clone(), m.clone());
    }
    rows.push(m.clone());
    Ok(m)
}
