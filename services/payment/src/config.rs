//! Typed configuration, from flags or environment variables.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

#[derive(Debug, Clone, clap::Args)]
pub struct Config {
    /// Address the gRPC server listens on (port 0: any free port).
    #[arg(long = "payment-addr", env = "PAYMENT_ADDR", default_value = "127.0.0.1:8001")]
    pub addr: SocketAddr,
    /// Directory holding payment_service.db.
    #[arg(long = "data-dir", env = "EC_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
    /// Order service URL, for the payment status webhook.
    #[arg(long, env = "ORDER_URL", default_value = "http://127.0.0.1:8000")]
    pub order_url: String,
    /// Deadline of the webhook call, in milliseconds (seed: 10 s).
    #[arg(long, env = "WEBHOOK_TIMEOUT_MS", default_value_t = 10_000)]
    pub webhook_timeout_ms: u64,
    /// Artificial processing delay per payment, in milliseconds: stands in
    /// for a slow card processor in tests and demos. 0 in production.
    #[arg(long, env = "PAYMENT_DELAY_MS", default_value_t = 0)]
    pub processing_delay_ms: u64,
    /// Largest number of writes committed together.
    #[arg(long, env = "PAYMENT_MAX_BATCH", default_value_t = 256)]
    pub max_batch: usize,
}

impl Config {
    pub fn for_tests(data_dir: PathBuf, order_url: String) -> Self {
        Self {
            addr: ([127, 0, 0, 1], 0).into(),
            data_dir,
            order_url,
            webhook_timeout_ms: 10_000,
            processing_delay_ms: 0,
            max_batch: 256,
        }
    }

    pub fn db_path(&self) -> PathBuf {
        self.data_dir.join("payment_service.db")
    }

    pub fn webhook_timeout(&self) -> Duration {
        Duration::from_millis(self.webhook_timeout_ms)
    }
}
