//! The outbox's tables, as schema statements (no SQL dialect of one
//! database): each service with an outbox lists [`Migration`] among its own.

use sea_orm::DbErr;
use sea_orm_migration::{MigrationName, MigrationTrait, SchemaManager, prelude::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m_outbox_0001_events"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let t = |name: &str| Alias::new(name.to_owned());
        manager
            .create_table(
                Table::create()
                    .table(t("outbox_events"))
                    .if_not_exists()
                    .col(ColumnDef::new(t("id")).big_integer().not_null().auto_increment().primary_key())
                    .col(ColumnDef::new(t("topic")).string().not_null())
                    .col(ColumnDef::new(t("key")).string().not_null().unique_key())
                    .col(ColumnDef::new(t("order_id")).big_integer().not_null())
                    .col(ColumnDef::new(t("payload")).blob().not_null())
                    .col(ColumnDef::new(t("summary")).string().not_null())
                    .col(ColumnDef::new(t("trace_context")).string().not_null())
                    .col(ColumnDef::new(t("trace_id")).string().null())
                    .col(ColumnDef::new(t("status")).string().not_null())
                    .col(ColumnDef::new(t("attempts")).integer().not_null())
                    .col(ColumnDef::new(t("next_attempt_at")).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(t("last_error")).string().null())
                    .col(ColumnDef::new(t("created_at")).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(t("delivered_at")).timestamp_with_time_zone().null())
                    .to_owned(),
            )
            .await?;
        for (name, cols) in
            [("outbox_events_due", &["status", "next_attempt_at"][..]), ("outbox_events_by_order", &["order_id"][..])]
        {
            let mut index = Index::create().name(name).table(t("outbox_events")).if_not_exists().to_owned();
            for c in cols {
                index.col(t(c));
            }
            manager.create_index(index).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(t("outbox_attempts"))
                    .if_not_exists()
                    .col(ColumnDef::new(t("id")).big_integer().not_null().auto_increment().primary_key())
                    .col(ColumnDef::new(t("event_id")).big_integer().not_null())
                    .col(ColumnDef::new(t("attempt")).integer().not_null())
                    .col(ColumnDef::new(t("at")).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(t("outcome")).string().not_null())
                    .col(ColumnDef::new(t("error")).string().null())
                    .col(ColumnDef::new(t("duration_ms")).big_integer().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("outbox_attempts_by_event")
                    .table(t("outbox_attempts"))
                    .col(t("event_id"))
                    .if_not_exists()
                    .to_owned(),
            )
            .await
    }
}
