//! `npay-order dispatch`: 발송 처리 (dispatchProductOrders), one product order from flags or a
//! whole file (`--csv FILE`) with a result per row.
//!
//! Every row is checked before anything is sent ([`super::dispatch_csv`]); the good rows go 30 a
//! request (the API's limit, as the core splits them) so that the bar moves per request, and each
//! answer's success and failure lists say what became of each row. A request that fails as a
//! whole marks its rows with the core's wording (whether they may have been applied) and ends the
//! run: the rows after it are `failed` as not sent. The result has one row per input row.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use clap::builder::PossibleValuesParser;
use npay_order::Timestamp;
use npay_order::enums::RequestDeliveryMethod;
use npay_order::ops::DispatchProductOrdersParams;
use npay_order::types::DispatchProductOrder;
use serde_json::json;

use super::dispatch_csv::{self, Defaults, Field, Row};
use super::results::{self, ItemResult, Outcome};
use crate::api::ApiArgs;
use crate::{output, progress};

/// Entries per request: the API's limit (the core splits longer lists the same way).
const PER_REQUEST: usize = 30;

pub const EXAMPLES: &str = "\
Examples:
  npay-order dispatch --product-order-id 2026112514566031 --courier CJGLS --tracking-number 651234567890
  # A file of 상품주문번호,택배사,송장번호 rows (a header row is optional); a result per row:
  npay-order dispatch --csv 송장.csv --result 송장-결과.csv
  # Check the file only, nothing sent:
  npay-order dispatch --csv invoices.csv --dry-run
  # Send again what failed (a result file reads as input; its result columns are replaced):
  npay-order dispatch --csv 송장-결과.csv --result again.csv";

/// Arguments of `dispatch`.
#[derive(Args, Debug)]
pub struct DispatchArgs {
    /// A file of rows: product order id, courier code, tracking number (header row optional;
    /// 상품주문번호/택배사/송장번호 or productOrderId/courier/trackingNumber; optional columns
    /// 배송방법/deliveryMethod and 발송일/dispatchDate). `-` reads stdin.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["product_order_id", "courier", "tracking_number"])]
    csv: Option<PathBuf>,
    /// Where the per-row result CSV goes (the input's columns, then `result` = ok/failed/invalid
    /// and `message`); default stdout (with --json: one JSON object per row).
    #[arg(long, value_name = "FILE", requires = "csv")]
    result: Option<PathBuf>,
    /// The product order to dispatch (상품주문번호).
    #[arg(long, required_unless_present = "csv")]
    product_order_id: Option<String>,
    /// The courier's code (택배사 코드), e.g. CJGLS (CJ대한통운), HANJIN, EPOST, HYUNDAI (롯데택배).
    #[arg(long)]
    courier: Option<String>,
    /// The tracking number (송장번호).
    #[arg(long)]
    tracking_number: Option<String>,
    /// The delivery method of rows that do not name one.
    #[arg(long, default_value = "DELIVERY", value_parser = PossibleValuesParser::new(RequestDeliveryMethod::VALUES.iter().copied()))]
    delivery_method: String,
    /// The dispatch date of rows that do not name one (a timestamp, or 2026-12-01 14:30 KST); default now.
    #[arg(long, value_parser = dispatch_csv::parse_date)]
    dispatch_date: Option<Timestamp>,
    /// Check every row and write the result (`valid` for a good row), sending nothing.
    #[arg(long)]
    dry_run: bool,
}

pub async fn run(args: DispatchArgs, api: &ApiArgs) -> anyhow::Result<ExitCode> {
    let defaults = Defaults {
        delivery_method: args.delivery_method.clone(),
        dispatch_date: args.dispatch_date.unwrap_or_else(|| Timestamp::from_utc_in_kst(chrono::Utc::now())),
    };
    let (header, rows) = match &args.csv {
        Some(path) => {
            let bytes = if path.as_os_str() == "-" {
                let mut bytes = Vec::new();
                std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes)?;
                bytes
            } else {
                std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?
            };
            let sheet = dispatch_csv::read(&bytes, &defaults).with_context(|| format!("{}", path.display()))?;
            (sheet.header, sheet.rows)
        }
        None => {
            let id = args.product_order_id.clone().unwrap_or_default();
            let courier = args.courier.clone().unwrap_or_default();
            let tracking = args.tracking_number.clone().unwrap_or_default();
            let get = |field: Field| -> &str {
                match field {
                    Field::ProductOrderId => id.trim(),
                    Field::Courier => courier.trim(),
                    Field::TrackingNumber => tracking.trim(),
                    _ => "",
                }
            };
            let item = dispatch_csv::entry(&get, &defaults);
            let cells = vec![id.clone(), courier.clone(), tracking.clone()];
            (Vec::new(), vec![Row { number: 1, id: id.trim().to_owned(), cells, item }])
        }
    };
    let outcomes = if args.dry_run { check_only(&rows) } else { send(&rows, api).await? };
    if args.csv.is_none() {
        return Ok(results::print(&outcomes, api.json));
    }
    write_results(&header, &rows, &outcomes, args.result.as_deref(), api.json, args.dry_run)?;
    eprintln!("npay-order: {} rows: {}", rows.len(), results::summary(&outcomes));
    Ok(if args.dry_run {
        if outcomes.iter().all(|o| o.outcome == Outcome::Ok) { ExitCode::SUCCESS } else { ExitCode::FAILURE }
    } else {
        results::exit_code(&outcomes)
    })
}

/// The result of every row without sending: `invalid` with its reason, or `ok` (printed `valid`).
fn check_only(rows: &[Row]) -> Vec<ItemResult> {
    rows.iter()
        .map(|row| match &row.item {
            Ok(item) => ItemResult::ok(&item.product_order_id),
            Err(reason) => ItemResult::invalid(&row.id, reason.clone()),
        })
        .collect()
}

/// Sends the good rows, 30 a request; a result per row, in the rows' order.
async fn send(rows: &[Row], api: &ApiArgs) -> anyhow::Result<Vec<ItemResult>> {
    let mut outcomes: Vec<Option<ItemResult>> = rows
        .iter()
        .map(|row| row.item.as_ref().err().map(|reason| ItemResult::invalid(&row.id, reason.clone())))
        .collect();
    let good: Vec<(usize, &DispatchProductOrder)> =
        rows.iter().enumerate().filter_map(|(i, row)| row.item.as_ref().ok().map(|item| (i, item))).collect();
    if !good.is_empty() {
        let connection = api.connect().await?;
        let bar = progress::bar(good.len() as u64, "dispatching", "rows", good.len() > PER_REQUEST);
        let mut failed: Option<npay_order::NpayError> = None;
        for slice in good.chunks(PER_REQUEST) {
            let ids: Vec<String> = slice.iter().map(|(_, item)| item.product_order_id.clone()).collect();
            let items = match &failed {
                Some(error) => results::not_sent(&ids, error),
                None => {
                    let params = DispatchProductOrdersParams::new(slice.iter().map(|(_, item)| (*item).clone()));
                    match connection.client.dispatch_product_orders(params).await {
                        Ok(response) => results::from_claim(&ids, response.data()),
                        Err(error) => {
                            let items = results::from_error(&ids, &error);
                            failed = Some(error);
                            items
                        }
                    }
                }
            };
            for ((index, _), item) in slice.iter().zip(items) {
                outcomes[*index] = Some(item);
            }
            bar.inc(slice.len() as u64);
        }
        bar.finish_and_clear();
    }
    Ok(outcomes.into_iter().map(|o| o.expect("every row has a result")).collect())
}

/// The result CSV (input columns + `result` + `message`), or one JSON object per row.
fn write_results(
    header: &[String],
    rows: &[Row],
    outcomes: &[ItemResult],
    path: Option<&std::path::Path>,
    as_json: bool,
    dry_run: bool,
) -> anyhow::Result<()> {
    let word = |o: &ItemResult| if dry_run && o.outcome == Outcome::Ok { "valid" } else { o.outcome.as_str() };
    if as_json && path.is_none() {
        for (row, outcome) in rows.iter().zip(outcomes) {
            let columns: serde_json::Map<String, serde_json::Value> =
                header.iter().zip(&row.cells).map(|(name, cell)| (name.clone(), json!(cell))).collect();
            output::json_line(&json!({
                "row": row.number,
                "productOrderId": row.id,
                "columns": columns,
                "result": word(outcome),
                "code": outcome.code,
                "message": outcome.message,
            }));
        }
        return Ok(());
    }
    let out: Box<dyn Write> = match path {
        Some(path) => {
            Box::new(std::fs::File::create(path).with_context(|| format!("cannot write {}", path.display()))?)
        }
        None => Box::new(std::io::stdout()),
    };
    let mut writer = csv::WriterBuilder::new().flexible(true).from_writer(out);
    // Short rows are padded and a row longer than the header widens it, so that `result`
    // always stands under its header.
    let width = rows.iter().map(|r| r.cells.len()).chain([header.len()]).max().unwrap_or_default();
    let mut first: Vec<String> = header.to_vec();
    first.extend((header.len()..width).map(|i| format!("column{}", i + 1)));
    first.extend(["result".to_owned(), "message".to_owned()]);
    writer.write_record(&first)?;
    for (row, outcome) in rows.iter().zip(outcomes) {
        let mut cells = row.cells.clone();
        cells.resize(width, String::new());
        cells.push(word(outcome).to_owned());
        cells.push(outcome.describe());
        writer.write_record(&cells)?;
    }
    writer.flush()?;
    Ok(())
}
