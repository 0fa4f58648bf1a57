use sea_orm::entity::prelude::*;

/// Webhook events already applied: a repeated `event_id` changes nothing.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "payment_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub event_id: String,
    pub order_id: i64,
    pub payment_id: i64,
    pub status: crate::domain::PaymentEventKind,
    pub amount: i64,
    pub received_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
