//! `order-service`: the order service alone. Configuration: `--help`.

use clap::Parser;

// glibc's allocator showed up as ~15% of CPU under load; mimalloc is leaner
// with many threads.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(version, about = "EC platform order service (gRPC)")]
struct Cli {
    #[command(flatten)]
    config: order_service::Config,
    /// Where Prometheus scrapes this service's metrics (GET /metrics).
    #[arg(long, env = "METRICS_ADDR", default_value = "127.0.0.1:9100")]
    metrics_addr: std::net::SocketAddr,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    ec_common::telemetry::init(&["order-service"]);
    let app = order_service::Application::build(cli.config).await?;
    let shutdown = ec_common::shutdown::on_signal();
    ec_common::telemetry::spawn_metrics_server(cli.metrics_addr, shutdown.clone()).await;
    let result = app.run(shutdown).await;
    ec_common::telemetry::shutdown();
    result
}
