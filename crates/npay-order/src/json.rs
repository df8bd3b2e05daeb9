//! The JSON path of the bindings: parameters in as a JSON object, `data` out as JSON.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{InvalidInput, NpayError, Result};
use crate::response::Response;

/// Reads an operation's parameters from a JSON object with the API's camelCase keys. A missing,
/// unknown or mistyped key is an `InvalidRequest` naming it, raised before anything is sent.
pub fn params<P: DeserializeOwned>(operation_id: &str, params: serde_json::Value) -> Result<P> {
    let params = if params.is_null() { serde_json::Value::Object(Default::default()) } else { params };
    serde_json::from_value(params).map_err(|e| {
        NpayError::InvalidRequest(vec![InvalidInput::new(operation_id, e.to_string())])
    })
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
