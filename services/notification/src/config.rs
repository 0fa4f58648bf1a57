//! Typed configuration, from flags or environment variables.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use ec_common::config::Secret;

/// The SQLite file of the notification service in the data directory (the embedded default).
pub const DB_FILE: &str = "notification_service.db";

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
    /// The database (`postgres://user:password@host:5432/name`, or
    /// `sqlite://path`) instead of notification_service.db in the data directory.
    #[arg(long = "database-url", env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<ec_common::config::Secret>,
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
    /// Back-off before the first retry, in milliseconds; it doubles with
    /// every further attempt (default: 2 s, 4 s, 8 s...).
    #[arg(long = "notify-retry-base-ms", env = "NOTIFY_RETRY_BASE_MS", default_value_t = Settings::default().retry_base_ms)]
    pub retry_base_ms: u64,
    /// Longest a single delivery may take, in milliseconds (connect, TLS,
    /// the whole SMTP dialogue or HTTP exchange); past it the attempt counts
    /// as a transient failure.
    #[arg(long = "notify-send-timeout-ms", env = "NOTIFY_SEND_TIMEOUT_MS", default_value_t = Settings::default().send_timeout_ms)]
    pub send_timeout_ms: u64,
    #[command(flatten)]
    pub smtp: SmtpSettings,
    #[command(flatten)]
    pub sms: SmsSettings,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            rate_per_sec: 10.0,
            burst: 10,
            max_attempts: 5,
            max_batch: 256,
            retry_base_ms: 1000,
            send_timeout_ms: 10_000,
            smtp: SmtpSettings::default(),
            sms: SmsSettings::default(),
        }
    }
}

impl Settings {
    pub fn send_timeout(&self) -> Duration {
        Duration::from_millis(self.send_timeout_ms.max(1))
    }
}

/// E-mail over SMTP. Without NOTIFY_SMTP_URL e-mails go to the log.
#[derive(Debug, Clone, PartialEq, clap::Args)]
#[group(id = "notification-smtp")]
pub struct SmtpSettings {
    /// The SMTP server: `smtp://host:port` (STARTTLS when the server offers
    /// it), `smtp://host:port?tls=required` (never without STARTTLS),
    /// `smtps://host:port` (implicit TLS), `smtp://host:port?tls=none`
    /// (plain: a trusted local relay only). May carry `user:password@`.
    #[arg(id = "notify_smtp_url", long = "notify-smtp-url", env = "NOTIFY_SMTP_URL", hide_env_values = true)]
    pub url: Option<Secret>,
    /// SMTP user (instead of one in the URL).
    #[arg(id = "notify_smtp_user", long = "notify-smtp-user", env = "NOTIFY_SMTP_USER")]
    pub user: Option<String>,
    /// SMTP password (instead of one in the URL).
    #[arg(
        id = "notify_smtp_password",
        long = "notify-smtp-password",
        env = "NOTIFY_SMTP_PASSWORD",
        hide_env_values = true
    )]
    pub password: Option<Secret>,
    /// A CA (PEM) to trust for the SMTP server's certificate, besides the
    /// system's roots (a private relay, a test server).
    #[arg(id = "notify_smtp_ca_file", long = "notify-smtp-ca-file", env = "NOTIFY_SMTP_CA_FILE")]
    pub ca_file: Option<PathBuf>,
    /// The sender of every e-mail; its domain also names the Message-ID.
    #[arg(id = "notify_mail_from", long = "notify-mail-from", env = "NOTIFY_MAIL_FROM", default_value_t = SmtpSettings::default().mail_from)]
    pub mail_from: String,
}

impl Default for SmtpSettings {
    fn default() -> Self {
        Self {
            url: None,
            user: None,
            password: None,
            ca_file: None,
            mail_from: "EC Platform <no-reply@ec-platform.local>".to_owned(),
        }
    }
}

/// SMS through an HTTP provider with Twilio's request shape. Without
/// NOTIFY_SMS_URL SMS go to the log.
#[derive(Debug, Clone, Default, PartialEq, clap::Args)]
#[group(id = "notification-sms")]
pub struct SmsSettings {
    /// The provider's base URL (`https://api.twilio.com`); messages are
    /// POSTed to `{url}/2010-04-01/Accounts/{sid}/Messages.json`.
    #[arg(id = "notify_sms_url", long = "notify-sms-url", env = "NOTIFY_SMS_URL")]
    pub url: Option<String>,
    /// The account SID (the user of HTTP basic auth).
    #[arg(id = "notify_sms_account_sid", long = "notify-sms-account-sid", env = "NOTIFY_SMS_ACCOUNT_SID")]
    pub account_sid: Option<String>,
    /// The auth token (the password of HTTP basic auth).
    #[arg(
        id = "notify_sms_auth_token",
        long = "notify-sms-auth-token",
        env = "NOTIFY_SMS_AUTH_TOKEN",
        hide_env_values = true
    )]
    pub auth_token: Option<Secret>,
    /// The sending number (`From`).
    #[arg(id = "notify_sms_from", long = "notify-sms-from", env = "NOTIFY_SMS_FROM")]
    pub from: Option<String>,
}

impl Config {
    pub fn for_tests(data_dir: PathBuf) -> Self {
        Self {
            addr: ([127, 0, 0, 1], 0).into(),
            mesh: ec_common::config::Mesh::default(),
            data_dir,
            database_url: None,
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
}
