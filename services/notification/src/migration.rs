//! Schema of `notification_service.db`, applied at start-up, with the seeded templates.

use ec_common::db::SqlMigration;
use sea_orm_migration::prelude::*;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(SqlMigration { name: "m0001_initial", sql: M0001_INITIAL }),
            Box::new(SqlMigration { name: "m0002_batches", sql: M0002_BATCHES }),
            Box::new(M0003TemplateEditor),
            Box::new(M0004DeliveryLog),
        ]
    }
}

const M0001_INITIAL: &str = r#"
CREATE TABLE notification_templates (
    code       TEXT PRIMARY KEY,
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE notifications (
    id              INTEGER PRIMARY KEY,
    order_id        INTEGER NOT NULL,
    channel         TEXT    NOT NULL,
    template        TEXT    NOT NULL,
    recipient       TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    body            TEXT    NOT NULL,
    status          TEXT    NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    idempotency_key TEXT    UNIQUE,
    next_attempt_at TEXT    NOT NULL,
    created_at      TEXT    NOT NULL,
    sent_at         TEXT
);
CREATE INDEX notifications_by_order ON notifications (order_id, id);
-- The queue: queued rows in delivery order.
CREATE INDEX notifications_queue ON notifications (id) WHERE status = 'queued';

INSERT INTO notification_templates (code, subject, body, updated_at) VALUES
 ('ORDER_CONFIRMATION', '【ご注文確認】注文番号 {{order_id}}',
  '{{customer_name}} 様' || char(10) || char(10) || 'ご注文ありがとうございます。注文番号 {{order_id}}、お支払い金額 {{total_amount}} 円のお支払いを確認しました。' || char(10) || '発送まで今しばらくお待ちください。',
  strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
 ('ORDER_SHIPPED', '【発送のお知らせ】注文番号 {{order_id}}',
  '{{customer_name}} 様' || char(10) || char(10) || 'ご注文 {{order_id}} の商品を発送いたしました。お届けまで今しばらくお待ちください。',
  strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
 ('ORDER_CANCELLED', '【キャンセル完了】注文番号 {{order_id}}',
  '{{customer_name}} 様' || char(10) || char(10) || 'ご注文 {{order_id}} のキャンセルを承りました。お支払い済みの金額 {{total_amount}} 円は返金いたします。',
  strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
"#;

/// Bulk imports: notifications grouped by batch, and the per-customer
/// digest mail.
const M0002_BATCHES: &str = r#"
ALTER TABLE notifications ADD COLUMN batch_id TEXT;
CREATE INDEX notifications_by_batch ON notifications (batch_id, status) WHERE batch_id IS NOT NULL;
INSERT INTO notification_templates (code, subject, body, updated_at) VALUES
 ('ORDER_CONFIRMATION_BATCH', '【ご注文確認】{{order_count}} 件のご注文',
  '{{customer_name}} 様' || char(10) || char(10) || '以下 {{order_count}} 件のご注文のお支払いを確認しました（合計 {{total_amount}} 円）。' || char(10) || char(10) || '{{order_list}}' || char(10) || char(10) || '発送まで今しばらくお待ちください。',
  strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
"#;

/// A template names who edited it last.
struct M0003TemplateEditor;

impl MigrationName for M0003TemplateEditor {
    fn name(&self) -> &str {
        "m0003_template_editor"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0003TemplateEditor {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let column = ColumnDef::new(Alias::new("updated_by")).string().null().to_owned();
        manager
            .alter_table(Table::alter().table(Alias::new("notification_templates")).add_column(column).to_owned())
            .await
    }
}

/// Delivery attempts, the trace a notification was queued in, the budget
/// base of manual retries, and an index for lists by status (the queue and
/// the operators' "failed" view) that works with a bound status value (the
/// partial queue index of m0001 is only used for a literal `'queued'`).
/// Schema statements, not SQLite SQL, so another backend can run them.
struct M0004DeliveryLog;

impl MigrationName for M0004DeliveryLog {
    fn name(&self) -> &str {
        "m0004_delivery_log"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0004DeliveryLog {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let (attempts, notifications) = (Alias::new("notification_attempts"), Alias::new("notifications"));
        let (notification_id, attempt) = (Alias::new("notification_id"), Alias::new("attempt"));
        manager
            .create_table(
                Table::create()
                    .table(attempts.clone())
                    .col(ColumnDef::new(notification_id.clone()).big_integer().not_null())
                    .col(ColumnDef::new(attempt.clone()).integer().not_null())
                    .col(ColumnDef::new(Alias::new("at")).string().not_null())
                    .col(ColumnDef::new(Alias::new("outcome")).string().not_null())
                    .col(ColumnDef::new(Alias::new("error")).string().null())
                    .col(ColumnDef::new(Alias::new("duration_ms")).big_integer().not_null())
                    .primary_key(Index::create().col(notification_id).col(attempt))
                    .to_owned(),
            )
            .await?;
        // One column per statement: SQLite alters one thing at a time.
        for column in [
            ColumnDef::new(Alias::new("trace_id")).string().null().to_owned(),
            ColumnDef::new(Alias::new("attempts_at_retry")).integer().not_null().default(0).to_owned(),
        ] {
            manager.alter_table(Table::alter().table(notifications.clone()).add_column(column).to_owned()).await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("notifications_by_status")
                    .table(notifications)
                    .col(Alias::new("status"))
                    .col(Alias::new("id"))
                    .to_owned(),
            )
            .await
    }
}
