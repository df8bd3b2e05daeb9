//! Per-product-order results of the writing verbs (confirm, dispatch, the claim verbs): what the
//! core's `successProductOrderIds` / `failProductOrderInfos` lists say, one line per id, plus
//! what was refused before sending.

use std::process::ExitCode;

use npay_order::NpayError;
use npay_order::chunk::Merge;
use npay_order::types::{ClaimResult, ConfirmResult, FailProductOrderInfo};
use serde_json::json;

use crate::output;

/// What became of one item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Applied.
    Ok,
    /// Sent and refused, or its request failed (the message says whether it may have been applied).
    Failed,
    /// Refused before anything was sent (a missing or malformed value).
    Invalid,
}

impl Outcome {
    /// The word of the `result` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Failed => "failed",
            Outcome::Invalid => "invalid",
        }
    }
}

/// One product order's result.
#[derive(Clone, Debug)]
pub struct ItemResult {
    pub product_order_id: String,
    pub outcome: Outcome,
    /// The API's per-item code (`104442`), `CONNECTION`/`TIMEOUT`, or `-`.
    pub code: Option<String>,
    pub message: Option<String>,
}

impl ItemResult {
    pub fn ok(id: &str) -> ItemResult {
        ItemResult { product_order_id: id.to_owned(), outcome: Outcome::Ok, code: None, message: None }
    }

    pub fn invalid(id: &str, message: impl Into<String>) -> ItemResult {
        ItemResult {
            product_order_id: id.to_owned(),
            outcome: Outcome::Invalid,
            code: None,
            message: Some(message.into()),
        }
    }

    fn failed(info: &FailProductOrderInfo) -> ItemResult {
        ItemResult {
            product_order_id: info.product_order_id.clone(),
            outcome: Outcome::Failed,
            code: Some(info.code.clone()),
            message: info.message.clone(),
        }
    }

    /// The result's `message` column: the code and the message.
    pub fn describe(&self) -> String {
        match (&self.code, &self.message) {
            (Some(code), Some(message)) => format!("{code}: {message}"),
            (Some(code), None) => code.clone(),
            (None, Some(message)) => message.clone(),
            (None, None) => String::new(),
        }
    }
}

/// The results of `ids` from a claim-shaped answer; an id the answer does not name is failed.
pub fn from_claim(ids: &[String], result: &ClaimResult) -> Vec<ItemResult> {
    ids.iter()
        .map(|id| {
            if let Some(info) = result.fail_product_order_infos.iter().find(|f| &f.product_order_id == id) {
                ItemResult::failed(info)
            } else if result.success_product_order_ids.contains(id) {
                ItemResult::ok(id)
            } else {
                missing(id)
            }
        })
        .collect()
}

/// The results of `ids` from a confirm answer; an id the answer does not name is failed.
pub fn from_confirm(ids: &[String], result: &ConfirmResult) -> Vec<ItemResult> {
    ids.iter()
        .map(|id| {
            if let Some(info) = result.fail_product_order_infos.iter().find(|f| &f.product_order_id == id) {
                ItemResult::failed(info)
            } else if result.success_product_order_infos.iter().any(|s| &s.product_order_id == id) {
                ItemResult::ok(id)
            } else {
                missing(id)
            }
        })
        .collect()
}

fn missing(id: &str) -> ItemResult {
    ItemResult {
        product_order_id: id.to_owned(),
        outcome: Outcome::Failed,
        code: None,
        message: Some(
            "the answer names neither success nor failure for it; read it (orders get) before repeating".into(),
        ),
    }
}

/// The results of `ids` whose request failed as a whole: the core's own per-item wording
/// (whether it may have been applied), or `invalid` when the core refused it before sending.
pub fn from_error(ids: &[String], error: &NpayError) -> Vec<ItemResult> {
    if let NpayError::InvalidRequest(problems) = error {
        let message = problems.iter().map(|p| format!("{}: {}", p.name, p.message)).collect::<Vec<_>>().join("; ");
        return ids.iter().map(|id| ItemResult::invalid(id, message.clone())).collect();
    }
    match ClaimResult::all_failed(ids.to_vec(), error) {
        Some(failed) => from_claim(ids, &failed),
        None => ids.iter().map(|id| ItemResult::invalid(id, error.to_string())).collect(),
    }
}

/// The results of `ids` not sent because an earlier request failed.
pub fn not_sent(ids: &[String], error: &NpayError) -> Vec<ItemResult> {
    ids.iter()
        .map(|id| ItemResult {
            product_order_id: id.clone(),
            outcome: Outcome::Failed,
            code: Some("NOT_SENT".to_owned()),
            message: Some(format!("not sent: an earlier request failed ({})", error.type_name())),
        })
        .collect()
}

/// Whether an error is about the one item it was sent for, so that the next items are still worth
/// sending (a refused state, an unknown id); otherwise the next would most likely fail the same way.
pub fn is_item_error(error: &NpayError) -> bool {
    matches!(error, NpayError::BadRequest(_) | NpayError::NotFound(_) | NpayError::InvalidRequest(_))
}

/// Prints the results (a table, or one JSON object per line) and a count; the exit status is
/// success only when every item is `ok`.
pub fn print(results: &[ItemResult], as_json: bool) -> ExitCode {
    if as_json {
        for r in results {
            output::json_line(&json!({
                "productOrderId": r.product_order_id,
                "result": r.outcome.as_str(),
                "code": r.code,
                "message": r.message,
            }));
        }
    } else {
        let mut table = output::table(&["product order", "result", "code", "message"]);
        for r in results {
            table.add_row(vec![
                r.product_order_id.clone(),
                r.outcome.as_str().to_owned(),
                output::opt(r.code.as_deref()),
                output::opt(r.message.as_deref()),
            ]);
        }
        println!("{table}");
        println!("{}", summary(results));
    }
    exit_code(results)
}

/// `3 ok, 1 failed, 1 invalid`.
pub fn summary(results: &[ItemResult]) -> String {
    let count = |o: Outcome| results.iter().filter(|r| r.outcome == o).count();
    format!("{} ok, {} failed, {} invalid", count(Outcome::Ok), count(Outcome::Failed), count(Outcome::Invalid))
}

/// Success only when every item is `ok`.
pub fn exit_code(results: &[ItemResult]) -> ExitCode {
    if results.iter().all(|r| r.outcome == Outcome::Ok) { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

/// The ids in their first order, each once.
pub fn distinct(ids: &[String]) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    ids.iter().map(|id| id.trim().to_owned()).filter(|id| seen.insert(id.clone())).collect()
}
