//! `npay-order`: the command line of the npay-order SDK.
//!
//! One module per verb under [`verbs`]; every verb that talks to the API takes the shared
//! [`api::ApiArgs`] (credentials, base URL or environment, `--sandbox`, `--json`), so a new verb
//! plugs in with a variant of [`verbs::Verb`] and one module.

mod api;
mod config;
mod output;
mod progress;
mod time;
mod verbs;

use clap::{CommandFactory, Parser};

/// Command line of the Naver Pay merchant order API (npay-order, unofficial).
///
/// Credentials come from --client-id/--client-secret, NPAY_CLIENT_ID/NPAY_CLIENT_SECRET or a
/// profile of the config file (--profile, NPAY_PROFILE), in that order; the secret is never
/// printed. --sandbox runs any verb against an embedded emulator.
#[derive(Parser, Debug)]
#[command(name = "npay-order", version, about, long_about, propagate_version = true)]
struct Cli {
    #[command(flatten)]
    api: api::ApiArgs,
    #[command(subcommand)]
    verb: verbs::Verb,
}

fn main() -> std::process::ExitCode {
    let mut cli = Cli::parse();
    if let verbs::Verb::Completions(args) = cli.verb {
        verbs::completions::run(args, Cli::command());
        return std::process::ExitCode::SUCCESS;
    }
    // The local emulator uses no credentials: a broken config file does not stop it.
    let needs_profile = !matches!(cli.verb, verbs::Verb::Sandbox(_));
    if let Err(error) = if needs_profile { cli.api.apply_profile() } else { Ok(()) } {
        eprintln!("npay-order: {error:#}");
        return std::process::ExitCode::FAILURE;
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("npay-order: cannot start the runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(verbs::run(cli.verb, cli.api)) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("npay-order: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
