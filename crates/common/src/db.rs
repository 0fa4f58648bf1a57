//! Opening a service's own SQLite file.
//!
//! PRAGMAs are per connection in SQLite, so they are set on every pooled
//! connection through sqlx's options, never by a one-off statement.

use std::{path::Path, time::Duration};

use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DbErr,
    sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous},
};

/// Opens (creating if needed) `path` in WAL mode with `synchronous=NORMAL`:
/// a commit survives a process crash; the last commits before a power loss may not.
///
/// Every statement becomes a database span of `service` when tracing is on.
pub async fn open_sqlite(
    path: &Path,
    max_connections: u32,
    service: &'static str,
) -> Result<DatabaseConnection, DbErr> {
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let file = path.to_path_buf();
    let mut options = ConnectOptions::new(url);
    options
        .max_connections(max_connections.max(1))
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(10))
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(move |o| {
            o.filename(&file)
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
        });
    let mut db = Database::connect(options).await?;
    db.set_metric_callback(crate::telemetry::db_metric_callback(service));
    Ok(db)
}

/// Starts a write transaction that takes SQLite's write lock at once
/// (`BEGIN IMMEDIATE`). A deferred transaction that reads and then writes
/// fails with SQLITE_BUSY, without waiting, when another connection wrote in
/// between; an immediate one waits its turn (busy_timeout) instead.
pub async fn begin_write(db: &DatabaseConnection) -> Result<sea_orm::DatabaseTransaction, DbErr> {
    use sea_orm::{SqliteTransactionMode, TransactionOptions, TransactionTrait};
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    })
    .await
}

/// The largest value of an integer column (0 for an empty table): where a
/// writer that allocates ids itself starts counting.
pub async fn max_id(db: &DatabaseConnection, table: &str, column: &str) -> Result<i64, DbErr> {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    let sql = format!("SELECT COALESCE(MAX({column}), 0) FROM {table}");
    let row = db.query_one_raw(Statement::from_string(DbBackend::Sqlite, sql)).await?;
    Ok(row.map(|r| r.try_get_by_index::<i64>(0)).transpose()?.unwrap_or(0))
}

/// A migration written as SQL, with an explicit name (SeaORM's derived
/// names come from the module, the same for every migration in it).
pub struct SqlMigration {
    pub name: &'static str,
    pub sql: &'static str,
}

impl sea_orm_migration::MigrationName for SqlMigration {
    fn name(&self) -> &str {
        self.name
    }
}

#[async_trait::async_trait]
impl sea_orm_migration::MigrationTrait for SqlMigration {
    async fn up(&self, manager: &sea_orm_migration::SchemaManager) -> Result<(), DbErr> {
        sea_orm::ConnectionTrait::execute_unprepared(manager.get_connection(), self.sql).await?;
        Ok(())
    }
}

/// A migration that adds nullable text columns, `(table, column)` each:
/// what most later changes to a schema are (who did it, which trace).
/// Written with sea-query, so it runs on any backend.
pub struct AddTextColumns {
    pub name: &'static str,
    pub columns: &'static [(&'static str, &'static str)],
}

impl sea_orm_migration::MigrationName for AddTextColumns {
    fn name(&self) -> &str {
        self.name
    }
}

#[async_trait::async_trait]
impl sea_orm_migration::MigrationTrait for AddTextColumns {
    async fn up(&self, manager: &sea_orm_migration::SchemaManager) -> Result<(), DbErr> {
        use sea_orm_migration::prelude::{Alias, ColumnDef, Table};
        // One column per statement: SQLite alters one at a time.
        for (table, column) in self.columns {
            let column = ColumnDef::new(Alias::new(*column)).string().null().to_owned();
            manager.alter_table(Table::alter().table(Alias::new(*table)).add_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
