//! After an ambiguous failure of a mutation — a timeout or reset after the request went out, or
//! a 5xx that may follow processing — the client does not guess: it reads the product orders
//! and reports, item by item, what took effect. What did not is reported as a failure whose
//! message says that repeating it is safe. Which field shows the effect comes from the spec
//! (`x-npay-applied-when`). If the orders cannot be read either, the original error is returned.

use npay_order_api::types::{ClaimResult, ConfirmResult, ConfirmSuccessInfo, FailProductOrderInfo};
use serde_json::Value;

use crate::Client;
use crate::chunk::failure_code;
use crate::error::{NpayError, Result};
use crate::ops::QueryProductOrdersParams;
use crate::response::Response;

/// The field of a product order detail (dotted path) whose values mean "applied".
#[derive(Clone, Copy, Debug)]
pub struct AppliedWhen {
    /// Dotted path, e.g. `productOrder.placeOrderStatus`.
    pub field: &'static str,
    /// Values meaning the mutation took effect.
    pub values: &'static [&'static str],
}

/// A result that can be rebuilt from "these applied, these did not".
pub trait Reconciled: Sized {
    /// The result for `applied` ids and `failed` items.
    fn from_outcome(applied: Vec<String>, failed: Vec<FailProductOrderInfo>) -> Self;
}

impl Reconciled for ClaimResult {
    fn from_outcome(applied: Vec<String>, failed: Vec<FailProductOrderInfo>) -> Self {
        ClaimResult { success_product_order_ids: applied, fail_product_order_infos: failed }
    }
}

impl Reconciled for ConfirmResult {
    fn from_outcome(applied: Vec<String>, failed: Vec<FailProductOrderInfo>) -> Self {
        let success = applied
            .into_iter()
            .map(|product_order_id| ConfirmSuccessInfo { product_order_id, is_receiver_address_changed: None })
            .collect();
        ConfirmResult { success_product_order_infos: success, fail_product_order_infos: failed }
    }
}

fn field<'a>(value: &'a Value, path: &str) -> Option<&'a str> {
    path.split('.').try_fold(value, |v, key| v.get(key))?.as_str()
}

/// Reads `ids` and reports which of them show the effect described by `when`.
pub(crate) async fn settle<D: Reconciled>(
    client: &Client,
    ids: Vec<String>,
    when: &AppliedWhen,
    error: NpayError,
) -> Result<Response<D>> {
    tracing::info!(error = %error, count = ids.len(), "ambiguous outcome: reading the product orders to see what applied");
    let Ok(details) = client.query_product_orders(QueryProductOrdersParams::new(ids.clone())).await else {
        return Err(error);
    };
    let (details, meta) = details.into_parts();
    let code = failure_code(&error);
    let (mut applied, mut failed) = (Vec::new(), Vec::new());
    for id in ids {
        let shown = details
            .iter()
            .find(|d| d.product_order.product_order_id == id)
            .and_then(|d| serde_json::to_value(d).ok())
            .is_some_and(|d| field(&d, when.field).is_some_and(|v| when.values.contains(&v)));
        if shown {
            applied.push(id);
        } else {
            failed.push(FailProductOrderInfo {
                product_order_id: id,
                code: code.clone(),
                message: Some(format!(
                    "not applied (checked by reading the order after: {error}); repeating it is safe"
                )),
            });
        }
    }
    Ok(Response::new(D::from_outcome(applied, failed), meta))
}
