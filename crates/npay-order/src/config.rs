//! Building a client: where it talks to, with which credentials, and how patiently.

use std::fmt;
use std::net::IpAddr;
use std::time::Duration;

use crate::error::{NpayError, Result};

/// The user agent, with the language of the binding that built the client.
pub(crate) fn user_agent(language: &str) -> String {
    format!("npay-order/{} ({language})", env!("CARGO_PKG_VERSION"))
}

/// Which Naver Pay host to call.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Environment {
    /// `https://api.pay.naver.com/npay/partner` (the default).
    #[default]
    Production,
    /// `https://sandbox-api.pay.naver.com/npay/partner`: Naver's own sandbox for approved apps.
    Sandbox,
}

impl Environment {
    /// The base URL of this environment.
    pub fn base_url(self) -> &'static str {
        match self {
            Environment::Production => "https://api.pay.naver.com/npay/partner",
            Environment::Sandbox => "https://sandbox-api.pay.naver.com/npay/partner",
        }
    }

    /// `"production"` or `"sandbox"` (as the bindings spell it) to an environment.
    pub fn parse(name: &str) -> Result<Self> {
        match name {
            "production" => Ok(Environment::Production),
            "sandbox" => Ok(Environment::Sandbox),
            other => {
                Err(NpayError::invalid("environment", format!("{other:?} is neither \"production\" nor \"sandbox\"")))
            }
        }
    }
}

/// A secret string: shown as `<redacted>` by `Debug`, and never part of any error or log.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself; only the signer calls this.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Whose resources the token grants (`type` of the token request).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum TokenScope {
    /// The application's own resources (`SELF`, the default).
    #[default]
    OwnResources,
    /// A related seller's resources (`SELLER` with `account_id`).
    Seller {
        /// The seller's account id.
        account_id: String,
    },
}

/// Everything a client is built from. Made by [`ClientBuilder`].
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Config {
    /// Application id (`client_id`).
    pub client_id: String,
    /// Application secret (a bcrypt salt); redacted in `Debug`.
    pub client_secret: Secret,
    /// Base URL every path is appended to.
    pub base_url: String,
    /// Whose resources the token grants.
    pub scope: TokenScope,
    /// Whole-request timeout per attempt; default 30 s.
    pub timeout: Duration,
    /// Time allowed to open a connection; default 10 s.
    pub connect_timeout: Duration,
    /// Retries after the first attempt, where retrying is safe; default 2.
    pub max_retries: u32,
    /// Longest wait between two attempts, whatever the server asks; default 30 s.
    pub max_retry_delay: Duration,
    /// The language named in the user agent; default `rust`.
    pub language: String,
    /// Whether an answer that deviates from the spec fails the call; default `false` (the
    /// deviation is coerced or emptied, the call succeeds and the deviation is reported; see
    /// [`crate::drift`]). The project's own test suites run strict against the sandbox.
    pub strict: bool,
}

/// Builds a [`crate::Client`].
///
/// ```no_run
/// # async fn demo() -> npay_order::Result<()> {
/// use npay_order::{Client, Environment};
/// let client = Client::builder()
///     .client_id("my-app-id")
///     .client_secret("$2a$04$abcdefghijklmnopqrstuu")
///     .environment(Environment::Sandbox)
///     .build()?;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, Default)]
#[must_use]
pub struct ClientBuilder {
    client_id: Option<String>,
    client_secret: Option<Secret>,
    environment: Environment,
    base_url: Option<String>,
    scope: TokenScope,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    max_retries: Option<u32>,
    max_retry_delay: Option<Duration>,
    language: Option<String>,
    strict: bool,
}

impl ClientBuilder {
    /// Application id; defaults to the `NPAY_CLIENT_ID` environment variable.
    pub fn client_id(mut self, client_id: impl Into<String>) -> Self {
        self.client_id = Some(client_id.into());
        self
    }

    /// Application secret (`$2a$04$…`); defaults to the `NPAY_CLIENT_SECRET` environment variable.
    pub fn client_secret(mut self, client_secret: impl Into<String>) -> Self {
        self.client_secret = Some(Secret::new(client_secret));
        self
    }

    /// Production (default) or Naver's sandbox; ignored when [`Self::base_url`] is set.
    pub fn environment(mut self, environment: Environment) -> Self {
        self.environment = environment;
        self
    }

    /// Any base URL, e.g. the local emulator's. HTTPS is required except on loopback.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// Whose resources the token grants; default the application's own.
    pub fn scope(mut self, scope: TokenScope) -> Self {
        self.scope = scope;
        self
    }

    /// Whole-request timeout of each attempt; default 30 s.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Connection timeout; default 10 s.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Retries after the first attempt where safe; default 2, 0 disables.
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = Some(max_retries);
        self
    }

    /// Longest wait between attempts; default 30 s. A server asking for longer gets an error.
    pub fn max_retry_delay(mut self, delay: Duration) -> Self {
        self.max_retry_delay = Some(delay);
        self
    }

    /// The language named in the user agent (the bindings set it).
    pub fn language(mut self, language: impl Into<String>) -> Self {
        self.language = Some(language.into());
        self
    }

    /// Fail a call whose answer deviates from the spec (as `UnexpectedResponse`, naming each
    /// deviation's path) instead of reading it tolerantly; default `false`. For tests against the
    /// sandbox and for `npay-order doctor`, not for order intake.
    ///
    /// ```
    /// let client = npay_order::Client::builder()
    ///     .client_id("my-app-id")
    ///     .client_secret("$2a$04$abcdefghijklmnopqrstuu")
    ///     .strict(true)
    ///     .build()?;
    /// assert!(client.config().strict);
    /// # Ok::<(), npay_order::NpayError>(())
    /// ```
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    /// Checks everything that can be checked without the network and builds the client.
    pub fn build(self) -> Result<crate::Client> {
        crate::Client::from_config(self.into_config()?)
    }

    pub(crate) fn into_config(self) -> Result<Config> {
        let client_id = self
            .client_id
            .or_else(|| std::env::var("NPAY_CLIENT_ID").ok())
            .filter(|id| !id.trim().is_empty())
            .ok_or_else(|| NpayError::invalid("client_id", "missing: pass it or set NPAY_CLIENT_ID"))?;
        let client_secret = self
            .client_secret
            .or_else(|| std::env::var("NPAY_CLIENT_SECRET").ok().map(Secret::new))
            .ok_or_else(|| NpayError::invalid("client_secret", "missing: pass it or set NPAY_CLIENT_SECRET"))?;
        npay_order_api::signature::check_secret(client_secret.expose())
            .map_err(|e| NpayError::invalid("client_secret", e.to_string()))?;
        let base_url = self.base_url.unwrap_or_else(|| self.environment.base_url().to_owned());
        let base_url = check_base_url(&base_url)?;
        if let TokenScope::Seller { account_id } = &self.scope
            && account_id.trim().is_empty()
        {
            return Err(NpayError::invalid("account_id", "a seller scope needs the seller's account id"));
        }
        Ok(Config {
            client_id,
            client_secret,
            base_url,
            scope: self.scope,
            timeout: self.timeout.unwrap_or(Duration::from_secs(30)),
            connect_timeout: self.connect_timeout.unwrap_or(Duration::from_secs(10)),
            max_retries: self.max_retries.unwrap_or(2),
            max_retry_delay: self.max_retry_delay.unwrap_or(Duration::from_secs(30)),
            language: self.language.unwrap_or_else(|| "rust".to_owned()),
            strict: self.strict,
        })
    }
}

/// HTTPS everywhere, plain HTTP only to this machine (the local emulator).
fn check_base_url(base_url: &str) -> Result<String> {
    let url = reqwest::Url::parse(base_url).map_err(|e| NpayError::invalid("base_url", format!("not a URL ({e})")))?;
    let loopback = match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    };
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => {
            return Err(NpayError::invalid("base_url", "HTTPS is required (plain HTTP only to a loopback address)"));
        }
        other => return Err(NpayError::invalid("base_url", format!("unsupported scheme {other:?}"))),
    }
    Ok(base_url.trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "$2a$04$abcdefghijklmnopqrstuu";

    fn builder() -> ClientBuilder {
        ClientBuilder::default().client_id("app").client_secret(SECRET)
    }

    #[test]
    fn https_is_required_except_on_loopback() {
        assert!(builder().base_url("https://api.example.com/npay/partner").into_config().is_ok());
        assert!(builder().base_url("http://127.0.0.1:8080/npay/partner").into_config().is_ok());
        assert!(builder().base_url("http://[::1]:8080").into_config().is_ok());
        assert!(builder().base_url("http://localhost:1").into_config().is_ok());
        let err = builder().base_url("http://api.pay.naver.com/npay/partner").into_config().unwrap_err();
        assert!(err.to_string().contains("HTTPS is required"), "{err}");
        assert!(builder().base_url("http://10.0.0.1/").into_config().is_err());
    }

    #[test]
    fn a_secret_that_is_not_a_bcrypt_salt_is_refused_at_build_time() {
        let err = ClientBuilder::default().client_id("app").client_secret("hunter2-plain").into_config().unwrap_err();
        assert!(matches!(err, NpayError::InvalidRequest(_)));
        assert!(err.to_string().contains("bcrypt"));
        assert!(!err.to_string().contains("hunter2"));
    }

    #[test]
    fn the_config_debug_output_hides_the_secret() {
        let config = builder().into_config().unwrap();
        let shown = format!("{config:?}");
        assert!(!shown.contains(SECRET) && shown.contains("<redacted>"), "{shown}");
    }

    #[test]
    fn the_environment_picks_the_host_and_base_url_overrides_it() {
        assert_eq!(builder().into_config().unwrap().base_url, "https://api.pay.naver.com/npay/partner");
        let sandbox = builder().environment(Environment::Sandbox).into_config().unwrap();
        assert_eq!(sandbox.base_url, "https://sandbox-api.pay.naver.com/npay/partner");
        let local =
            builder().environment(Environment::Sandbox).base_url("http://127.0.0.1:9/x/").into_config().unwrap();
        assert_eq!(local.base_url, "http://127.0.0.1:9/x");
    }
}
