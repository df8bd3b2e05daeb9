//! `npay-sandbox`: serves the Naver Pay order API emulator until killed.
//!
//! Prints exactly one line to stdout once it accepts connections:
//! `npay-sandbox listening on <base_url>`.

use std::io::Write;

use clap::Parser;
use npay_sandbox::{
    AbsentFields, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, Sandbox, SandboxConfig, TrafficConfig, VisibilityConfig,
};

/// Local emulator of the Naver Pay merchant order API (주문형 API, mall variant).
#[derive(Parser, Debug)]
#[command(name = "npay-sandbox", version, about)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// Port to listen on (0 = any free port).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Application id the sandbox accepts.
    #[arg(long, default_value = DEFAULT_CLIENT_ID)]
    client_id: String,
    /// Application secret: a bcrypt salt such as $2a$04$ followed by 22 characters.
    #[arg(long, default_value = DEFAULT_CLIENT_SECRET)]
    client_secret: String,
    /// Seed of the generated data (random when omitted).
    #[arg(long)]
    seed: Option<u64>,
    /// Gateway rate limit in requests per second per application (burst = 2 x RPS); off when omitted.
    #[arg(long = "rate-limit", value_name = "RPS")]
    rate_limit: Option<f64>,
    /// Generate traffic: orders paid, claims requested, deliveries completed, … at RATE actions
    /// per second (`5` or `5/s`; `300/m` per minute).
    #[arg(long, value_name = "RATE", value_parser = npay_sandbox::parse_rate)]
    traffic: Option<f64>,
    /// Seed of the traffic generator (default: the data seed).
    #[arg(long, value_name = "N")]
    traffic_seed: Option<u64>,
    /// Share of changes (0–1) that become listable only some time after their lastChangedDate.
    #[arg(long, value_name = "SHARE", default_value_t = 0.0)]
    late_rate: f64,
    /// The longest such delay, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    late_max_ms: i64,
    /// Send absent optional fields as `null` instead of leaving them out (the SDK reads both).
    #[arg(long, value_name = "HOW", value_enum, default_value = "omitted")]
    absent_fields: AbsentFieldsArg,
}

/// `--absent-fields`: how answers carry optional fields they have no value for.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum AbsentFieldsArg {
    /// Left out (as the docs' examples are).
    Omitted,
    /// As `null`.
    Null,
}

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let config = SandboxConfig {
        host: args.host,
        port: args.port,
        client_id: args.client_id,
        client_secret: args.client_secret,
        seed: args.seed,
        rate_limit_rps: args.rate_limit,
        traffic: args.traffic.map(|rate_per_second| TrafficConfig {
            rate_per_second,
            seed: args.traffic_seed.or(args.seed).unwrap_or(0),
        }),
        visibility: (args.late_rate > 0.0).then_some(VisibilityConfig {
            late_rate: args.late_rate,
            max_delay_ms: args.late_max_ms,
            seed: args.seed.unwrap_or(0),
        }),
        absent_fields: match args.absent_fields {
            AbsentFieldsArg::Omitted => AbsentFields::Omitted,
            AbsentFieldsArg::Null => AbsentFields::Null,
        },
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("npay-sandbox: cannot start the runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let sandbox = match Sandbox::start(config).await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("npay-sandbox: {e}");
                return std::process::ExitCode::FAILURE;
            }
        };
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "npay-sandbox listening on {}", sandbox.base_url());
        let _ = out.flush();
        drop(out);
        std::future::pending::<()>().await;
        std::process::ExitCode::SUCCESS
    })
}
