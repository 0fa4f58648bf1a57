//! The whole platform in one process: the three services and the gateway,
//! each on its own port and talking real gRPC to the others — the embedded
//! default, and what the end-to-end tests start.

pub mod cli_import;
pub mod migrate_data;
pub mod otlp_sink;

use std::{net::SocketAddr, path::PathBuf};

use ec_common::{
    config::{Deadlines, Delivery, Mesh, Secret},
    grpc::http_url,
    shutdown::Shutdown,
};
use tokio::task::JoinHandle;

/// Configuration of the all-in-one process: where each server listens, and
/// every setting of every service, flattened from the services' own
/// `Settings` (so `ORDER_MAX_BATCH`, `IMPORT_CHUNK`, `NOTIFY_MAX_ATTEMPTS`...
/// work here exactly as in the per-service binaries).
#[derive(Debug, Clone, clap::Args)]
#[group(id = "platform")]
pub struct PlatformConfig {
    /// Directory of the three SQLite files.
    #[arg(long, env = "EC_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
    #[arg(long, env = "ORDER_ADDR", default_value = "127.0.0.1:8000")]
    pub order_addr: SocketAddr,
    #[arg(long, env = "PAYMENT_ADDR", default_value = "127.0.0.1:8001")]
    pub payment_addr: SocketAddr,
    #[arg(long, env = "NOTIFICATION_ADDR", default_value = "127.0.0.1:8002")]
    pub notification_addr: SocketAddr,
    #[arg(long, env = "GATEWAY_ADDR", default_value = "127.0.0.1:8080")]
    pub gateway_addr: SocketAddr,
    /// Where Prometheus scrapes the metrics of all four (GET /metrics): a
    /// port of its own, not the public one.
    #[arg(long, env = "METRICS_ADDR", default_value = "127.0.0.1:9100")]
    pub metrics_addr: SocketAddr,
    #[command(flatten)]
    pub databases: Databases,
    #[command(flatten)]
    pub mesh: Mesh,
    #[command(flatten)]
    pub deadlines: Deadlines,
    #[command(flatten)]
    pub delivery: Delivery,
    #[command(flatten)]
    pub order: order_service::config::Settings,
    #[command(flatten)]
    pub payment: payment_service::config::Settings,
    #[command(flatten)]
    pub notification: notification_service::config::Settings,
    #[command(flatten)]
    pub gateway: gateway::config::Settings,
}

/// Each service's own database (DESIGN.md section 6): the URL
/// (`postgres://user:password@host:5432/name`) instead of its SQLite file in
/// EC_DATA_DIR. One database per service, never shared tables.
#[derive(Debug, Clone, Default, clap::Args)]
#[group(id = "databases")]
pub struct Databases {
    #[arg(long, env = "ORDER_DATABASE_URL", hide_env_values = true)]
    pub order: Option<Secret>,
    #[arg(long, env = "PAYMENT_DATABASE_URL", hide_env_values = true)]
    pub payment: Option<Secret>,
    #[arg(long, env = "NOTIFICATION_DATABASE_URL", hide_env_values = true)]
    pub notification: Option<Secret>,
    #[arg(long, env = "GATEWAY_DATABASE_URL", hide_env_values = true)]
    pub gateway: Option<Secret>,
}

impl Databases {
    /// The test databases of the data directory `dir`
    /// ([`ec_common::db::test_database`]): PostgreSQL when the test run names
    /// a server, else none (the SQLite files in `dir`).
    pub async fn for_tests(dir: &std::path::Path) -> Result<Self, sea_orm::DbErr> {
        let db = |service| ec_common::db::test_database(dir, service);
        Ok(Self {
            order: db("order").await?,
            payment: db("payment").await?,
            notification: db("notification").await?,
            gateway: db("gateway").await?,
        })
    }

    /// The same, as the all-in-one binary's environment (for a child process).
    pub fn env(&self) -> Vec<(&'static str, String)> {
        [
            ("ORDER_DATABASE_URL", &self.order),
            ("PAYMENT_DATABASE_URL", &self.payment),
            ("NOTIFICATION_DATABASE_URL", &self.notification),
            ("GATEWAY_DATABASE_URL", &self.gateway),
        ]
        .into_iter()
        .filter_map(|(k, v)| Some((k, v.as_ref()?.expose().to_owned())))
        .collect()
    }
}

impl PlatformConfig {
    /// Every port 0, everything in `data_dir`, short reconcile interval.
    pub fn for_tests(data_dir: PathBuf) -> Self {
        let any: SocketAddr = ([127, 0, 0, 1], 0).into();
        Self {
            data_dir,
            order_addr: any,
            payment_addr: any,
            notification_addr: any,
            gateway_addr: any,
            metrics_addr: any,
            databases: Databases::default(),
            mesh: Mesh::default(),
            deadlines: Deadlines::default(),
            delivery: Delivery::default(),
            order: order_service::config::Settings::for_tests(),
            payment: Default::default(),
            notification: Default::default(),
            gateway: Default::default(),
        }
    }

    /// The four servers' configurations, on the addresses they got.
    pub fn compose(&self, bound: &Bound) -> Composed {
        Composed {
            order: order_service::Config {
                addr: bound.order,
                mesh: self.mesh.clone(),
                data_dir: self.data_dir.clone(),
                database_url: self.databases.order.clone(),
                payment_url: http_url(bound.payment),
                notification_url: http_url(bound.notification),
                deadlines: self.deadlines.clone(),
                delivery: self.delivery.clone(),
                settings: self.order.clone(),
            },
            payment: payment_service::Config {
                addr: bound.payment,
                mesh: self.mesh.clone(),
                data_dir: self.data_dir.clone(),
                database_url: self.databases.payment.clone(),
                order_url: http_url(bound.order),
                deadlines: self.deadlines.clone(),
                delivery: self.delivery.clone(),
                settings: self.payment.clone(),
            },
            notification: notification_service::Config {
                addr: bound.notification,
                mesh: self.mesh.clone(),
                data_dir: self.data_dir.clone(),
                database_url: self.databases.notification.clone(),
                settings: self.notification.clone(),
            },
            gateway: gateway::Config {
                addr: bound.gateway,
                mesh: self.mesh.clone(),
                data_dir: self.data_dir.clone(),
                database_url: self.databases.gateway.clone(),
                order_url: http_url(bound.order),
                payment_url: http_url(bound.payment),
                notification_url: http_url(bound.notification),
                deadlines: self.deadlines.clone(),
                settings: self.gateway.clone(),
            },
        }
    }
}

/// The addresses the four servers are bound to.
#[derive(Debug, Clone, Copy)]
pub struct Bound {
    pub order: SocketAddr,
    pub payment: SocketAddr,
    pub notification: SocketAddr,
    pub gateway: SocketAddr,
}

/// What each server of the all-in-one is configured with.
#[derive(Debug, Clone)]
pub struct Composed {
    pub order: order_service::Config,
    pub payment: payment_service::Config,
    pub notification: notification_service::Config,
    pub gateway: gateway::Config,
}

/// A running platform.
pub struct Running {
    pub order: SocketAddr,
    pub payment: SocketAddr,
    pub notification: SocketAddr,
    pub gateway: SocketAddr,
    pub metrics: SocketAddr,
    /// What the gateway's bootstrap did (a generated admin password, once).
    pub bootstrap: gateway::auth::bootstrap::Outcome,
    /// Stops the gateway and the order service first...
    shutdown: Shutdown,
    /// ...and the payment and notification services once those are done, so
    /// the order service's last flows can still reach them.
    back: Shutdown,
    front: Vec<ServerTask>,
    tasks: Vec<ServerTask>,
}

impl Running {
    pub fn gateway_url(&self) -> String {
        http_url(self.gateway)
    }

    /// How to sign in, for the person who started the platform: the
    /// generated password of a first start (shown this once), else where the
    /// admin is.
    pub fn sign_in_hint(&self) -> String {
        match &self.bootstrap {
            gateway::auth::bootstrap::Outcome::Generated { email, password } => format!(
                "first start: sign in at {} as {email} with password {password}\n\
                 (shown only now and stored hashed; or set EC_ADMIN_EMAIL and EC_ADMIN_PASSWORD)",
                self.gateway_url()
            ),
            gateway::auth::bootstrap::Outcome::KeysOnly => format!(
                "API keys only, no user yet: create one with an admin key (POST {}/api/v1/auth/users) to sign in to the web admin",
                self.gateway_url()
            ),
            gateway::auth::bootstrap::Outcome::Ready => format!(
                "sign in at {} (the admin set by EC_ADMIN_EMAIL, or the one created at the first start)",
                self.gateway_url()
            ),
        }
    }

    /// The line the binary prints once everything listens.
    pub fn banner(&self) -> String {
        format!(
            "ec-platform listening gateway={} order={} payment={} notification={} metrics={}",
            http_url(self.gateway),
            http_url(self.order),
            http_url(self.payment),
            http_url(self.notification),
            http_url(self.metrics)
        )
    }

    pub fn shutdown_handle(&self) -> Shutdown {
        self.shutdown.clone()
    }

    /// Waits until every server stopped (after [`Shutdown::trigger`]); an
    /// error from any of them is returned.
    pub async fn wait(self) -> anyhow::Result<()> {
        let mut first_error = None;
        join_servers(&self.shutdown, self.front, &mut first_error).await;
        self.back.trigger();
        join_servers(&self.shutdown, self.tasks, &mut first_error).await;
        first_error.map_or(Ok(()), Err)
    }

    /// Stops everything gracefully and waits for it.
    pub async fn stop(self) -> anyhow::Result<()> {
        self.shutdown.trigger();
        self.wait().await
    }
}

type ServerTask = (&'static str, JoinHandle<anyhow::Result<()>>);

/// Waits for `tasks`; a server that fails stops the others.
async fn join_servers(shutdown: &Shutdown, tasks: Vec<ServerTask>, first_error: &mut Option<anyhow::Error>) {
    use futures::StreamExt as _;
    // In the order they end: a server that stops (say, refusing to start)
    // stops the others at once, whichever it is.
    let mut ended: futures::stream::FuturesUnordered<_> =
        tasks.into_iter().map(|(name, task)| async move { (name, task.await) }).collect();
    while let Some((name, outcome)) = ended.next().await {
        let error = match outcome {
            Ok(Ok(())) => continue,
            Ok(Err(e)) => e,
            Err(e) => anyhow::anyhow!("{name} task failed: {e}"),
        };
        tracing::error!(server = name, error = %error, "server failed");
        shutdown.trigger();
        first_error.get_or_insert(error);
    }
}

/// A back-of-the-line server that fails (say, refusing to start) stops the
/// front at once: [`Running::wait`] only gets to the back once the front
/// has ended.
fn stopping_all_on_error(
    front: &Shutdown,
    server: impl Future<Output = anyhow::Result<()>> + Send + 'static,
) -> impl Future<Output = anyhow::Result<()>> + Send + 'static {
    let front = front.clone();
    async move {
        let outcome = server.await;
        if outcome.is_err() {
            front.trigger();
        }
        outcome
    }
}

/// Binds every port, then builds and starts the four servers.
pub async fn start(c: PlatformConfig) -> anyhow::Result<Running> {
    use ec_common::grpc::bind;
    let order_l = bind(c.order_addr, "order service").await?;
    let payment_l = bind(c.payment_addr, "payment service").await?;
    let notification_l = bind(c.notification_addr, "notification service").await?;
    let gateway_l = bind(c.gateway_addr, "gateway").await?;
    let metrics_l = bind(c.metrics_addr, "metrics").await?;
    let metrics = metrics_l.local_addr()?;
    let (order, payment, notification, gateway) =
        (order_l.local_addr()?, payment_l.local_addr()?, notification_l.local_addr()?, gateway_l.local_addr()?);

    let bound = Bound { order, payment, notification, gateway };
    let Composed { order: order_cfg, payment: payment_cfg, notification: notification_cfg, gateway: gateway_cfg } =
        c.compose(&bound);

    let order_app = order_service::Application::build_on(order_cfg, order_l).await?;
    let payment_app = payment_service::Application::build_on(payment_cfg, payment_l).await?;
    let notification_app = notification_service::Application::build_on(notification_cfg, notification_l).await?;
    let gateway_app = gateway::Application::build_on(gateway_cfg, gateway_l).await?;
    let bootstrap = gateway_app.bootstrap.clone();

    let (shutdown, back) = (Shutdown::new(), Shutdown::new());
    let metrics_stop = back.clone();
    let front = vec![
        ("gateway", tokio::spawn(gateway_app.run(shutdown.clone()))),
        ("order", tokio::spawn(order_app.run(shutdown.clone()))),
    ];
    let tasks = vec![
        // Scraped to the end: it stops with the back of the line.
        (
            "metrics",
            tokio::spawn(async move {
                ec_common::telemetry::serve_metrics(metrics_l, metrics_stop.wait()).await.map_err(anyhow::Error::from)
            }),
        ),
        ("payment", tokio::spawn(stopping_all_on_error(&shutdown, payment_app.run(back.clone())))),
        ("notification", tokio::spawn(stopping_all_on_error(&shutdown, notification_app.run(back.clone())))),
    ];
    Ok(Running { order, payment, notification, gateway, metrics, bootstrap, shutdown, back, front, tasks })
}

#[cfg(test)]
mod tests {
    use clap::{Args, Command, FromArgMatches};

    use super::*;

    fn command() -> Command {
        PlatformConfig::augment_args(Command::new("ec-platform"))
    }

    /// Where a per-service binary is told where its peers are, the all-in-one
    /// wires them itself.
    const WIRED: [&str; 3] = ["ORDER_URL", "PAYMENT_URL", "NOTIFICATION_URL"];

    #[test]
    fn every_per_service_setting_is_a_setting_of_the_all_in_one() {
        let platform = ec_common::config::env_names(&command());
        let services = [
            ("order", order_service::Config::augment_args(Command::new("order-service"))),
            ("payment", payment_service::Config::augment_args(Command::new("payment-service"))),
            ("notification", notification_service::Config::augment_args(Command::new("notification-service"))),
            ("gateway", gateway::Config::augment_args(Command::new("gateway"))),
        ];
        for (name, cmd) in services {
            for env in ec_common::config::env_names(&cmd) {
                if WIRED.contains(&env.as_str()) {
                    continue;
                }
                // One database per service: the all-in-one names each.
                let env = if env == "DATABASE_URL" { format!("{}_DATABASE_URL", name.to_uppercase()) } else { env };
                assert!(platform.contains(&env), "{name} reads {env}, which ec-platform ignores");
            }
        }
        command().debug_assert();
    }

    #[test]
    fn settings_reach_the_services_they_belong_to() {
        let args = [
            "ec-platform",
            "--order-max-batch=7",
            "--import-chunk=3",
            "--import-in-flight=2",
            "--import-max-rows=99",
            "--reconcile-interval-ms=1234",
            "--notify-max-attempts=2",
            "--notify-rate-per-sec=55.5",
            "--notify-burst=4",
            "--notification-max-batch=9",
            "--notify-retry-base-ms=77",
            "--notify-send-timeout-ms=1500",
            "--notify-smtp-url=smtps://mail.example:465",
            "--notify-smtp-user=mailer",
            "--notify-smtp-ca-file=/etc/ca.pem",
            "--notify-mail-from=Shop <shop@example.jp>",
            "--notify-sms-url=https://sms.example",
            "--notify-sms-account-sid=AC1",
            "--notify-sms-from=+15005550006",
            "--payment-max-batch=8",
            "--payment-delay-ms=11",
            "--default-timeout-ms=4321",
            "--max-body-bytes=2048",
            "--payment-timeout-ms=2500",
            "--webhook-timeout-ms=700",
            "--notification-timeout-ms=800",
        ];
        let matches = command().try_get_matches_from(args).expect("parses");
        let config = PlatformConfig::from_arg_matches(&matches).expect("config");
        let any: SocketAddr = ([127, 0, 0, 1], 1).into();
        let c = config.compose(&Bound { order: any, payment: any, notification: any, gateway: any });
        let o = &c.order.settings;
        assert_eq!((o.max_batch, o.import_chunk, o.import_in_flight, o.import_max_rows), (7, 3, 2, 99));
        assert_eq!(o.reconcile_interval_ms, 1234);
        let n = &c.notification.settings;
        assert_eq!((n.max_attempts, n.rate_per_sec, n.burst, n.max_batch), (2, 55.5, 4, 9));
        assert_eq!((n.retry_base_ms, n.send_timeout_ms), (77, 1500));
        assert_eq!(n.smtp.url.as_ref().map(|u| u.expose()), Some("smtps://mail.example:465"));
        assert_eq!((n.smtp.user.as_deref(), n.smtp.mail_from.as_str()), (Some("mailer"), "Shop <shop@example.jp>"));
        assert_eq!(n.smtp.ca_file.as_deref(), Some(std::path::Path::new("/etc/ca.pem")));
        assert_eq!(
            (n.sms.url.as_deref(), n.sms.account_sid.as_deref(), n.sms.from.as_deref()),
            (Some("https://sms.example"), Some("AC1"), Some("+15005550006"))
        );
        assert_eq!((c.payment.settings.max_batch, c.payment.settings.processing_delay_ms), (8, 11));
        assert_eq!((c.gateway.settings.default_timeout_ms, c.gateway.settings.max_body_bytes), (4321, 2048));
        for d in [&c.order.deadlines, &c.payment.deadlines, &c.gateway.deadlines] {
            assert_eq!((d.payment_timeout_ms, d.webhook_timeout_ms, d.notification_timeout_ms), (2500, 700, 800));
        }
    }
}
