//! `gateway`: the HTTP/JSON gateway alone. Configuration: `--help`.

use clap::Parser;

// glibc's allocator showed up as ~15% of CPU under load; mimalloc is leaner
// with many threads.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(version, about = "EC platform HTTP/JSON gateway")]
struct Cli {
    /// Print the OpenAPI document and exit.
    #[arg(long)]
    print_openapi: bool,
    #[command(flatten)]
    config: gateway::Config,
    /// Where Prometheus scrapes the gateway's metrics (GET /metrics): a port
    /// of its own, not the public one.
    #[arg(long, env = "METRICS_ADDR", default_value = "127.0.0.1:9103")]
    metrics_addr: std::net::SocketAddr,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    if cli.print_openapi {
        println!("{}", gateway::openapi::json());
        return Ok(());
    }
    ec_common::telemetry::init(&["gateway"]);
    let app = gateway::Application::build(cli.config).await?;
    if let gateway::auth::bootstrap::Outcome::Generated { email, password } = &app.bootstrap {
        // For the person at the terminal, not for the logs.
        eprintln!("gateway: first start: sign in as {email} with password {password} (shown only now, stored hashed)");
    }
    let shutdown = ec_common::shutdown::on_signal();
    ec_common::telemetry::spawn_metrics_server(cli.metrics_addr, shutdown.clone()).await;
    let result = app.run(shutdown).await;
    ec_common::telemetry::shutdown();
    result
}
