//! Typed configuration, from flags or environment variables.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

#[derive(Debug, Clone, clap::Args)]
pub struct Config {
    /// Address the gRPC server listens on (port 0: any free port).
    #[arg(long = "order-addr", env = "ORDER_ADDR", default_value = "127.0.0.1:8000")]
    pub addr: SocketAddr,
    /// Directory holding order_service.db.
    #[arg(long = "data-dir", env = "EC_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
    /// Payment service URL.
    #[arg(long, env = "PAYMENT_URL", default_value = "http://127.0.0.1:8001")]
    pub payment_url: String,
    /// Notification service URL.
    #[arg(long, env = "NOTIFICATION_URL", default_value = "http://127.0.0.1:8002")]
    pub notification_url: String,
    /// Deadline of every payment call, in milliseconds (seed: 30 s).
    #[arg(long, env = "PAYMENT_TIMEOUT_MS", default_value_t = 30_000)]
    pub payment_timeout_ms: u64,
    /// Deadline of every notification call, in milliseconds (seed: 10 s).
    #[arg(long, env = "NOTIFICATION_TIMEOUT_MS", default_value_t = 10_000)]
    pub notification_timeout_ms: u64,
    /// How often the reconciler looks for unfinished work, in milliseconds.
    #[arg(long, env = "RECONCILE_INTERVAL_MS", default_value_t = 2_000)]
    pub reconcile_interval_ms: u64,
    /// Largest number of writes committed together.
    #[arg(long, env = "ORDER_MAX_BATCH", default_value_t = 256)]
    pub max_batch: usize,
    /// Data rows allowed in one import file.
    #[arg(long, env = "IMPORT_MAX_ROWS", default_value_t = 10_000)]
    pub import_max_rows: i64,
    /// Orders per batch payment / bulk notification call of an import.
    #[arg(long, env = "IMPORT_CHUNK", default_value_t = 500)]
    pub import_chunk: usize,
    /// Batch payment calls an import keeps in flight.
    #[arg(long, env = "IMPORT_IN_FLIGHT", default_value_t = 4)]
    pub import_in_flight: usize,
}

impl Config {
    /// Defaults with every address on port 0, for tests and embedding.
    pub fn for_tests(data_dir: PathBuf, payment_url: String, notification_url: String) -> Self {
        Self {
            addr: ([127, 0, 0, 1], 0).into(),
            data_dir,
            payment_url,
            notification_url,
            payment_timeout_ms: 30_000,
            notification_timeout_ms: 10_000,
            reconcile_interval_ms: 200,
            max_batch: 256,
            import_max_rows: 10_000,
            import_chunk: 500,
            import_in_flight: 4,
        }
    }

    pub fn import_config(&self) -> crate::import::ImportConfig {
        crate::import::ImportConfig {
            max_rows: self.import_max_rows.max(1),
            chunk: self.import_chunk.clamp(1, 1000),
            in_flight: self.import_in_flight.max(1),
            payment_timeout: self.payment_timeout(),
            notification_timeout: self.notification_timeout(),
        }
    }

    pub fn db_path(&self) -> PathBuf {
        self.data_dir.join("order_service.db")
    }

    pub fn payment_timeout(&self) -> Duration {
        Duration::from_millis(self.payment_timeout_ms)
    }

    pub fn notification_timeout(&self) -> Duration {
        Duration::from_millis(self.notification_timeout_ms)
    }

    /// A payment_processing order older than this has outlived every payment
    /// call that could still be running for it.
    pub fn stuck_after(&self) -> Duration {
        self.payment_timeout() + Duration::from_secs(2)
    }
}
