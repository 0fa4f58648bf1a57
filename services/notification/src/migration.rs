//! Schema of `notification_service.db`, applied at start-up, with the seeded templates.

use ec_common::db::schema::{col, id, index, int, int32, name, text, text_null, time, time_null};
use sea_orm_migration::prelude::*;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(M0001Initial),
            Box::new(M0002Batches),
            Box::new(M0003TemplateEditor),
            Box::new(M0004DeliveryLog),
            Box::new(M0005Leases),
            Box::new(M0006Handover),
        ]
    }
}

/// The templates the seed defines, stored at the first start (then edited
/// by admins): (code, subject, body).
const SEEDED: &[(&str, &str, &str)] = &[
    (
        "ORDER_CONFIRMATION",
        "【ご注文確認】注文番号 {{order_id}}",
        "{{customer_name}} 様\n\nご注文ありがとうございます。注文番号 {{order_id}}、お支払い金額 {{total_amount}} 円のお支払いを確認しました。\n発送まで今しばらくお待ちください。",
    ),
    (
        "ORDER_SHIPPED",
        "【発送のお知らせ】注文番号 {{order_id}}",
        "{{customer_name}} 様\n\nご注文 {{order_id}} の商品を発送いたしました。お届けまで今しばらくお待ちください。",
    ),
    (
        "ORDER_CANCELLED",
        "【キャンセル完了】注文番号 {{order_id}}",
        "{{customer_name}} 様\n\nご注文 {{order_id}} のキャンセルを承りました。お支払い済みの金額 {{total_amount}} 円は返金いたします。",
    ),
];

/// The digest mail of bulk imports, added with them.
const SEEDED_BATCH: &[(&str, &str, &str)] = &[(
    "ORDER_CONFIRMATION_BATCH",
    "【ご注文確認】{{order_count}} 件のご注文",
    "{{customer_name}} 様\n\n以下 {{order_count}} 件のご注文のお支払いを確認しました（合計 {{total_amount}} 円）。\n\n{{order_list}}\n\n発送まで今しばらくお待ちください。",
)];

async fn seed_templates(m: &SchemaManager<'_>, templates: &[(&str, &str, &str)]) -> Result<(), DbErr> {
    let mut insert = Query::insert()
        .into_table(name("notification_templates"))
        .columns([name("code"), name("subject"), name("body"), name("updated_at")])
        .to_owned();
    for (code, subject, body) in templates {
        insert.values_panic([(*code).into(), (*subject).into(), (*body).into(), ec_common::time::now().into()]);
    }
    m.exec_stmt(insert).await
}

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
                .table(name("notification_templates"))
                .col(text("code").primary_key())
                .col(text("subject"))
                .col(text("body"))
                .col(time("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(name("notifications"))
                .col(id())
                .col(int("order_id"))
                .col(text("channel"))
                .col(text("template"))
                .col(text("recipient"))
                .col(text("subject"))
                .col(text("body"))
                .col(text("status"))
                .col(int32("attempts").default(0))
                .col(text_null("last_error"))
                .col(text_null("idempotency_key").unique_key())
                .col(time("next_attempt_at"))
                .col(time("created_at"))
                .col(time_null("sent_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("notifications_by_order", "notifications", &["order_id", "id"])).await?;
        // The queue: queued rows in delivery order.
        m.create_index(
            index("notifications_queue", "notifications", &["id"]).and_where(col("status").eq("queued")).to_owned(),
        )
        .await?;
        seed_templates(m, SEEDED).await
    }
}

/// Bulk imports: notifications grouped by batch, and the per-customer
/// digest mail.
struct M0002Batches;

impl MigrationName for M0002Batches {
    fn name(&self) -> &str {
        "m0002_batches"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0002Batches {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(name("notifications")).add_column(text_null("batch_id")).to_owned()).await?;
        m.create_index(
            index("notifications_by_batch", "notifications", &["batch_id", "status"])
                .and_where(col("batch_id").is_not_null())
                .to_owned(),
        )
        .await?;
        seed_templates(m, SEEDED_BATCH).await
    }
}

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
                    .col(time("at"))
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

/// Replicas share the queue: a dispatcher claims the rows it will deliver
/// for a while (a lease: owner and until when), and takes its sends from one
/// budget of the whole fleet (a token bucket in the database), so the
/// configured rate holds for all replicas together.
struct M0005Leases;

impl MigrationName for M0005Leases {
    fn name(&self) -> &str {
        "m0005_leases"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0005Leases {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in [text_null("lease_owner"), time_null("lease_until")] {
            m.alter_table(Table::alter().table(name("notifications")).add_column(column).to_owned()).await?;
        }
        m.create_table(
            Table::create()
                .table(name("send_budget"))
                .col(text("name").primary_key())
                .col(ColumnDef::new(name("tokens")).double().not_null())
                .col(time("at"))
                .to_owned(),
        )
        .await
    }
}

/// When a dispatcher handed a message over (the point after which it is
/// never sent again); cleared when the attempt is recorded. A replica that
/// finds it set on a claimed row knows its dispatcher died mid-delivery.
struct M0006Handover;

impl MigrationName for M0006Handover {
    fn name(&self) -> &str {
        "m0006_handover"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0006Handover {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(name("notifications")).add_column(time_null("handed_over_at")).to_owned())
            .await
    }
}
