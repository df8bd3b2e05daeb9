//! [`ControlClient`]: the typed client of the control API, over HTTP.

use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::wire::{
    AbsentFields, AbsentFieldsConfig, AdvanceClock, App, Apps, Clock, CreateOrders, CreatedOrders, DeviationConfig,
    EventDetails, EventOutcome, Faults, Info, NewApps, Stats, TrafficConfig, TrafficState, VisibilityConfig,
};

/// Why a control call failed.
#[derive(Debug, thiserror::Error)]
pub enum ControlError {
    /// The sandbox URL is not an absolute `http(s)` URL.
    #[error("not an http(s) base URL: {0:?}")]
    InvalidUrl(String),
    /// No answer: nothing listens there, or the connection failed.
    #[error("no answer from the sandbox's control API at {url}")]
    Unreachable {
        /// The control URL called.
        url: String,
        /// What the HTTP client saw.
        #[source]
        source: reqwest::Error,
    },
    /// The sandbox answered with an error status (its body is Naver's error shape).
    #[error("control {method} {path} answered {status} {code}: {message}")]
    Refused {
        /// The HTTP method.
        method: String,
        /// The path below `_sandbox/`.
        path: String,
        /// The HTTP status.
        status: u16,
        /// The body's `code` (empty if it had none).
        code: String,
        /// The body's `message`, or the body itself.
        message: String,
    },
    /// The answer is not what this operation answers: another server, or another version.
    #[error("control {method} {path} answered something other than what it answers")]
    Unexpected {
        /// The HTTP method.
        method: String,
        /// The path below `_sandbox/`.
        path: String,
        /// Why it did not decode.
        #[source]
        source: serde_json::Error,
    },
}

/// An error and its causes, `a: b: c` (reqwest's own text leaves out why a request failed; the
/// bindings show the whole chain).
///
/// ```
/// let error = npay_sandbox_control::ControlClient::new("not a url").unwrap_err();
/// assert_eq!(npay_sandbox_control::error_chain(&error), r#"not an http(s) base URL: "not a url""#);
/// ```
pub fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(e) = cause {
        text.push_str(": ");
        text.push_str(&e.to_string());
        cause = e.source();
    }
    text
}

impl ControlError {
    /// The error `code` of a [`ControlError::Refused`] (e.g. `SANDBOX.UNKNOWN_EVENT`).
    pub fn code(&self) -> Option<&str> {
        match self {
            ControlError::Refused { code, .. } => Some(code),
            _ => None,
        }
    }

    /// The HTTP status of a [`ControlError::Refused`].
    pub fn status(&self) -> Option<u16> {
        match self {
            ControlError::Refused { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// The control API of one running sandbox (`<base URL>/_sandbox/…`), or of one of its
/// applications ([`ControlClient::app`]). Cheap to clone.
///
/// ```no_run
/// use npay_sandbox_control::{ControlClient, CreateOrders, Faults};
/// # async fn run() -> Result<(), npay_sandbox_control::ControlError> {
/// let control = ControlClient::new("http://127.0.0.1:41234/npay/partner")?;
/// let created = control.create_orders(&CreateOrders { count: 3, ..CreateOrders::default() }).await?;
/// control.event(&created.product_order_ids[0], "request-cancel").await?;
/// control.set_faults(&Faults { server_error_rate: 0.2, ..Faults::default() }).await?;
/// assert_eq!(control.stats().await?.requests_of("confirmProductOrders"), 0);
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct ControlClient {
    /// `<base URL>/_sandbox` (or `…/_sandbox/apps/<clientId>`), without a trailing `/`.
    url: String,
    http: reqwest::Client,
}

impl ControlClient {
    /// A client for the sandbox whose base URL is `base_url` (as it prints it on start:
    /// `http://HOST:PORT/npay/partner`). Nothing is sent yet.
    pub fn new(base_url: &str) -> Result<ControlClient, ControlError> {
        // No proxy: the control API is never meant to go through one (prism, say, is for the API).
        let http = reqwest::Client::builder()
            .no_proxy()
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .map_err(|source| ControlError::Unreachable { url: base_url.to_owned(), source })?;
        ControlClient::with_http(base_url, http)
    }

    /// As [`ControlClient::new`], with an HTTP client of the caller's.
    pub fn with_http(base_url: &str, http: reqwest::Client) -> Result<ControlClient, ControlError> {
        let base = base_url.trim_end_matches('/');
        match reqwest::Url::parse(base) {
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.has_host() => {}
            _ => return Err(ControlError::InvalidUrl(base_url.to_owned())),
        }
        Ok(ControlClient { url: format!("{base}/_sandbox"), http })
    }

    /// The control API's URL (`<base URL>/_sandbox`).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The control API of the application `client_id` (made by [`ControlClient::add_apps`]):
    /// its own orders, clock, faults and stats.
    pub fn app(&self, client_id: &str) -> ControlClient {
        ControlClient { url: format!("{}/apps/{client_id}", self.url), http: self.http.clone() }
    }

    /// Any control call: `method` and `path` below `_sandbox/`, an optional JSON body; the JSON
    /// answer (`null` for an empty one).
    pub async fn call(&self, method: Method, path: &str, body: Option<&Value>) -> Result<Value, ControlError> {
        self.send(method, path, body).await
    }

    async fn send<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<T, ControlError> {
        let url = format!("{}/{}", self.url, path.trim_start_matches('/'));
        let mut request = self.http.request(method.clone(), &url);
        if let Some(body) = body {
            request = request.json(body);
        }
        let unreachable = |source| ControlError::Unreachable { url: url.clone(), source };
        let response = request.send().await.map_err(unreachable)?;
        let status = response.status();
        let text = response.text().await.map_err(unreachable)?;
        if !status.is_success() {
            let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            let field = |name: &str| body.get(name).and_then(Value::as_str).map(str::to_owned);
            return Err(ControlError::Refused {
                method: method.to_string(),
                path: path.to_owned(),
                status: status.as_u16(),
                code: field("code").unwrap_or_default(),
                message: field("message").unwrap_or(text),
            });
        }
        let text = if text.trim().is_empty() { "null" } else { text.as_str() };
        serde_json::from_str(text).map_err(|source| ControlError::Unexpected {
            method: method.to_string(),
            path: path.to_owned(),
            source,
        })
    }

    async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ControlError> {
        self.send::<Value, T>(Method::GET, path, None).await
    }

    /// `GET info`: the first application's id, the seed, the time and the events.
    pub async fn info(&self) -> Result<Info, ControlError> {
        self.get("info").await
    }

    /// `POST reset`: back to the seeded initial state (no orders, tokens, faults or statistics).
    pub async fn reset(&self) -> Result<(), ControlError> {
        self.send::<Value, Value>(Method::POST, "reset", None).await.map(drop)
    }

    /// `POST orders`: new orders, as if buyers had placed them.
    pub async fn create_orders(&self, request: &CreateOrders) -> Result<CreatedOrders, ControlError> {
        self.send(Method::POST, "orders", Some(request)).await
    }

    /// `count` paid orders of one product each; their product order ids.
    pub async fn paid_orders(&self, count: u32) -> Result<Vec<String>, ControlError> {
        let created = self.create_orders(&CreateOrders { count, ..CreateOrders::default() }).await?;
        Ok(created.product_order_ids)
    }

    /// Applies `event` (one of [`crate::EVENTS`]) to a product order: what a buyer, courier or
    /// time does. A refused event is a [`ControlError::Refused`] (404 for an unknown one, 409 for
    /// one its state does not allow).
    pub async fn event(&self, product_order_id: &str, event: &str) -> Result<EventOutcome, ControlError> {
        self.event_with(product_order_id, event, &EventDetails::default()).await
    }

    /// As [`ControlClient::event`], with the buyer's reason.
    pub async fn event_with(
        &self,
        product_order_id: &str,
        event: &str,
        details: &EventDetails,
    ) -> Result<EventOutcome, ControlError> {
        let path = format!("product-orders/{}/events/{}", segment(product_order_id), segment(event));
        self.send(Method::POST, &path, Some(details)).await
    }

    /// `GET clock`.
    pub async fn clock(&self) -> Result<Clock, ControlError> {
        self.get("clock").await
    }

    /// `POST clock`: moves the clock forward (token expiry and the dates of data follow it;
    /// signatures are still checked against real time).
    pub async fn advance_clock(&self, seconds: f64) -> Result<Clock, ControlError> {
        self.send(Method::POST, "clock", Some(&AdvanceClock { advance_seconds: seconds })).await
    }

    /// `GET faults`.
    pub async fn faults(&self) -> Result<Faults, ControlError> {
        self.get("faults").await
    }

    /// `PUT faults`; [`Faults::default`] turns them off. The setting as the sandbox took it.
    pub async fn set_faults(&self, faults: &Faults) -> Result<Faults, ControlError> {
        self.send(Method::PUT, "faults", Some(faults)).await
    }

    /// `GET deviations`.
    pub async fn deviations(&self) -> Result<DeviationConfig, ControlError> {
        self.get("deviations").await
    }

    /// `PUT deviations`: answers that differ from the spec as a real API's may.
    pub async fn set_deviations(&self, config: &DeviationConfig) -> Result<DeviationConfig, ControlError> {
        self.send(Method::PUT, "deviations", Some(config)).await
    }

    /// `GET absent-fields`.
    pub async fn absent_fields(&self) -> Result<AbsentFields, ControlError> {
        self.get::<AbsentFieldsConfig>("absent-fields").await.map(|c| c.mode)
    }

    /// `PUT absent-fields`: absent optional fields left out, or sent as `null`.
    pub async fn set_absent_fields(&self, mode: AbsentFields) -> Result<AbsentFields, ControlError> {
        let config = AbsentFieldsConfig { mode };
        self.send::<_, AbsentFieldsConfig>(Method::PUT, "absent-fields", Some(&config)).await.map(|c| c.mode)
    }

    /// `GET stats`.
    pub async fn stats(&self) -> Result<Stats, ControlError> {
        self.get("stats").await
    }

    /// `GET traffic`.
    pub async fn traffic(&self) -> Result<TrafficState, ControlError> {
        self.get("traffic").await
    }

    /// `PUT traffic`: the traffic generator (orders paid, claims requested, deliveries done, …).
    pub async fn set_traffic(&self, config: &TrafficConfig) -> Result<TrafficState, ControlError> {
        self.send(Method::PUT, "traffic", Some(config)).await
    }

    /// `GET visibility`.
    pub async fn visibility(&self) -> Result<VisibilityConfig, ControlError> {
        self.get("visibility").await
    }

    /// `PUT visibility`: a share of changes become listable late.
    pub async fn set_visibility(&self, config: &VisibilityConfig) -> Result<VisibilityConfig, ControlError> {
        self.send(Method::PUT, "visibility", Some(config)).await
    }

    /// `GET changes`: the change log, as the sandbox recorded it (for counting against).
    pub async fn changes(&self) -> Result<Value, ControlError> {
        self.get("changes").await
    }

    /// `GET apps`: every application (the first one included).
    pub async fn apps(&self) -> Result<Vec<App>, ControlError> {
        self.get::<Apps>("apps").await.map(|a| a.apps)
    }

    /// `POST apps`: more applications, each with its own orders, clock, tokens and stats.
    pub async fn add_apps(&self, request: &NewApps) -> Result<Vec<App>, ControlError> {
        self.send::<_, Apps>(Method::POST, "apps", Some(request)).await.map(|a| a.apps)
    }
}

/// `text` as one path segment (ids and event names are plain, but a caller's typo must not
/// reach another control path).
fn segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_that_is_not_http_is_refused_before_any_call() {
        for bad in ["", "localhost:8080", "ftp://host/x", "http://"] {
            assert!(matches!(ControlClient::new(bad), Err(ControlError::InvalidUrl(_))), "{bad}");
        }
    }

    #[test]
    fn the_control_url_is_below_the_base_url() {
        let control = ControlClient::new("http://127.0.0.1:9/npay/partner/").unwrap();
        assert_eq!(control.url(), "http://127.0.0.1:9/npay/partner/_sandbox");
        assert_eq!(control.app("app-1").url(), "http://127.0.0.1:9/npay/partner/_sandbox/apps/app-1");
    }

    #[test]
    fn a_path_segment_cannot_climb_to_another_control_path() {
        assert_eq!(segment("2026112514566031"), "2026112514566031");
        assert_eq!(segment("../reset"), "..%2Freset");
        assert_eq!(segment("a b?c"), "a%20b%3Fc");
    }

    #[tokio::test]
    async fn nothing_listening_is_unreachable_not_a_panic() {
        // Port 9 (discard) on loopback: nothing listens there in a test environment.
        let control = ControlClient::new("http://127.0.0.1:9/npay/partner").unwrap();
        let error = control.stats().await.unwrap_err();
        assert!(matches!(error, ControlError::Unreachable { .. }), "{error:?}");
        assert!(std::error::Error::source(&error).is_some(), "the cause is kept");
    }
}
