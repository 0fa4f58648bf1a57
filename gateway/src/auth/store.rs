//! Every access to `gateway.db` (SeaORM; the schema by SeaORM's schema
//! builder, so it reads the same on SQLite and PostgreSQL).

use chrono::{DateTime, Utc};
use ec_common::batch::Batcher;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, NotSet, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, sea_query::Expr,
};
use sea_orm_migration::{MigratorTrait, prelude::*};

use super::entity::{Role, api_keys, audit_log, sessions, users, webhook_ids};

#[derive(Clone)]
pub struct AuthStore {
    db: DatabaseConnection,
    audit: Batcher<AuditOp, Result<(), String>>,
    /// Live API keys by hash, as last read: every keyed request looks its
    /// key up, and a database read each time cost the create path a tenth
    /// of its throughput. Only live keys are kept (unknown hashes are not,
    /// so guessing cannot fill it), and a revocation empties it before it
    /// answers: a revoked key is refused from the next request on. Another
    /// gateway replica may have revoked it: an entry is trusted for
    /// [`KEY_CACHE_TTL`] only, then read again.
    live_keys: std::sync::Arc<std::sync::RwLock<LiveKeys>>,
}

/// The cache of live keys, and how many revocations it has seen: a lookup
/// that read the database before a revocation does not cache what it read.
#[derive(Default)]
struct LiveKeys {
    revocations: u64,
    by_hash: std::collections::HashMap<String, (api_keys::Model, std::time::Instant)>,
}

/// An entry for the audit writer, or none: a flush, answered once every
/// entry queued before it is committed.
struct AuditOp(Option<audit_log::ActiveModel>);

/// How long the audit writer lets entries gather before it writes them.
/// Nobody waits for an entry to be written ([`AuthStore::audit`]), so the
/// pause delays no answer, and one INSERT and commit serve every call that
/// arrived meanwhile. A reader of the log flushes first.
const AUDIT_LINGER: std::time::Duration = std::time::Duration::from_millis(20);

/// How long a cached key is trusted before the database is asked again: the
/// longest a key revoked on one gateway replica still works on another.
pub const KEY_CACHE_TTL: std::time::Duration = std::time::Duration::from_secs(2);

/// A new audit entry.
#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub actor: String,
    pub action: String,
    pub target: String,
    pub status: u16,
    pub trace_id: Option<String>,
}

/// Filters of the audit log.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor: Option<String>,
    /// A path prefix: `/api/v1/orders/12` also finds `/api/v1/orders/12/status`.
    pub target: Option<String>,
    /// Entries older than this id (the cursor).
    pub before_id: Option<i64>,
    pub limit: u64,
}

impl AuthStore {
    pub async fn open(db: DatabaseConnection) -> Result<Self, DbErr> {
        ec_common::db::migrate::<Migrator>(&db).await?;
        // Audit rows are written by one group-commit writer: at load, many
        // calls share one INSERT and one commit.
        let wdb = db.clone();
        let audit = Batcher::spawn_lingering("gateway", 512, AUDIT_LINGER, move |ops: Vec<AuditOp>| {
            let db = wdb.clone();
            async move {
                let n = ops.len();
                let rows: Vec<_> = ops.into_iter().filter_map(|op| op.0).collect();
                if rows.is_empty() {
                    return vec![Ok(()); n];
                }
                let count = rows.len();
                let out = audit_log::Entity::insert_many(rows)
                    .exec_without_returning(&db)
                    .await
                    .map(|_| ())
                    .map_err(|e| e.to_string());
                if let Err(e) = &out {
                    tracing::error!(error = %e, entries = count, "audit entries not recorded");
                }
                vec![out; n]
            }
        });
        Ok(Self { db, audit, live_keys: Default::default() })
    }

    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    // ---------------------------------------------------------------- users

    pub async fn user_count(&self) -> Result<u64, DbErr> {
        users::Entity::find().count(&self.db).await
    }

    pub async fn user_by_email(&self, email: &str) -> Result<Option<users::Model>, DbErr> {
        users::Entity::find().filter(users::Column::Email.eq(email.to_lowercase())).one(&self.db).await
    }

    pub async fn user(&self, id: i64) -> Result<Option<users::Model>, DbErr> {
        users::Entity::find_by_id(id).one(&self.db).await
    }

    pub async fn users(&self) -> Result<Vec<users::Model>, DbErr> {
        users::Entity::find().order_by_asc(users::Column::Id).all(&self.db).await
    }

    /// `None` when the e-mail is taken.
    pub async fn create_user(
        &self,
        email: &str,
        password_hash: String,
        role: Role,
    ) -> Result<Option<users::Model>, DbErr> {
        let now = ec_common::time::now();
        let row = users::ActiveModel {
            id: NotSet,
            email: Set(email.to_lowercase()),
            password_hash: Set(password_hash),
            role: Set(role),
            created_at: Set(now),
            updated_at: Set(now),
        };
        match row.insert(&self.db).await {
            Ok(m) => Ok(Some(m)),
            Err(e) if is_unique_violation(&e) => Ok(None),
            Err(e) => Err(e),
        }
    }

    pub async fn set_role(&self, id: i64, role: Role) -> Result<Option<users::Model>, DbErr> {
        users::Entity::update_many()
            .col_expr(users::Column::Role, Expr::value(role))
            .col_expr(users::Column::UpdatedAt, Expr::value(ec_common::time::now()))
            .filter(users::Column::Id.eq(id))
            .exec(&self.db)
            .await?;
        self.user(id).await
    }

    /// Removes a user and signs them out everywhere; false if there was none.
    pub async fn delete_user(&self, id: i64) -> Result<bool, DbErr> {
        sessions::Entity::delete_many().filter(sessions::Column::UserId.eq(id)).exec(&self.db).await?;
        Ok(users::Entity::delete_by_id(id).exec(&self.db).await?.rows_affected > 0)
    }

    pub async fn admin_count(&self) -> Result<u64, DbErr> {
        users::Entity::find().filter(users::Column::Role.eq(Role::Admin)).count(&self.db).await
    }

    // ---------------------------------------------------------------- sessions

    pub async fn create_session(
        &self,
        id_hash: String,
        user_id: i64,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<(), DbErr> {
        sessions::ActiveModel {
            id_hash: Set(id_hash),
            user_id: Set(user_id),
            created_at: Set(now),
            last_seen_at: Set(now),
            expires_at: Set(expires_at),
        }
        .insert(&self.db)
        .await?;
        Ok(())
    }

    /// The session and its user, if both exist.
    pub async fn session(&self, id_hash: &str) -> Result<Option<(sessions::Model, users::Model)>, DbErr> {
        let Some(s) = sessions::Entity::find_by_id(id_hash.to_owned()).one(&self.db).await? else { return Ok(None) };
        Ok(self.user(s.user_id).await?.map(|u| (s, u)))
    }

    pub async fn touch_session(&self, id_hash: &str, now: DateTime<Utc>) -> Result<(), DbErr> {
        sessions::Entity::update_many()
            .col_expr(sessions::Column::LastSeenAt, Expr::value(now))
            .filter(sessions::Column::IdHash.eq(id_hash))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    pub async fn delete_session(&self, id_hash: &str) -> Result<(), DbErr> {
        sessions::Entity::delete_by_id(id_hash.to_owned()).exec(&self.db).await?;
        Ok(())
    }

    /// Drops sessions past their absolute end or idle too long.
    pub async fn purge_sessions(&self, now: DateTime<Utc>, idle_before: DateTime<Utc>) -> Result<u64, DbErr> {
        let r = sessions::Entity::delete_many()
            .filter(
                sea_orm::Condition::any()
                    .add(sessions::Column::ExpiresAt.lte(now))
                    .add(sessions::Column::LastSeenAt.lte(idle_before)),
            )
            .exec(&self.db)
            .await?;
        Ok(r.rows_affected)
    }

    // ---------------------------------------------------------------- API keys

    pub async fn create_key(
        &self,
        name: &str,
        role: Role,
        key_hash: String,
        last4: String,
        created_by: &str,
    ) -> Result<Option<api_keys::Model>, DbErr> {
        let row = api_keys::ActiveModel {
            id: NotSet,
            name: Set(name.to_owned()),
            role: Set(role),
            key_hash: Set(key_hash),
            last4: Set(last4),
            created_by: Set(created_by.to_owned()),
            created_at: Set(ec_common::time::now()),
            revoked_at: Set(None),
        };
        match row.insert(&self.db).await {
            Ok(m) => Ok(Some(m)),
            Err(e) if is_unique_violation(&e) => Ok(None),
            Err(e) => Err(e),
        }
    }

    pub async fn keys(&self) -> Result<Vec<api_keys::Model>, DbErr> {
        api_keys::Entity::find().order_by_asc(api_keys::Column::Id).all(&self.db).await
    }

    /// The live (not revoked) key with this hash: one indexed read.
    pub async fn live_key(&self, key_hash: &str) -> Result<Option<api_keys::Model>, DbErr> {
        let seen = {
            let cache = self.live_keys.read().unwrap_or_else(std::sync::PoisonError::into_inner);
            if let Some((k, at)) = cache.by_hash.get(key_hash)
                && at.elapsed() < KEY_CACHE_TTL
            {
                return Ok(Some(k.clone()));
            }
            cache.revocations
        };
        let key = api_keys::Entity::find()
            .filter(api_keys::Column::KeyHash.eq(key_hash))
            .filter(api_keys::Column::RevokedAt.is_null())
            .one(&self.db)
            .await?;
        if let Some(k) = &key {
            let mut cache = self.live_keys.write().unwrap_or_else(std::sync::PoisonError::into_inner);
            if cache.revocations == seen {
                cache.by_hash.insert(key_hash.to_owned(), (k.clone(), std::time::Instant::now()));
            }
        }
        Ok(key)
    }

    pub async fn key_by_hash(&self, key_hash: &str) -> Result<Option<api_keys::Model>, DbErr> {
        api_keys::Entity::find().filter(api_keys::Column::KeyHash.eq(key_hash)).one(&self.db).await
    }

    /// Revokes a key at once; the key answers as it is after.
    pub async fn revoke_key(&self, id: i64) -> Result<Option<api_keys::Model>, DbErr> {
        // Counted before the write (a lookup reading the database from now
        // on caches nothing) and emptied after it.
        self.forget_keys();
        let revoked = self.revoke_key_row(id).await;
        self.forget_keys();
        revoked
    }

    fn forget_keys(&self) {
        let mut cache = self.live_keys.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        cache.revocations += 1;
        cache.by_hash.clear();
    }

    async fn revoke_key_row(&self, id: i64) -> Result<Option<api_keys::Model>, DbErr> {
        api_keys::Entity::update_many()
            .col_expr(api_keys::Column::RevokedAt, Expr::value(Some(ec_common::time::now())))
            .filter(api_keys::Column::Id.eq(id))
            .filter(api_keys::Column::RevokedAt.is_null())
            .exec(&self.db)
            .await?;
        api_keys::Entity::find_by_id(id).one(&self.db).await
    }

    // ---------------------------------------------------------------- audit

    /// Queues one entry: it is written (with others arriving meanwhile)
    /// within [`AUDIT_LINGER`], and before any later [`AuthStore::flush`]
    /// answers. The call answers once it is queued, not written.
    pub async fn audit(&self, e: AuditEntry) -> Result<(), String> {
        let row = audit_log::ActiveModel {
            id: NotSet,
            at: Set(ec_common::time::now()),
            actor: Set(e.actor),
            action: Set(e.action),
            target: Set(e.target),
            status: Set(i32::from(e.status)),
            trace_id: Set(e.trace_id),
        };
        self.audit.send(AuditOp(Some(row))).await.map_err(|e| e.to_string())
    }

    /// Waits until every entry queued so far is written (or failed).
    pub async fn flush(&self) -> Result<(), String> {
        self.audit.submit(AuditOp(None)).await.map_err(|e| e.to_string())?
    }

    /// Newest first, one page and whether there is more.
    pub async fn audit_page(&self, f: &AuditFilter) -> Result<(Vec<audit_log::Model>, bool), DbErr> {
        // What this gateway has queued is in the page.
        self.flush().await.map_err(DbErr::Custom)?;
        let mut q = audit_log::Entity::find().order_by_desc(audit_log::Column::Id).limit(f.limit + 1);
        if let Some(actor) = &f.actor {
            q = q.filter(audit_log::Column::Actor.eq(actor.as_str()));
        }
        if let Some(target) = &f.target {
            let prefix = target.trim_end_matches('/');
            q = q.filter(
                sea_orm::Condition::any()
                    .add(audit_log::Column::Target.eq(prefix))
                    .add(audit_log::Column::Target.starts_with(format!("{prefix}/"))),
            );
        }
        if let Some(before) = f.before_id {
            q = q.filter(audit_log::Column::Id.lt(before));
        }
        let mut rows = q.all(&self.db).await?;
        let more = rows.len() as u64 > f.limit;
        rows.truncate(f.limit as usize);
        Ok((rows, more))
    }

    // ---------------------------------------------------------------- webhook ids

    pub async fn webhook_seen(&self, id: &str) -> Result<bool, DbErr> {
        Ok(webhook_ids::Entity::find_by_id(id.to_owned()).one(&self.db).await?.is_some())
    }

    /// Records a webhook id as applied (a concurrent duplicate is fine: the
    /// unique key keeps one).
    pub async fn remember_webhook(&self, id: &str) -> Result<(), DbErr> {
        let row = webhook_ids::ActiveModel { webhook_id: Set(id.to_owned()), received_at: Set(ec_common::time::now()) };
        match webhook_ids::Entity::insert(row).exec_without_returning(&self.db).await {
            Ok(_) => Ok(()),
            Err(e) if is_unique_violation(&e) => Ok(()),
            Err(e) => Err(e),
        }
    }
}

fn is_unique_violation(e: &DbErr) -> bool {
    matches!(e.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_)))
}

// -------------------------------------------------------------------- schema

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(M0001Access)]
    }
}

struct M0001Access;

impl MigrationName for M0001Access {
    fn name(&self) -> &str {
        "m0001_access"
    }
}

fn id() -> ColumnDef {
    ColumnDef::new(Alias::new("id")).big_integer().not_null().auto_increment().primary_key().to_owned()
}

fn text(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name)).string().not_null().to_owned()
}

fn time(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name)).timestamp_with_time_zone().not_null().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for M0001Access {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let t = Alias::new;
        m.create_table(
            Table::create()
                .table(t("users"))
                .col(id())
                .col(text("email").unique_key().to_owned())
                .col(text("password_hash"))
                .col(text("role"))
                .col(time("created_at"))
                .col(time("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(t("sessions"))
                .col(text("id_hash").primary_key().to_owned())
                .col(ColumnDef::new(t("user_id")).big_integer().not_null())
                .col(time("created_at"))
                .col(time("last_seen_at"))
                .col(time("expires_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("sessions_by_user").table(t("sessions")).col(t("user_id")).to_owned())
            .await?;
        m.create_table(
            Table::create()
                .table(t("api_keys"))
                .col(id())
                .col(text("name"))
                .col(text("role"))
                .col(text("key_hash").unique_key().to_owned())
                .col(text("last4"))
                .col(text("created_by"))
                .col(time("created_at"))
                .col(ColumnDef::new(t("revoked_at")).timestamp_with_time_zone().null())
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(t("audit_log"))
                .col(id())
                .col(time("at"))
                .col(text("actor"))
                .col(text("action"))
                .col(text("target"))
                .col(ColumnDef::new(t("status")).integer().not_null())
                .col(ColumnDef::new(t("trace_id")).string().null())
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("audit_by_actor").table(t("audit_log")).col(t("actor")).col(t("id")).to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("audit_by_target").table(t("audit_log")).col(t("target")).col(t("id")).to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(t("webhook_ids"))
                .col(text("webhook_id").primary_key().to_owned())
                .col(time("received_at"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(target: &str) -> AuditEntry {
        AuditEntry {
            actor: "key:1:test".into(),
            action: "DELETE /api/v1/orders/{id}".into(),
            target: target.into(),
            status: 404,
            trace_id: None,
        }
    }

    async fn rows(path: &std::path::Path) -> usize {
        let db = ec_common::db::open_sqlite(path, 1, "test").await.expect("open");
        audit_log::Entity::find().count(&db).await.expect("count") as usize
    }

    #[tokio::test]
    async fn queued_audit_entries_are_written_by_a_flush_and_read_by_every_page() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join(crate::config::DB_FILE);
        let store =
            AuthStore::open(ec_common::db::open_sqlite(&path, 2, "test").await.expect("open")).await.expect("store");
        for i in 0..3 {
            store.audit(entry(&format!("/api/v1/orders/{i}"))).await.expect("queued");
        }
        // A page reads what was queued before it, without waiting for the linger.
        let (page, more) = store.audit_page(&AuditFilter { limit: 10, ..AuditFilter::default() }).await.expect("page");
        assert_eq!(page.len(), 3, "{page:?}");
        assert!(!more);
        store.audit(entry("/api/v1/orders/3")).await.expect("queued");
        store.flush().await.expect("flushed");
        assert_eq!(rows(&path).await, 4, "on disk once flushed (what the gateway does at shutdown)");
    }
}
