//! Typed configuration, from flags or environment variables.

use std::{net::SocketAddr, path::PathBuf};

#[derive(Debug, Clone, clap::Args)]
pub struct Config {
    /// Address the gRPC server listens on (port 0: any free port).
    #[arg(long = "notification-addr", env = "NOTIFICATION_ADDR", default_value = "127.0.0.1:8002")]
    pub addr: SocketAddr,
    /// Directory holding notification_service.db.
    #[arg(long = "data-dir", env = "EC_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
    /// Deliveries per second (seed: 10/s).
    #[arg(long, env = "NOTIFY_RATE_PER_SEC", default_value_t = 10.0)]
    pub rate_per_sec: f64,
    /// Deliveries allowed at once after a quiet spell.
    #[arg(long, env = "NOTIFY_BURST", default_value_t = 10)]
    pub burst: u32,
    /// Delivery attempts before a notification is marked failed.
    #[arg(long, env = "NOTIFY_MAX_ATTEMPTS", default_value_t = 5)]
    pub max_attempts: i32,
    /// Largest number of writes committed together.
    #[arg(long, env = "NOTIFICATION_MAX_BATCH", default_value_t = 256)]
    pub max_batch: usize,
}

impl Config {
    pub fn for_tests(data_dir: PathBuf) -> Self {
        Self {
            addr: ([127, 0, 0, 1], 0).into(),
            data_dir,
            rate_per_sec: 10.0,
            burst: 10,
            max_attempts: 5,
            max_batch: 256,
        }
    }

    pub fn db_path(&self) -> PathBuf {
        self.data_dir.join("notification_service.db")
    }
}
