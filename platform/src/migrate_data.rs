//! `ec-platform migrate-data`: the path from the embedded default (the
//! SQLite files in a data directory) to PostgreSQL (deploy/SCALING.md).
//! Each service's file is copied into its own database on the server:
//! `orders`, `payments`, `notifications`, `gateway` (the names the compose
//! file and the Kubernetes overlay use). The schema is made by the
//! services' own migrations, the rows are copied table by table through the
//! same entities the services read them with (so every value keeps its
//! type), and each id sequence is moved past the copied ids. The target
//! databases must exist and hold no data; run it with the platform stopped.

use std::path::PathBuf;

use anyhow::{Context, bail};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, IntoActiveModel, PaginatorTrait, QueryOrder,
    Statement, TransactionTrait,
};

#[derive(Debug, clap::Args)]
pub struct MigrateArgs {
    /// The data directory of the embedded platform (its four .db files).
    #[arg(long)]
    pub from: PathBuf,
    /// The PostgreSQL server: `postgres://user:password@host:5432` (the
    /// databases orders, payments, notifications and gateway on it).
    #[arg(long, env = "EC_MIGRATE_TO", hide_env_values = true)]
    pub to: ec_common::config::Secret,
    /// Put before each database's name (`shop2_orders`, ...): for a second
    /// platform on the same server.
    #[arg(long, default_value = "")]
    pub name_prefix: String,
}

/// Rows per page read and per multi-row insert.
const PAGE: u64 = 500;

/// Copies every row of `E`, in primary-key order, from `src` into `dst`.
async fn copy<E>(src: &DatabaseConnection, dst: &sea_orm::DatabaseTransaction) -> anyhow::Result<u64>
where
    E: EntityTrait,
    E::Model: IntoActiveModel<E::ActiveModel> + Sync,
    E::ActiveModel: Send,
{
    let mut q = E::find();
    for key in <E::PrimaryKey as sea_orm::Iterable>::iter() {
        q = q.order_by_asc(sea_orm::PrimaryKeyToColumn::into_column(key));
    }
    let mut pages = q.paginate(src, PAGE);
    let mut n = 0;
    while let Some(rows) = pages.fetch_and_next().await? {
        n += rows.len() as u64;
        // Every field is written as it was, the ids too.
        let models: Vec<E::ActiveModel> =
            rows.into_iter().map(|m| sea_orm::ActiveModelTrait::reset_all(m.into_active_model())).collect();
        E::insert_many(models).exec_without_returning(dst).await?;
    }
    Ok(n)
}

/// Moves each table's id sequence past the ids copied into it.
async fn bump_sequences(dst: &sea_orm::DatabaseTransaction, tables: &[&str]) -> anyhow::Result<()> {
    for t in tables {
        let sql = format!(
            "SELECT setval(pg_get_serial_sequence('{t}', 'id'), COALESCE((SELECT MAX(id) FROM {t}), 0) + 1, false)"
        );
        dst.execute_raw(Statement::from_string(DbBackend::Postgres, sql)).await?;
    }
    Ok(())
}

/// Refuses a target that already holds data in `table`.
async fn must_be_empty(dst: &DatabaseConnection, db: &str, table: &str) -> anyhow::Result<()> {
    let sql = format!("SELECT COUNT(*) FROM {table}");
    let row = dst.query_one_raw(Statement::from_string(DbBackend::Postgres, sql)).await?;
    let n: i64 = row.map(|r| r.try_get_by_index(0)).transpose()?.unwrap_or(0);
    if n > 0 {
        bail!("the database {db} already holds {n} rows in {table}: migrate-data only fills empty databases");
    }
    Ok(())
}

struct Target {
    src: DatabaseConnection,
    dst: DatabaseConnection,
    db: &'static str,
}

async fn open(args: &MigrateArgs, file: &str, db: &'static str) -> anyhow::Result<Target> {
    let path = args.from.join(file);
    if !path.is_file() {
        bail!("{} not found: --from names the embedded platform's data directory", path.display());
    }
    let src = ec_common::db::open_sqlite(&path, 2, "migrate-data").await?;
    let url = format!("{}/{}{db}", args.to.expose().trim_end_matches('/'), args.name_prefix);
    if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
        bail!("--to must be a postgres:// URL");
    }
    let dst = ec_common::db::open(Some(&ec_common::config::Secret::new(url)), &path, 2, "migrate-data")
        .await
        .with_context(|| format!("cannot open the database {db} (create it first)"))?;
    Ok(Target { src, dst, db })
}

/// Copies the four services' data; prints what it copied.
pub async fn run(args: MigrateArgs) -> anyhow::Result<()> {
    use notification_service::entity as n;
    use order_service::entity as o;
    use payment_service::entity as p;

    let t = open(&args, order_service::config::DB_FILE, "orders").await?;
    ec_common::db::migrate::<order_service::migration::Migrator>(&t.dst).await?;
    must_be_empty(&t.dst, t.db, "orders").await?;
    let tx = t.dst.begin().await?;
    let counts = [
        ("orders", copy::<o::orders::Entity>(&t.src, &tx).await?),
        ("order_items", copy::<o::order_items::Entity>(&t.src, &tx).await?),
        ("order_status_history", copy::<o::status_history::Entity>(&t.src, &tx).await?),
        ("payment_events", copy::<o::payment_events::Entity>(&t.src, &tx).await?),
        ("imports", copy::<o::imports::Entity>(&t.src, &tx).await?),
        ("import_errors", copy::<o::import_errors::Entity>(&t.src, &tx).await?),
        ("import_chunks", copy::<o::import_chunks::Entity>(&t.src, &tx).await?),
        ("outbox_events", copy::<ec_outbox::entity::events::Entity>(&t.src, &tx).await?),
        ("outbox_attempts", copy::<ec_outbox::entity::attempts::Entity>(&t.src, &tx).await?),
    ];
    bump_sequences(
        &tx,
        &["orders", "order_items", "order_status_history", "import_errors", "outbox_events", "outbox_attempts"],
    )
    .await?;
    tx.commit().await?;
    report(t.db, &counts);

    let t = open(&args, payment_service::config::DB_FILE, "payments").await?;
    ec_common::db::migrate::<payment_service::migration::Migrator>(&t.dst).await?;
    must_be_empty(&t.dst, t.db, "payments").await?;
    let tx = t.dst.begin().await?;
    let counts = [
        ("payments", copy::<p::payments::Entity>(&t.src, &tx).await?),
        ("refunds", copy::<p::refunds::Entity>(&t.src, &tx).await?),
        ("payment_rejections", copy::<p::payment_rejections::Entity>(&t.src, &tx).await?),
        ("outbox_events", copy::<ec_outbox::entity::events::Entity>(&t.src, &tx).await?),
        ("outbox_attempts", copy::<ec_outbox::entity::attempts::Entity>(&t.src, &tx).await?),
    ];
    bump_sequences(&tx, &["payments", "refunds", "outbox_events", "outbox_attempts"]).await?;
    tx.commit().await?;
    report(t.db, &counts);

    let t = open(&args, notification_service::config::DB_FILE, "notifications").await?;
    ec_common::db::migrate::<notification_service::migration::Migrator>(&t.dst).await?;
    must_be_empty(&t.dst, t.db, "notifications").await?;
    let tx = t.dst.begin().await?;
    // The migrations seeded the default templates: the copied ones (perhaps
    // edited) replace them.
    n::notification_templates::Entity::delete_many().exec(&tx).await?;
    let counts = [
        ("notification_templates", copy::<n::notification_templates::Entity>(&t.src, &tx).await?),
        ("notifications", copy::<n::notifications::Entity>(&t.src, &tx).await?),
        ("notification_attempts", copy::<n::notification_attempts::Entity>(&t.src, &tx).await?),
    ];
    bump_sequences(&tx, &["notifications"]).await?;
    tx.commit().await?;
    report(t.db, &counts);

    use gateway::auth::entity as g;
    let t = open(&args, gateway::config::DB_FILE, "gateway").await?;
    ec_common::db::migrate::<gateway::auth::store::Migrator>(&t.dst).await?;
    must_be_empty(&t.dst, t.db, "users").await?;
    must_be_empty(&t.dst, t.db, "api_keys").await?;
    let tx = t.dst.begin().await?;
    let counts = [
        ("users", copy::<g::users::Entity>(&t.src, &tx).await?),
        ("sessions", copy::<g::sessions::Entity>(&t.src, &tx).await?),
        ("api_keys", copy::<g::api_keys::Entity>(&t.src, &tx).await?),
        ("audit_log", copy::<g::audit_log::Entity>(&t.src, &tx).await?),
        ("webhook_ids", copy::<g::webhook_ids::Entity>(&t.src, &tx).await?),
    ];
    bump_sequences(&tx, &["users", "api_keys", "audit_log"]).await?;
    tx.commit().await?;
    report(t.db, &counts);
    Ok(())
}

fn report(db: &str, counts: &[(&str, u64)]) {
    let parts: Vec<String> = counts.iter().map(|(t, n)| format!("{t} {n}")).collect();
    println!("{db}: {}", parts.join(", "));
}
