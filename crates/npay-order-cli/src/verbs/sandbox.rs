//! `npay-order sandbox`: the local emulator, optionally generating traffic.

use std::io::Write;
use std::process::ExitCode;

use clap::Args;
use npay_sandbox::{Sandbox, SandboxConfig, TrafficConfig, VisibilityConfig};

use crate::api::ApiArgs;

pub const EXAMPLES: &str = "\
Examples:
  # Orders paid, claims requested, deliveries completed: 5 actions per second
  npay-order sandbox --traffic 5/s --seed 7
  # Then, in another terminal (the sandbox's own credentials):
  NPAY_CLIENT_ID=sandbox-client-id NPAY_CLIENT_SECRET='$2a$04$sandboxsecretsandboxse' \\
      npay-order watch --base-url <the printed URL> --since 1m --settle-lag 2s";

/// Arguments of `sandbox`.
#[derive(Args, Debug)]
pub struct SandboxArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// Port (0 = any free port).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Seed of the generated data and traffic (random when omitted).
    #[arg(long)]
    seed: Option<u64>,
    /// Generate traffic at RATE actions per second (`5`, `5/s`, `300/m`).
    #[arg(long, value_name = "RATE", value_parser = npay_sandbox::parse_rate)]
    traffic: Option<f64>,
    /// Share of changes (0–1) listable only some time after their lastChangedDate.
    #[arg(long, value_name = "SHARE", default_value_t = 0.0)]
    late_rate: f64,
    /// The longest such delay, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 3000)]
    late_max_ms: i64,
}

pub async fn run(args: SandboxArgs, _api: &ApiArgs) -> anyhow::Result<ExitCode> {
    let seed = args.seed;
    let config = SandboxConfig {
        host: args.host,
        port: args.port,
        seed,
        traffic: args.traffic.map(|rate_per_second| TrafficConfig { rate_per_second, seed: seed.unwrap_or(0) }),
        visibility: (args.late_rate > 0.0).then_some(VisibilityConfig {
            late_rate: args.late_rate,
            max_delay_ms: args.late_max_ms,
            seed: seed.unwrap_or(0),
        }),
        ..SandboxConfig::default()
    };
    let sandbox = Sandbox::start(config).await?;
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "npay-order sandbox listening on {}", sandbox.base_url())?;
        out.flush()?;
    }
    eprintln!("client id {} (the sandbox's default secret: see `npay-order sandbox --help`)", sandbox.client_id());
    tokio::signal::ctrl_c().await?;
    sandbox.shutdown();
    Ok(ExitCode::SUCCESS)
}
