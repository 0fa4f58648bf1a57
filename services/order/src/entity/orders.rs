use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "orders")]
pub struct Model {
    /// Allocated by the writer (it owns the file), so a whole batch of orders
    /// is inserted by one multi-row statement.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    pub customer_name: String,
    pub customer_email: String,
    pub customer_phone: Option<String>,
    pub shipping_address: Option<String>,
    pub total_amount: i64,
    pub status: crate::domain::OrderStatus,
    pub batch_id: Option<String>,
    pub idempotency_key: Option<String>,
    pub request_hash: Option<String>,
    /// A mail this order still owes the customer (set with the transition
    /// that calls for it, cleared once the notification service took it).
    pub pending_notification: Option<ec_common::vocab::TemplateCode>,
    /// A cancelled order whose refund has not been confirmed yet.
    pub refund_due: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
