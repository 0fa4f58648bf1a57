//! Opening a service's own database: its SQLite file in the data directory
//! (the embedded default) or the PostgreSQL (or SQLite) database that
//! `DATABASE_URL` names (DESIGN.md section 6). What differs between the two
//! backends is kept here, so the stores read the same on both.
//!
//! PRAGMAs are per connection in SQLite, so they are set on every pooled
//! connection through sqlx's options, never by a one-off statement.

use std::{path::Path, time::Duration};

use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr, Statement,
    sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous},
};

use crate::config::Secret;

/// Opens the database of `service`: the one `url` names (`postgres://...`,
/// `sqlite://...`), else `default_file` (created if missing).
pub async fn open(
    url: Option<&Secret>,
    default_file: &Path,
    max_connections: u32,
    service: &'static str,
) -> Result<DatabaseConnection, DbErr> {
    let Some(url) = url.map(Secret::expose) else { return open_sqlite(default_file, max_connections, service).await };
    if let Some(path) = url.strip_prefix("sqlite://") {
        let path = path.split('?').next().unwrap_or_default();
        return open_sqlite(Path::new(path), max_connections, service).await;
    }
    if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
        return Err(DbErr::Custom(format!(
            "{service}: DATABASE_URL must start with postgres:// or sqlite:// (it names {})",
            describe(Some(&Secret::new(url)), default_file)
        )));
    }
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(max_connections.max(1))
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(10))
        .sqlx_logging(false);
    let mut db = Database::connect(options).await?;
    db.set_metric_callback(crate::telemetry::db_metric_callback(service));
    Ok(db)
}

/// Test support: with `EC_TEST_DATABASE_URL` naming a PostgreSQL server
/// (`postgres://user@127.0.0.1:5432`), the URL of the store of `service`
/// for the data directory `dir`, created on first use: a schema of its own
/// in the database `ec_test` (a schema costs nothing; a database per test
/// would copy its template, megabytes each, hundreds per run). The name
/// comes from the directory, so a test that restarts on its directory finds
/// its data again and two tests never share one. Without it, `None`: the
/// SQLite file in `dir`, as in production's default.
pub async fn test_database(dir: &Path, service: &str) -> Result<Option<Secret>, DbErr> {
    use std::hash::{Hash, Hasher};
    let Ok(server) = std::env::var("EC_TEST_DATABASE_URL") else { return Ok(None) };
    let server = server.trim_end_matches('/');
    // SipHash with fixed keys: the same name in every process of a test.
    let mut h = std::hash::DefaultHasher::new();
    dir.hash(&mut h);
    let schema = format!("t{:016x}_{}", h.finish(), service.replace('-', "_"));
    // Once per test process. Concurrent first creates from several
    // processes: one wins, the others find it there.
    static CREATED: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();
    CREATED
        .get_or_try_init(|| async {
            let admin = Database::connect(format!("{server}/postgres")).await?;
            match admin.execute_unprepared("CREATE DATABASE ec_test").await {
                Err(e) if !(e.to_string().contains("already exists") || e.to_string().contains("duplicate key")) => {
                    return Err(e);
                }
                _ => {}
            }
            admin.close().await
        })
        .await?;
    let db = Database::connect(format!("{server}/ec_test")).await?;
    db.execute_unprepared(&format!("CREATE SCHEMA IF NOT EXISTS \"{schema}\"")).await?;
    db.close().await?;
    Ok(Some(Secret::new(format!("{server}/ec_test?options=-c%20search_path%3D{schema}"))))
}

/// Where the data is, for a log line: the file, or the URL without its
/// credentials (`postgres://host:5432/orders`).
pub fn describe(url: Option<&Secret>, default_file: &Path) -> String {
    match url.map(Secret::expose) {
        None => default_file.display().to_string(),
        Some(url) => match url.split_once("://") {
            Some((scheme, rest)) => {
                let rest = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
                format!("{scheme}://{}", rest.split('?').next().unwrap_or_default())
            }
            None => "[an unreadable DATABASE_URL]".to_owned(),
        },
    }
}

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
        // A pooled SQLite connection is a file handle in this process: there
        // is no server or network that could have dropped it, so the ping
        // sqlx sends on every checkout (a round trip to the connection's
        // worker thread, before each transaction and each read) buys nothing.
        .test_before_acquire(false)
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

/// Applies `M`'s migrations, one process at a time: replicas started
/// together would otherwise race to create the same tables. On PostgreSQL a
/// transaction-scoped advisory lock, held while the migrations run, makes
/// the others wait (and then find nothing left to do); SQLite's writers
/// already queue for its one write lock.
pub async fn migrate<M: sea_orm_migration::MigratorTrait>(db: &DatabaseConnection) -> Result<(), DbErr> {
    use sea_orm::TransactionTrait;
    if db.get_database_backend() != DbBackend::Postgres {
        return M::up(db, None).await;
    }
    let guard = db.begin().await?;
    // Any fixed key: one database per service, so no other user of it.
    guard.execute_unprepared("SELECT pg_advisory_xact_lock(7406221)").await?;
    let done = M::up(db, None).await;
    guard.commit().await?;
    done
}

/// Starts a write transaction that takes SQLite's write lock at once
/// (`BEGIN IMMEDIATE`). A deferred transaction that reads and then writes
/// fails with SQLITE_BUSY, without waiting, when another connection wrote in
/// between; an immediate one waits its turn instead.
///
/// On SQLite the write transactions of one database file inside this
/// process also take turns on an async lock ([`WriteTxn`]) before they ask
/// for SQLite's. A service writes from several tasks (its writer, its
/// outbox worker, its dispatcher); left to SQLite's busy handler, the loser
/// of a race sleeps 1, 2, 5, ... up to 100 ms per retry whatever the holder
/// needed, and under load the writer every request waits on spent much of
/// its time asleep. Another process on the same file (a migration, the
/// operator's sqlite3) still meets the busy timeout.
///
/// On PostgreSQL it is a plain (read committed) transaction: what a writer
/// decides from rows it read is kept right by row locks
/// ([`sea_orm::QuerySelect::lock_exclusive`], ignored by SQLite, whose
/// immediate transaction already excludes every other writer) and by
/// unique constraints.
pub async fn begin_write(db: &DatabaseConnection) -> Result<WriteTxn, DbErr> {
    use sea_orm::{SqliteTransactionMode, TransactionOptions, TransactionTrait};
    let turn = match write_turn(db) {
        Some(turn) => Some(Turn { held: turn.lock_owned().await, committed: false }),
        None => None,
    };
    let txn = db
        .begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..TransactionOptions::default()
        })
        .await?;
    Ok(WriteTxn { txn, turn })
}

/// A write transaction from [`begin_write`], holding this process's turn
/// at its SQLite file until it is committed or dropped (rolled back). Use
/// it as the [`sea_orm::DatabaseTransaction`] it derefs to.
pub struct WriteTxn {
    // Declared first, so a dropped transaction starts its rollback before
    // the turn passes on.
    txn: sea_orm::DatabaseTransaction,
    turn: Option<Turn>,
}

impl WriteTxn {
    pub async fn commit(self) -> Result<(), DbErr> {
        let WriteTxn { txn, mut turn } = self;
        let done = txn.commit().await;
        if let (Ok(()), Some(turn)) = (&done, turn.as_mut()) {
            turn.committed = true;
        }
        done
    }
}

impl std::ops::Deref for WriteTxn {
    type Target = sea_orm::DatabaseTransaction;

    fn deref(&self) -> &Self::Target {
        &self.txn
    }
}

/// The ids this process's writers took last in one SQLite file, by table:
/// a hint for [`take_ids`], kept with the file's turn so only the holder of
/// the turn reads or moves it.
type IdHints = std::sync::Mutex<std::collections::HashMap<&'static str, i64>>;

/// A held turn at a SQLite file.
struct Turn {
    held: tokio::sync::OwnedMutexGuard<IdHints>,
    committed: bool,
}

impl Drop for Turn {
    fn drop(&mut self) {
        // A write that did not commit may have failed on an id that another
        // process (a second replica on the file) took meanwhile: the next
        // write asks the database again.
        if !self.committed {
            hints(self).clear();
        }
    }
}

/// The turn of `db`'s SQLite file (one per file, so that two pools on one
/// file, as tests open, share it); none on PostgreSQL.
fn write_turn(db: &DatabaseConnection) -> Option<std::sync::Arc<tokio::sync::Mutex<IdHints>>> {
    use std::{
        collections::HashMap,
        path::PathBuf,
        sync::{Arc, LazyLock, Mutex},
    };
    type Turns = Mutex<HashMap<PathBuf, Arc<tokio::sync::Mutex<IdHints>>>>;
    static TURNS: LazyLock<Turns> = LazyLock::new(Turns::default);
    if db.get_database_backend() != DbBackend::Sqlite {
        return None;
    }
    let options = db.get_sqlite_connection_pool().connect_options();
    let mut turns = TURNS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    Some(turns.entry(options.get_filename().to_path_buf()).or_default().clone())
}

/// Claims rows for one worker (replica): applies `update` (the claim: a
/// lease, an owner) to the first `limit` rows, in `id` order, that `due`
/// selects, and answers them as claimed. PostgreSQL skips the rows another
/// replica is claiming at this moment (`FOR UPDATE SKIP LOCKED`); SQLite's
/// write transaction runs one claim at a time anyway.
pub async fn claim<E: sea_orm::EntityTrait>(
    db: &DatabaseConnection,
    id: E::Column,
    due: sea_orm::Condition,
    limit: u64,
    update: sea_orm::UpdateMany<E>,
) -> Result<Vec<E::Model>, DbErr> {
    use sea_orm::{
        ColumnTrait, QueryFilter,
        sea_query::{LockBehavior, LockType, Query},
    };
    let ids = Query::select()
        .column(id)
        .from(E::default())
        .cond_where(due)
        .order_by(id, sea_orm::Order::Asc)
        .limit(limit)
        .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
        .to_owned();
    let txn = begin_write(db).await?;
    let claimed = update.filter(id.in_subquery(ids)).exec_with_returning(&*txn).await?;
    txn.commit().await?;
    Ok(claimed)
}

/// Takes `n` new ids for rows of `table` (primary key `id`) inside the
/// write transaction `txn`, so that any number of writers (replicas) never
/// hand out the same one:
/// - PostgreSQL: the column's sequence (`nextval`), which no transaction
///   waits on;
/// - SQLite: one past the largest id, which is safe because the immediate
///   transaction holds the database's write lock until it commits. The
///   largest id is read once and then remembered with the file's turn
///   ([`IdHints`]), which saves a statement in every batch of the writer
///   each request waits on. The hint never decides anything: the primary
///   key does. Ids another process inserted meanwhile make the insert fail,
///   the transaction rolls back, the hint is forgotten ([`Turn`]) and the
///   writer's retry reads the largest id again. An id taken and not used
///   (a replayed request in the batch) is skipped, as a sequence skips it.
pub async fn take_ids(txn: &WriteTxn, table: &'static str, n: usize) -> Result<Vec<i64>, DbErr> {
    if n == 0 {
        return Ok(Vec::new());
    }
    let backend = txn.get_database_backend();
    if backend == DbBackend::Postgres {
        let sql = format!("SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, {n})");
        let rows = txn.query_all_raw(Statement::from_string(backend, sql)).await?;
        return rows.iter().map(|r| r.try_get_by_index::<i64>(0)).collect();
    }
    let known = txn.turn.as_ref().and_then(|t| hints(t).get(table).copied());
    let last = match known {
        Some(last) => last,
        None => {
            let sql = format!("SELECT COALESCE(MAX(id), 0) FROM {table}");
            let row = txn.query_one_raw(Statement::from_string(backend, sql)).await?;
            row.map(|r| r.try_get_by_index::<i64>(0)).transpose()?.unwrap_or(0)
        }
    };
    let n = i64::try_from(n).map_err(|_| DbErr::Custom(format!("{n} ids asked of {table}")))?;
    if let Some(t) = &txn.turn {
        hints(t).insert(table, last + n);
    }
    Ok((1..=n).map(|i| last + i).collect())
}

fn hints(turn: &Turn) -> std::sync::MutexGuard<'_, std::collections::HashMap<&'static str, i64>> {
    turn.held.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Column and index definitions for migrations, written once with
/// sea-query so the same migration runs on SQLite and on PostgreSQL. Each
/// helper is named for the Rust type of the entity field it stores (a
/// PostgreSQL column must have exactly the type the entity decodes).
pub mod schema {
    use sea_orm_migration::prelude::{Alias, ColumnDef, Expr, Index, IndexCreateStatement};

    pub fn name(n: &str) -> Alias {
        Alias::new(n.to_owned())
    }

    /// The table's `id`, given by the database (SQLite: the rowid;
    /// PostgreSQL: `bigserial`, whose sequence [`super::take_ids`] also reads).
    pub fn id() -> ColumnDef {
        ColumnDef::new(name("id")).big_integer().not_null().auto_increment().primary_key().to_owned()
    }

    /// `String`, NOT NULL.
    pub fn text(n: &str) -> ColumnDef {
        ColumnDef::new(name(n)).string().not_null().to_owned()
    }

    /// `Option<String>`.
    pub fn text_null(n: &str) -> ColumnDef {
        ColumnDef::new(name(n)).string().null().to_owned()
    }

    /// `i64`, NOT NULL.
    pub fn int(n: &str) -> ColumnDef {
        ColumnDef::new(name(n)).big_integer().not_null().to_owned()
    }

    /// `i32`, NOT NULL.
    pub fn int32(n: &str) -> ColumnDef {
        ColumnDef::new(name(n)).integer().not_null().to_owned()
    }

    /// `bool`, NOT NULL, false unless set.
    pub fn flag(n: &str) -> ColumnDef {
        ColumnDef::new(name(n)).boolean().not_null().default(false).to_owned()
    }

    /// `DateTime<Utc>`, NOT NULL.
    pub fn time(n: &str) -> ColumnDef {
        ColumnDef::new(name(n)).timestamp_with_time_zone().not_null().to_owned()
    }

    /// `Option<DateTime<Utc>>`.
    pub fn time_null(n: &str) -> ColumnDef {
        ColumnDef::new(name(n)).timestamp_with_time_zone().null().to_owned()
    }

    /// `Vec<u8>`, NOT NULL.
    pub fn bytes(n: &str) -> ColumnDef {
        ColumnDef::new(name(n)).blob().not_null().to_owned()
    }

    /// `CHECK (expr)` on a column, built from the column's name.
    pub fn col(n: &str) -> Expr {
        Expr::col(name(n))
    }

    /// An index of `table` on `cols`, in that order.
    pub fn index(index: &str, table: &str, cols: &[&str]) -> IndexCreateStatement {
        let mut i = Index::create().name(index).table(name(table)).to_owned();
        for c in cols {
            i.col(name(c));
        }
        i
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

#[cfg(test)]
mod tests {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};

    use super::*;

    fn sql(s: &str) -> Statement {
        Statement::from_string(DbBackend::Sqlite, s.to_owned())
    }

    /// A writer waiting for the write lock waits its turn in this process,
    /// holding no pooled connection (left to SQLite's busy handler it would
    /// hold one, asleep): with two connections, one writing and one writer
    /// waiting, a reader still gets the second connection.
    #[tokio::test]
    async fn a_writer_waiting_its_turn_holds_no_connection() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = open_sqlite(&dir.path().join("t.db"), 2, "test").await.expect("open");
        db.execute_unprepared("CREATE TABLE t (id INTEGER PRIMARY KEY)").await.expect("table");
        let first = begin_write(&db).await.expect("first writer");
        first.execute_unprepared("INSERT INTO t (id) VALUES (1)").await.expect("insert");
        let second = tokio::spawn({
            let db = db.clone();
            async move {
                let txn = begin_write(&db).await?;
                txn.execute_unprepared("INSERT INTO t (id) VALUES (2)").await?;
                txn.commit().await
            }
        });
        // Give the second writer time to queue behind the first.
        tokio::time::sleep(Duration::from_millis(100)).await;
        let row = db.query_one_raw(sql("SELECT COUNT(*) FROM t")).await.expect("a reader gets a connection");
        let committed: i64 = row.expect("a row").try_get_by_index(0).expect("count");
        assert_eq!(committed, 0, "the reader sees what is committed");
        first.commit().await.expect("commit");
        second.await.expect("join").expect("the second writer commits after the first");
        let row = db.query_one_raw(sql("SELECT COUNT(*) FROM t")).await.expect("read").expect("a row");
        assert_eq!(row.try_get_by_index::<i64>(0).expect("count"), 2);
    }

    /// SQLite ids come from the largest stored id once, then from the hint
    /// kept with the file's turn; a write that rolls back forgets the hint,
    /// so rows another process inserted meanwhile cost one failed attempt,
    /// never a duplicate id.
    #[tokio::test]
    async fn ids_follow_the_largest_and_a_rollback_forgets_the_hint() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = open_sqlite(&dir.path().join("t.db"), 2, "test").await.expect("open");
        db.execute_unprepared("CREATE TABLE t (id INTEGER PRIMARY KEY)").await.expect("table");
        db.execute_unprepared("INSERT INTO t (id) VALUES (7)").await.expect("a stored row");
        let insert = |ids: &[i64]| {
            let values: Vec<String> = ids.iter().map(|i| format!("({i})")).collect();
            format!("INSERT INTO t (id) VALUES {}", values.join(", "))
        };

        let txn = begin_write(&db).await.expect("write");
        let ids = take_ids(&txn, "t", 2).await.expect("ids");
        assert_eq!(ids, [8, 9], "one past the largest stored id");
        txn.execute_unprepared(&insert(&ids)).await.expect("insert");
        txn.commit().await.expect("commit");

        // Another process (here: a statement outside any writer) takes the
        // next ids; the hint does not know.
        db.execute_unprepared("INSERT INTO t (id) VALUES (10), (11), (12)").await.expect("another writer");
        let txn = begin_write(&db).await.expect("write");
        let ids = take_ids(&txn, "t", 1).await.expect("ids");
        assert_eq!(ids, [10], "the hint, not a statement");
        assert!(txn.execute_unprepared(&insert(&ids)).await.is_err(), "the primary key refuses a taken id");
        drop(txn);

        let txn = begin_write(&db).await.expect("write");
        let ids = take_ids(&txn, "t", 1).await.expect("ids");
        assert_eq!(ids, [13], "after the rollback the largest id is read again");
        txn.execute_unprepared(&insert(&ids)).await.expect("insert");
        txn.commit().await.expect("commit");
        let row = db.query_one_raw(sql("SELECT COUNT(*) FROM t")).await.expect("read").expect("a row");
        assert_eq!(row.try_get_by_index::<i64>(0).expect("count"), 7);
    }
}
