//! The one writer of a service's database: the group commit of
//! [`crate::batch`] on a database. Each service says only what a batch of
//! its operations does ([`Batch::apply`]); opening the write transaction,
//! committing it, falling back to one transaction per operation when a batch
//! fails, and multi-row inserts in chunks are done here, once.
//!
//! The writer is a throughput optimisation, not what keeps the data right:
//! any number of writers (replicas) may share a database. What a batch
//! decides from rows it read holds because it locks those rows
//! ([`sea_orm::QuerySelect::lock_exclusive`]; SQLite's immediate transaction
//! already excludes every other writer), takes its ids from the database
//! ([`crate::db::take_ids`]) and relies on unique constraints for
//! idempotency keys and event ids: a batch that loses such a race fails as a
//! whole and its operations are retried one by one, each then seeing the
//! winner's row.

use std::sync::Arc;

use futures::future::BoxFuture;
use sea_orm::{ActiveModelTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait};

use crate::{
    batch::{Batcher, WriterStopped, apply_or_split},
    db::WriteTxn,
};

/// Rows per multi-row INSERT: under SQLite's bound-variable limit and
/// PostgreSQL's 65,535 parameters for the widest table.
pub const INSERT_CHUNK: usize = 400;

/// The results of one batch, one per operation, or why the whole batch failed.
pub type BatchResult<'a, Out, E> = BoxFuture<'a, Result<Vec<Result<Out, E>>, DbErr>>;

/// What one service writes.
pub trait Batch: Send + Sync + 'static {
    type Op: Send + Sync + 'static;
    type Out: Send + 'static;
    type Error: From<DbErr> + Send + 'static;

    /// Decides and writes every operation of `ops` inside `txn`: one result
    /// per operation, in order. An `Err` fails the whole batch.
    fn apply<'a>(&'a self, txn: &'a WriteTxn, ops: &'a [Self::Op]) -> BatchResult<'a, Self::Out, Self::Error>;

    /// Runs after each batch with its results, committed or not (for
    /// example to wake the outbox's worker).
    fn after(&self, _ops: &[Self::Op], _outs: &[Result<Self::Out, Self::Error>]) {}
}

/// Handle to a service's writer task; cheap to clone.
pub struct Writer<B: Batch> {
    batcher: Batcher<B::Op, Result<B::Out, B::Error>>,
}

impl<B: Batch> Clone for Writer<B> {
    fn clone(&self) -> Self {
        Self { batcher: self.batcher.clone() }
    }
}

impl<B: Batch> Writer<B> {
    /// Spawns the writer of `service` on `db`, committing up to `max_batch`
    /// operations together.
    pub fn spawn(service: &'static str, db: DatabaseConnection, max_batch: usize, batch: B) -> Self {
        let batch = Arc::new(batch);
        let batcher = Batcher::spawn(service, max_batch, move |ops: Vec<B::Op>| {
            let (db, batch) = (db.clone(), batch.clone());
            async move {
                let outs = apply_or_split(&ops, |ops| {
                    let (db, batch) = (db.clone(), batch.clone());
                    Box::pin(async move {
                        let txn = crate::db::begin_write(&db).await?;
                        let outs = batch.apply(&txn, ops).await?;
                        txn.commit().await?;
                        Ok(outs)
                    })
                })
                .await;
                batch.after(&ops, &outs);
                outs
            }
        });
        Self { batcher }
    }

    /// Submits one operation and waits for its result.
    pub async fn submit(&self, op: B::Op) -> Result<Result<B::Out, B::Error>, WriterStopped> {
        self.batcher.submit(op).await
    }
}

/// Inserts `rows` with multi-row statements of [`INSERT_CHUNK`] rows.
pub async fn insert_chunked<A>(txn: &DatabaseTransaction, rows: &[A]) -> Result<(), DbErr>
where
    A: ActiveModelTrait + Clone + Send,
{
    for chunk in rows.chunks(INSERT_CHUNK) {
        <A::Entity as EntityTrait>::insert_many(chunk.to_vec()).exec_without_returning(txn).await?;
    }
    Ok(())
}
