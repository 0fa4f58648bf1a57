//! Schema of `payment_service.db`, applied at start-up.

use ec_common::db::{AddTextColumns, SqlMigration};
use sea_orm_migration::prelude::*;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(SqlMigration { name: "m0001_initial", sql: M0001_INITIAL }),
            Box::new(SqlMigration { name: "m0002_batches", sql: M0002_BATCHES }),
            // A refund names who asked for it.
            Box::new(AddTextColumns { name: "m0003_refunded_by", columns: &[("refunds", "created_by")] }),
            Box::new(M0004PaymentKeys),
            Box::new(ec_outbox::migration::Migration),
            // Payments and refunds keep the trace of the request that made them.
            Box::new(AddTextColumns {
                name: "m0005_trace_ids",
                columns: &[("payments", "trace_id"), ("refunds", "trace_id")],
            }),
        ]
    }
}

/// The UNIQUE order_id is the duplicate-payment rule, enforced by the
/// database as well as checked by the writer.
const M0001_INITIAL: &str = r#"
CREATE TABLE payments (
    id              INTEGER PRIMARY KEY,
    order_id        INTEGER NOT NULL UNIQUE,
    amount          INTEGER NOT NULL CHECK (amount BETWEEN 100 AND 1000000),
    currency        TEXT    NOT NULL,
    method          TEXT    NOT NULL,
    status          TEXT    NOT NULL,
    refunded_amount INTEGER NOT NULL DEFAULT 0 CHECK (refunded_amount BETWEEN 0 AND amount),
    batch_id        TEXT,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL
);
CREATE INDEX payments_by_batch ON payments (batch_id) WHERE batch_id IS NOT NULL;

CREATE TABLE refunds (
    id              INTEGER PRIMARY KEY,
    payment_id      INTEGER NOT NULL REFERENCES payments (id),
    amount          INTEGER NOT NULL CHECK (amount > 0),
    reason          TEXT    NOT NULL,
    idempotency_key TEXT    UNIQUE,
    created_at      TEXT    NOT NULL
);
CREATE INDEX refunds_by_payment ON refunds (payment_id, id);
"#;

/// Refused items of batch payments, so a batch summary can count them
/// (accepted ones are the payments with the batch id).
const M0002_BATCHES: &str = r#"
CREATE TABLE payment_rejections (
    batch_id   TEXT    NOT NULL,
    order_id   INTEGER NOT NULL,
    reason     TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    PRIMARY KEY (batch_id, order_id)
);
"#;

/// A payment remembers its idempotency key (unique: a retry never pays
/// twice) and who asked for it.
struct M0004PaymentKeys;

impl MigrationName for M0004PaymentKeys {
    fn name(&self) -> &str {
        "m0004_payment_keys"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0004PaymentKeys {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in ["idempotency_key", "requested_by"] {
            let column = ColumnDef::new(Alias::new(name)).string().null().to_owned();
            manager.alter_table(Table::alter().table(Alias::new("payments")).add_column(column).to_owned()).await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("payments_by_key")
                    .table(Alias::new("payments"))
                    .col(Alias::new("idempotency_key"))
                    .unique()
                    .to_owned(),
            )
            .await
    }
}
