//! Every access to the payment service's database. Writes go through the
//! service's group-commit writer ([`ec_common::writer`]). "One payment per
//! order" is a unique constraint, and "never refund more than was paid"
//! holds because a refund locks its payment row first: both stay true with
//! any number of replicas.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use ec_common::{
    db::WriteTxn,
    deadline::Deadline,
    error::{ErrorCode, Fault, FieldViolation},
    writer::{INSERT_CHUNK, Writer, insert_chunked},
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait, FromQueryResult,
    NotSet, QueryFilter, QueryOrder, QuerySelect, Set, Statement, sea_query::OnConflict,
};

use ec_outbox::Outbox;

use crate::{
    domain::{NewPayment, PaymentStatus, events},
    entity::{payment_rejections, payments, refunds},
    error::Error,
};

/// A payment with its refunds, oldest first.
#[derive(Debug, Clone)]
pub struct PaymentView {
    pub payment: payments::Model,
    pub refunds: Vec<refunds::Model>,
}

#[derive(Debug, Clone)]
pub struct RefundRequest {
    pub payment_id: i64,
    pub amount: Option<i64>,
    pub reason: String,
    pub idempotency_key: Option<String>,
    /// Who asks for it.
    pub requested_by: Option<String>,
    /// The trace its event (refunded) belongs to.
    pub carried: ec_outbox::Carried,
}

pub enum WriteOp {
    /// The deadline is checked at commit time: a payment whose caller has
    /// already given up is not taken, so "no payment found" stays true for
    /// the order service's reconciler.
    Create(NewPayment, Deadline),
    /// The payments of a batch: each answered on its own; an order already
    /// paid with the same amount answers that payment (a retried batch).
    CreateMany(Vec<NewPayment>),
    Refund(RefundRequest),
    /// Refused items of a batch, for its summary.
    Reject {
        batch_id: String,
        rejections: Vec<(i64, String)>,
    },
}

pub enum WriteOut {
    /// The payment, and whether it is a replay of an earlier request.
    Created(PaymentView, bool),
    CreatedMany(Vec<Result<PaymentView, Error>>),
    Refunded {
        refund: refunds::Model,
        payment: PaymentView,
        replayed: bool,
    },
    Done,
}

/// A batch's summary.
#[derive(Debug, Clone, Default)]
pub struct BatchSummary {
    pub succeeded: i64,
    pub failed: i64,
    pub total_amount: i64,
}

type WriteResult = Result<WriteOut, Error>;

#[derive(Clone)]
pub struct Store {
    db: DatabaseConnection,
    writer: Writer<Writes>,
}

impl Store {
    /// `outbox`: where the events of payments and refunds are written (in
    /// the transaction that stores them); it is woken after each commit.
    pub async fn open(db: DatabaseConnection, max_batch: usize, outbox: Outbox) -> Result<Self, DbErr> {
        let writer = Writer::spawn("payment-service", db.clone(), max_batch, Writes { outbox });
        Ok(Self { db, writer })
    }

    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// The payment, and whether it is the replay of an earlier request with
    /// the same idempotency key.
    pub async fn create(&self, p: NewPayment, deadline: Deadline) -> Result<(PaymentView, bool), Error> {
        match self.writer.submit(WriteOp::Create(p, deadline)).await?? {
            WriteOut::Created(v, replayed) => Ok((v, replayed)),
            _ => Err(wrong_kind()),
        }
    }

    /// Takes a batch's payments in one transaction; one result per item.
    pub async fn create_many(&self, items: Vec<NewPayment>) -> Result<Vec<Result<PaymentView, Error>>, Error> {
        match self.writer.submit(WriteOp::CreateMany(items)).await?? {
            WriteOut::CreatedMany(v) => Ok(v),
            _ => Err(wrong_kind()),
        }
    }

    pub async fn reject(&self, batch_id: String, rejections: Vec<(i64, String)>) -> Result<(), Error> {
        if rejections.is_empty() {
            return Ok(());
        }
        self.writer.submit(WriteOp::Reject { batch_id, rejections }).await??;
        Ok(())
    }

    pub async fn batch_summary(&self, batch_id: &str) -> Result<BatchSummary, Error> {
        #[derive(FromQueryResult)]
        struct Row {
            n: i64,
            total: Option<i64>,
        }
        let paid = Row::find_by_statement(Statement::from_sql_and_values(
            self.db.get_database_backend(),
            "SELECT COUNT(*) AS n, CAST(SUM(amount) AS BIGINT) AS total FROM payments WHERE batch_id = $1",
            [batch_id.into()],
        ))
        .one(&self.db)
        .await?;
        let refused = Row::find_by_statement(Statement::from_sql_and_values(
            self.db.get_database_backend(),
            "SELECT COUNT(*) AS n, CAST(NULL AS BIGINT) AS total FROM payment_rejections WHERE batch_id = $1",
            [batch_id.into()],
        ))
        .one(&self.db)
        .await?;
        Ok(BatchSummary {
            succeeded: paid.as_ref().map_or(0, |r| r.n),
            total_amount: paid.and_then(|r| r.total).unwrap_or(0),
            failed: refused.map_or(0, |r| r.n),
        })
    }

    /// Answers the refund, the payment after it, and whether it is the replay
    /// of an earlier refund with the same idempotency key.
    pub async fn refund(&self, r: RefundRequest) -> Result<(refunds::Model, PaymentView, bool), Error> {
        match self.writer.submit(WriteOp::Refund(r)).await?? {
            WriteOut::Refunded { refund, payment, replayed } => Ok((refund, payment, replayed)),
            _ => Err(wrong_kind()),
        }
    }

    pub async fn get(&self, id: i64) -> Result<PaymentView, Error> {
        let p = payments::Entity::find_by_id(id)
            .one(&self.db)
            .await?
            .ok_or_else(|| Error::payment_not_found(format!("payment {id} not found")))?;
        self.with_refunds(p).await
    }

    pub async fn by_order(&self, order_id: i64) -> Result<PaymentView, Error> {
        let p = payments::Entity::find()
            .filter(payments::Column::OrderId.eq(order_id))
            .one(&self.db)
            .await?
            .ok_or_else(|| Error::payment_not_found(format!("order {order_id} has no payment")))?;
        self.with_refunds(p).await
    }

    /// The payment an idempotency key took, if any.
    pub async fn by_key(&self, key: &str) -> Result<Option<PaymentView>, Error> {
        match payments::Entity::find().filter(payments::Column::IdempotencyKey.eq(key)).one(&self.db).await? {
            Some(p) => Ok(Some(self.with_refunds(p).await?)),
            None => Ok(None),
        }
    }

    async fn with_refunds(&self, payment: payments::Model) -> Result<PaymentView, Error> {
        let refunds = refunds::Entity::find()
            .filter(refunds::Column::PaymentId.eq(payment.id))
            .order_by_asc(refunds::Column::Id)
            .all(&self.db)
            .await?;
        Ok(PaymentView { payment, refunds })
    }
}

fn wrong_kind() -> Error {
    Error::Db(DbErr::Custom("writer answered the wrong kind".into()))
}

/// The payment service's writes, as its writer applies them.
struct Writes {
    outbox: Outbox,
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

    fn after(&self, _ops: &[WriteOp], _outs: &[WriteResult]) {
        self.outbox.wake();
    }
}

async fn apply(write: &WriteTxn, ops: &[WriteOp]) -> Result<Vec<WriteResult>, DbErr> {
    let txn: &DatabaseTransaction = write;
    let now = ec_common::time::now();
    let mut outs: Vec<Option<WriteResult>> = ops.iter().map(|_| None).collect();
    take_payments(write, ops, &mut outs, now).await?;
    record_rejections(txn, ops, &mut outs, now).await?;
    // Refunds are rare: one at a time, inside the same transaction.
    for (slot, op) in outs.iter_mut().zip(ops) {
        let WriteOp::Refund(r) = op else { continue };
        *slot = Some(refund(txn, r, now).await?);
    }
    ec_outbox::write(txn, owed_events(ops, &outs), now).await?;
    Ok(outs
        .into_iter()
        .map(|o| o.unwrap_or_else(|| Err(Error::Db(DbErr::Custom("operation not applied".into())))))
        .collect())
}

/// The payments of every Create and CreateMany operation: one look-up of
/// the orders already paid, one multi-row insert.
async fn take_payments(
    write: &WriteTxn,
    ops: &[WriteOp],
    outs: &mut [Option<WriteResult>],
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let txn: &DatabaseTransaction = write;
    // (operation, deadline if any, payment, retry-safe), in order.
    let mut items: Vec<(usize, Option<&Deadline>, &NewPayment, bool)> = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        match op {
            WriteOp::Create(p, d) => items.push((i, Some(d), p, false)),
            WriteOp::CreateMany(ps) => items.extend(ps.iter().map(|p| (i, None, p, true))),
            _ => {}
        }
    }
    if items.is_empty() {
        return Ok(());
    }
    let order_ids: HashSet<i64> = items.iter().map(|(_, _, p, _)| p.order_id).collect();
    let keys: HashSet<&str> = items.iter().filter_map(|(_, _, p, _)| p.idempotency_key.as_deref()).collect();
    let mut seen = Seen::load(txn, &order_ids, &keys).await?;
    let mut rows = Vec::new();
    let mut ids = ec_common::db::take_ids(write, "payments", items.len()).await?.into_iter();
    let mut many: HashMap<usize, Vec<Result<PaymentView, Error>>> = HashMap::new();
    for (i, deadline, p, retry_safe) in items {
        let result = take_one(p, deadline, retry_safe, &mut seen, &mut rows, &mut ids, now);
        match &ops[i] {
            WriteOp::CreateMany(_) => many.entry(i).or_default().push(result.map(|(v, _)| v)),
            _ => outs[i] = Some(result.map(|(v, replayed)| WriteOut::Created(v, replayed))),
        }
    }
    for (i, results) in many {
        outs[i] = Some(Ok(WriteOut::CreatedMany(results)));
    }
    let rows: Vec<payments::ActiveModel> = rows.into_iter().map(payments::ActiveModel::from).collect();
    insert_chunked(txn, &rows).await
}

/// One payment: refused if its caller gave up, the existing one for a
/// retried batch item of the same amount, a duplicate otherwise; or new.
fn take_one(
    p: &NewPayment,
    deadline: Option<&Deadline>,
    retry_safe: bool,
    seen: &mut Seen,
    rows: &mut Vec<payments::Model>,
    ids: &mut impl Iterator<Item = i64>,
    now: DateTime<Utc>,
) -> Result<(PaymentView, bool), Error> {
    if deadline.is_some_and(Deadline::is_expired) {
        return Err(Fault::new(
            ErrorCode::DeadlineExceeded,
            "the payment's deadline passed before it could be stored; nothing was charged",
        )
        .into());
    }
    let replay =
        |existing: &payments::Model| Ok((PaymentView { payment: existing.clone(), refunds: Vec::new() }, true));
    if let Some(existing) = p.idempotency_key.as_ref().and_then(|k| seen.by_key.get(k)) {
        // A retry of what was already taken: answered, never paid twice; the
        // same key for anything else is refused, never waved through.
        return if existing.order_id == p.order_id && existing.amount == p.amount {
            replay(existing)
        } else {
            Err(key_conflict(existing, p).into())
        };
    }
    if let Some(existing) = seen.by_order.get(&p.order_id) {
        return if retry_safe && existing.amount == p.amount && existing.batch_id == p.batch_id {
            replay(existing)
        } else {
            Err(Error::duplicate(p.order_id, existing.id))
        };
    }
    let m = payments::Model {
        id: ids.next().ok_or_else(|| Error::Db(DbErr::Custom("no payment id left in the batch".into())))?,
        order_id: p.order_id,
        amount: p.amount,
        currency: "JPY".into(),
        method: p.method.clone(),
        status: PaymentStatus::Completed,
        refunded_amount: 0,
        batch_id: p.batch_id.clone(),
        idempotency_key: p.idempotency_key.clone(),
        requested_by: p.requested_by.clone(),
        trace_id: p.carried.trace_id.clone(),
        created_at: now,
        updated_at: now,
    };
    seen.by_order.insert(p.order_id, m.clone());
    if let Some(k) = &m.idempotency_key {
        seen.by_key.insert(k.clone(), m.clone());
    }
    rows.push(m.clone());
    Ok((PaymentView { payment: m, refunds: Vec::new() }, false))
}

/// The refusal of an idempotency key reused for another order or amount.
pub fn key_conflict(existing: &payments::Model, p: &NewPayment) -> Fault {
    Fault::new(
        ErrorCode::IdempotencyConflict,
        format!(
            "this idempotency key paid order {} ({} JPY); it cannot pay order {} ({} JPY)",
            existing.order_id, existing.amount, p.order_id, p.amount
        ),
    )
    .with("payment_id", existing.id)
}

/// Payments already taken (stored, or earlier in this batch), by order and
/// by idempotency key.
struct Seen {
    by_order: HashMap<i64, payments::Model>,
    by_key: HashMap<String, payments::Model>,
}

impl Seen {
    /// The stored payments of these orders and of these keys: one look-up
    /// per chunk finds both.
    async fn load(txn: &DatabaseTransaction, order_set: &HashSet<i64>, key_set: &HashSet<&str>) -> Result<Self, DbErr> {
        let mut seen = Seen { by_order: HashMap::new(), by_key: HashMap::new() };
        let order_ids: Vec<i64> = order_set.iter().copied().collect();
        let keys: Vec<&str> = key_set.iter().copied().collect();
        let (mut order_chunks, mut key_chunks) = (order_ids.chunks(INSERT_CHUNK), keys.chunks(INSERT_CHUNK));
        loop {
            let (orders, keys) = (order_chunks.next(), key_chunks.next());
            if orders.is_none() && keys.is_none() {
                break;
            }
            let these = sea_orm::Condition::any()
                .add(payments::Column::OrderId.is_in(orders.unwrap_or_default().to_vec()))
                .add(payments::Column::IdempotencyKey.is_in(keys.unwrap_or_default().to_vec()));
            for p in payments::Entity::find().filter(these).all(txn).await? {
                if let Some(k) = p.idempotency_key.as_deref().filter(|k| key_set.contains(k)) {
                    seen.by_key.insert(k.to_owned(), p.clone());
                }
                if order_set.contains(&p.order_id) {
                    seen.by_order.insert(p.order_id, p);
                }
            }
        }
        Ok(seen)
    }
}

/// The events the order service is owed for what this batch stored: a new
/// payment (completed) or refund (refunded). Replays owe nothing new, and
/// the payments of a bulk import are settled by the import itself.
fn owed_events(ops: &[WriteOp], outs: &[Option<WriteResult>]) -> Vec<ec_outbox::NewEvent> {
    let mut owed = Vec::new();
    for (op, out) in ops.iter().zip(outs) {
        match (op, out) {
            (WriteOp::Create(p, _), Some(Ok(WriteOut::Created(v, false)))) => {
                let m = &v.payment;
                owed.push(events::owed(
                    events::Event::Completed { payment_id: m.id },
                    m.order_id,
                    m.amount,
                    p.carried.clone(),
                ));
            }
            (WriteOp::Refund(r), Some(Ok(WriteOut::Refunded { refund, payment, replayed: false }))) => {
                owed.push(events::owed(
                    events::Event::Refunded { payment_id: payment.payment.id, refund_id: refund.id },
                    payment.payment.order_id,
                    refund.amount,
                    r.carried.clone(),
                ));
            }
            _ => {}
        }
    }
    owed
}

/// The refused items of batches, each recorded once (a retried batch).
async fn record_rejections(
    txn: &DatabaseTransaction,
    ops: &[WriteOp],
    outs: &mut [Option<WriteResult>],
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    for (slot, op) in outs.iter_mut().zip(ops) {
        let WriteOp::Reject { batch_id, rejections } = op else { continue };
        for chunk in rejections.chunks(INSERT_CHUNK) {
            let models = chunk.iter().map(|(order_id, reason)| payment_rejections::ActiveModel {
                batch_id: Set(batch_id.clone()),
                order_id: Set(*order_id),
                reason: Set(reason.clone()),
                created_at: Set(now),
            });
            payment_rejections::Entity::insert_many(models)
                .on_conflict(
                    OnConflict::columns([payment_rejections::Column::BatchId, payment_rejections::Column::OrderId])
                        .do_nothing()
                        .to_owned(),
                )
                .try_insert()
                .exec_without_returning(txn)
                .await?;
        }
        *slot = Some(Ok(WriteOut::Done));
    }
    Ok(())
}

async fn refund(txn: &DatabaseTransaction, r: &RefundRequest, now: DateTime<Utc>) -> Result<WriteResult, DbErr> {
    // Locked (PostgreSQL) so that two replicas refunding the same payment
    // take turns: the second sees what the first refunded.
    let Some(payment) = payments::Entity::find_by_id(r.payment_id).lock_exclusive().one(txn).await? else {
        return Ok(Err(Error::payment_not_found(format!("payment {} not found", r.payment_id))));
    };
    let all_refunds = |txn| {
        refunds::Entity::find()
            .filter(refunds::Column::PaymentId.eq(r.payment_id))
            .order_by_asc(refunds::Column::Id)
            .all(txn)
    };
    if let Some(key) = &r.idempotency_key
        && let Some(existing) =
            refunds::Entity::find().filter(refunds::Column::IdempotencyKey.eq(key.as_str())).one(txn).await?
    {
        if existing.payment_id != r.payment_id {
            return Ok(Err(Fault::new(
                ErrorCode::IdempotencyConflict,
                "this idempotency key was used for another payment's refund",
            )
            .into()));
        }
        let refunds = all_refunds(txn).await?;
        return Ok(Ok(WriteOut::Refunded {
            refund: existing,
            payment: PaymentView { payment, refunds },
            replayed: true,
        }));
    }
    let remaining = payment.amount - payment.refunded_amount;
    let amount = r.amount.unwrap_or(remaining);
    if r.amount.is_some_and(|a| a <= 0) {
        return Ok(Err(Fault::field(FieldViolation::at_least("amount", 1)).into()));
    }
    if remaining == 0 || amount > remaining {
        return Ok(Err(Fault::new(
            ErrorCode::OverRefund,
            format!("payment {} has {remaining} JPY left to refund; {amount} JPY asked", payment.id),
        )
        .with("payment_id", payment.id)
        .with("refundable", remaining)
        .into()));
    }
    let refund = refunds::ActiveModel {
        id: NotSet,
        payment_id: Set(payment.id),
        amount: Set(amount),
        reason: Set(r.reason.clone()),
        idempotency_key: Set(r.idempotency_key.clone()),
        created_by: Set(r.requested_by.clone()),
        trace_id: Set(r.carried.trace_id.clone()),
        created_at: Set(now),
    }
    .insert(txn)
    .await?;
    let refunded = payment.refunded_amount + amount;
    let mut active: payments::ActiveModel = payment.into();
    active.refunded_amount = Set(refunded);
    active.status = Set(PaymentStatus::after_refunds(*active.amount.as_ref(), refunded));
    active.updated_at = Set(now);
    let payment = active.update(txn).await?;
    let refunds = all_refunds(txn).await?;
    Ok(Ok(WriteOut::Refunded { refund, payment: PaymentView { payment, refunds }, replayed: false }))
}
