//! The verbs, one module each. To add one: a variant here, a module beside this one.

mod changes;
mod claims;
pub mod completions;
mod confirm;
mod cursor;
mod dispatch;
mod dispatch_csv;
mod doctor;
mod events;
mod orders;
mod results;
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
    /// Product orders in full: `orders get ID…`.
    #[command(subcommand, after_help = orders::EXAMPLES)]
    Orders(orders::OrdersVerb),
    /// Confirm product orders (발주 확인); a result per id.
    #[command(after_help = confirm::EXAMPLES)]
    Confirm(confirm::ConfirmArgs),
    /// Dispatch product orders (발송 처리): one from flags, or a CSV file with a result per row.
    #[command(after_help = dispatch::EXAMPLES)]
    Dispatch(dispatch::DispatchArgs),
    /// Delay the dispatch of product orders (발송 지연) to a new due date.
    #[command(after_help = claims::DELAY_EXAMPLES)]
    Delay(claims::DelayArgs),
    /// Cancel claims (취소): approve a buyer's request, or cancel as the seller.
    #[command(subcommand, after_help = claims::CANCEL_EXAMPLES)]
    Cancel(claims::CancelVerb),
    /// Return claims (반품): approve, reject, hold, release, or request one as the seller.
    #[command(subcommand, after_help = claims::RETURN_EXAMPLES)]
    Return(claims::ReturnVerb),
    /// Exchange claims (교환): collect, redeliver, reject, hold, release.
    #[command(subcommand, after_help = claims::EXCHANGE_EXAMPLES)]
    Exchange(claims::ExchangeVerb),
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
        Verb::Orders(verb) => orders::run(verb, &api).await,
        Verb::Confirm(args) => confirm::run(args, &api).await,
        Verb::Dispatch(args) => dispatch::run(args, &api).await,
        Verb::Delay(args) => claims::run_delay(args, &api).await,
        Verb::Cancel(verb) => claims::run_cancel(verb, &api).await,
        Verb::Return(verb) => claims::run_return(verb, &api).await,
        Verb::Exchange(verb) => claims::run_exchange(verb, &api).await,
        Verb::Sandbox(args) => sandbox::run(args, &api).await,
        Verb::Doctor(args) => doctor::run(args, &api).await,
        // Handled in `main`, which knows the whole command.
        Verb::Completions(_) => Ok(ExitCode::SUCCESS),
    }
}
