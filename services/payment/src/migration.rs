//! Schema of `payment_service.db`, applied at start-up.

use ec_common::db::{
    AddTextColumns,
    schema::{col, id, index, int, name, text, text_null, time},
};
use sea_orm_migration::prelude::*;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(M0001Initial),
            Box::new(M0002Batches),
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
struct M0001Initial;

impl MigrationName for M0001Initial {
    fn name(&self) -> &str {
        "m0001_initial"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0001Initial {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(name("payments"))
                .col(id())
                .col(int("order_id").unique_key())
                .col(int("amount").check(col("amount").between(100, 1_000_000)))
                .col(text("currency"))
                .col(text("method"))
                .col(text("status"))
                .col(int("refunded_amount").default(0))
                .col(text_null("batch_id"))
                .col(time("created_at"))
                .col(time("updated_at"))
                .check(col("refunded_amount").gte(0).and(col("refunded_amount").lte(col("amount"))))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index("payments_by_batch", "payments", &["batch_id"]).and_where(col("batch_id").is_not_null()).to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(name("refunds"))
                .col(id())
                .col(int("payment_id"))
                .col(int("amount").check(col("amount").gt(0)))
                .col(text("reason"))
                .col(text_null("idempotency_key").unique_key())
                .col(time("created_at"))
                .foreign_key(
                    ForeignKey::create().from(name("refunds"), name("payment_id")).to(name("payments"), name("id")),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index("refunds_by_payment", "refunds", &["payment_id", "id"])).await
    }
}

/// Refused items of batch payments, so a batch summary can count them
/// (accepted ones are the payments with the batch id).
struct M0002Batches;

impl MigrationName for M0002Batches {
    fn name(&self) -> &str {
        "m0002_batches"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0002Batches {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(name("payment_rejections"))
                .col(text("batch_id"))
                .col(int("order_id"))
                .col(text("reason"))
                .col(time("created_at"))
                .primary_key(Index::create().col(name("batch_id")).col(name("order_id")))
                .to_owned(),
        )
        .await
    }
}

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
