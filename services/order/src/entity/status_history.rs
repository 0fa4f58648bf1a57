use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "order_status_history")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub order_id: i64,
    pub status: crate::domain::OrderStatus,
    /// Who asked for it: `user:<email>`, `key:<id>:<name>`, `service:<name>`, `system:<task>`.
    pub actor: Option<String>,
    /// The trace of the request that made it.
    pub trace_id: Option<String>,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
