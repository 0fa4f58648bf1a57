use sea_orm::entity::prelude::*;

/// A row an import refused.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "import_errors")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub import_id: String,
    pub row: i64,
    pub column_name: String,
    pub reason: String,
    /// A field code (`required`, `out_of_range`, ...).
    pub code: String,
    /// The code's parameters, as a JSON object of strings.
    pub params: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
