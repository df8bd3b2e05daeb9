//! The client: configuration, the shared token cache, and the executor every operation runs
//! through — the token, then the [transport](crate::transport) (per-call settings, error mapping,
//! retries), and one token re-issue on a refused token.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use npay_order_api as api;
use npay_order_api::types::ErrorResponse;
use serde::de::DeserializeOwned;

use crate::config::{ClientBuilder, Config, user_agent};
use crate::drift::DriftReport;
use crate::error::{NpayError, Result};
use crate::response::Response;
use crate::retry::Effect;
use crate::token::TokenManager;
use crate::transport::{CallOptions, Transport};

pub(crate) struct Inner {
    pub(crate) config: Config,
    transport: Arc<Transport>,
    tokens: TokenManager,
}

/// A client of the Naver Pay order API. Cheap to clone; clones share the connection pool and
/// the token.
///
/// Every operation of the spec is a method taking its `…Params` (see [`crate::ops`]) and
/// returning the envelope's `data` in a [`Response`].
///
/// ```no_run
/// # async fn demo() -> npay_order::Result<()> {
/// use npay_order::{Client, Timestamp};
/// use npay_order::ops::ListLastChangedStatusesParams;
///
/// let client = Client::builder().client_id("my-app-id").client_secret("$2a$04$abcdefghijklmnopqrstuu").build()?;
/// let since: Timestamp = "2026-11-27T09:00:00.000+09:00".parse().unwrap();
/// let changes = client.list_last_changed_statuses(ListLastChangedStatusesParams::new(since)).await?;
/// for change in &changes.last_change_statuses {
///     println!("{} is now {}", change.product_order_id, change.product_order_status);
/// }
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    options: CallOptions,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.config.base_url)
            .field("client_id", &self.inner.config.client_id)
            .field("client_secret", &"<redacted>")
            .field("options", &self.options)
            .finish()
    }
}

impl Client {
    /// Starts building a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    pub(crate) fn from_config(config: Config) -> Result<Self> {
        let http = reqwest::Client::builder()
            .user_agent(user_agent(&config.language))
            .connect_timeout(config.connect_timeout)
            .timeout(config.timeout)
            .tcp_nodelay(true)
            .pool_idle_timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| NpayError::invalid("http", format!("cannot build the HTTP client: {e}")))?;
        let api = Arc::new(api::Client::new_with_client(&config.base_url, http));
        let transport = Arc::new(Transport::new(&config, api));
        let tokens = TokenManager::new(&config, transport.clone());
        Ok(Client { inner: Arc::new(Inner { config, transport, tokens }), options: CallOptions::default() })
    }

    /// The configuration (the secret inside is redacted in `Debug`).
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// A client whose calls use this whole-request timeout per attempt (sharing pool and token).
    pub fn with_timeout(&self, timeout: Duration) -> Client {
        Client { inner: self.inner.clone(), options: CallOptions { timeout: Some(timeout), ..self.options } }
    }

    /// A client whose calls retry at most `max_retries` times (sharing pool and token).
    pub fn with_max_retries(&self, max_retries: u32) -> Client {
        Client { inner: self.inner.clone(), options: CallOptions { max_retries: Some(max_retries), ..self.options } }
    }

    /// Every deviation from the spec this client (and its clones) has seen in answers, with counts
    /// and when each was first seen. Holds no value from an answer. See [`crate::drift`].
    pub fn drift_report(&self) -> DriftReport {
        self.inner.transport.drift_report()
    }

    /// Gets a token now (normally done on the first call), e.g. to fail fast on bad credentials.
    pub async fn authenticate(&self) -> Result<()> {
        self.inner.tokens.get().await.map(|_| ())
    }

    /// Runs one generated call with the token, retries and error mapping. Used by the generated
    /// operations.
    pub(crate) async fn execute<T, F, Fut>(
        &self,
        operation: &'static str,
        effect: Effect,
        call: F,
    ) -> Result<Response<T>>
    where
        T: DeserializeOwned,
        F: Fn(Arc<api::Client>) -> Fut,
        Fut: Future<Output = std::result::Result<api::ResponseValue<T>, api::Error<ErrorResponse>>>,
    {
        self.inner.execute_with(operation, effect, self.options, call).await
    }
}

impl Inner {
    /// One operation with its token: the transport's attempts and retries, and one re-issue of
    /// the token when the server refuses it as expired or revoked (`GW.AUTHN`).
    async fn execute_with<T, F, Fut>(
        &self,
        operation: &'static str,
        effect: Effect,
        options: CallOptions,
        call: F,
    ) -> Result<Response<T>>
    where
        T: DeserializeOwned,
        F: Fn(Arc<api::Client>) -> Fut,
        Fut: Future<Output = std::result::Result<api::ResponseValue<T>, api::Error<ErrorResponse>>>,
    {
        let mut reissued = false;
        loop {
            let token = self.tokens.get().await?;
            let authorization = token.authorization.clone().ok_or_else(|| NpayError::UnexpectedResponse {
                operation: "issueToken",
                status: 200,
                message: "the issued token is not a valid header value".to_owned(),
                trace_id: None,
            })?;
            let context = api::CallContext::authorized(authorization).with_tap(crate::json::body_tap(operation));
            match self.transport.send(operation, effect, context, options, &call).await {
                Err(NpayError::Authentication(api)) if api.code == "GW.AUTHN" && !reissued => {
                    // The token expired or was revoked early: re-issue once and call again.
                    tracing::debug!(operation, "token refused; issuing a new one");
                    self.tokens.invalidate(&token.text);
                    reissued = true;
                }
                outcome => return outcome,
            }
        }
    }
}
