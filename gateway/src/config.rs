//! Typed configuration, from flags or environment variables.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use ec_common::config::Deadlines;

/// Where the gateway listens and what it calls, plus its settings.
#[derive(Debug, Clone, clap::Args)]
#[group(id = "gateway-service")]
pub struct Config {
    /// Address the HTTP server listens on (port 0: any free port).
    #[arg(long = "gateway-addr", env = "GATEWAY_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    #[arg(long, env = "ORDER_URL", default_value = "http://127.0.0.1:8000")]
    pub order_url: String,
    #[arg(long, env = "PAYMENT_URL", default_value = "http://127.0.0.1:8001")]
    pub payment_url: String,
    #[arg(long, env = "NOTIFICATION_URL", default_value = "http://127.0.0.1:8002")]
    pub notification_url: String,
    #[command(flatten)]
    pub deadlines: Deadlines,
    #[command(flatten)]
    pub settings: Settings,
}

/// What the gateway alone reads (the all-in-one flattens it whole).
#[derive(Debug, Clone, PartialEq, Eq, clap::Args)]
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
}

impl Default for Settings {
    fn default() -> Self {
        Self { default_timeout_ms: 10_000, max_body_bytes: 1024 * 1024, web_dir: PathBuf::from("web/dist") }
    }
}

impl Config {
    pub fn for_tests(order_url: String, payment_url: String, notification_url: String) -> Self {
        Self {
            addr: ([127, 0, 0, 1], 0).into(),
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
}
