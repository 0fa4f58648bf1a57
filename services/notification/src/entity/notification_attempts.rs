use sea_orm::entity::prelude::*;

/// One delivery attempt of a notification: what the sender answered, when,
/// and how long it took. Written by the dispatcher with the notification's
/// new state, in the same transaction.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notification_attempts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub notification_id: i64,
    /// 1 for the first attempt; manual retries keep counting.
    #[sea_orm(primary_key, auto_increment = false)]
    pub attempt: i32,
    pub at: DateTimeUtc,
    pub outcome: crate::store::AttemptOutcome,
    pub error: Option<String>,
    pub duration_ms: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
