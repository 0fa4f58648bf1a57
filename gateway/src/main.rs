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
    let result = app.run(ec_common::shutdown::on_signal()).await;
    ec_common::telemetry::shutdown();
    result
}
