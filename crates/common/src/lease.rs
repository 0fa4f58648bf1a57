//! Leases: a named piece of background work (an import, the reconciler's
//! pass) is done by one replica at a time. A replica claims the name for a
//! while and renews the claim as it goes; when it crashes, the claim runs
//! out and another replica takes the work over. Kept in the service's own
//! database (table `leases`), claimed by one atomic upsert on either backend.

use std::time::Duration;

use chrono::Utc;
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbErr,
    sea_query::{Expr, ExprTrait, OnConflict, Query},
};

use crate::db::schema::name as t;

/// Who claims: this process, from its start (unique across replicas and
/// restarts).
pub fn owner(service: &str) -> String {
    let started = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    format!("{service}-{}-{:x}", std::process::id(), started.as_nanos())
}

/// Claims `name` for `owner` until `ttl` from now: answers whether it is
/// ours (free, ours already, or the last holder's claim ran out). Claiming
/// again what we hold renews it.
pub async fn claim(db: &DatabaseConnection, name: &str, owner: &str, ttl: Duration) -> Result<bool, DbErr> {
    let now = Utc::now();
    let until = now + chrono::Duration::from_std(ttl).unwrap_or_default();
    let stmt = Query::insert()
        .into_table(t("leases"))
        .columns([t("name"), t("owner"), t("until")])
        .values_panic([name.into(), owner.into(), until.into()])
        .on_conflict(
            OnConflict::column(t("name"))
                .update_columns([t("owner"), t("until")])
                .action_and_where(
                    Expr::col((t("leases"), t("until"))).lt(now).or(Expr::col((t("leases"), t("owner"))).eq(owner)),
                )
                .to_owned(),
        )
        .to_owned();
    // Through the process's write turn: a lease claimed beside a busy
    // writer would otherwise sleep in SQLite's busy handler and make the
    // writer sleep too ([`crate::db::begin_write`]).
    let txn = crate::db::begin_write(db).await?;
    let claimed = txn.execute(&stmt).await?.rows_affected() == 1;
    txn.commit().await?;
    Ok(claimed)
}

/// Gives `name` up (only if `owner` holds it).
pub async fn release(db: &DatabaseConnection, name: &str, owner: &str) -> Result<(), DbErr> {
    let stmt = Query::delete()
        .from_table(t("leases"))
        .and_where(Expr::col(t("name")).eq(name))
        .and_where(Expr::col(t("owner")).eq(owner))
        .to_owned();
    let txn = crate::db::begin_write(db).await?;
    txn.execute(&stmt).await?;
    txn.commit().await
}

/// The `leases` table: each service that leases work lists it among its
/// migrations.
pub struct Migration;

impl sea_orm_migration::MigrationName for Migration {
    fn name(&self) -> &str {
        "m_lease_0001_leases"
    }
}

#[async_trait::async_trait]
impl sea_orm_migration::MigrationTrait for Migration {
    async fn up(&self, m: &sea_orm_migration::SchemaManager) -> Result<(), DbErr> {
        use crate::db::schema::{text, time};
        m.create_table(
            sea_orm_migration::prelude::Table::create()
                .table(t("leases"))
                .if_not_exists()
                .col(text("name").primary_key())
                .col(text("owner"))
                .col(time("until"))
                .to_owned(),
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use sea_orm_migration::{MigrationTrait, MigratorTrait};

    use super::*;

    struct Migrator;

    impl MigratorTrait for Migrator {
        fn migrations() -> Vec<Box<dyn MigrationTrait>> {
            vec![Box::new(Migration)]
        }
    }

    #[tokio::test]
    async fn one_holder_at_a_time_until_the_claim_runs_out() {
        let dir = tempfile::tempdir().expect("dir");
        let url = crate::db::test_database(dir.path(), "lease").await.expect("test database");
        let db = crate::db::open(url.as_ref(), &dir.path().join("t.db"), 2, "test").await.expect("open");
        Migrator::up(&db, None).await.expect("migrate");
        let minute = Duration::from_secs(60);
        assert!(claim(&db, "import:x", "a", minute).await.expect("claim"), "free: a takes it");
        assert!(!claim(&db, "import:x", "b", minute).await.expect("claim"), "held by a");
        assert!(claim(&db, "import:x", "a", minute).await.expect("claim"), "a renews");
        assert!(claim(&db, "import:y", "b", minute).await.expect("claim"), "another name is free");
        // a's claim runs out (a crashed): b takes it over.
        assert!(claim(&db, "import:x", "a", Duration::ZERO).await.expect("claim"));
        tokio::time::sleep(Duration::from_millis(5)).await;
        assert!(claim(&db, "import:x", "b", minute).await.expect("claim"), "expired: b takes over");
        assert!(!claim(&db, "import:x", "a", minute).await.expect("claim"), "now b holds it");
        release(&db, "import:x", "a").await.expect("release");
        assert!(!claim(&db, "import:x", "c", minute).await.expect("claim"), "only the holder releases");
        release(&db, "import:x", "b").await.expect("release");
        assert!(claim(&db, "import:x", "c", minute).await.expect("claim"), "released: free again");
    }
}
