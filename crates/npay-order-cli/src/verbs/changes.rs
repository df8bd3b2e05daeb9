//! `npay-order changes`: every change of a range, stateless.

use std::process::ExitCode;

use clap::Args;
use futures::TryStreamExt;
use npay_order::Timestamp;
use npay_order::ops::ListLastChangedStatusesParams;

use crate::api::ApiArgs;
use crate::output::{self, Csv, Format};
use crate::progress;
use crate::time::parse_time;

pub const EXAMPLES: &str = "\
Examples:
  npay-order changes --from 1h
  npay-order changes --from 2026-11-01T00:00:00+09:00 --to 2026-11-08T00:00:00+09:00 --type CLAIM_REQUESTED --json
  npay-order changes --from 7d --csv > changes.csv";

/// Arguments of `changes`.
#[derive(Args, Debug)]
pub struct ChangesArgs {
    /// Start (inclusive): a timestamp or a duration before now.
    #[arg(long, value_parser = parse_time)]
    from: Timestamp,
    /// End (inclusive); default: the server's now.
    #[arg(long, value_parser = parse_time)]
    to: Option<Timestamp>,
    /// Only this lastChangedType.
    #[arg(long = "type", value_name = "TYPE")]
    change_type: Option<String>,
    /// CSV with a header row (the API's field names).
    #[arg(long)]
    csv: bool,
}

/// The CSV's columns.
const CSV: &[&str] = &[
    "lastChangedDate",
    "productOrderId",
    "orderId",
    "lastChangedType",
    "productOrderStatus",
    "claimType",
    "claimStatus",
];

pub async fn run(args: ChangesArgs, api: &ApiArgs) -> anyhow::Result<ExitCode> {
    let format = Format::of(api.json, args.csv)?;
    let connection = api.connect().await?;
    let mut params = ListLastChangedStatusesParams::new(args.from);
    if let Some(to) = args.to {
        params = params.last_changed_to(to);
    }
    if let Some(t) = &args.change_type {
        params = params.last_changed_type(t.parse().map_err(|_| anyhow::anyhow!("unknown type {t}"))?);
    }
    // The bar measures the range in minutes: how far the rows' lastChangedDate has come.
    let from = args.from.to_utc();
    let to = args.to.map_or_else(chrono::Utc::now, |t| t.to_utc());
    let minutes = (to - from).num_minutes().max(1) as u64;
    let bar = progress::bar(minutes, "changes", "minutes", to - from > chrono::Duration::days(1));
    let mut stream = std::pin::pin!(connection.client.iter_last_changed_statuses(params));
    let mut table = output::table(&["changed at", "product order", "order", "type", "status", "claim"]);
    let mut csv = if format == Format::Csv { Some(Csv::new(CSV)?) } else { None };
    let mut count = 0usize;
    while let Some(row) = stream.try_next().await? {
        count += 1;
        bar.set_position(((row.last_changed_date.to_utc() - from).num_minutes().max(0) as u64).min(minutes));
        match (&mut csv, format) {
            (Some(csv), _) => csv.row([
                row.last_changed_date.to_string(),
                row.product_order_id.clone(),
                row.order_id.clone(),
                row.last_changed_type.as_str().to_owned(),
                row.product_order_status.as_str().to_owned(),
                row.claim_type.as_ref().map_or("", |s| s.as_str()).to_owned(),
                row.claim_status.as_ref().map_or("", |s| s.as_str()).to_owned(),
            ])?,
            (None, Format::Json) => output::json_line(&serde_json::to_value(&row)?),
            (None, _) => {
                table.add_row(vec![
                    row.last_changed_date.to_string(),
                    row.product_order_id.clone(),
                    row.order_id.clone(),
                    row.last_changed_type.as_str().to_owned(),
                    row.product_order_status.as_str().to_owned(),
                    row.claim_status.as_ref().map_or("-", |s| s.as_str()).to_owned(),
                ]);
            }
        }
    }
    bar.finish_and_clear();
    match csv {
        Some(csv) => csv.finish()?,
        None if format == Format::Human => {
            println!("{table}");
            println!("{count} changes");
        }
        None => {}
    }
    Ok(ExitCode::SUCCESS)
}
