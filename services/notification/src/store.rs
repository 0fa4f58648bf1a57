//! Every access to `notification_service.db`. Enqueues go through one
//! group-commit writer; templates are cached in memory (read on every
//! enqueue, written rarely).

use std::{
    collections::HashMap,
    sync::{
        Arc, RwLock,
        atomic::{AtomicI64, Ordering},
    },
};

use chrono::{DateTime, Utc};
use ec_common::batch::Batcher;
use ec_common::vocab::TemplateCode;
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect, Set, Statement,
    sea_query::{Expr, ExprTrait, OnConflict},
};
use tokio::sync::Notify;

use crate::{
    entity::{notification_templates as templates, notifications},
    error::Error,
};

const INSERT_CHUNK: usize = 400;

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
    pub fn to_proto(self) -> ec_proto::notification::v1::NotificationStatus {
        use ec_proto::notification::v1::NotificationStatus as P;
        match self {
            Self::Queued => P::Queued,
            Self::Sent => P::Sent,
            Self::Failed => P::Failed,
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
    writer: Batcher<WriteOp, WriteResult>,
    templates: Arc<RwLock<HashMap<TemplateCode, templates::Model>>>,
    /// Wakes the dispatcher when something was queued.
    pub queued: Arc<Notify>,
}

impl Store {
    pub async fn open(db: DatabaseConnection, max_batch: usize) -> Result<Self, DbErr> {
        let max = ec_common::db::max_id(&db, "notifications", "id").await?;
        let cache: HashMap<_, _> = templates::Entity::find().all(&db).await?.into_iter().map(|t| (t.code, t)).collect();
        let templates = Arc::new(RwLock::new(cache));
        let queued = Arc::new(Notify::new());
        let next_id = Arc::new(AtomicI64::new(max + 1));
        let (wdb, wtemplates, wqueued) = (db.clone(), templates.clone(), queued.clone());
        let writer = Batcher::spawn("notification-service", max_batch, move |ops| {
            let (db, next_id, templates, queued) = (wdb.clone(), next_id.clone(), wtemplates.clone(), wqueued.clone());
            async move {
                let outs = run_batch(&db, &next_id, ops).await;
                for out in &outs {
                    match out {
                        Ok(WriteOut::Template(t)) => {
                            if let Ok(mut cache) = templates.write() {
                                cache.insert(t.code, t.clone());
                            }
                        }
                        Ok(WriteOut::Queued(_) | WriteOut::QueuedMany(_)) => queued.notify_one(),
                        Err(_) => {}
                    }
                }
                outs
            }
        });
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
            DbBackend::Sqlite,
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

    /// The next notifications due for delivery, in queue order.
    pub async fn due(&self, now: DateTime<Utc>, limit: u64) -> Result<Vec<notifications::Model>, Error> {
        Ok(notifications::Entity::find()
            .filter(notifications::Column::Status.eq(DeliveryStatus::Queued))
            .filter(notifications::Column::NextAttemptAt.lte(now))
            .order_by_asc(notifications::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?)
    }

    /// Marks delivered notifications sent, each with the time it was
    /// delivered, in one statement.
    pub async fn mark_sent(&self, delivered: Vec<(i64, DateTime<Utc>)>) -> Result<(), Error> {
        let Some((_, first_at)) = delivered.first().copied() else { return Ok(()) };
        let ids: Vec<i64> = delivered.iter().map(|(id, _)| *id).collect();
        let sent_at = delivered
            .iter()
            .fold(sea_orm::sea_query::CaseStatement::new(), |case, (id, at)| {
                case.case(Expr::col(notifications::Column::Id).eq(*id), Expr::value(Some(*at)))
            })
            .finally(Expr::value(Some(first_at)));
        notifications::Entity::update_many()
            .col_expr(notifications::Column::Status, Expr::value(DeliveryStatus::Sent))
            .col_expr(notifications::Column::SentAt, sent_at.into())
            .col_expr(notifications::Column::Attempts, Expr::col(notifications::Column::Attempts).add(1))
            .filter(notifications::Column::Id.is_in(ids))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Records a failed attempt: retried at `retry_at`, or failed for good.
    pub async fn mark_attempt_failed(
        &self,
        n: &notifications::Model,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
    ) -> Result<(), Error> {
        let mut update = notifications::Entity::update_many()
            .col_expr(notifications::Column::Attempts, Expr::value(n.attempts + 1))
            .col_expr(notifications::Column::LastError, Expr::value(Some(error.to_owned())));
        update = match retry_at {
            Some(at) => update.col_expr(notifications::Column::NextAttemptAt, Expr::value(at)),
            None => update.col_expr(notifications::Column::Status, Expr::value(DeliveryStatus::Failed)),
        };
        update.filter(notifications::Column::Id.eq(n.id)).exec(&self.db).await?;
        Ok(())
    }

    pub async fn stats(&self) -> Result<QueueStats, Error> {
        #[derive(FromQueryResult)]
        struct Row {
            status: DeliveryStatus,
            n: i64,
        }
        let rows = Row::find_by_statement(Statement::from_string(
            DbBackend::Sqlite,
            "SELECT status, COUNT(*) AS n FROM notifications GROUP BY status",
        ))
        .all(&self.db)
        .await?;
        Ok(QueueStats::from_rows(rows.into_iter().map(|r| (r.status, r.n))))
    }
}

async fn run_batch(db: &DatabaseConnection, next_id: &Arc<AtomicI64>, ops: Vec<WriteOp>) -> Vec<WriteResult> {
    let (db, next_id) = (db.clone(), next_id.clone());
    ec_common::batch::apply_or_split(ops, move |ops| {
        let (db, next_id) = (db.clone(), next_id.clone());
        Box::pin(async move { apply(&db, &next_id, ops).await })
    })
    .await
}

async fn apply(db: &DatabaseConnection, next_id: &AtomicI64, ops: &[WriteOp]) -> Result<Vec<WriteResult>, DbErr> {
    let now = ec_common::time::now();
    let txn = ec_common::db::begin_write(db).await?;
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
            notifications::Entity::find().filter(notifications::Column::IdempotencyKey.is_in(keys)).all(&txn).await?
        {
            if let Some(k) = m.idempotency_key.clone() {
                known.insert(k, m);
            }
        }
    }
    let mut outs = Vec::with_capacity(ops.len());
    let mut rows = Vec::new();
    for op in ops {
        outs.push(match op {
            WriteOp::Enqueue(n) => Ok(WriteOut::Queued(queue_one(n, now, next_id, &mut known, &mut rows))),
            WriteOp::EnqueueMany(ns) => {
                Ok(WriteOut::QueuedMany(ns.iter().map(|n| queue_one(n, now, next_id, &mut known, &mut rows)).collect()))
            }
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
                .exec_without_returning(&txn)
                .await?;
                Ok(WriteOut::Template(t))
            }
        });
    }
    for chunk in rows.chunks(INSERT_CHUNK) {
        notifications::Entity::insert_many(chunk.iter().cloned().map(notifications::ActiveModel::from))
            .exec_without_returning(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(outs)
}

/// One notification to queue: the one already queued under its idempotency
/// key, or a new row.
fn queue_one(
    n: &NewNotification,
    now: chrono::DateTime<chrono::Utc>,
    next_id: &AtomicI64,
    known: &mut HashMap<String, notifications::Model>,
    rows: &mut Vec<notifications::Model>,
) -> notifications::Model {
    if let Some(existing) = n.idempotency_key.as_ref().and_then(|k| known.get(k)) {
        return existing.clone();
    }
    let m = notifications::Model {
        id: next_id.fetch_add(1, Ordering::Relaxed),
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
    };
    if let Some(k) = &n.idempotency_key {
        known.insert(k.clone(), m.clone());
    }
    rows.push(m.clone());
    m
}
