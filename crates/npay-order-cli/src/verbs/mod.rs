//! The verbs, one module each. To add one: a variant here, a module beside this one.

mod changes;
pub mod completions;
mod cursor;
mod doctor;
mod events;
mod sandbox;
mod store;
mod watch;

use std::process::ExitCode;

use clap::Subcommand;

use crate::api::ApiArgs;

/// What to do.
#[derive(Subcommand, Debug)]
pub enum Verb {
    /// Watch orders: poll changes into a durable outbox and hand each over once it is stored.
    #[command(after_help = watch::EXAMPLES)]
    Watch(watch::WatchArgs),
    /// The events a watcher stored: list, show, resend.
    #[command(subcommand, after_help = events::EXAMPLES)]
    Events(events::EventsVerb),
    /// A watcher's cursor: show it, or move it.
    #[command(subcommand, after_help = cursor::EXAMPLES)]
    Cursor(cursor::CursorVerb),
    /// Every change in a time range (any length: split into 24-hour windows, `more` followed).
    #[command(after_help = changes::EXAMPLES)]
    Changes(changes::ChangesArgs),
    /// Run the local emulator of the API (optionally with generated traffic) until Ctrl-C.
    #[command(after_help = sandbox::EXAMPLES)]
    Sandbox(sandbox::SandboxArgs),
    /// Check the credentials, the clock and every read against the spec; prints a report that
    /// holds no secret and no value from an answer, to paste into an issue.
    #[command(after_help = doctor::EXAMPLES)]
    Doctor(doctor::DoctorArgs),
    /// Print a shell completion script.
    #[command(after_help = completions::EXAMPLES)]
    Completions(completions::CompletionsArgs),
}

/// Runs one verb.
pub async fn run(verb: Verb, api: ApiArgs) -> anyhow::Result<ExitCode> {
    match verb {
        Verb::Watch(args) => watch::run(args, &api).await,
        Verb::Events(verb) => events::run(verb, &api),
        Verb::Cursor(verb) => cursor::run(verb, &api),
        Verb::Changes(args) => changes::run(args, &api).await,
        Verb::Sandbox(args) => sandbox::run(args, &api).await,
        Verb::Doctor(args) => doctor::run(args, &api).await,
        // Handled in `main`, which knows the whole command.
        Verb::Completions(_) => Ok(ExitCode::SUCCESS),
    }
}
