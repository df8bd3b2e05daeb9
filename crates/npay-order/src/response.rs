//! What a call returns: the envelope's `data`, plus the raw response's status, headers and trace id.

use std::ops::Deref;

use reqwest::header::HeaderMap;

use crate::drift::Deviation;

/// The response header carrying the gateway's trace id.
pub const TRACE_ID_HEADER: &str = "GNCP-GW-Trace-ID";

/// The raw side of a response: what Naver support and rate-limit handling need.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct ResponseMeta {
    /// HTTP status.
    pub status: u16,
    /// Response headers (they hold no secrets).
    pub headers: HeaderMap,
    /// The envelope's `traceId`, or the `GNCP-GW-Trace-ID` header.
    pub trace_id: Option<String>,
    /// The envelope's `timestamp` (ISO-8601 with `+09:00`).
    pub timestamp: Option<String>,
}

impl ResponseMeta {
    pub(crate) fn new(status: u16, headers: HeaderMap) -> Self {
        let trace_id = headers.get(TRACE_ID_HEADER).and_then(|v| v.to_str().ok()).map(str::to_owned);
        ResponseMeta { status, headers, trace_id, timestamp: None }
    }
}

/// A successful call's `data`, with the raw response beside it. Derefs to the data.
///
/// ```no_run
/// # async fn demo(client: npay_order::Client, id: String) -> npay_order::Result<()> {
/// use npay_order::ops::ListProductOrderIdsParams;
/// let ids = client.list_product_order_ids(ListProductOrderIdsParams::new(id)).await?;
/// println!("{} product orders, trace id {:?}", ids.len(), ids.meta().trace_id);
/// let ids: Vec<String> = ids.into_data();
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Response<T> {
    data: T,
    meta: ResponseMeta,
    /// Set when the answer deviated from the spec and was read tolerantly.
    tolerant: Option<Box<TolerantParts>>,
}

/// What a tolerant read keeps beside the typed data, at the level of the data.
#[derive(Clone, Debug)]
pub(crate) struct TolerantParts {
    /// The data repaired: coercions applied, emptied values left out, unknown fields kept.
    pub(crate) value: serde_json::Value,
    /// The data as sent.
    pub(crate) original: serde_json::Value,
    pub(crate) deviations: Vec<Deviation>,
}

impl TolerantParts {
    /// Projects the parts of a whole body onto its `data`.
    fn data(self) -> Self {
        let take =
            |mut value: serde_json::Value| value.get_mut("data").map(serde_json::Value::take).unwrap_or_default();
        TolerantParts { value: take(self.value), original: take(self.original), deviations: self.deviations }
    }
}

impl<T> Response<T> {
    pub(crate) fn new(data: T, meta: ResponseMeta) -> Self {
        Response { data, meta, tolerant: None }
    }

    pub(crate) fn with_tolerant(mut self, parts: TolerantParts) -> Self {
        self.tolerant = Some(Box::new(parts));
        self
    }

    pub(crate) fn tolerant(&self) -> Option<&TolerantParts> {
        self.tolerant.as_deref()
    }

    pub(crate) fn tolerant_mut(&mut self) -> &mut Option<Box<TolerantParts>> {
        &mut self.tolerant
    }

    /// The data exactly as the server sent it, when it deviated from the spec; `None` when the
    /// answer matched the spec exactly (then the typed data holds all of it). Fields the spec does
    /// not know, and values that could not be coerced, are read here.
    ///
    /// ```no_run
    /// # async fn demo(client: npay_order::Client, ids: Vec<String>) -> npay_order::Result<()> {
    /// use npay_order::ops::QueryProductOrdersParams;
    /// let orders = client.query_product_orders(QueryProductOrdersParams::new(ids)).await?;
    /// if let Some(raw) = orders.raw_json() {
    ///     // A field Naver added after our spec was written:
    ///     let added = raw.pointer("/0/productOrder/someNewField");
    ///     # let _ = added;
    /// }
    /// # Ok(()) }
    /// ```
    pub fn raw_json(&self) -> Option<&serde_json::Value> {
        self.tolerant.as_ref().map(|t| &t.original)
    }

    /// How this answer deviated from the spec (empty when it matched exactly). The client's
    /// [`crate::Client::drift_report`] counts these over all calls.
    pub fn deviations(&self) -> &[Deviation] {
        self.tolerant.as_ref().map_or(&[], |t| &t.deviations)
    }

    /// The data.
    pub fn data(&self) -> &T {
        &self.data
    }

    pub(crate) fn data_mut(&mut self) -> &mut T {
        &mut self.data
    }

    /// The data, without the raw response.
    pub fn into_data(self) -> T {
        self.data
    }

    /// Status, headers, trace id and timestamp of the response.
    pub fn meta(&self) -> &ResponseMeta {
        &self.meta
    }

    /// Data and raw response apart.
    pub fn into_parts(self) -> (T, ResponseMeta) {
        (self.data, self.meta)
    }

    /// Transforms the data, keeping the raw response.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response { data: f(self.data), meta: self.meta, tolerant: self.tolerant }
    }

    /// Unpacks an envelope into its data, taking its trace id and timestamp into the meta.
    pub(crate) fn map_envelope<U>(self, f: impl FnOnce(T) -> (U, String, npay_order_api::Timestamp)) -> Response<U> {
        let (data, trace_id, timestamp) = f(self.data);
        let mut meta = self.meta;
        meta.trace_id = Some(trace_id);
        meta.timestamp = Some(timestamp.to_string());
        Response { data, meta, tolerant: self.tolerant.map(|t| Box::new(t.data())) }
    }
}

impl<T> Deref for Response<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.data
    }
}
