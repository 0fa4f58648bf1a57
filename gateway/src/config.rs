//! Typed configuration, from flags or environment variables.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

#[derive(Debug, Clone, clap::Args)]
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
    /// Deadline of payment calls, and of order calls that take a payment or
    /// refund (create, cancel), in milliseconds (seed: 30 s).
    #[arg(long, env = "PAYMENT_TIMEOUT_MS", default_value_t = 30_000)]
    pub payment_timeout_ms: u64,
    /// Deadline of notification calls and of every other order call, in
    /// milliseconds (seed: 10 s).
    #[arg(long, env = "NOTIFICATION_TIMEOUT_MS", default_value_t = 10_000)]
    pub notification_timeout_ms: u64,
    /// Deadline of the webhook call, in milliseconds (seed: 10 s).
    #[arg(long, env = "WEBHOOK_TIMEOUT_MS", default_value_t = 10_000)]
    pub webhook_timeout_ms: u64,
    /// Largest request body accepted, in bytes.
    #[arg(long, env = "MAX_BODY_BYTES", default_value_t = 1024 * 1024)]
    pub max_body_bytes: usize,
    /// The built web admin (web/dist), served at `/`.
    #[arg(long, env = "WEB_DIR", default_value = "web/dist")]
    pub web_dir: PathBuf,
}

impl Config {
    pub fn for_tests(order_url: String, payment_url: String, notification_url: String) -> Self {
        Self {
            addr: ([127, 0, 0, 1], 0).into(),
            order_url,
            payment_url,
            notification_url,
            payment_timeout_ms: 30_000,
            notification_timeout_ms: 10_000,
            webhook_timeout_ms: 10_000,
            max_body_bytes: 1024 * 1024,
            web_dir: PathBuf::from("web/dist"),
        }
    }

    pub fn payment_timeout(&self) -> Duration {
        Duration::from_millis(self.payment_timeout_ms)
    }

    pub fn notification_timeout(&self) -> Duration {
        Duration::from_millis(self.notification_timeout_ms)
    }

    pub fn webhook_timeout(&self) -> Duration {
        Duration::from_millis(self.webhook_timeout_ms)
    }
}
