//! The JSON path of the bindings: parameters in as a JSON object, `data` out as JSON.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::Client;
use crate::error::{InvalidInput, NpayError, Result};
use crate::paging::{LastChangedPager, SearchPager};
use crate::response::Response;

/// Reads an operation's parameters from a JSON object with the API's camelCase keys. A missing,
/// unknown or mistyped key — at the top or inside a nested item such as a dispatch entry — is an
/// `InvalidRequest` naming it, raised before anything is sent: a misspelt optional key must not
/// silently drop the value it carried.
pub fn params<P: DeserializeOwned>(operation_id: &str, params: serde_json::Value) -> Result<P> {
    let params = if params.is_null() { serde_json::Value::Object(Default::default()) } else { params };
    let mut unknown = Vec::new();
    let mut record = |path: serde_ignored::Path<'_>| unknown.push(path.to_string());
    let ignoring = serde_ignored::Deserializer::new(params, &mut record);
    let parsed: P = serde_path_to_error::deserialize(ignoring).map_err(|e| {
        // Name the offending key (`dispatchProductOrders[0].dispatchDate`), not just the operation.
        let path = e.path().to_string();
        let name = if path == "." { operation_id.to_owned() } else { path };
        NpayError::InvalidRequest(vec![InvalidInput::new(name, e.into_inner().to_string())])
    })?;
    if unknown.is_empty() {
        Ok(parsed)
    } else {
        Err(NpayError::InvalidRequest(
            unknown.into_iter().map(|path| InvalidInput::new(path, "unknown parameter (is it misspelt?)")).collect(),
        ))
    }
}

/// Turns a typed response into a JSON one.
pub fn data_to_value<T: Serialize>(response: Response<T>) -> Result<Response<serde_json::Value>> {
    let (data, meta) = response.into_parts();
    let value = serde_json::to_value(data).map_err(|e| NpayError::UnexpectedResponse {
        operation: "serialise",
        status: meta.status,
        message: e.to_string(),
        trace_id: meta.trace_id.clone(),
    })?;
    Ok(Response::new(value, meta))
}

/// The iterators every language offers, by their contract names.
pub const ITERATORS: &[(&str, &str)] = &[
    ("iterLastChangedStatuses", "listLastChangedStatuses"),
    ("iterSearchProductOrders", "searchProductOrders"),
];

/// A pager whose pages are JSON: what the bindings' iterators drive.
pub enum JsonPager {
    /// Over `listLastChangedStatuses`.
    LastChanged(LastChangedPager),
    /// Over `searchProductOrders`.
    Search(SearchPager),
}

impl JsonPager {
    /// The pager of the iterator `name` (`iterLastChangedStatuses`, `iterSearchProductOrders`)
    /// with the parameters of its operation as JSON.
    pub fn new(client: &Client, name: &str, params: serde_json::Value) -> Result<Self> {
        match name {
            "iterLastChangedStatuses" => Ok(JsonPager::LastChanged(client.last_changed_pager(self::params("listLastChangedStatuses", params)?))),
            "iterSearchProductOrders" => Ok(JsonPager::Search(client.search_pager(self::params("searchProductOrders", params)?))),
            other => Err(NpayError::invalid("iterator", format!("no iterator {other:?}"))),
        }
    }

    /// The next page of items as JSON values; `None` when done.
    pub async fn next_page(&mut self) -> Result<Option<Vec<serde_json::Value>>> {
        fn to_values<T: Serialize>(page: Option<Vec<T>>) -> Result<Option<Vec<serde_json::Value>>> {
            page.map(|items| {
                items.into_iter().map(|item| serde_json::to_value(item).map_err(|e| NpayError::UnexpectedResponse {
                    operation: "serialise",
                    status: 200,
                    message: e.to_string(),
                    trace_id: None,
                })).collect()
            }).transpose()
        }
        match self {
            JsonPager::LastChanged(pager) => to_values(pager.next_page().await?),
            JsonPager::Search(pager) => to_values(pager.next_page().await?),
        }
    }
}
