//! `ec-platform`: the three services and the gateway in one process, each on
//! its own port; `ec-platform import FILE` submits a CSV to a running one.
//! Configuration: `--help` (every flag has an environment variable).

use clap::Parser;

// glibc's allocator showed up as ~15% of CPU under load; mimalloc is leaner
// with many threads.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(version, about = "EC platform, all in one: order, payment and notification services and the HTTP gateway")]
#[command(args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    config: ec_platform::PlatformConfig,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Submit a CSV of orders to a running platform and follow its progress.
    Import(ec_platform::cli_import::ImportArgs),
    /// Copy the embedded platform's SQLite data (a stopped platform's data
    /// directory) into empty PostgreSQL databases (deploy/SCALING.md).
    MigrateData(ec_platform::migrate_data::MigrateArgs),
    /// Run a minimal OTLP/gRPC trace collector that counts what it receives
    /// (to measure tracing overhead without a Jaeger at hand).
    OtlpSink {
        #[arg(long, default_value = "127.0.0.1:4317")]
        addr: std::net::SocketAddr,
    },
    /// Print the Standard Webhooks headers of a payment webhook body (read
    /// from --body or stdin), signed with EC_WEBHOOK_SECRET's first secret.
    SignWebhook {
        #[arg(long, env = "EC_WEBHOOK_SECRET", hide_env_values = true)]
        secret: ec_common::config::Secret,
        /// The delivery's id (default: a new one).
        #[arg(long)]
        id: Option<String>,
        /// Unix seconds (default: now).
        #[arg(long)]
        timestamp: Option<i64>,
        /// The exact body that will be sent (default: stdin).
        #[arg(long)]
        body: Option<String>,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::MigrateData(args)) => return ec_platform::migrate_data::run(args).await,
        Some(Command::Import(args)) => {
            let code = ec_platform::cli_import::run(args).await?;
            std::process::exit(code);
        }
        Some(Command::OtlpSink { addr }) => {
            let (bound, sink) = ec_platform::otlp_sink::start_on(addr).await?;
            println!("otlp-sink listening {bound}");
            let mut last = 0;
            loop {
                tokio::select! {
                    () = ec_common::shutdown::signal() => return Ok(()),
                    () = tokio::time::sleep(std::time::Duration::from_secs(5)) => {}
                }
                let n = sink.count();
                if n != last {
                    eprintln!("otlp-sink: {n} spans received");
                    last = n;
                }
            }
        }
        Some(Command::SignWebhook { secret, id, timestamp, body }) => {
            let secrets = gateway::webhook_signature::WebhookSecrets::parse(secret.expose())
                .map_err(|e| anyhow::anyhow!("EC_WEBHOOK_SECRET: {e}"))?;
            let body = match body {
                Some(b) => b.into_bytes(),
                None => {
                    let mut b = Vec::new();
                    std::io::Read::read_to_end(&mut std::io::stdin(), &mut b)?;
                    b
                }
            };
            let id = id.unwrap_or_else(|| format!("msg_{}", uuid_like()));
            let timestamp = timestamp.unwrap_or_else(chrono_now);
            println!("webhook-id: {id}");
            println!("webhook-timestamp: {timestamp}");
            println!("webhook-signature: {}", secrets.sign(&id, timestamp, &body));
            return Ok(());
        }
        None => {}
    }
    // One process, four services: each reports its own service.name.
    ec_common::telemetry::init(&["gateway", "order-service", "payment-service", "notification-service"]);
    let running = ec_platform::start(cli.config).await?;
    // One line on stdout for scripts (tests parse it); logs go to stderr.
    println!("{}", running.banner());
    // For the person at the terminal, not for the logs.
    eprintln!("ec-platform: {}", running.sign_in_hint());
    let trigger = running.shutdown_handle();
    tokio::spawn(async move {
        ec_common::shutdown::signal().await;
        trigger.trigger();
    });
    let result = running.wait().await;
    ec_common::telemetry::shutdown();
    result
}

fn chrono_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

/// A fresh delivery id: the nanoseconds since the epoch, in hex.
fn uuid_like() -> String {
    let n = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    format!("{n:x}")
}
