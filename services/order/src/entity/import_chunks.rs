use sea_orm::entity::prelude::*;

/// One chunk of an import's orders (ids `first_order_id..=last_order_id`
/// of its batch): paid by whichever replica claims it, and recorded done
/// once. The plan is written once, when the import's orders are stored.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "import_chunks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub import_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub chunk: i64,
    pub first_order_id: i64,
    pub last_order_id: i64,
    /// The lease owner (process) that finished it.
    pub done_by: Option<String>,
    pub done_at: Option<DateTimeUtc>,
    /// Times its work was finished: 1 once done, and a chunk done twice
    /// would show 2 (the replica tests assert it never does).
    pub runs: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
