//! `notification-service`: the notification service alone. Configuration: `--help`.

use clap::Parser;

#[derive(Parser)]
#[command(version, about = "EC platform notification service (gRPC)")]
struct Cli {
    #[command(flatten)]
    config: notification_service::Config,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    ec_common::telemetry::init("notification-service");
    let app = notification_service::Application::build(cli.config).await?;
    let shutdown = ec_common::shutdown::Shutdown::new();
    let trigger = shutdown.clone();
    tokio::spawn(async move {
        ec_common::shutdown::signal().await;
        trigger.trigger();
    });
    app.run(shutdown).await
}
