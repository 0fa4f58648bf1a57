//! Typed configuration, from flags or environment variables.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use ec_common::config::{Deadlines, Delivery};

/// The SQLite file of the order service in the data directory (the embedded default).
pub const DB_FILE: &str = "order_service.db";

/// Where the order service listens and what it calls, plus its settings.
#[derive(Debug, Clone, clap::Args)]
#[group(id = "order-service")]
pub struct Config {
    /// Address the gRPC server listens on (port 0: any free port).
    #[arg(long = "order-addr", env = "ORDER_ADDR", default_value = "127.0.0.1:8000")]
    pub addr: SocketAddr,
    /// Directory holding order_service.db.
    #[arg(long = "data-dir", env = "EC_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
    /// The database (`postgres://user:password@host:5432/name`, or
    /// `sqlite://path`) instead of order_service.db in the data directory.
    #[arg(long = "database-url", env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<ec_common::config::Secret>,
    /// Payment service URL.
    #[arg(long, env = "PAYMENT_URL", default_value = "http://127.0.0.1:8001")]
    pub payment_url: String,
    /// Notification service URL.
    #[arg(long, env = "NOTIFICATION_URL", default_value = "http://127.0.0.1:8002")]
    pub notification_url: String,
    #[command(flatten)]
    pub mesh: ec_common::config::Mesh,
    #[command(flatten)]
    pub deadlines: Deadlines,
    #[command(flatten)]
    pub delivery: Delivery,
    #[command(flatten)]
    pub settings: Settings,
}

/// What the order service alone reads (the all-in-one flattens it whole).
#[derive(Debug, Clone, PartialEq, Eq, clap::Args)]
#[group(id = "order-settings")]
pub struct Settings {
    /// How often the reconciler looks for unfinished work, in milliseconds.
    #[arg(long, env = "RECONCILE_INTERVAL_MS", default_value_t = Settings::default().reconcile_interval_ms)]
    pub reconcile_interval_ms: u64,
    /// Largest number of order writes committed together.
    #[arg(id = "order_max_batch", long = "order-max-batch", env = "ORDER_MAX_BATCH", default_value_t = Settings::default().max_batch)]
    pub max_batch: usize,
    /// Data rows allowed in one import file.
    #[arg(long, env = "IMPORT_MAX_ROWS", default_value_t = Settings::default().import_max_rows)]
    pub import_max_rows: i64,
    /// Orders per batch payment / bulk notification call of an import.
    #[arg(long, env = "IMPORT_CHUNK", default_value_t = Settings::default().import_chunk)]
    pub import_chunk: usize,
    /// Batch payment calls an import keeps in flight.
    #[arg(long, env = "IMPORT_IN_FLIGHT", default_value_t = Settings::default().import_in_flight)]
    pub import_in_flight: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            reconcile_interval_ms: 1_000,
            max_batch: 256,
            import_max_rows: 10_000,
            import_chunk: 500,
            import_in_flight: 4,
        }
    }
}

impl Settings {
    /// The defaults, with a reconciler quick enough for tests.
    pub fn for_tests() -> Self {
        Self { reconcile_interval_ms: 200, ..Self::default() }
    }
}

impl Config {
    /// Defaults with every address on port 0, for tests and embedding.
    pub fn for_tests(data_dir: PathBuf, payment_url: String, notification_url: String) -> Self {
        Self {
            addr: ([127, 0, 0, 1], 0).into(),
            mesh: ec_common::config::Mesh::default(),
            data_dir,
            database_url: None,
            payment_url,
            notification_url,
            deadlines: Deadlines::default(),
            delivery: Delivery::default(),
            settings: Settings::for_tests(),
        }
    }

    pub fn import_config(&self) -> crate::import::ImportConfig {
        let s = &self.settings;
        crate::import::ImportConfig {
            max_rows: s.import_max_rows.max(1),
            chunk: s.import_chunk.clamp(1, 1000),
            in_flight: s.import_in_flight.max(1),
            payment_timeout: self.payment_timeout(),
            notification_timeout: self.notification_timeout(),
        }
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

    pub fn outbox_policy(&self) -> ec_outbox::Policy {
        (&self.delivery).into()
    }

    pub fn payment_timeout(&self) -> Duration {
        self.deadlines.payment()
    }

    pub fn notification_timeout(&self) -> Duration {
        self.deadlines.notification()
    }
}
