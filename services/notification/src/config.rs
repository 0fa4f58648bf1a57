//! Typed configuration, from flags or environment variables.

use std::{net::SocketAddr, path::PathBuf};

/// Where the notification service listens, plus its settings.
#[derive(Debug, Clone, clap::Args)]
#[group(id = "notification-service")]
pub struct Config {
    /// Address the gRPC server listens on (port 0: any free port).
    #[arg(long = "notification-addr", env = "NOTIFICATION_ADDR", default_value = "127.0.0.1:8002")]
    pub addr: SocketAddr,
    /// Directory holding notification_service.db.
    #[arg(long = "data-dir", env = "EC_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
    #[command(flatten)]
    pub mesh: ec_common::config::Mesh,
    #[command(flatten)]
    pub settings: Settings,
}

/// What the notification service alone reads (the all-in-one flattens it whole).
#[derive(Debug, Clone, PartialEq, clap::Args)]
#[group(id = "notification-settings")]
pub struct Settings {
    /// Deliveries per second (seed: 10/s).
    #[arg(long = "notify-rate-per-sec", env = "NOTIFY_RATE_PER_SEC", default_value_t = Settings::default().rate_per_sec)]
    pub rate_per_sec: f64,
    /// Deliveries allowed at once after a quiet spell.
    #[arg(long = "notify-burst", env = "NOTIFY_BURST", default_value_t = Settings::default().burst)]
    pub burst: u32,
    /// Delivery attempts before a notification is marked failed.
    #[arg(long = "notify-max-attempts", env = "NOTIFY_MAX_ATTEMPTS", default_value_t = Settings::default().max_attempts)]
    pub max_attempts: i32,
    /// Largest number of notification writes committed together.
    #[arg(id = "notification_max_batch", long = "notification-max-batch", env = "NOTIFICATION_MAX_BATCH", default_value_t = Settings::default().max_batch)]
    pub max_batch: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Self { rate_per_sec: 10.0, burst: 10, max_attempts: 5, max_batch: 256 }
    }
}

impl Config {
    pub fn for_tests(data_dir: PathBuf) -> Self {
        Self {
            addr: ([127, 0, 0, 1], 0).into(),
            mesh: ec_common::config::Mesh::default(),
            data_dir,
            settings: Settings::default(),
        }
    }

    pub fn db_path(&self) -> PathBuf {
        self.data_dir.join("notification_service.db")
    }
}
