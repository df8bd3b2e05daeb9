//! `npay-order events list|show|resend`: the watcher's outbox.

use std::process::ExitCode;

use anyhow::bail;
use clap::{Args, Subcommand};
use npay_order::watch::{EventFilter, EventStatus, StoredEvent, WatchStore};

use super::store::StoreArgs;
use crate::api::ApiArgs;
use crate::output::{self, Csv, Format};

pub const EXAMPLES: &str = "\
Examples:
  npay-order events list --store orders.sqlite --status failed
  npay-order events list --store orders.sqlite --csv > events.csv
  npay-order events show --store orders.sqlite evt_0f3c…
  npay-order events resend --store orders.sqlite evt_0f3c…";

/// `events` verbs.
#[derive(Subcommand, Debug)]
pub enum EventsVerb {
    /// List stored events, oldest first (with --limit: the most recent N).
    #[command(after_help = EXAMPLES)]
    List(ListArgs),
    /// One event in full (JSON).
    #[command(after_help = EXAMPLES)]
    Show(IdArgs),
    /// Queue an event again (done or failed); it is handed over with the same id.
    #[command(after_help = EXAMPLES)]
    Resend(IdArgs),
}

/// Arguments of `events list`.
#[derive(Args, Debug)]
pub struct ListArgs {
    #[command(flatten)]
    store: StoreArgs,
    /// Only pending, done or failed events.
    #[arg(long, value_parser = ["pending", "done", "failed"])]
    status: Option<String>,
    /// Only this product order.
    #[arg(long)]
    product_order_id: Option<String>,
    /// At most this many (the most recent).
    #[arg(long)]
    limit: Option<usize>,
    /// CSV with a header row.
    #[arg(long)]
    csv: bool,
}

/// An event id and the store.
#[derive(Args, Debug)]
pub struct IdArgs {
    #[command(flatten)]
    store: StoreArgs,
    /// The event id (evt_…).
    id: String,
}

fn summary(event: &StoredEvent) -> serde_json::Value {
    serde_json::json!({
        "id": event.event.id,
        "seq": event.seq,
        "status": event.status.as_str(),
        "attempts": event.event.attempt,
        "productOrderId": event.event.product_order_id,
        "lastChangedType": event.event.last_changed_type,
        "lastChangedDate": event.event.last_changed_date,
        "lastError": event.last_error,
    })
}

pub fn run(verb: EventsVerb, api: &ApiArgs) -> anyhow::Result<ExitCode> {
    match verb {
        EventsVerb::List(args) => {
            let format = Format::of(api.json, args.csv)?;
            let store = args.store.open()?;
            let account = args.store.account(api, &store)?;
            let filter = EventFilter {
                status: args.status.as_deref().and_then(EventStatus::parse),
                product_order_id: args.product_order_id,
                limit: args.limit,
            };
            let events = store.list_events(&account, &filter)?;
            if format == Format::Json {
                events.iter().for_each(|e| output::json_line(&summary(e)));
            } else if format == Format::Csv {
                let mut csv = Csv::new(&[
                    "seq",
                    "id",
                    "status",
                    "attempts",
                    "lastChangedType",
                    "productOrderId",
                    "lastChangedDate",
                    "lastError",
                ])?;
                for e in &events {
                    csv.row([
                        e.seq.to_string(),
                        e.event.id.clone(),
                        e.status.as_str().to_owned(),
                        e.event.attempt.to_string(),
                        e.event.last_changed_type.clone(),
                        e.event.product_order_id.clone(),
                        e.event.last_changed_date.to_string(),
                        e.last_error.clone().unwrap_or_default(),
                    ])?;
                }
                csv.finish()?;
            } else {
                let mut table =
                    output::table(&["seq", "id", "status", "attempts", "type", "product order", "changed at"]);
                for e in &events {
                    table.add_row(vec![
                        e.seq.to_string(),
                        e.event.id.clone(),
                        e.status.as_str().to_owned(),
                        e.event.attempt.to_string(),
                        e.event.last_changed_type.clone(),
                        e.event.product_order_id.clone(),
                        e.event.last_changed_date.to_string(),
                    ]);
                }
                println!("{table}");
                println!("{} events", events.len());
            }
        }
        EventsVerb::Show(args) => {
            let store = args.store.open()?;
            let Some(event) = store.get_event(&args.id)? else { bail!("no event {} in the store", args.id) };
            let value = serde_json::to_value(&event)?;
            if api.json {
                output::json_line(&value);
            } else {
                println!("{}", serde_json::to_string_pretty(&value)?);
            }
        }
        EventsVerb::Resend(args) => {
            let store = args.store.open()?;
            if !store.resend(&args.id)? {
                bail!("no event {} in the store", args.id);
            }
            if api.json {
                output::json_line(&serde_json::json!({"id": args.id, "status": "pending"}));
            } else {
                println!("{} queued again; a running watcher hands it over with the same id", args.id);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
