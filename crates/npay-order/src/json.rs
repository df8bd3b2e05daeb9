//! The JSON path of the bindings: parameters in as a JSON object, `data` out as JSON.
//!
//! [`call_data`] and [`JsonPager::next_page_data`] are the same calls with the `data` left typed
//! (type-erased, [`Data`]): a binding serialises it once, straight into its own objects, instead
//! of paying for an intermediate `serde_json::Value` tree and then converting that.

use std::future::Future;

pub use npay_order_api::{BodyTap, ByteString};
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

tokio::task_local! {
    static BODY_TAP: BodyTap;
}

/// Runs `call` (one call of a [`Client`]) with `tap` receiving the body of the operation's answer
/// as soon as it has arrived, before the core decodes it; the token request is not tapped. The
/// Node binding parses that body in JavaScript meanwhile (see [`BodyTap`]).
///
/// ```no_run
/// # async fn example(client: npay_order::Client) -> npay_order::Result<()> {
/// use npay_order::json::{BodyTap, call_data, with_body_tap};
/// let (tap, body) = BodyTap::new(64 * 1024);
/// let params = serde_json::json!({"productOrderIds": ["2026112711402490"]});
/// let response = with_body_tap(tap.clone(), call_data(&client, "queryProductOrders", params)).await?;
/// if tap.verbatim() {
///     // The body (from `body`) reads exactly as `response.data()` would be written as JSON.
/// }
/// # drop((body, response));
/// # Ok(())
/// # }
/// ```
pub async fn with_body_tap<F: Future>(tap: BodyTap, call: F) -> F::Output {
    BODY_TAP.scope(tap, call).await
}

/// The tap [`with_body_tap`] set around the current call, for `operation`'s answer. None for an
/// operation whose answer can hold a `format: date` value: chrono reads more forms of a date than
/// it writes, so such a body could read otherwise than its typed value, unseen by the tap.
pub(crate) fn body_tap(operation: &str) -> Option<BodyTap> {
    static WITHOUT_DATES: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    let tap = BODY_TAP.try_with(Clone::clone).ok()?;
    let without_dates = WITHOUT_DATES.get_or_init(|| {
        crate::OPERATIONS
            .iter()
            .map(|info| info.id)
            .filter(|id| npay_order_api::shapes::response_shape(id).is_some_and(|shape| !shape.holds_dates()))
            .collect()
    });
    without_dates.contains(&operation).then_some(tap)
}

/// A call's `data` still typed, behind `erased_serde`: serialise it with any `serde` serializer
/// (`erased_serde::serialize(&*data, serializer)`). It serialises exactly as the `data` of
/// [`Client::call_json`] reads as JSON.
pub type Data = Box<dyn erased_serde::Serialize + Send>;

/// Boxes typed data as [`Data`] (what the generated `Client::call_data` does per operation).
pub fn boxed<T: Serialize + Send + 'static>(data: T) -> Data {
    Box::new(data)
}

/// Erases a response's data for the bindings. An answer read tolerantly is handed over as its
/// repaired JSON, so that fields the spec does not know reach the bindings' objects; any other
/// stays typed.
pub fn erase<T: Serialize + Send + 'static>(mut response: Response<T>) -> Response<Data> {
    match response.tolerant_mut().as_mut().map(|parts| parts.value.take()) {
        Some(value) => response.map(|_| Box::new(value) as Data),
        None => response.map(boxed),
    }
}

/// Said by [`Client::call_data`] before it calls the enveloped operation `operation`: under a
/// body tap ([`with_body_tap`]), its answer's body is to be checked against its shape instead of
/// decoded in full ([`BodyTap::check_against`]), as the tap's binding reads the data from the body
/// itself and needs the core only to say that it may. The tap, for [`erase_checked`].
pub(crate) fn check_instead_of_decoding(operation: &str) -> Option<BodyTap> {
    let shape = npay_order_api::shapes::response_shape(operation)?;
    let tap = body_tap(operation)?;
    tap.check_against(shape);
    Some(tap)
}

/// Erases the data of a response of an enveloped operation ([`erase`]). When its body was checked
/// instead of decoded (`tap` from [`check_instead_of_decoding`]), its typed value is hollow, so the
/// data handed back is the body's `data` member ([`DataOfBody`]), decoded only if a binding
/// serialises it after all (for instance when its own read of the body failed).
///
/// (Two plain calls around the operation's, not a future wrapping it: the wrapper deepened every
/// operation's frame in a debug build, which once overflowed a JVM thread's stack.)
pub(crate) fn erase_checked<T>(tap: Option<BodyTap>, response: Response<T>) -> Response<Data>
where
    T: Serialize + DeserializeOwned + Send + 'static,
{
    match tap.and_then(|tap| tap.checked_body()) {
        Some(body) => response.map(|_| Box::new(DataOfBody::<T>::new(body)) as Data),
        None => erase(response),
    }
}

/// Asks the current call's body tap, if any, to decode every body in full: said by a call about
/// to be sent as several requests, whose typed values are merged (see [`BodyTap::decode_in_full`]).
pub(crate) fn decode_in_full() {
    let _ = BODY_TAP.try_with(BodyTap::decode_in_full);
}

/// The data of an answer whose body conformed to the spec ([`npay_order_api::conform`]): the
/// body's `data` member, which serialises exactly as the typed data `T` it decodes into (the body
/// conformed, so writing that typed data back gives the same JSON). It is decoded only when
/// serialised.
pub(crate) struct DataOfBody<T> {
    body: ByteString,
    data: std::marker::PhantomData<fn() -> T>,
}

impl<T> DataOfBody<T> {
    fn new(body: ByteString) -> Self {
        DataOfBody { body, data: std::marker::PhantomData }
    }
}

impl<T: Serialize + DeserializeOwned> Serialize for DataOfBody<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        #[derive(serde::Deserialize)]
        #[serde(bound = "T: DeserializeOwned")]
        struct Member<T> {
            data: T,
        }
        // A body that conformed decodes: serde's message would not quote its values either way,
        // but none is passed on.
        let member: Member<T> = serde_json::from_str(&self.body)
            .map_err(|_| serde::ser::Error::custom("the answer's body no longer decodes"))?;
        member.data.serialize(serializer)
    }
}

/// The `data` of an operation, typed: [`Client::call_data`] as a free function.
pub async fn call_data(client: &Client, operation_id: &str, params: serde_json::Value) -> Result<Response<Data>> {
    client.call_data(operation_id, params).await
}

/// Turns a typed response into a JSON one (keeping what a tolerant read reported).
pub fn data_to_value(response: Response<Data>) -> Result<Response<serde_json::Value>> {
    let value = erased_serde::serialize(&**response.data(), serde_json::value::Serializer).map_err(|e| {
        NpayError::UnexpectedResponse {
            operation: "serialise",
            status: response.meta().status,
            message: e.to_string(),
            trace_id: response.meta().trace_id.clone(),
        }
    })?;
    Ok(response.map(|_| value))
}

/// The iterators every language offers, by their contract names.
pub const ITERATORS: &[(&str, &str)] =
    &[("iterLastChangedStatuses", "listLastChangedStatuses"), ("iterSearchProductOrders", "searchProductOrders")];

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
            "iterLastChangedStatuses" => {
                Ok(JsonPager::LastChanged(client.last_changed_pager(self::params("listLastChangedStatuses", params)?)))
            }
            "iterSearchProductOrders" => {
                Ok(JsonPager::Search(client.search_pager(self::params("searchProductOrders", params)?)))
            }
            other => Err(NpayError::invalid("iterator", format!("no iterator {other:?}"))),
        }
    }

    /// The next page of items as JSON values; `None` when done.
    pub async fn next_page(&mut self) -> Result<Option<Vec<serde_json::Value>>> {
        fn to_values<T: Serialize>(page: Option<Vec<T>>) -> Result<Option<Vec<serde_json::Value>>> {
            page.map(|items| {
                items
                    .into_iter()
                    .map(|item| {
                        serde_json::to_value(item).map_err(|e| NpayError::UnexpectedResponse {
                            operation: "serialise",
                            status: 200,
                            message: e.to_string(),
                            trace_id: None,
                        })
                    })
                    .collect()
            })
            .transpose()
        }
        // A page read tolerantly hands over its items' JSON, unknown fields kept.
        match self {
            JsonPager::LastChanged(pager) => {
                let page = pager.next_page().await?;
                match pager.take_raw_page() {
                    Some(raw) if page.is_some() => Ok(Some(raw)),
                    _ => to_values(page),
                }
            }
            JsonPager::Search(pager) => {
                let page = pager.next_page().await?;
                match pager.take_raw_page() {
                    Some(raw) if page.is_some() => Ok(Some(raw)),
                    _ => to_values(page),
                }
            }
        }
    }

    /// The next page of items, typed (serialises as a JSON array of the items); `None` when done.
    pub async fn next_page_data(&mut self) -> Result<Option<Data>> {
        /// A page read tolerantly is handed over as its items' JSON (unknown fields kept).
        fn raw_or_typed<T: Serialize + Send + 'static>(
            page: Option<Vec<T>>,
            raw: Option<Vec<serde_json::Value>>,
        ) -> Option<Data> {
            match (page, raw) {
                (Some(_), Some(raw)) => Some(Box::new(raw) as Data),
                (page, _) => page.map(|items| Box::new(items) as Data),
            }
        }
        match self {
            JsonPager::LastChanged(pager) => {
                let page = pager.next_page().await?;
                Ok(raw_or_typed(page, pager.take_raw_page()))
            }
            JsonPager::Search(pager) => {
                let page = pager.next_page().await?;
                Ok(raw_or_typed(page, pager.take_raw_page()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use npay_sandbox::{Sandbox, SandboxConfig};
    use serde_json::{Value, json};

    use super::*;

    async fn sandbox_and_client() -> (Sandbox, Client) {
        let sandbox =
            Sandbox::start(SandboxConfig { seed: Some(7), ..SandboxConfig::default() }).await.expect("sandbox starts");
        let client = Client::builder()
            .client_id(sandbox.client_id())
            .client_secret(sandbox.client_secret())
            .base_url(sandbox.base_url())
            .build()
            .expect("client builds");
        (sandbox, client)
    }

    async fn paid_orders(sandbox: &Sandbox, count: usize) -> Value {
        let created: Value = reqwest::Client::new()
            .post(format!("{}/orders", sandbox.control_url()))
            .json(&json!({"count": count, "status": "PAYED"}))
            .send()
            .await
            .expect("control API")
            .json()
            .await
            .expect("JSON");
        created["productOrderIds"].clone()
    }

    fn as_json(data: &Data) -> Value {
        serde_json::to_value(&**data).expect("typed data serialises")
    }

    #[tokio::test]
    async fn typed_data_serialises_exactly_as_the_json_path_reads() {
        let (sandbox, client) = sandbox_and_client().await;
        let from = chrono::Utc::now() - chrono::Duration::minutes(1);
        // More than 300 ids: chunked, then merged, on both paths.
        let ids = paid_orders(&sandbox, 301).await;
        let calls = [
            ("queryProductOrders", json!({"productOrderIds": ids})),
            (
                "listLastChangedStatuses",
                json!({"lastChangedFrom": crate::Timestamp::from_utc_in_kst(from).to_string(), "limitCount": 5}),
            ),
        ];
        for (operation, params) in calls {
            let typed = call_data(&client, operation, params.clone()).await.expect("call_data");
            let json = client.call_json(operation, params).await.expect("call_json");
            assert_eq!(as_json(typed.data()), *json.data(), "{operation}");
            assert_eq!(typed.meta().status, 200);
            assert!(typed.meta().trace_id.is_some());
        }
    }

    /// `queryProductOrders` of `ids` under a tap that takes any body: the body handed over, the
    /// tap's verdict, and the typed data as JSON.
    async fn tapped_query(client: &Client, ids: &Value) -> (Value, bool, Value) {
        let (tap, handed) = BodyTap::new(0);
        let params = json!({"productOrderIds": ids});
        let response =
            with_body_tap(tap.clone(), call_data(client, "queryProductOrders", params)).await.expect("query succeeds");
        let body: Value = serde_json::from_str(&handed.await.expect("the body was handed over")).expect("JSON body");
        (body, tap.verbatim(), as_json(response.data()))
    }

    #[tokio::test]
    async fn answers_that_can_hold_dates_are_not_tapped() {
        let (tap, _handed) = BodyTap::new(0);
        let seen = with_body_tap(tap, async {
            (
                body_tap("queryProductOrders").is_some(),
                body_tap("listDailySettlements").is_some(),
                body_tap("nope").is_some(),
            )
        })
        .await;
        assert_eq!(seen, (true, false, false));
        assert!(body_tap("queryProductOrders").is_none(), "no tap outside with_body_tap");
    }

    #[tokio::test]
    async fn a_tapped_body_said_verbatim_reads_as_the_typed_data_and_others_are_not_said_so() {
        use npay_sandbox::control_api::{AbsentFields, DeviationConfig};
        let (sandbox, client) = sandbox_and_client().await;
        let ids = paid_orders(&sandbox, 5).await;
        // The first call also issues the token: the body handed over is still the query's.
        let (body, verbatim, typed) = tapped_query(&client, &ids).await;
        assert!(verbatim, "a conforming answer without nulls reads as written");
        assert_eq!(body["data"], typed, "verbatim means the body's data is the typed data");
        assert_eq!(typed.as_array().map(Vec::len), Some(5));
        let untapped = call_data(&client, "queryProductOrders", json!({"productOrderIds": ids})).await.expect("query");
        assert_eq!(as_json(untapped.data()), typed, "the same data with and without a tap");

        let control = sandbox.control();
        control.set_absent_fields(AbsentFields::Null).await.expect("absent fields as null");
        let (body, verbatim, typed) = tapped_query(&client, &ids).await;
        assert!(!verbatim, "explicit nulls are left out of the typed data");
        assert_ne!(body["data"], typed);
        control.set_absent_fields(AbsentFields::Omitted).await.expect("absent fields omitted");

        let deviating = DeviationConfig { rate: 0.2, kinds: Vec::new(), seed: Some(3) };
        control.set_deviations(&deviating).await.expect("deviations on");
        let (body, verbatim, typed) = tapped_query(&client, &ids).await;
        assert!(!verbatim, "a deviating answer is read tolerantly, not verbatim");
        assert_ne!(body["data"], typed);
    }

    #[tokio::test]
    async fn a_conforming_tapped_body_is_checked_not_decoded_and_its_data_is_the_bodys() {
        let (sandbox, client) = sandbox_and_client().await;
        let ids = paid_orders(&sandbox, 5).await;
        let (tap, handed) = BodyTap::new(0);
        let params = json!({"productOrderIds": ids});
        let response =
            with_body_tap(tap.clone(), call_data(&client, "queryProductOrders", params)).await.expect("query");
        let body = handed.await.expect("handed over");
        assert_eq!(tap.checked_body().as_deref(), Some(&*body), "checked against the shape instead of decoded");
        let body: Value = serde_json::from_str(&body).expect("JSON");
        assert_eq!(as_json(response.data()), body["data"], "the data is the body's, all 5 orders");
        assert!(response.meta().trace_id.is_some() && response.meta().timestamp.is_some(), "the envelope is kept");

        // Around a typed method, outside `call_data`, nothing may come back hollow: no check.
        let (tap, _handed) = BodyTap::new(0);
        let ids: Vec<String> = serde_json::from_value(ids).expect("ids");
        let params = crate::ops::QueryProductOrdersParams::new(ids);
        let typed = with_body_tap(tap.clone(), client.query_product_orders(params)).await.expect("query");
        assert_eq!(typed.data().len(), 5);
        assert!(tap.checked_body().is_none());
    }

    #[tokio::test]
    async fn a_tapped_call_sent_in_chunks_is_decoded_in_full_and_keeps_every_item() {
        let (sandbox, client) = sandbox_and_client().await;
        let ids = paid_orders(&sandbox, 301).await;
        let (tap, _handed) = BodyTap::new(0);
        let params = json!({"productOrderIds": ids});
        let response =
            with_body_tap(tap.clone(), call_data(&client, "queryProductOrders", params)).await.expect("query");
        assert_eq!(as_json(response.data()).as_array().map(Vec::len), Some(301), "no chunk is hollow");
        assert!(tap.checked_body().is_none() && !tap.verbatim(), "two bodies: neither stands for the data");
    }

    #[tokio::test]
    async fn call_data_fails_as_call_json_does() {
        let (_sandbox, client) = sandbox_and_client().await;
        let error =
            call_data(&client, "confirmProductOrders", json!({"productOrderIds": []})).await.err().expect("refused");
        assert_eq!(error.type_name(), "InvalidRequestError");
        let error = call_data(&client, "noSuchOperation", json!({})).await.err().expect("refused");
        assert_eq!(error.type_name(), "InvalidRequestError");
    }

    #[tokio::test]
    async fn typed_pages_hold_the_same_items_as_json_pages() {
        let (sandbox, client) = sandbox_and_client().await;
        let from = crate::Timestamp::from_utc_in_kst(chrono::Utc::now() - chrono::Duration::minutes(1)).to_string();
        paid_orders(&sandbox, 7).await;
        let params = json!({"lastChangedFrom": from, "limitCount": 3});
        let mut typed = JsonPager::new(&client, "iterLastChangedStatuses", params.clone()).expect("pager");
        let mut plain = JsonPager::new(&client, "iterLastChangedStatuses", params).expect("pager");
        let mut items = 0;
        while let Some(page) = typed.next_page_data().await.expect("typed page") {
            let expected = plain.next_page().await.expect("page").expect("as many pages");
            assert_eq!(as_json(&page), Value::Array(expected));
            items += as_json(&page).as_array().map_or(0, Vec::len);
        }
        assert!(plain.next_page().await.expect("page").is_none());
        assert_eq!(items, 7);
    }
}
