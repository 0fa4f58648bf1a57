use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "payments")]
pub struct Model {
    /// Allocated by the writer, so a batch is one multi-row INSERT.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    /// Unique: one payment per order.
    pub order_id: i64,
    pub amount: i64,
    pub currency: String,
    pub method: String,
    pub status: crate::domain::PaymentStatus,
    pub refunded_amount: i64,
    pub batch_id: Option<String>,
    /// Unique: a retried request with the same key answers this payment.
    pub idempotency_key: Option<String>,
    /// Who asked for it.
    pub requested_by: Option<String>,
    /// The trace of the request that made it.
    pub trace_id: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
