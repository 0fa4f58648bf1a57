//! The `imports`, `import_errors` and `import_chunks` tables.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect, Set, Statement,
    sea_query::{Expr, ExprTrait},
};

use super::parse::RowError;
use crate::entity::{import_chunks, import_errors, imports};

/// Where an import is; stored by these names (a SeaORM active enum).
#[derive(Debug, Clone, Copy, PartialEq, Eq, sea_orm::EnumIter, sea_orm::DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text")]
pub enum ImportStatus {
    #[sea_orm(string_value = "queued")]
    Queued,
    #[sea_orm(string_value = "running")]
    Running,
    #[sea_orm(string_value = "completed")]
    Completed,
    #[sea_orm(string_value = "completed_with_errors")]
    CompletedWithErrors,
    #[sea_orm(string_value = "failed")]
    Failed,
    /// A dry run: validated, nothing stored (never in the table).
    #[sea_orm(string_value = "validated")]
    Validated,
}

impl ImportStatus {
    pub fn is_finished(self) -> bool {
        !matches!(self, Self::Queued | Self::Running)
    }

    pub fn to_proto(self) -> ec_proto::order::v1::ImportStatus {
        use ec_proto::order::v1::ImportStatus as P;
        match self {
            Self::Queued => P::Queued,
            Self::Running => P::Running,
            Self::Completed => P::Completed,
            Self::CompletedWithErrors => P::CompletedWithErrors,
            Self::Failed => P::Failed,
            Self::Validated => P::Validated,
        }
    }
}

/// Stores a new import (queued) with the next `seq`, in one statement.
pub async fn insert(db: &DatabaseConnection, m: &imports::Model) -> Result<(), DbErr> {
    db.execute_raw(Statement::from_sql_and_values(
        db.get_database_backend(),
        "INSERT INTO imports (id, seq, file_name, submitted_by, status, digest, encoding, content, total_rows, created_at) \
         VALUES ($1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM imports), $2, $3, $4, $5, $6, $7, $8, $9)",
        [
            m.id.clone().into(),
            m.file_name.clone().into(),
            m.submitted_by.clone().into(),
            sea_orm::ActiveEnum::to_value(&m.status).into(),
            m.digest.into(),
            m.encoding.clone().into(),
            m.content.clone().into(),
            m.total_rows.into(),
            m.created_at.into(),
        ],
    ))
    .await?;
    Ok(())
}

pub async fn get(db: &DatabaseConnection, id: &str) -> Result<Option<imports::Model>, DbErr> {
    imports::Entity::find_by_id(id.to_owned()).one(db).await
}

/// Newest first; `before_seq` is the cursor.
pub async fn list(db: &DatabaseConnection, limit: u64, before_seq: Option<i64>) -> Result<Vec<imports::Model>, DbErr> {
    let mut q = imports::Entity::find().order_by_desc(imports::Column::Seq).limit(limit);
    if let Some(seq) = before_seq {
        q = q.filter(imports::Column::Seq.lt(seq));
    }
    q.all(db).await
}

pub async fn unfinished(db: &DatabaseConnection) -> Result<Vec<String>, DbErr> {
    imports::Entity::find()
        .select_only()
        .column(imports::Column::Id)
        .filter(imports::Column::Status.is_in([ImportStatus::Queued, ImportStatus::Running]))
        .order_by_asc(imports::Column::Seq)
        .into_tuple()
        .all(db)
        .await
}

pub async fn set_running(db: &DatabaseConnection, id: &str, now: DateTime<Utc>) -> Result<(), DbErr> {
    imports::Entity::update_many()
        .col_expr(imports::Column::Status, Expr::value(ImportStatus::Running))
        .col_expr(imports::Column::StartedAt, Expr::col(imports::Column::StartedAt).if_null(Expr::value(now)))
        .filter(imports::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// The counters an import shows.
#[derive(Debug, Clone, Copy, Default)]
pub struct Counters {
    pub total_rows: i64,
    pub processed_rows: i64,
    pub succeeded_rows: i64,
    pub failed_rows: i64,
    pub orders_created: i64,
    pub payments_total_amount: i64,
    pub notifications_queued: i64,
}

pub async fn save_counters(db: &DatabaseConnection, id: &str, c: Counters) -> Result<(), DbErr> {
    imports::Entity::update_many()
        .col_expr(imports::Column::TotalRows, Expr::value(c.total_rows))
        .col_expr(imports::Column::ProcessedRows, Expr::value(c.processed_rows))
        .col_expr(imports::Column::SucceededRows, Expr::value(c.succeeded_rows))
        .col_expr(imports::Column::FailedRows, Expr::value(c.failed_rows))
        .col_expr(imports::Column::OrdersCreated, Expr::value(c.orders_created))
        .col_expr(imports::Column::PaymentsTotalAmount, Expr::value(c.payments_total_amount))
        .col_expr(imports::Column::NotificationsQueued, Expr::value(c.notifications_queued))
        .filter(imports::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn finish(
    db: &DatabaseConnection,
    id: &str,
    status: ImportStatus,
    error: Option<String>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    imports::Entity::update_many()
        .col_expr(imports::Column::Status, Expr::value(status))
        .col_expr(imports::Column::Error, Expr::value(error))
        .col_expr(imports::Column::FinishedAt, Expr::value(Some(now)))
        .filter(imports::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// The import's chunks: those already planned, or else (the first time its
/// orders are all stored) `order_ids` cut into runs of `size`, stored in one
/// transaction. A plan, once stored, is kept as it is: chunk `n` is the same
/// orders on every replica, whatever its own chunk size.
pub async fn plan(
    db: &DatabaseConnection,
    id: &str,
    order_ids: &[i64],
    size: usize,
) -> Result<Vec<import_chunks::Model>, DbErr> {
    let planned = chunks(db, id).await?;
    if !planned.is_empty() || order_ids.is_empty() {
        return Ok(planned);
    }
    let rows: Vec<import_chunks::ActiveModel> = order_ids
        .chunks(size.max(1))
        .enumerate()
        .map(|(n, ids)| import_chunks::ActiveModel {
            import_id: Set(id.to_owned()),
            chunk: Set(n as i64),
            first_order_id: Set(ids[0]),
            last_order_id: Set(ids[ids.len() - 1]),
            done_by: Set(None),
            done_at: Set(None),
            runs: Set(0),
        })
        .collect();
    let tx = sea_orm::TransactionTrait::begin(db).await?;
    for part in rows.chunks(1000) {
        import_chunks::Entity::insert_many(part.to_vec()).exec_without_returning(&tx).await?;
    }
    tx.commit().await?;
    chunks(db, id).await
}

pub async fn chunks(db: &DatabaseConnection, id: &str) -> Result<Vec<import_chunks::Model>, DbErr> {
    import_chunks::Entity::find()
        .filter(import_chunks::Column::ImportId.eq(id))
        .order_by_asc(import_chunks::Column::Chunk)
        .all(db)
        .await
}

pub async fn chunk(db: &DatabaseConnection, id: &str, n: i64) -> Result<Option<import_chunks::Model>, DbErr> {
    import_chunks::Entity::find_by_id((id.to_owned(), n)).one(db).await
}

/// Records chunk `n` done by `owner`, counting the run.
pub async fn chunk_done(
    db: &DatabaseConnection,
    id: &str,
    n: i64,
    owner: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    import_chunks::Entity::update_many()
        .col_expr(import_chunks::Column::DoneBy, Expr::value(owner))
        .col_expr(import_chunks::Column::DoneAt, Expr::value(now))
        .col_expr(import_chunks::Column::Runs, Expr::col(import_chunks::Column::Runs).add(1))
        .filter(import_chunks::Column::ImportId.eq(id))
        .filter(import_chunks::Column::Chunk.eq(n))
        .exec(db)
        .await?;
    Ok(())
}

/// Stores the refused rows once (a resumed import finds them there).
pub async fn save_errors(db: &DatabaseConnection, id: &str, errors: &[RowError]) -> Result<(), DbErr> {
    #[derive(FromQueryResult)]
    struct Count {
        n: i64,
    }
    let stored = Count::find_by_statement(Statement::from_sql_and_values(
        db.get_database_backend(),
        "SELECT COUNT(*) AS n FROM import_errors WHERE import_id = $1",
        [id.into()],
    ))
    .one(db)
    .await?
    .map_or(0, |c| c.n);
    if stored > 0 || errors.is_empty() {
        return Ok(());
    }
    for chunk in errors.chunks(400) {
        import_errors::Entity::insert_many(chunk.iter().map(|e| import_errors::ActiveModel {
            id: sea_orm::NotSet,
            import_id: Set(id.to_owned()),
            row: Set(e.row),
            column_name: Set(e.column.clone()),
            reason: Set(e.reason.clone()),
            code: Set(e.code.as_str().to_owned()),
            params: Set(params_json(&e.params)),
        }))
        .exec_without_returning(db)
        .await?;
    }
    Ok(())
}

pub async fn errors(db: &DatabaseConnection, id: &str) -> Result<Vec<import_errors::Model>, DbErr> {
    import_errors::Entity::find()
        .filter(import_errors::Column::ImportId.eq(id))
        .order_by_asc(import_errors::Column::Row)
        .order_by_asc(import_errors::Column::Id)
        .all(db)
        .await
}

fn params_json(params: &[(String, String)]) -> String {
    let map: serde_json::Map<String, serde_json::Value> =
        params.iter().map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone()))).collect();
    serde_json::Value::Object(map).to_string()
}

/// A stored refused row, as answered.
pub fn stored_error_to_proto(e: import_errors::Model) -> ec_proto::order::v1::RowError {
    let params: std::collections::HashMap<String, String> =
        serde_json::from_str::<std::collections::HashMap<String, String>>(&e.params).unwrap_or_default();
    ec_proto::order::v1::RowError { row: e.row, column: e.column_name, reason: e.reason, code: e.code, params }
}
