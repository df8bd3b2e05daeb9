//! Lists longer than the API takes in one request (300 ids to query, 30 to confirm or dispatch)
//! are sent as several requests, one after another, and their results merged into one.
//!
//! If a later request fails, what earlier requests did is not lost: for confirm and dispatch the
//! items of the failed request and of those not sent are reported in `failProductOrderInfos`
//! with the error's code (`CONNECTION` / `TIMEOUT` when there was no answer, and a message saying
//! whether the request may have been applied). If the first request fails, or the operation only
//! reads, the error is returned as it is.

use std::future::Future;

use npay_order_api::types::{
    ClaimResult, ConfirmResult, DispatchProductOrder, FailProductOrderInfo, ProductOrderDetail,
};

use serde::Serialize;

use crate::error::{NpayError, Result};
use crate::response::{Response, TolerantParts};

/// An item of a list that may be split: it names its product order.
pub trait ChunkItem: Clone {
    /// The product order this item is about.
    fn product_order_id(&self) -> &str;
}

impl ChunkItem for String {
    fn product_order_id(&self) -> &str {
        self
    }
}

impl ChunkItem for DispatchProductOrder {
    fn product_order_id(&self) -> &str {
        &self.product_order_id
    }
}

/// A result that several requests' results can be merged into.
pub trait Merge: Sized {
    /// Appends `other`'s items.
    fn merge(&mut self, other: Self);
    /// The result saying every one of `ids` failed with `error`, if this result can say so.
    fn all_failed(ids: Vec<String>, error: &NpayError) -> Option<Self>;
}

/// The product order ids of a list of items.
pub(crate) fn ids_of<I: ChunkItem>(items: &[I]) -> Vec<String> {
    items.iter().map(|i| i.product_order_id().to_owned()).collect()
}

/// The `code` of a per-item failure that stands for a whole request's error.
pub(crate) fn failure_code(error: &NpayError) -> String {
    match error {
        NpayError::Connection(_) => "CONNECTION".to_owned(),
        NpayError::Timeout(_) => "TIMEOUT".to_owned(),
        other => other.code().unwrap_or("ERROR").to_owned(),
    }
}

fn failures(ids: Vec<String>, error: &NpayError) -> Vec<FailProductOrderInfo> {
    let code = failure_code(error);
    let message = if error.may_have_been_applied() {
        format!("outcome unknown — may have been applied; read the product order before repeating: {error}")
    } else {
        format!("not applied: {error}")
    };
    ids.into_iter()
        .map(|product_order_id| FailProductOrderInfo {
            product_order_id,
            code: code.clone(),
            message: Some(message.clone()),
        })
        .collect()
}

impl Merge for ClaimResult {
    fn merge(&mut self, other: Self) {
        self.success_product_order_ids.extend(other.success_product_order_ids);
        self.fail_product_order_infos.extend(other.fail_product_order_infos);
    }

    fn all_failed(ids: Vec<String>, error: &NpayError) -> Option<Self> {
        Some(ClaimResult { success_product_order_ids: Vec::new(), fail_product_order_infos: failures(ids, error) })
    }
}

impl Merge for ConfirmResult {
    fn merge(&mut self, other: Self) {
        self.success_product_order_infos.extend(other.success_product_order_infos);
        self.fail_product_order_infos.extend(other.fail_product_order_infos);
    }

    fn all_failed(ids: Vec<String>, error: &NpayError) -> Option<Self> {
        Some(ConfirmResult { success_product_order_infos: Vec::new(), fail_product_order_infos: failures(ids, error) })
    }
}

impl Merge for Vec<ProductOrderDetail> {
    fn merge(&mut self, other: Self) {
        self.extend(other);
    }

    fn all_failed(_: Vec<String>, _: &NpayError) -> Option<Self> {
        None
    }
}

/// Merges `other` into `merged`: the typed data, and the raw JSON of answers read tolerantly
/// (where one side was not, its typed data stands for its JSON).
fn absorb<D: Merge + Serialize>(merged: &mut Response<D>, mut other: Response<D>) {
    let other_parts = other.tolerant_mut().take();
    let other_data = other.into_data();
    if merged.tolerant().is_some() || other_parts.is_some() {
        let typed = |data: &D| {
            let value = serde_json::to_value(data).unwrap_or_default();
            Box::new(TolerantParts { value: value.clone(), original: value, deviations: Vec::new() })
        };
        if merged.tolerant().is_none() {
            let parts = typed(merged.data());
            *merged.tolerant_mut() = Some(parts);
        }
        let other_parts = other_parts.unwrap_or_else(|| typed(&other_data));
        if let Some(parts) = merged.tolerant_mut() {
            concat(&mut parts.value, other_parts.value);
            concat(&mut parts.original, other_parts.original);
            parts.deviations.extend(other_parts.deviations);
        }
    }
    merged.data_mut().merge(other_data);
}

/// Appends the JSON of one chunk's result to another's, as [`Merge`] does for the typed data:
/// lists are concatenated, at the top or one level down (`successProductOrderIds`).
fn concat(into: &mut serde_json::Value, from: serde_json::Value) {
    use serde_json::Value;
    match (into, from) {
        (Value::Array(into), Value::Array(from)) => into.extend(from),
        (Value::Object(into), Value::Object(from)) => {
            for (key, value) in from {
                match (into.get_mut(&key), value) {
                    (Some(Value::Array(list)), Value::Array(more)) => list.extend(more),
                    (Some(_), _) => {}
                    (None, value) => {
                        into.insert(key, value);
                    }
                }
            }
        }
        _ => {}
    }
}

/// Calls `call` once per chunk of `size` items of the list `list` selects, merging the results.
pub(crate) async fn in_chunks<P, I, D, Fut>(
    mut params: P,
    size: usize,
    list: impl Fn(&mut P) -> &mut Vec<I>,
    call: impl Fn(P) -> Fut,
) -> Result<Response<D>>
where
    P: Clone,
    I: ChunkItem,
    D: Merge + Serialize,
    Fut: Future<Output = Result<Response<D>>>,
{
    if list(&mut params).len() <= size {
        return call(params).await;
    }
    // The requests' typed values are merged: none may be a hollow one (see `json::erase_checked`).
    crate::json::decode_in_full();
    let items = std::mem::take(list(&mut params));
    let mut merged: Option<Response<D>> = None;
    for (index, chunk) in items.chunks(size).enumerate() {
        let mut chunk_params = params.clone();
        *list(&mut chunk_params) = chunk.to_vec();
        match call(chunk_params).await {
            Ok(response) => match &mut merged {
                None => merged = Some(response),
                Some(merged) => absorb(merged, response),
            },
            Err(error) => {
                let Some(mut merged) = merged else { return Err(error) };
                let unsent = ids_of(&items[index * size..]);
                let Some(failed) = D::all_failed(unsent, &error) else { return Err(error) };
                absorb(&mut merged, Response::new(failed, Default::default()));
                return Ok(merged);
            }
        }
    }
    Ok(merged.expect("a list longer than one chunk has at least one chunk"))
}
