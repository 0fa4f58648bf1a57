//! Schema of `order_service.db`, applied at start-up.

use sea_orm_migration::prelude::*;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(M0001Initial)]
    }
}

#[derive(DeriveMigrationName)]
struct M0001Initial;

#[async_trait::async_trait]
impl MigrationTrait for M0001Initial {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // `batch_id` exists from the start so the bulk import needs no
        // breaking change; `refund_due` and `pending_notification` are the
        // order's own outbox for work a failure interrupted.
        manager
            .get_connection()
            .execute_unprepared(
                r#"
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
"#,
            )
            .await?;
        Ok(())
    }
}
