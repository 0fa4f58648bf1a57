//! Typed configuration, from flags or environment variables.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use ec_common::config::{Deadlines, Delivery};

/// The SQLite file of the payment service in the data directory (the embedded default).
pub const DB_FILE: &str = "payment_service.db";

/// Where the payment service listens and what it calls, plus its settings.
#[derive(Debug, Clone, clap::Args)]
#[group(id = "payment-service")]
pub struct Config {
    /// Address the gRPC server listens on (port 0: any free port).
    #[arg(long = "payment-addr", env = "PAYMENT_ADDR", default_value = "127.0.0.1:8001")]
    pub addr: SocketAddr,
    /// Directory holding payment_service.db.
    #[arg(long = "data-dir", env = "EC_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
    /// The database (`postgres://user:password@host:5432/name`, or
    /// `sqlite://path`) instead of payment_service.db in the data directory.
    #[arg(long = "database-url", env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<ec_common::config::Secret>,
    /// Order service URL, for the payment status webhook and order look-ups.
    #[arg(long, env = "ORDER_URL", default_value = "http://127.0.0.1:8000")]
    pub order_url: String,
    #[command(flatten)]
    pub mesh: ec_common::config::Mesh,
    #[command(flatten)]
    pub deadlines: Deadlines,
    #[command(flatten)]
    pub delivery: Delivery,
    #[command(flatten)]
    pub settings: Settings,
}

/// What the payment service alone reads (the all-in-one flattens it whole).
#[derive(Debug, Clone, PartialEq, Eq, clap::Args)]
#[group(id = "payment-settings")]
pub struct Settings {
    /// Artificial processing delay per payment, in milliseconds: stands in
    /// for a slow card processor in tests and demos. 0 in production.
    #[arg(long = "payment-delay-ms", env = "PAYMENT_DELAY_MS", default_value_t = Settings::default().processing_delay_ms)]
    pub processing_delay_ms: u64,
    /// Largest number of payment writes committed together.
    #[arg(id = "payment_max_batch", long = "payment-max-batch", env = "PAYMENT_MAX_BATCH", default_value_t = Settings::default().max_batch)]
    pub max_batch: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Self { processing_delay_ms: 0, max_batch: 256 }
    }
}

impl Config {
    pub fn for_tests(data_dir: PathBuf, order_url: String) -> Self {
        Self {
            addr: ([127, 0, 0, 1], 0).into(),
            mesh: ec_common::config::Mesh::default(),
            data_dir,
            database_url: None,
            order_url,
            deadlines: Deadlines::default(),
            delivery: Delivery::default(),
            settings: Settings::default(),
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

    /// Deadline of calls to the order service.
    pub fn webhook_timeout(&self) -> Duration {
        self.deadlines.webhook()
    }
}
