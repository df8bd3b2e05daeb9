//! `npay-order cursor show|reset`: where a watcher stands.

use std::process::ExitCode;

use clap::{Args, Subcommand};
use npay_order::Timestamp;
use npay_order::watch::{Cursor, WatchStore};

use super::store::StoreArgs;
use crate::api::ApiArgs;
use crate::output;
use crate::time::parse_time;

pub const EXAMPLES: &str = "\
Examples:
  npay-order cursor show --store orders.sqlite
  # Read the last two hours again (events already stored keep their ids and are not repeated)
  npay-order cursor reset --store orders.sqlite --to 2h";

/// `cursor` verbs.
#[derive(Subcommand, Debug)]
pub enum CursorVerb {
    /// The committed watermark and the window being paged.
    #[command(after_help = EXAMPLES)]
    Show(ShowArgs),
    /// Move the watermark (the next window starts at it minus the overlap).
    #[command(after_help = EXAMPLES)]
    Reset(ResetArgs),
}

/// Arguments of `cursor show`.
#[derive(Args, Debug)]
pub struct ShowArgs {
    #[command(flatten)]
    store: StoreArgs,
}

/// Arguments of `cursor reset`.
#[derive(Args, Debug)]
pub struct ResetArgs {
    #[command(flatten)]
    store: StoreArgs,
    /// The new watermark: a timestamp or a duration before now.
    #[arg(long, value_parser = parse_time)]
    to: Timestamp,
}

fn print(account: &str, cursor: Option<&Cursor>, as_json: bool) -> anyhow::Result<()> {
    if as_json {
        output::json_line(&serde_json::json!({"account": account, "cursor": cursor}));
        return Ok(());
    }
    let Some(cursor) = cursor else {
        println!("{account}: no cursor yet (watch --since starts one)");
        return Ok(());
    };
    println!("account    {account}");
    println!("watermark  {}", cursor.watermark);
    match &cursor.window {
        Some(w) => {
            println!("window     {} – {}", w.from, w.to);
            if let Some(more) = &w.more {
                println!("more       from {} sequence {}", more.more_from, more.more_sequence);
            }
        }
        None => println!("window     none open"),
    }
    Ok(())
}

pub fn run(verb: CursorVerb, api: &ApiArgs) -> anyhow::Result<ExitCode> {
    match verb {
        CursorVerb::Show(args) => {
            let store = args.store.open()?;
            let account = args.store.account(api, &store)?;
            print(&account, store.load_cursor(&account)?.as_ref(), api.json)?;
        }
        CursorVerb::Reset(args) => {
            let store = args.store.open()?;
            let account = args.store.account(api, &store)?;
            let mut cursor = store.load_cursor(&account)?.unwrap_or_else(|| Cursor::starting_at(args.to));
            cursor.reset_to(args.to);
            store.save_cursor(&account, &cursor)?;
            print(&account, Some(&cursor), api.json)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
