//! The claim verbs — `cancel …`, `return …`, `exchange …` — and `delay`: the spec's writes on one
//! product order each (`POST …/product-orders/{productOrderId}/…`).
//!
//! Each subcommand names the tail of its operation's path (`claim/return/holdback/release`); the
//! operation is looked up in the spec's [`npay_order::OPERATIONS`] by that path and called with
//! its parameters as JSON (the generated client checks them against the spec before sending).
//! Enum flags take their values from the generated enums. A subcommand is reachable under its
//! path's words too (`return holdback-release` = `return release`), and a test fails when an
//! operation of the spec has no subcommand.

use std::process::ExitCode;

use clap::builder::PossibleValuesParser;
use clap::{Args, Subcommand};
use npay_order::enums::{
    CancelRequestReason, DelayedDispatchReason, DeliveryCompanyCode, HoldbackReason, RequestDeliveryMethod,
    ReturnRequestReason,
};
use npay_order::types::ClaimResult;
use npay_order::{OperationInfo, Timestamp};
use serde_json::{Map, Value, json};

use super::results::{self, distinct};
use crate::api::ApiArgs;
use crate::progress;

/// The ids every claim subcommand takes.
#[derive(Args, Debug)]
pub struct Ids {
    /// Product order ids (상품주문번호); one request each.
    #[arg(required = true, value_name = "ID")]
    ids: Vec<String>,
}

fn values(known: &'static [&'static str]) -> PossibleValuesParser {
    PossibleValuesParser::new(known.iter().copied())
}

pub const CANCEL_EXAMPLES: &str = "\
Examples:
  npay-order cancel approve 2026112514566031
  npay-order cancel request 2026112514566031 --reason SOLD_OUT --detail '재고 소진'";

pub const RETURN_EXAMPLES: &str = "\
Examples:
  npay-order return approve 2026112514566031
  npay-order return reject 2026112514566031 --reason '사용 흔적이 있어 반품이 어렵습니다'
  npay-order return hold 2026112514566031 --class RETURN_DELIVERYFEE --detail '반품 배송비 미입금' --extra-fee 3000
  npay-order return release 2026112514566031
  npay-order return request 2026112514566031 --reason BROKEN --collect-method RETURN_DESIGNATED";

pub const EXCHANGE_EXAMPLES: &str = "\
Examples:
  npay-order exchange collect 2026112514566031
  npay-order exchange redeliver 2026112514566031 --method DELIVERY --courier CJGLS --tracking-number 651234567890
  npay-order exchange reject 2026112514566031 --reason '교환 가능 기간이 지났습니다'
  npay-order exchange hold 2026112514566031 --class EXCHANGE_DELIVERYFEE --detail '교환 배송비 미입금'
  npay-order exchange release 2026112514566031";

pub const DELAY_EXAMPLES: &str = "\
Examples:
  npay-order delay 2026112514566031 --reason PRODUCT_PREPARE --due 2026-12-05 --detail '입고 지연'
  npay-order delay 2026112514566031 --reason ETC --due 3d";

/// `cancel` verbs (취소).
#[derive(Subcommand, Debug)]
pub enum CancelVerb {
    /// Approve buyers' cancel requests: the refund goes ahead (approveCancel). There is no reject
    /// call: dispatching the order rejects the request.
    #[command(after_help = CANCEL_EXAMPLES)]
    Approve(Ids),
    /// Cancel sales as the seller (requestCancel), optionally part of the quantity.
    #[command(after_help = CANCEL_EXAMPLES)]
    Request(CancelRequest),
}

/// Arguments of `cancel request`.
#[derive(Args, Debug)]
pub struct CancelRequest {
    #[command(flatten)]
    ids: Ids,
    /// Why (cancelReason).
    #[arg(long, value_parser = values(CancelRequestReason::VALUES))]
    reason: String,
    /// Details, up to 500 characters (cancelDetailedReason).
    #[arg(long)]
    detail: Option<String>,
    /// How many to cancel (cancelQuantity; default: all that remain).
    #[arg(long)]
    quantity: Option<i32>,
}

/// `return` verbs (반품).
#[derive(Subcommand, Debug)]
pub enum ReturnVerb {
    /// Approve return requests: the refund goes ahead (approveReturn).
    #[command(after_help = RETURN_EXAMPLES)]
    Approve(Ids),
    /// Reject (withdraw) return requests with a reason shown to the buyer (rejectReturn).
    #[command(after_help = RETURN_EXAMPLES)]
    Reject(Reject),
    /// Hold returns back, e.g. until the return fee is paid (holdbackReturn).
    #[command(alias = "holdback", after_help = RETURN_EXAMPLES)]
    Hold(Hold),
    /// Release the holdback of returns (releaseReturnHoldback).
    #[command(alias = "holdback-release", after_help = RETURN_EXAMPLES)]
    Release(Ids),
    /// Request returns as the seller (requestReturn).
    #[command(after_help = RETURN_EXAMPLES)]
    Request(ReturnRequest),
}

/// `exchange` verbs (교환).
#[derive(Subcommand, Debug)]
pub enum ExchangeVerb {
    /// Mark the exchanged goods as collected (completeExchangeCollect).
    #[command(alias = "collect-complete", after_help = EXCHANGE_EXAMPLES)]
    Collect(Ids),
    /// Ship the replacement (redeliverExchange).
    #[command(alias = "dispatch", after_help = EXCHANGE_EXAMPLES)]
    Redeliver(Redeliver),
    /// Reject (withdraw) exchange requests with a reason shown to the buyer (rejectExchange).
    #[command(after_help = EXCHANGE_EXAMPLES)]
    Reject(Reject),
    /// Hold exchanges back, e.g. until the exchange fee is paid (holdbackExchange).
    #[command(alias = "holdback", after_help = EXCHANGE_EXAMPLES)]
    Hold(Hold),
    /// Release the holdback of exchanges (releaseExchangeHoldback).
    #[command(alias = "holdback-release", after_help = EXCHANGE_EXAMPLES)]
    Release(Ids),
}

/// Arguments of `return reject` and `exchange reject`.
#[derive(Args, Debug)]
pub struct Reject {
    #[command(flatten)]
    ids: Ids,
    /// The reason, shown to the buyer (rejectReturnReason / rejectExchangeReason).
    #[arg(long)]
    reason: String,
}

/// Arguments of `return hold` and `exchange hold`.
#[derive(Args, Debug)]
pub struct Hold {
    #[command(flatten)]
    ids: Ids,
    /// The kind of holdback (holdbackClassType).
    #[arg(long, value_parser = values(HoldbackReason::VALUES))]
    class: String,
    /// Details (holdbackReturnDetailReason / holdbackExchangeDetailReason).
    #[arg(long)]
    detail: String,
    /// An extra fee in KRW (extraReturnFeeAmount / extraExchangeFeeAmount).
    #[arg(long, value_name = "KRW")]
    extra_fee: Option<i64>,
}

/// Arguments of `return request`.
#[derive(Args, Debug)]
pub struct ReturnRequest {
    #[command(flatten)]
    ids: Ids,
    /// Why (returnReason).
    #[arg(long, value_parser = values(ReturnRequestReason::VALUES))]
    reason: String,
    /// How the goods come back (collectDeliveryMethod).
    #[arg(long, value_parser = values(RequestDeliveryMethod::VALUES))]
    collect_method: String,
    /// The collecting courier's code (collectDeliveryCompany), e.g. CJGLS.
    #[arg(long, value_parser = values(DeliveryCompanyCode::VALUES), hide_possible_values = true)]
    collect_courier: Option<String>,
    /// The collection's tracking number (collectTrackingNumber).
    #[arg(long)]
    collect_tracking_number: Option<String>,
    /// How many to return (returnQuantity; default: all that remain).
    #[arg(long)]
    quantity: Option<i32>,
}

/// Arguments of `exchange redeliver`.
#[derive(Args, Debug)]
pub struct Redeliver {
    #[command(flatten)]
    ids: Ids,
    /// How the replacement is shipped (reDeliveryMethod).
    #[arg(long, value_parser = values(RequestDeliveryMethod::VALUES))]
    method: String,
    /// The courier's code (reDeliveryCompany), e.g. CJGLS; needed with DELIVERY.
    #[arg(long, value_parser = values(DeliveryCompanyCode::VALUES), hide_possible_values = true)]
    courier: Option<String>,
    /// The tracking number (reDeliveryTrackingNumber); needed with DELIVERY.
    #[arg(long)]
    tracking_number: Option<String>,
}

/// Arguments of `delay`.
#[derive(Args, Debug)]
pub struct DelayArgs {
    #[command(flatten)]
    ids: Ids,
    /// Why (delayedDispatchReason).
    #[arg(long, value_parser = values(DelayedDispatchReason::VALUES))]
    reason: String,
    /// The new dispatch due date: a timestamp, a date (that day's end, KST) or a duration from now (3d).
    #[arg(long, value_parser = parse_due)]
    due: Timestamp,
    /// Details shown to the buyer (dispatchDelayedDetailedReason).
    #[arg(long)]
    detail: Option<String>,
}

/// A due date: a timestamp, `2026-12-05` (23:59:59 KST that day), or a duration from now.
fn parse_due(text: &str) -> Result<Timestamp, String> {
    if let Ok(t) = text.parse::<Timestamp>() {
        return Ok(t);
    }
    if let Ok(date) = text.parse::<chrono::NaiveDate>() {
        return format!("{date}T23:59:59.000+09:00").parse::<Timestamp>().map_err(|e| e.to_string());
    }
    let ahead = crate::time::parse_duration(text)
        .map_err(|_| format!("'{text}' is neither a timestamp, a date (2026-12-05) nor a duration (3d)"))?;
    let ahead = chrono::Duration::from_std(ahead).map_err(|e| e.to_string())?;
    Ok(Timestamp::from_utc_in_kst(chrono::Utc::now() + ahead))
}

/// What to call: the tail of the operation's path, the ids, and the body's fields.
struct Plan<'a> {
    tail: &'static str,
    ids: &'a [String],
    body: Map<String, Value>,
}

fn body(fields: &[(&str, Option<Value>)]) -> Map<String, Value> {
    fields.iter().filter_map(|(key, value)| Some(((*key).to_owned(), value.clone()?))).collect()
}

fn some<T: Into<Value> + Clone>(value: &Option<T>) -> Option<Value> {
    value.clone().map(Into::into)
}

impl CancelVerb {
    fn plan(&self) -> Plan<'_> {
        match self {
            CancelVerb::Approve(a) => Plan { tail: "claim/cancel/approve", ids: &a.ids, body: Map::new() },
            CancelVerb::Request(a) => Plan {
                tail: "claim/cancel/request",
                ids: &a.ids.ids,
                body: body(&[
                    ("cancelReason", Some(json!(a.reason))),
                    ("cancelDetailedReason", some(&a.detail)),
                    ("cancelQuantity", some(&a.quantity)),
                ]),
            },
        }
    }
}

impl ReturnVerb {
    fn plan(&self) -> Plan<'_> {
        match self {
            ReturnVerb::Approve(a) => Plan { tail: "claim/return/approve", ids: &a.ids, body: Map::new() },
            ReturnVerb::Reject(a) => Plan {
                tail: "claim/return/reject",
                ids: &a.ids.ids,
                body: body(&[("rejectReturnReason", Some(json!(a.reason)))]),
            },
            ReturnVerb::Hold(a) => Plan {
                tail: "claim/return/holdback",
                ids: &a.ids.ids,
                body: body(&[
                    ("holdbackClassType", Some(json!(a.class))),
                    ("holdbackReturnDetailReason", Some(json!(a.detail))),
                    ("extraReturnFeeAmount", some(&a.extra_fee)),
                ]),
            },
            ReturnVerb::Release(a) => Plan { tail: "claim/return/holdback/release", ids: &a.ids, body: Map::new() },
            ReturnVerb::Request(a) => Plan {
                tail: "claim/return/request",
                ids: &a.ids.ids,
                body: body(&[
                    ("returnReason", Some(json!(a.reason))),
                    ("collectDeliveryMethod", Some(json!(a.collect_method))),
                    ("collectDeliveryCompany", some(&a.collect_courier)),
                    ("collectTrackingNumber", some(&a.collect_tracking_number)),
                    ("returnQuantity", some(&a.quantity)),
                ]),
            },
        }
    }
}

impl ExchangeVerb {
    fn plan(&self) -> Plan<'_> {
        match self {
            ExchangeVerb::Collect(a) => Plan { tail: "claim/exchange/collect/complete", ids: &a.ids, body: Map::new() },
            ExchangeVerb::Redeliver(a) => Plan {
                tail: "claim/exchange/dispatch",
                ids: &a.ids.ids,
                body: body(&[
                    ("reDeliveryMethod", Some(json!(a.method))),
                    ("reDeliveryCompany", some(&a.courier)),
                    ("reDeliveryTrackingNumber", some(&a.tracking_number)),
                ]),
            },
            ExchangeVerb::Reject(a) => Plan {
                tail: "claim/exchange/reject",
                ids: &a.ids.ids,
                body: body(&[("rejectExchangeReason", Some(json!(a.reason)))]),
            },
            ExchangeVerb::Hold(a) => Plan {
                tail: "claim/exchange/holdback",
                ids: &a.ids.ids,
                body: body(&[
                    ("holdbackClassType", Some(json!(a.class))),
                    ("holdbackExchangeDetailReason", Some(json!(a.detail))),
                    ("extraExchangeFeeAmount", some(&a.extra_fee)),
                ]),
            },
            ExchangeVerb::Release(a) => Plan { tail: "claim/exchange/holdback/release", ids: &a.ids, body: Map::new() },
        }
    }
}

impl DelayArgs {
    fn plan(&self) -> Plan<'_> {
        Plan {
            tail: "delay",
            ids: &self.ids.ids,
            body: body(&[
                ("delayedDispatchReason", Some(json!(self.reason))),
                ("dispatchDueDate", Some(json!(self.due.to_string()))),
                ("dispatchDelayedDetailedReason", some(&self.detail)),
            ]),
        }
    }
}

/// The spec's operation on one product order whose path ends with `tail`.
pub fn operation(tail: &str) -> Option<&'static OperationInfo> {
    let suffix = format!("/{{productOrderId}}/{tail}");
    npay_order::OPERATIONS.iter().find(|o| !o.read_only && o.path.ends_with(&suffix))
}

pub async fn run_cancel(verb: CancelVerb, api: &ApiArgs) -> anyhow::Result<ExitCode> {
    execute(verb.plan(), api).await
}

pub async fn run_return(verb: ReturnVerb, api: &ApiArgs) -> anyhow::Result<ExitCode> {
    execute(verb.plan(), api).await
}

pub async fn run_exchange(verb: ExchangeVerb, api: &ApiArgs) -> anyhow::Result<ExitCode> {
    execute(verb.plan(), api).await
}

pub async fn run_delay(args: DelayArgs, api: &ApiArgs) -> anyhow::Result<ExitCode> {
    execute(args.plan(), api).await
}

/// Calls the operation once per id. An error about one item (a refused state, an unknown id) is
/// that item's result and the next ids are still sent; any other error (authentication, no
/// answer) ends the run, and the ids after it are reported as not sent.
async fn execute(plan: Plan<'_>, api: &ApiArgs) -> anyhow::Result<ExitCode> {
    let Some(operation) = operation(plan.tail) else {
        anyhow::bail!("the spec has no operation at …/{{productOrderId}}/{}", plan.tail);
    };
    let ids = distinct(plan.ids);
    if let Some(empty) = ids.iter().position(String::is_empty) {
        anyhow::bail!("id {} is empty", empty + 1);
    }
    let connection = api.connect().await?;
    let bar = progress::bar(ids.len() as u64, operation.id, "product orders", ids.len() > 30);
    let mut items = Vec::with_capacity(ids.len());
    for (index, id) in ids.iter().enumerate() {
        let mut params = plan.body.clone();
        params.insert("productOrderId".to_owned(), json!(id));
        let one = std::slice::from_ref(id);
        match connection.client.call_json(operation.id, Value::Object(params)).await {
            Ok(response) => {
                let result: ClaimResult = serde_json::from_value(response.into_data())?;
                items.extend(results::from_claim(one, &result));
            }
            Err(error) => {
                items.extend(results::from_error(one, &error));
                if !results::is_item_error(&error) {
                    items.extend(results::not_sent(&ids[index + 1..], &error));
                    break;
                }
            }
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok(results::print(&items, api.json))
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    /// Every write of the spec on one product order is a subcommand, under its path's words:
    /// `…/claim/return/holdback/release` is `return holdback-release`, `…/delay` is `delay`.
    #[test]
    fn every_single_item_write_of_the_spec_has_a_subcommand() {
        let command = crate::Cli::command();
        let writes: Vec<_> =
            npay_order::OPERATIONS.iter().filter(|o| !o.read_only && o.path.contains("/{productOrderId}/")).collect();
        assert!(writes.len() >= 13, "{writes:?}");
        for operation in writes {
            let tail = operation.path.split_once("/{productOrderId}/").map(|(_, t)| t).unwrap();
            let words: Vec<&str> = tail.split('/').collect();
            let found = match words.as_slice() {
                ["claim", kind, rest @ ..] => {
                    command.find_subcommand(kind).and_then(|kind| kind.find_subcommand(rest.join("-"))).is_some()
                }
                [single] => command.find_subcommand(single).is_some(),
                _ => false,
            };
            assert!(found, "{} ({}) has no subcommand", operation.id, operation.path);
            assert_eq!(super::operation(tail).map(|o| o.id), Some(operation.id));
        }
    }

    #[test]
    fn due_dates_parse() {
        assert_eq!(parse_due("2026-12-05").unwrap().to_string(), "2026-12-05T23:59:59.000+09:00");
        let ahead = parse_due("2d").unwrap().to_utc() - chrono::Utc::now();
        assert!((ahead.num_hours() - 48).abs() <= 1);
        assert!(parse_due("soon").is_err());
    }
}
