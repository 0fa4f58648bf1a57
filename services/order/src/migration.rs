//! Schema of `order_service.db`, applied at start-up.

use ec_common::db::{AddTextColumns, SqlMigration};
use sea_orm_migration::prelude::*;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(SqlMigration { name: "m0001_initial", sql: M0001_INITIAL }),
            Box::new(SqlMigration { name: "m0002_imports", sql: M0002_IMPORTS }),
            Box::new(M0003ImportErrorCodes),
            // Each status change names who asked for it (the principal the
            // gateway passed on, or the service or task that made it) ...
            Box::new(AddTextColumns { name: "m0004_history_actor", columns: &[("order_status_history", "actor")] }),
            Box::new(ec_outbox::migration::Migration),
            // ... and the trace of the request that made it.
            Box::new(AddTextColumns { name: "m0005_history_trace", columns: &[("order_status_history", "trace_id")] }),
        ]
    }
}

/// `batch_id` exists from the start so the bulk import needs no
/// breaking change; `refund_due` and `pending_notification` are the
/// order's own outbox for work a failure interrupted.
const M0001_INITIAL: &str = r#"
CREATE TABLE orders (
    id                   INTEGER PRIMARY KEY,
    customer_name        TEXT    NOT NULL,
    customer_email       TEXT    NOT NULL,
    customer_phone       TEXT,
    shipping_address     TEXT,
    total_amount         INTEGER NOT NULL CHECK (total_amount >= 0),
    status               TEXT    NOT NULL,
    batch_id             TEXT,
    idempotency_key      TEXT    UNIQUE,
    request_hash         TEXT,
    pending_notification TEXT,
    refund_due           INTEGER NOT NULL DEFAULT 0,
    created_at           TEXT    NOT NULL,
    updated_at           TEXT    NOT NULL
);
CREATE INDEX orders_by_status ON orders (status, id);
CREATE INDEX orders_by_email ON orders (customer_email, id);
CREATE INDEX orders_by_batch ON orders (batch_id, id) WHERE batch_id IS NOT NULL;
CREATE INDEX orders_owing_mail ON orders (id) WHERE pending_notification IS NOT NULL;
CREATE INDEX orders_owing_refund ON orders (id) WHERE refund_due = 1;

CREATE TABLE order_items (
    id           INTEGER PRIMARY KEY,
    order_id     INTEGER NOT NULL REFERENCES orders (id),
    line_no      INTEGER NOT NULL,
    product_id   TEXT    NOT NULL,
    product_name TEXT    NOT NULL,
    quantity     INTEGER NOT NULL CHECK (quantity > 0),
    unit_price   INTEGER NOT NULL CHECK (unit_price >= 0),
    subtotal     INTEGER NOT NULL,
    UNIQUE (order_id, line_no)
);

CREATE TABLE order_status_history (
    id       INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES orders (id),
    status   TEXT    NOT NULL,
    at       TEXT    NOT NULL
);
CREATE INDEX order_status_history_by_order ON order_status_history (order_id, id);

CREATE TABLE payment_events (
    event_id    TEXT    PRIMARY KEY,
    order_id    INTEGER NOT NULL,
    payment_id  INTEGER NOT NULL,
    status      TEXT    NOT NULL,
    amount      INTEGER NOT NULL,
    received_at TEXT    NOT NULL
);
"#;

/// The import history. The uploaded file is kept with its import so a
/// resumed import reads exactly what was sent; its orders carry the
/// import id as batch_id and "import/<id>/<row key>" as idempotency
/// key, so a row can never become two orders.
const M0002_IMPORTS: &str = r#"
CREATE TABLE imports (
    id                    TEXT    PRIMARY KEY,
    seq                   INTEGER NOT NULL UNIQUE,
    file_name             TEXT    NOT NULL,
    submitted_by          TEXT    NOT NULL,
    status                TEXT    NOT NULL,
    digest                INTEGER NOT NULL,
    encoding              TEXT    NOT NULL,
    content               BLOB    NOT NULL,
    total_rows            INTEGER NOT NULL DEFAULT 0,
    processed_rows        INTEGER NOT NULL DEFAULT 0,
    succeeded_rows        INTEGER NOT NULL DEFAULT 0,
    failed_rows           INTEGER NOT NULL DEFAULT 0,
    orders_created        INTEGER NOT NULL DEFAULT 0,
    payments_total_amount INTEGER NOT NULL DEFAULT 0,
    notifications_queued  INTEGER NOT NULL DEFAULT 0,
    error                 TEXT,
    created_at            TEXT    NOT NULL,
    started_at            TEXT,
    finished_at           TEXT
);
CREATE INDEX imports_unfinished ON imports (status) WHERE status IN ('queued', 'running');

CREATE TABLE import_errors (
    id          INTEGER PRIMARY KEY,
    import_id   TEXT    NOT NULL REFERENCES imports (id),
    row         INTEGER NOT NULL,
    column_name TEXT    NOT NULL,
    reason      TEXT    NOT NULL
);
CREATE INDEX import_errors_by_import ON import_errors (import_id, row);
"#;

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
