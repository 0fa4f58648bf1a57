//! Settings more than one process reads. Each service's configuration is
//! its own typed struct (`Config` = where it listens and what it calls, plus
//! its `Settings`); the all-in-one flattens every service's `Settings` and
//! these shared ones once, so a setting a per-service binary accepts works
//! in the all-in-one too.

use std::{path::PathBuf, time::Duration};

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

/// How a service's outbox delivers what it owes others (the payment
/// service's payment events, the order service's mails and refunds).
#[derive(Debug, Clone, PartialEq, Eq, clap::Args)]
#[group(id = "delivery")]
pub struct Delivery {
    /// Attempts before an event is dead-lettered (then an operator may retry it).
    #[arg(long, env = "OUTBOX_MAX_ATTEMPTS", default_value_t = Delivery::default().outbox_max_attempts)]
    pub outbox_max_attempts: i32,
    /// The pause after the first failed attempt, in milliseconds; it doubles
    /// (with jitter) after each further one.
    #[arg(long, env = "OUTBOX_FIRST_BACKOFF_MS", default_value_t = Delivery::default().outbox_first_backoff_ms)]
    pub outbox_first_backoff_ms: u64,
    /// The longest pause between attempts, in milliseconds.
    #[arg(long, env = "OUTBOX_MAX_BACKOFF_MS", default_value_t = Delivery::default().outbox_max_backoff_ms)]
    pub outbox_max_backoff_ms: u64,
}

impl Default for Delivery {
    fn default() -> Self {
        // 10 attempts over about 4 minutes: a restart or a short outage
        // is ridden out; a longer one ends in the dead letters.
        Self { outbox_max_attempts: 10, outbox_first_backoff_ms: 500, outbox_max_backoff_ms: 60_000 }
    }
}

/// Every environment variable a set of clap arguments reads (for tests that
/// check a composition forgets none).
pub fn env_names(command: &clap::Command) -> Vec<String> {
    command.get_arguments().filter_map(|a| a.get_env()).map(|e| e.to_string_lossy().into_owned()).collect()
}

/// A setting that must never be printed: `Debug` and `Display` say
/// `[redacted]`, so a config logged whole or an error that quotes it leaks
/// nothing. Read the value with [`Secret::expose`], only where it is used.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

impl std::fmt::Display for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self(s.to_owned()))
    }
}

/// Compares two secrets in time that depends on their lengths only, never
/// on where they first differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

/// How the services trust each other's calls (every service and the
/// gateway read the same): a shared token every call must carry, and
/// optionally mutual TLS.
#[derive(Debug, Clone, Default, PartialEq, Eq, clap::Args)]
#[group(id = "mesh")]
pub struct Mesh {
    /// A credential every gRPC call between the platform's processes carries
    /// (metadata `authorization: Bearer <token>`); with it set, a service
    /// answers only calls that carry it (health and reflection stay open).
    /// Required when a service listens beyond loopback.
    #[arg(long, env = "EC_SERVICE_TOKEN", hide_env_values = true)]
    pub service_token: Option<Secret>,
    /// With EC_TLS_KEY and EC_TLS_CA: this process's certificate (PEM); every
    /// gRPC connection is then mutual TLS against that CA (URLs become https).
    #[arg(long, env = "EC_TLS_CERT")]
    pub tls_cert: Option<PathBuf>,
    /// The private key of EC_TLS_CERT (PEM).
    #[arg(long, env = "EC_TLS_KEY")]
    pub tls_key: Option<PathBuf>,
    /// The CA that signs every process's certificate (PEM).
    #[arg(long, env = "EC_TLS_CA")]
    pub tls_ca: Option<PathBuf>,
}

/// The PEM files of mutual TLS, read.
#[derive(Clone)]
pub struct TlsFiles {
    pub cert: Vec<u8>,
    pub key: Vec<u8>,
    pub ca: Vec<u8>,
}

impl Mesh {
    /// The TLS files, if configured (all three, or none).
    pub fn tls(&self) -> Result<Option<TlsFiles>, String> {
        match (&self.tls_cert, &self.tls_key, &self.tls_ca) {
            (None, None, None) => Ok(None),
            (Some(cert), Some(key), Some(ca)) => {
                let read =
                    |p: &PathBuf, what: &str| std::fs::read(p).map_err(|e| format!("{what} {}: {e}", p.display()));
                Ok(Some(TlsFiles {
                    cert: read(cert, "EC_TLS_CERT")?,
                    key: read(key, "EC_TLS_KEY")?,
                    ca: read(ca, "EC_TLS_CA")?,
                }))
            }
            _ => Err("set EC_TLS_CERT, EC_TLS_KEY and EC_TLS_CA together".into()),
        }
    }

    /// The one line a service says at start-up about how calls are trusted.
    pub fn describe(&self) -> &'static str {
        match (self.service_token.is_some(), self.tls_cert.is_some()) {
            (true, true) => "service calls: mutual TLS and EC_SERVICE_TOKEN required",
            (true, false) => "service calls: EC_SERVICE_TOKEN required (no TLS: keep the network private)",
            (false, true) => {
                "service calls: mutual TLS (set EC_SERVICE_TOKEN as well to require a credential per call)"
            }
            (false, false) => "service calls are not authenticated (no EC_SERVICE_TOKEN): fine on loopback only",
        }
    }
}
