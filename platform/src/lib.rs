//! The whole platform in one process: the three services and the gateway,
//! each on its own port and talking real gRPC to the others — the embedded
//! default, and what the end-to-end tests start.

pub mod cli_import;
pub mod otlp_sink;

use std::{net::SocketAddr, path::PathBuf};

use ec_common::{grpc::http_url, shutdown::Shutdown};
use tokio::task::JoinHandle;

/// Configuration of the all-in-one process (each also has a flag).
#[derive(Debug, Clone, clap::Args)]
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
    /// Payment call deadline, ms (seed: 30 s).
    #[arg(long, env = "PAYMENT_TIMEOUT_MS", default_value_t = 30_000)]
    pub payment_timeout_ms: u64,
    /// Notification call deadline, ms (seed: 10 s).
    #[arg(long, env = "NOTIFICATION_TIMEOUT_MS", default_value_t = 10_000)]
    pub notification_timeout_ms: u64,
    /// Webhook call deadline, ms (seed: 10 s).
    #[arg(long, env = "WEBHOOK_TIMEOUT_MS", default_value_t = 10_000)]
    pub webhook_timeout_ms: u64,
    /// Notification deliveries per second (seed: 10).
    #[arg(long, env = "NOTIFY_RATE_PER_SEC", default_value_t = 10.0)]
    pub notify_rate_per_sec: f64,
    /// Notification deliveries allowed at once.
    #[arg(long, env = "NOTIFY_BURST", default_value_t = 10)]
    pub notify_burst: u32,
    /// Simulated payment processing time, ms (0 in production).
    #[arg(long, env = "PAYMENT_DELAY_MS", default_value_t = 0)]
    pub payment_delay_ms: u64,
    /// How often the order service settles unfinished work, ms.
    #[arg(long, env = "RECONCILE_INTERVAL_MS", default_value_t = 2_000)]
    pub reconcile_interval_ms: u64,
    /// Largest request body, bytes (import uploads have their own, larger limit).
    #[arg(long, env = "MAX_BODY_BYTES", default_value_t = 1024 * 1024)]
    pub max_body_bytes: usize,
    /// Data rows allowed in one import file.
    #[arg(long, env = "IMPORT_MAX_ROWS", default_value_t = 10_000)]
    pub import_max_rows: i64,
    /// The built web admin, served by the gateway at `/`.
    #[arg(long, env = "WEB_DIR", default_value = "web/dist")]
    pub web_dir: PathBuf,
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
            payment_timeout_ms: 30_000,
            notification_timeout_ms: 10_000,
            webhook_timeout_ms: 10_000,
            notify_rate_per_sec: 10.0,
            notify_burst: 10,
            payment_delay_ms: 0,
            reconcile_interval_ms: 200,
            max_body_bytes: 1024 * 1024,
            import_max_rows: 10_000,
            web_dir: PathBuf::from("web/dist"),
        }
    }
}

/// A running platform.
pub struct Running {
    pub order: SocketAddr,
    pub payment: SocketAddr,
    pub notification: SocketAddr,
    pub gateway: SocketAddr,
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

    /// The line the binary prints once everything listens.
    pub fn banner(&self) -> String {
        format!(
            "ec-platform listening gateway={} order={} payment={} notification={}",
            http_url(self.gateway),
            http_url(self.order),
            http_url(self.payment),
            http_url(self.notification)
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
    for (name, task) in tasks {
        let error = match task.await {
            Ok(Ok(())) => continue,
            Ok(Err(e)) => e,
            Err(e) => anyhow::anyhow!("{name} task failed: {e}"),
        };
        tracing::error!(server = name, error = %error, "server failed");
        shutdown.trigger();
        first_error.get_or_insert(error);
    }
}

/// Binds every port, then builds and starts the four servers.
pub async fn start(c: PlatformConfig) -> anyhow::Result<Running> {
    use ec_common::grpc::bind;
    let order_l = bind(c.order_addr, "order service").await?;
    let payment_l = bind(c.payment_addr, "payment service").await?;
    let notification_l = bind(c.notification_addr, "notification service").await?;
    let gateway_l = bind(c.gateway_addr, "gateway").await?;
    let (order, payment, notification, gateway) =
        (order_l.local_addr()?, payment_l.local_addr()?, notification_l.local_addr()?, gateway_l.local_addr()?);

    let order_cfg = order_service::Config {
        addr: order,
        data_dir: c.data_dir.clone(),
        payment_url: http_url(payment),
        notification_url: http_url(notification),
        payment_timeout_ms: c.payment_timeout_ms,
        notification_timeout_ms: c.notification_timeout_ms,
        reconcile_interval_ms: c.reconcile_interval_ms,
        max_batch: 256,
        import_max_rows: c.import_max_rows,
        import_chunk: 500,
        import_in_flight: 4,
    };
    let payment_cfg = payment_service::Config {
        addr: payment,
        data_dir: c.data_dir.clone(),
        order_url: http_url(order),
        webhook_timeout_ms: c.webhook_timeout_ms,
        processing_delay_ms: c.payment_delay_ms,
        max_batch: 256,
    };
    let notification_cfg = notification_service::Config {
        addr: notification,
        data_dir: c.data_dir.clone(),
        rate_per_sec: c.notify_rate_per_sec,
        burst: c.notify_burst,
        max_attempts: 5,
        max_batch: 256,
    };
    let gateway_cfg = gateway::Config {
        addr: gateway,
        order_url: http_url(order),
        payment_url: http_url(payment),
        notification_url: http_url(notification),
        payment_timeout_ms: c.payment_timeout_ms,
        notification_timeout_ms: c.notification_timeout_ms,
        webhook_timeout_ms: c.webhook_timeout_ms,
        max_body_bytes: c.max_body_bytes,
        web_dir: c.web_dir.clone(),
    };

    let order_app = order_service::Application::build_on(order_cfg, order_l).await?;
    let payment_app = payment_service::Application::build_on(payment_cfg, payment_l).await?;
    let notification_app = notification_service::Application::build_on(
        notification_cfg,
        notification_l,
        std::sync::Arc::new(notification_service::sender::LogSender),
    )
    .await?;
    let gateway_app = gateway::Application::build_on(gateway_cfg, gateway_l).await?;

    let (shutdown, back) = (Shutdown::new(), Shutdown::new());
    let front = vec![
        ("gateway", tokio::spawn(gateway_app.run(shutdown.clone()))),
        ("order", tokio::spawn(order_app.run(shutdown.clone()))),
    ];
    let tasks = vec![
        ("payment", tokio::spawn(payment_app.run(back.clone()))),
        ("notification", tokio::spawn(notification_app.run(back.clone()))),
    ];
    Ok(Running { order, payment, notification, gateway, shutdown, back, front, tasks })
}
