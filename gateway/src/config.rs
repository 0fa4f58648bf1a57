//! Typed configuration, from flags or environment variables.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use ec_common::config::{Deadlines, Secret};

/// The SQLite file of the gateway in the data directory (the embedded default).
pub const DB_FILE: &str = "gateway.db";

/// Where the gateway listens and what it calls, plus its settings.
#[derive(Debug, Clone, clap::Args)]
#[group(id = "gateway-service")]
pub struct Config {
    /// Address the HTTP server listens on (port 0: any free port).
    #[arg(long = "gateway-addr", env = "GATEWAY_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Directory holding gateway.db (users, sessions, API keys, audit log).
    #[arg(long = "data-dir", env = "EC_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
    /// The database (`postgres://user:password@host:5432/name`, or
    /// `sqlite://path`) instead of gateway.db in the data directory.
    #[arg(long = "database-url", env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<ec_common::config::Secret>,
    #[arg(long, env = "ORDER_URL", default_value = "http://127.0.0.1:8000")]
    pub order_url: String,
    #[arg(long, env = "PAYMENT_URL", default_value = "http://127.0.0.1:8001")]
    pub payment_url: String,
    #[arg(long, env = "NOTIFICATION_URL", default_value = "http://127.0.0.1:8002")]
    pub notification_url: String,
    #[command(flatten)]
    pub mesh: ec_common::config::Mesh,
    #[command(flatten)]
    pub deadlines: Deadlines,
    #[command(flatten)]
    pub settings: Settings,
}

/// What the gateway alone reads (the all-in-one flattens it whole).
#[derive(Debug, Clone, PartialEq, clap::Args)]
#[group(id = "gateway-settings")]
pub struct Settings {
    /// Deadline of every call that neither pays nor refunds (reads, status
    /// changes, notifications, imports), in milliseconds (seed: 10 s).
    #[arg(long, env = "DEFAULT_TIMEOUT_MS", default_value_t = Settings::default().default_timeout_ms)]
    pub default_timeout_ms: u64,
    /// Largest request body accepted, in bytes (import uploads: 32 MiB).
    #[arg(long, env = "MAX_BODY_BYTES", default_value_t = Settings::default().max_body_bytes)]
    pub max_body_bytes: usize,
    /// The built web admin (web/dist), served at `/`.
    #[arg(long, env = "WEB_DIR", default_value = "web/dist")]
    pub web_dir: PathBuf,
    /// A session ends after this many minutes without a request.
    #[arg(long, env = "SESSION_IDLE_MINUTES", default_value_t = Settings::default().session_idle_minutes)]
    pub session_idle_minutes: u64,
    /// A session ends this many hours after sign-in, whatever the activity.
    #[arg(long, env = "SESSION_MAX_HOURS", default_value_t = Settings::default().session_max_hours)]
    pub session_max_hours: u64,
    /// Mark the session cookie `Secure` (serve the admin over TLS, e.g.
    /// behind a TLS-terminating proxy).
    #[arg(long, env = "SECURE_COOKIES", default_value_t = false)]
    pub secure_cookies: bool,
    /// With EC_ADMIN_PASSWORD: the first admin, created at start if missing.
    #[arg(long, env = "EC_ADMIN_EMAIL")]
    pub admin_email: Option<String>,
    /// The first admin's password (at least 12 characters).
    #[arg(long, env = "EC_ADMIN_PASSWORD", hide_env_values = true)]
    pub admin_password: Option<Secret>,
    /// An `sk_` key (32+ characters) valid as an admin key, for automation.
    #[arg(long, env = "EC_ADMIN_API_KEY", hide_env_values = true)]
    pub admin_api_key: Option<Secret>,
    /// `whsec_<base64>` secrets of the REST payment webhook (comma-separated
    /// for rotation). Unset: the webhook route is disabled.
    #[arg(long, env = "EC_WEBHOOK_SECRET", hide_env_values = true)]
    pub webhook_secret: Option<Secret>,
    /// A trace's page in the tracing UI, `{trace_id}` standing for its id
    /// (Jaeger: `http://localhost:16686/trace/{trace_id}`): order timelines
    /// link each entry to it. Unset: timelines name trace ids only.
    #[arg(long, env = "TRACE_URL_TEMPLATE")]
    pub trace_url_template: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            default_timeout_ms: 10_000,
            max_body_bytes: 1024 * 1024,
            web_dir: PathBuf::from("web/dist"),
            session_idle_minutes: 120,
            session_max_hours: 12,
            secure_cookies: false,
            admin_email: None,
            admin_password: None,
            admin_api_key: None,
            webhook_secret: None,
            trace_url_template: None,
        }
    }
}

impl Config {
    pub fn for_tests(data_dir: PathBuf, order_url: String, payment_url: String, notification_url: String) -> Self {
        Self {
            addr: ([127, 0, 0, 1], 0).into(),
            mesh: ec_common::config::Mesh::default(),
            data_dir,
            database_url: None,
            order_url,
            payment_url,
            notification_url,
            deadlines: Deadlines::default(),
            settings: Settings::default(),
        }
    }

    pub fn payment_timeout(&self) -> Duration {
        self.deadlines.payment()
    }

    pub fn default_timeout(&self) -> Duration {
        Duration::from_millis(self.settings.default_timeout_ms)
    }

    pub fn webhook_timeout(&self) -> Duration {
        self.deadlines.webhook()
    }

    pub fn db_path(&self) -> PathBuf {
        self.data_dir.join(DB_FILE)
    }

    /// Where the data is, for the start-up line (no credentials).
    pub fn db_location(&self) -> String {
        ec_common::db::describe(self.database_url.as_ref(), &self.db_path())
    }

    /// Opens the database (creating the data directory for the default file).
    pub async fn open_db(&self, service: &'static str) -> anyhow::Result<sea_orm::DatabaseConnection> {
        if self.database_url.is_none() {
            std::fs::create_dir_all(&self.data_dir)
                .map_err(|e| anyhow::anyhow!("cannot create data directory {}: {e}", self.data_dir.display()))?;
        }
        Ok(ec_common::db::open(self.database_url.as_ref(), &self.db_path(), 4, service).await?)
    }
}
