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
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    if let Some(Command::Import(args)) = cli.command {
        let code = ec_platform::cli_import::run(args).await?;
        std::process::exit(code);
    }
    // One process, four services: each reports its own service.name.
    ec_common::telemetry::init(&["gateway", "order-service", "payment-service", "notification-service"]);
    let running = ec_platform::start(cli.config).await?;
    // One line on stdout for scripts (tests parse it); logs go to stderr.
    println!("{}", running.banner());
    let trigger = running.shutdown_handle();
    tokio::spawn(async move {
        ec_common::shutdown::signal().await;
        trigger.trigger();
    });
    let result = running.wait().await;
    ec_common::telemetry::shutdown();
    result
}
