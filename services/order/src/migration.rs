//! Schema of `order_service.db`, applied at start-up.

use ec_common::db::{
    AddTextColumns,
    schema::{bytes, col, flag, id, index, int, int32, name, text, text_null, time, time_null},
};
use sea_orm_migration::prelude::*;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(M0001Initial),
            Box::new(M0002Imports),
            Box::new(M0003ImportErrorCodes),
            // Each status change names who asked for it (the principal the
            // gateway passed on, or the service or task that made it) ...
            Box::new(AddTextColumns { name: "m0004_history_actor", columns: &[("order_status_history", "actor")] }),
            Box::new(ec_outbox::migration::Migration),
            // ... and the trace of the request that made it.
            Box::new(AddTextColumns { name: "m0005_history_trace", columns: &[("order_status_history", "trace_id")] }),
            // Imports and the reconciler's passes are leased to one replica.
            Box::new(ec_common::lease::Migration),
            // ... and so are an import's chunks, one by one.
            Box::new(M0006ImportChunks),
        ]
    }
}

/// `batch_id` exists from the start so the bulk import needs no
/// breaking change; `refund_due` and `pending_notification` are the
/// order's own outbox for work a failure interrupted. Order ids are taken
/// from the database by the writer (`ec_common::db::take_ids`).
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
                .table(name("orders"))
                .col(id())
                .col(text("customer_name"))
                .col(text("customer_email"))
                .col(text_null("customer_phone"))
                .col(text_null("shipping_address"))
                .col(int("total_amount").check(col("total_amount").gte(0)))
                .col(text("status"))
                .col(text_null("batch_id"))
                .col(text_null("idempotency_key").unique_key())
                .col(text_null("request_hash"))
                .col(text_null("pending_notification"))
                .col(flag("refund_due"))
                .col(time("created_at"))
                .col(time("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("orders_by_status", "orders", &["status", "id"])).await?;
        m.create_index(index("orders_by_email", "orders", &["customer_email", "id"])).await?;
        m.create_index(
            index("orders_by_batch", "orders", &["batch_id", "id"]).and_where(col("batch_id").is_not_null()).to_owned(),
        )
        .await?;
        m.create_index(
            index("orders_owing_mail", "orders", &["id"])
                .and_where(col("pending_notification").is_not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(
            index("orders_owing_refund", "orders", &["id"]).and_where(col("refund_due").eq(true)).to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(name("order_items"))
                .col(id())
                .col(int("order_id"))
                .col(int32("line_no"))
                .col(text("product_id"))
                .col(text("product_name"))
                .col(int("quantity").check(col("quantity").gt(0)))
                .col(int("unit_price").check(col("unit_price").gte(0)))
                .col(int("subtotal"))
                .foreign_key(
                    ForeignKey::create().from(name("order_items"), name("order_id")).to(name("orders"), name("id")),
                )
                .index(Index::create().col(name("order_id")).col(name("line_no")).unique())
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(name("order_status_history"))
                .col(id())
                .col(int("order_id"))
                .col(text("status"))
                .col(time("at"))
                .foreign_key(
                    ForeignKey::create()
                        .from(name("order_status_history"), name("order_id"))
                        .to(name("orders"), name("id")),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index("order_status_history_by_order", "order_status_history", &["order_id", "id"])).await?;
        m.create_table(
            Table::create()
                .table(name("payment_events"))
                .col(text("event_id").primary_key())
                .col(int("order_id"))
                .col(int("payment_id"))
                .col(text("status"))
                .col(int("amount"))
                .col(time("received_at"))
                .to_owned(),
        )
        .await
    }
}

/// The import history. The uploaded file is kept with its import so a
/// resumed import reads exactly what was sent; its orders carry the
/// import id as batch_id and "import/<id>/<row key>" as idempotency
/// key, so a row can never become two orders.
struct M0002Imports;

impl MigrationName for M0002Imports {
    fn name(&self) -> &str {
        "m0002_imports"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0002Imports {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut imports = Table::create().table(name("imports")).to_owned();
        imports
            .col(text("id").primary_key())
            .col(int("seq").unique_key())
            .col(text("file_name"))
            .col(text("submitted_by"))
            .col(text("status"))
            .col(flag("digest"))
            .col(text("encoding"))
            .col(bytes("content"));
        for counter in [
            "total_rows",
            "processed_rows",
            "succeeded_rows",
            "failed_rows",
            "orders_created",
            "payments_total_amount",
            "notifications_queued",
        ] {
            imports.col(int(counter).default(0));
        }
        imports
            .col(text_null("error"))
            .col(time("created_at"))
            .col(time_null("started_at"))
            .col(time_null("finished_at"));
        m.create_table(imports).await?;
        m.create_index(
            index("imports_unfinished", "imports", &["status"])
                .and_where(col("status").is_in(["queued", "running"]))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(name("import_errors"))
                .col(id())
                .col(text("import_id"))
                .col(int("row"))
                .col(text("column_name"))
                .col(text("reason"))
                .foreign_key(
                    ForeignKey::create().from(name("import_errors"), name("import_id")).to(name("imports"), name("id")),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index("import_errors_by_import", "import_errors", &["import_id", "row"])).await
    }
}

/// Refused rows carry a machine code and its parameters (so the admin can
/// say them in the operator's language), next to the English reason.
struct M0003ImportErrorCodes;

impl MigrationName for M0003ImportErrorCodes {
    fn name(&self) -> &str {
        "m0003_import_error_codes"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0003ImportErrorCodes {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one at a time.
        for column in [
            ColumnDef::new(Alias::new("code")).string().not_null().default("invalid_value").to_owned(),
            ColumnDef::new(Alias::new("params")).string().not_null().default("{}").to_owned(),
        ] {
            manager
                .alter_table(Table::alter().table(Alias::new("import_errors")).add_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}

/// An import's orders in chunks, each claimed by one replica (a lease
/// named `import:<id>:chunk:<n>`), so every order replica pays a share of a
/// large import and a crashed one's chunk is taken over by another.
struct M0006ImportChunks;

impl MigrationName for M0006ImportChunks {
    fn name(&self) -> &str {
        "m0006_import_chunks"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0006ImportChunks {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(name("import_chunks"))
                .col(text("import_id"))
                .col(int("chunk"))
                .col(int("first_order_id"))
                .col(int("last_order_id"))
                .col(text_null("done_by"))
                .col(time_null("done_at"))
                .col(int("runs").default(0))
                .primary_key(Index::create().col(name("import_id")).col(name("chunk")))
                .foreign_key(
                    ForeignKey::create().from(name("import_chunks"), name("import_id")).to(name("imports"), name("id")),
                )
                .to_owned(),
        )
        .await
    }
}
