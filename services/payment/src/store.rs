//! Every access to `payment_service.db`. Writes go through one group-commit
//! writer (see `ec_common::batch`), which also makes "one payment per order"
//! and "never refund more than was paid" race-free.

use std::{
    collections::{HashMap, HashSet},
    sync::{
        Arc,
        atomic::{AtomicI64, Ordering},
    },
};

use ec_common::{
    batch::Batcher,
    deadline::Deadline,
    error::{Fault, FieldViolation, reason},
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, FromQueryResult, NotSet,
    QueryFilter, QueryOrder, QuerySelect, Set, Statement, TransactionTrait,
};
use tonic::Code;

use crate::{
    domain::{NewPayment, PaymentStatus},
    entity::{payments, refunds},
    error::Error,
};

const INSERT_CHUNK: usize = 400;

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
}

pub enum WriteOp {
    /// The deadline is checked at commit time: a payment whose caller has
    /// already given up is not taken, so "no payment found" stays true for
    /// the order service's reconciler.
    Create(NewPayment, Deadline),
    Refund(RefundRequest),
}

pub enum WriteOut {
    Created(PaymentView),
    Refunded { refund: refunds::Model, payment: PaymentView, replayed: bool },
}

type WriteResult = Result<WriteOut, Error>;

#[derive(Clone)]
pub struct Store {
    db: DatabaseConnection,
    writer: Batcher<WriteOp, WriteResult>,
}

impl Store {
    pub async fn open(db: DatabaseConnection, max_batch: usize) -> Result<Self, DbErr> {
        #[derive(FromQueryResult)]
        struct MaxId {
            max_id: Option<i64>,
        }
        let max = MaxId::find_by_statement(Statement::from_string(
            DbBackend::Sqlite,
            "SELECT MAX(id) AS max_id FROM payments",
        ))
        .one(&db)
        .await?
        .and_then(|m| m.max_id)
        .unwrap_or(0);
        let next_id = Arc::new(AtomicI64::new(max + 1));
        let wdb = db.clone();
        let writer = Batcher::spawn("payment-service", max_batch, move |ops| {
            let db = wdb.clone();
            let next_id = next_id.clone();
            async move { run_batch(&db, &next_id, ops).await }
        });
        Ok(Self { db, writer })
    }

    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    pub async fn create(&self, p: NewPayment, deadline: Deadline) -> Result<PaymentView, Error> {
        match self.writer.submit(WriteOp::Create(p, deadline)).await?? {
            WriteOut::Created(v) => Ok(v),
            WriteOut::Refunded { .. } => Err(Error::Db(DbErr::Custom("writer answered the wrong kind".into()))),
        }
    }

    /// Answers the refund, the payment after it, and whether it is the replay
    /// of an earlier refund with the same idempotency key.
    pub async fn refund(&self, r: RefundRequest) -> Result<(refunds::Model, PaymentView, bool), Error> {
        match self.writer.submit(WriteOp::Refund(r)).await?? {
            WriteOut::Refunded { refund, payment, replayed } => Ok((refund, payment, replayed)),
            WriteOut::Created(_) => Err(Error::Db(DbErr::Custom("writer answered the wrong kind".into()))),
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

    async fn with_refunds(&self, payment: payments::Model) -> Result<PaymentView, Error> {
        let refunds = refunds::Entity::find()
            .filter(refunds::Column::PaymentId.eq(payment.id))
            .order_by_asc(refunds::Column::Id)
            .all(&self.db)
            .await?;
        Ok(PaymentView { payment, refunds })
    }
}

async fn run_batch(db: &DatabaseConnection, next_id: &AtomicI64, ops: Vec<WriteOp>) -> Vec<WriteResult> {
    match apply(db, next_id, &ops).await {
        Ok(outs) => outs,
        Err(e) if ops.len() == 1 => vec![Err(e.into())],
        Err(e) => {
            tracing::warn!(error = %e, ops = ops.len(), "batch failed; retrying its operations one by one");
            let mut outs = Vec::with_capacity(ops.len());
            for op in ops {
                outs.push(match apply(db, next_id, std::slice::from_ref(&op)).await {
                    Ok(mut one) => one.pop().unwrap_or_else(|| Err(Error::Db(DbErr::Custom("no output".into())))),
                    Err(e) => Err(e.into()),
                });
            }
            outs
        }
    }
}

async fn apply(db: &DatabaseConnection, next_id: &AtomicI64, ops: &[WriteOp]) -> Result<Vec<WriteResult>, DbErr> {
    let now = ec_common::time::now();
    let txn = db.begin().await?;
    let mut outs: Vec<Option<WriteResult>> = ops.iter().map(|_| None).collect();

    // Payments: one look-up for the whole batch, one multi-row insert.
    let order_ids: Vec<i64> = ops
        .iter()
        .filter_map(|op| match op {
            WriteOp::Create(p, _) => Some(p.order_id),
            WriteOp::Refund(_) => None,
        })
        .collect();
    let mut taken: HashMap<i64, i64> = HashMap::new();
    if !order_ids.is_empty() {
        let rows: Vec<(i64, i64)> = payments::Entity::find()
            .select_only()
            .columns([payments::Column::OrderId, payments::Column::Id])
            .filter(payments::Column::OrderId.is_in(order_ids.iter().copied().collect::<HashSet<_>>()))
            .into_tuple()
            .all(&txn)
            .await?;
        taken.extend(rows);
    }
    let mut rows = Vec::new();
    for (slot, op) in outs.iter_mut().zip(ops) {
        let WriteOp::Create(p, deadline) = op else {
            continue;
        };
        *slot = Some(if deadline.is_expired() {
            Err(Fault::new(
                Code::DeadlineExceeded,
                reason::DEADLINE_EXCEEDED,
                "the caller's deadline passed before the payment was taken",
            )
            .into())
        } else if let Some(existing) = taken.get(&p.order_id) {
            Err(Error::duplicate(p.order_id, *existing))
        } else {
            let id = next_id.fetch_add(1, Ordering::Relaxed);
            taken.insert(p.order_id, id);
            let m = payments::Model {
                id,
                order_id: p.order_id,
                amount: p.amount,
                currency: "JPY".into(),
                method: p.method.clone(),
                status: PaymentStatus::Completed.as_str().into(),
                refunded_amount: 0,
                batch_id: None,
                created_at: now,
                updated_at: now,
            };
            rows.push(m.clone());
            Ok(WriteOut::Created(PaymentView { payment: m, refunds: Vec::new() }))
        });
    }
    for chunk in rows.chunks(INSERT_CHUNK) {
        let models = chunk.iter().cloned().map(payments::ActiveModel::from);
        payments::Entity::insert_many(models).exec_without_returning(&txn).await?;
    }

    // Refunds are rare: one at a time, inside the same transaction.
    for (slot, op) in outs.iter_mut().zip(ops) {
        let WriteOp::Refund(r) = op else { continue };
        *slot = Some(refund(&txn, r, now).await?);
    }
    txn.commit().await?;
    Ok(outs
        .into_iter()
        .map(|o| o.unwrap_or_else(|| Err(Error::Db(DbErr::Custom("operation not applied".into())))))
        .collect())
}

async fn refund(
    txn: &sea_orm::DatabaseTransaction,
    r: &RefundRequest,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<WriteResult, DbErr> {
    let Some(payment) = payments::Entity::find_by_id(r.payment_id).one(txn).await? else {
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
                Code::AlreadyExists,
                reason::IDEMPOTENCY_CONFLICT,
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
        return Ok(Err(
            Fault::validation(vec![FieldViolation::new("amount", "must be a positive number of JPY")]).into()
        ));
    }
    if remaining == 0 || amount > remaining {
        return Ok(Err(Fault::new(
            Code::FailedPrecondition,
            reason::OVER_REFUND,
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
        created_at: Set(now),
    }
    .insert(txn)
    .await?;
    let refunded = payment.refunded_amount + amount;
    let mut active: payments::ActiveModel = payment.into();
    active.refunded_amount = Set(refunded);
    active.status = Set(PaymentStatus::after_refunds(*active.amount.as_ref(), refunded).as_str().into());
    active.updated_at = Set(now);
    let payment = active.update(txn).await?;
    let refunds = all_refunds(txn).await?;
    Ok(Ok(WriteOut::Refunded { refund, payment: PaymentView { payment, refunds }, replayed: false }))
}
