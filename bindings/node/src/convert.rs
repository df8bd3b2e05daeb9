//! Results into JavaScript: the envelope's `data` (plain objects with the API's camelCase keys;
//! unknown enum values stay strings) and the raw-response view.
//!
//! Data crosses as JSON *text*: it is serialised on the runtime thread and parsed on the
//! JavaScript thread by `JSON.parse` (in `lib/`). Measured against building the objects through
//! napi's serde support (one napi call per property), text costs the JavaScript thread the same on
//! a small answer and about a quarter less on a large one (300 product orders, 760 kB: ≈ 12–18 ms
//! against 16–24 ms per call), and the serialising moves off the event loop.

use napi::bindgen_prelude::{Object, Unknown};
use napi::{Env, JsValue};
use npay_order::ResponseMeta;
use serde::Serialize;

use crate::error::ErrorParts;

/// JSON text of a value (runs on the runtime, not on the JavaScript thread).
pub fn to_text<T: Serialize + ?Sized>(value: &T) -> Result<String, ErrorParts> {
    serde_json::to_string(value)
        .map_err(|e| ErrorParts::plain("NpayError", format!("cannot serialise the response: {e}")))
}

/// A JSON text as a JavaScript string.
pub fn text_to_js(env: &Env, text: String) -> napi::Result<Unknown<'_>> {
    Ok(env.create_string(&text)?.to_unknown())
}

/// `{ data, status, headers, traceId, timestamp }` of a response, `data` as JSON text (`null`
/// when JavaScript's own parse of the body stands). Header names
/// are lower case; a repeated header's values are joined with `", "`; values that are not text are
/// left out.
pub fn raw_to_js(env: &Env, data: Option<String>, meta: ResponseMeta) -> napi::Result<Unknown<'_>> {
    let mut raw = Object::new(env)?;
    raw.set("data", data)?;
    raw.set("status", u32::from(meta.status))?;
    let mut headers = Object::new(env)?;
    for name in meta.headers.keys() {
        let values: Vec<&str> = meta.headers.get_all(name).iter().filter_map(|v| v.to_str().ok()).collect();
        if !values.is_empty() {
            headers.set(name.as_str(), values.join(", "))?;
        }
    }
    raw.set("headers", headers)?;
    raw.set("traceId", meta.trace_id)?;
    raw.set("timestamp", meta.timestamp)?;
    Ok(raw.to_unknown())
}
