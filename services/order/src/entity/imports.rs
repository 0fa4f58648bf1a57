use sea_orm::entity::prelude::*;

/// A bulk CSV import; its id is the batch id of its orders.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "imports")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// Order of submission, for the newest-first history.
    pub seq: i64,
    pub file_name: String,
    pub submitted_by: String,
    pub status: crate::import::records::ImportStatus,
    pub digest: bool,
    pub encoding: String,
    /// The file as uploaded.
    pub content: Vec<u8>,
    pub total_rows: i64,
    pub processed_rows: i64,
    pub succeeded_rows: i64,
    pub failed_rows: i64,
    pub orders_created: i64,
    pub payments_total_amount: i64,
    pub notifications_queued: i64,
    pub error: Option<String>,
    pub created_at: DateTimeUtc,
    pub started_at: Option<DateTimeUtc>,
    pub finished_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
