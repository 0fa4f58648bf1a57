//! Settings more than one process reads. Each service's configuration is
//! its own typed struct (`Config` = where it listens and what it calls, plus
//! its `Settings`); the all-in-one flattens every service's `Settings` and
//! these shared ones once, so a setting a per-service binary accepts works
//! in the all-in-one too.

use std::time::Duration;

/// The seed's call deadlines (DESIGN.md section 2). The gateway starts them;
/// each service passes on the smaller of its own and what is left.
#[derive(Debug, Clone, PartialEq, Eq, clap::Args)]
#[group(id = "deadlines")]
pub struct Deadlines {
    /// Deadline of payment calls, and of the calls that take a payment or a
    /// refund (create, cancel), in milliseconds (seed: 30 s).
    #[arg(long, env = "PAYMENT_TIMEOUT_MS", default_value_t = Deadlines::default().payment_timeout_ms)]
    pub payment_timeout_ms: u64,
    /// Deadline of notification calls, in milliseconds (seed: 10 s).
    #[arg(long, env = "NOTIFICATION_TIMEOUT_MS", default_value_t = Deadlines::default().notification_timeout_ms)]
    pub notification_timeout_ms: u64,
    /// Deadline of the payment -> order webhook and of order look-ups by the
    /// payment service, in milliseconds (seed: 10 s).
    #[arg(long, env = "WEBHOOK_TIMEOUT_MS", default_value_t = Deadlines::default().webhook_timeout_ms)]
    pub webhook_timeout_ms: u64,
}

impl Default for Deadlines {
    fn default() -> Self {
        Self { payment_timeout_ms: 30_000, notification_timeout_ms: 10_000, webhook_timeout_ms: 10_000 }
    }
}

impl Deadlines {
    pub fn payment(&self) -> Duration {
        Duration::from_millis(self.payment_timeout_ms)
    }

    pub fn notification(&self) -> Duration {
        Duration::from_millis(self.notification_timeout_ms)
    }

    pub fn webhook(&self) -> Duration {
        Duration::from_millis(self.webhook_timeout_ms)
    }
}

/// Every environment variable a set of clap arguments reads (for tests that
/// check a composition forgets none).
pub fn env_names(command: &clap::Command) -> Vec<String> {
    command.get_arguments().filter_map(|a| a.get_env()).map(|e| e.to_string_lossy().into_owned()).collect()
}
