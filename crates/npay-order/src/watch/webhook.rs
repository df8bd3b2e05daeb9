//! Signed webhooks: each event as an HTTP POST following the Standard Webhooks spec, so that
//! receivers verify it with any `standardwebhooks` library.
//!
//! * Headers: `webhook-id` (the event id: receivers de-duplicate on it), `webhook-timestamp`
//!   (Unix seconds of this attempt), `webhook-signature`: `v1,<base64 HMAC-SHA256 of
//!   "{id}.{timestamp}.{body}">`, one entry per secret, space-separated (several while rotating).
//! * Secrets are `whsec_` + base64 of 24–64 bytes; the key is the decoded part.
//! * Body: the [`Event`] as JSON (camelCase).
//! * Outcome: 2xx = delivered. Anything else (or no answer within the timeout, 30 s by default)
//!   is a failure the watcher retries — with [`SVIX_SCHEDULE`] when the watcher is built with
//!   it.
//! * `Retry-After` on a failure is honoured ([`RetryAfter`]) in both forms of RFC 9110: seconds
//!   (`120`) or an HTTP-date (`Sun, 06 Nov 1994 08:49:37 GMT`, and the two obsolete forms a
//!   recipient must also read). A date already past means "now"; an ask longer than
//!   [`MAX_RETRY_AFTER`] (10 h, the longest gap of Svix's schedule) is cut to it, so an endpoint
//!   cannot park its events for days; a value that is neither form is ignored (the normal
//!   schedule applies).
//!
//! # When the endpoint is disabled
//!
//! A disabled endpoint is sent nothing more: every later [`Webhook::deliver`] fails at once with
//! [`EndpointGone`], and the watcher stops with [`WatchError::EndpointGone`], the event still
//! pending (nothing is lost; fix the endpoint and start again). Two things disable it:
//!
//! * it answers **410 Gone** ([`EndpointGone::Gone`]);
//! * it has **failed every delivery for [`DEFAULT_DISABLE_AFTER`]** (120 h = 5 days, Svix's
//!   figure; [`Webhook::disable_after`] sets another): counted from the first failed delivery
//!   after the last successful one, of any event, and checked at each failure
//!   ([`EndpointGone::FailingTooLong`]). One success starts the count again. The count lives in
//!   the [`Webhook`] value, i.e. in this process: a restarted forwarder starts it afresh.

use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

use super::error::WatchError;
use super::event::Event;
use super::watcher::HandlerError;

/// Svix's retry schedule: the delays after the first attempt (then ±20 % jitter).
pub const SVIX_SCHEDULE: [Duration; 7] = [
    Duration::from_secs(5),
    Duration::from_secs(5 * 60),
    Duration::from_secs(30 * 60),
    Duration::from_secs(2 * 3600),
    Duration::from_secs(5 * 3600),
    Duration::from_secs(10 * 3600),
    Duration::from_secs(10 * 3600),
];

/// Default timeout of one delivery: 30 s.
pub const DEFAULT_WEBHOOK_TIMEOUT: Duration = Duration::from_secs(30);

/// Default time an endpoint may fail every delivery before it is disabled: 120 h (5 days, as
/// Svix does).
pub const DEFAULT_DISABLE_AFTER: Duration = Duration::from_secs(120 * 3600);

/// The longest `Retry-After` honoured: 10 h (the longest delay of [`SVIX_SCHEDULE`]); a longer
/// ask is cut to it.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(10 * 3600);

/// A signing secret (`whsec_…`). `Debug` never shows it.
#[derive(Clone)]
pub struct WebhookSecret {
    key: Vec<u8>,
}

impl std::fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WebhookSecret(<redacted>)")
    }
}

impl WebhookSecret {
    /// A new random secret of 32 bytes (from the operating system's generator).
    pub fn generate() -> Self {
        let mut key = vec![0u8; 32];
        rand::rng().fill_bytes(&mut key);
        WebhookSecret { key }
    }

    /// Reads `whsec_<base64>` (the prefix may be left out); the key must be 24–64 bytes.
    pub fn parse(text: &str) -> Result<Self, WatchError> {
        let encoded = text.trim().strip_prefix("whsec_").unwrap_or(text.trim());
        let key = STANDARD
            .decode(encoded)
            .map_err(|_| WatchError::Config("a webhook secret is whsec_ followed by base64".into()))?;
        if !(24..=64).contains(&key.len()) {
            return Err(WatchError::Config("a webhook secret must hold 24 to 64 bytes".into()));
        }
        Ok(WebhookSecret { key })
    }

    /// The secret as `whsec_<base64>` (for the receiver's configuration; handle with care).
    pub fn expose(&self) -> String {
        format!("whsec_{}", STANDARD.encode(&self.key))
    }

    fn sign(&self, content: &[u8]) -> String {
        // HMAC takes keys of any length.
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).unwrap_or_else(|_| unreachable!());
        mac.update(content);
        format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
    }
}

/// The `webhook-signature` value: one `v1,<base64>` per secret, space-separated.
pub fn signature(secrets: &[WebhookSecret], id: &str, timestamp: i64, body: &[u8]) -> String {
    let mut content = format!("{id}.{timestamp}.").into_bytes();
    content.extend_from_slice(body);
    secrets.iter().map(|s| s.sign(&content)).collect::<Vec<_>>().join(" ")
}

/// A failed delivery whose endpoint asked to be called again no sooner than `after`
/// (`Retry-After`); the watcher schedules the next attempt then.
#[derive(Debug, thiserror::Error)]
#[error("{message} (retry after {after:?})")]
pub struct RetryAfter {
    /// The delay the endpoint asked for.
    pub after: Duration,
    /// What failed.
    pub message: String,
}

/// The endpoint is disabled and nothing more is sent to it (see [`Webhook`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EndpointGone {
    /// It answered 410 Gone.
    #[error("the webhook endpoint answered 410 Gone and is disabled")]
    Gone,
    /// It failed every delivery for this long (at least [`Webhook::disable_after`]).
    #[error("the webhook endpoint failed every delivery for {} s and is disabled", .0.as_secs())]
    FailingTooLong(Duration),
}

/// The delay a `Retry-After` value asks for, read at `now`: delay-seconds or an HTTP-date
/// (IMF-fixdate, or the obsolete RFC 850 and asctime forms), capped at [`MAX_RETRY_AFTER`];
/// `None` when it is neither.
pub fn retry_after(value: &str, now: chrono::DateTime<chrono::Utc>) -> Option<Duration> {
    let value = value.trim();
    let asked = if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // Digits only; more than u64 holds is "very long", cut below like any long ask.
        Duration::from_secs(value.parse::<u64>().unwrap_or(u64::MAX))
    } else {
        let date = http_date(value)?;
        (date - now).to_std().unwrap_or(Duration::ZERO)
    };
    Some(asked.min(MAX_RETRY_AFTER))
}

/// An HTTP-date (RFC 9110 section 5.6.7), always GMT.
fn http_date(value: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    const FORMATS: [&str; 3] = [
        "%a, %d %b %Y %H:%M:%S GMT", // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
        "%A, %d-%b-%y %H:%M:%S GMT", // RFC 850:     Sunday, 06-Nov-94 08:49:37 GMT
        "%a %b %e %H:%M:%S %Y",      // asctime:     Sun Nov  6 08:49:37 1994
    ];
    FORMATS
        .iter()
        .find_map(|format| chrono::NaiveDateTime::parse_from_str(value, format).ok())
        .map(|naive| naive.and_utc())
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// One webhook endpoint.
pub struct Webhook {
    url: String,
    secrets: Vec<WebhookSecret>,
    http: reqwest::Client,
    /// Why the endpoint is disabled, once it is.
    disabled: Mutex<Option<EndpointGone>>,
    disable_after: Duration,
    /// When the first failed delivery since the last success (or the start) happened.
    failing_since: Mutex<Option<Instant>>,
}

impl std::fmt::Debug for Webhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Webhook").field("url", &self.url).finish_non_exhaustive()
    }
}

impl Webhook {
    /// An endpoint signing with `secrets` (the first is the current one; give several while
    /// rotating), each delivery limited to `timeout`.
    pub fn new(url: impl Into<String>, secrets: Vec<WebhookSecret>, timeout: Duration) -> Result<Self, WatchError> {
        if secrets.is_empty() {
            return Err(WatchError::Config("a webhook needs at least one secret".into()));
        }
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .build()
            .map_err(|e| WatchError::Config(format!("cannot build the webhook client: {e}")))?;
        Ok(Webhook {
            url: url.into(),
            secrets,
            http,
            disabled: Mutex::new(None),
            disable_after: DEFAULT_DISABLE_AFTER,
            failing_since: Mutex::new(None),
        })
    }

    /// Disable the endpoint once it has failed every delivery for `failing_for` (default
    /// [`DEFAULT_DISABLE_AFTER`], 120 h); see [`Webhook`].
    #[must_use]
    pub fn disable_after(mut self, failing_for: Duration) -> Self {
        self.disable_after = failing_for;
        self
    }

    /// Whether the endpoint is disabled (a 410, or failing for too long).
    pub fn is_disabled(&self) -> bool {
        self.disabled().is_some()
    }

    /// Why the endpoint is disabled; `None` while it is not.
    pub fn disabled(&self) -> Option<EndpointGone> {
        *lock(&self.disabled)
    }

    fn disable(&self, why: EndpointGone) -> HandlerError {
        *lock(&self.disabled) = Some(why);
        Box::new(why)
    }

    /// A failed delivery: starts the failing clock, or disables the endpoint when it has run
    /// for `disable_after`.
    fn failed(&self, error: HandlerError) -> HandlerError {
        let failing = lock(&self.failing_since).get_or_insert_with(Instant::now).elapsed();
        if failing >= self.disable_after {
            tracing::warn!(failing_s = failing.as_secs(), "webhook endpoint disabled: every delivery failed too long");
            return self.disable(EndpointGone::FailingTooLong(failing));
        }
        error
    }

    /// Delivers one event (use it as, or inside, the watcher's handler).
    pub async fn deliver(&self, event: &Event) -> Result<(), HandlerError> {
        if let Some(why) = self.disabled() {
            return Err(Box::new(why));
        }
        let body = serde_json::to_vec(event)?;
        let timestamp = chrono::Utc::now().timestamp();
        let sent = self
            .http
            .post(&self.url)
            .header("content-type", "application/json")
            .header("webhook-id", &event.id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature(&self.secrets, &event.id, timestamp, &body))
            .body(body)
            .send()
            .await;
        let response = match sent {
            Ok(response) => response,
            Err(error) => return Err(self.failed(error.into())),
        };
        let status = response.status();
        if status.is_success() {
            *lock(&self.failing_since) = None;
            return Ok(());
        }
        if status == reqwest::StatusCode::GONE {
            return Err(self.disable(EndpointGone::Gone));
        }
        let message = format!("the webhook endpoint answered {status}");
        let after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| retry_after(v, chrono::Utc::now()));
        Err(self.failed(match after {
            Some(after) => Box::new(RetryAfter { after, message }),
            None => message.into(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// A receiver answering the `replies` in turn (the last one again once they run out), each a
    /// status line plus header lines; returns its URL and how many requests it has had.
    async fn receiver(replies: &[&str]) -> (String, Arc<AtomicUsize>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let replies: Arc<Vec<String>> = Arc::new(replies.iter().map(|r| (*r).to_owned()).collect());
        let count = Arc::new(AtomicUsize::new(0));
        let seen = count.clone();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let (replies, seen) = (replies.clone(), seen.clone());
                tokio::spawn(async move {
                    let mut data = Vec::new();
                    let mut buffer = [0u8; 8192];
                    loop {
                        let head_end = loop {
                            if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
                                break i + 4;
                            }
                            match socket.read(&mut buffer).await {
                                Ok(0) | Err(_) => return,
                                Ok(n) => data.extend_from_slice(&buffer[..n]),
                            }
                        };
                        let head = String::from_utf8_lossy(&data[..head_end]).to_ascii_lowercase();
                        let length: usize = head
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:"))
                            .and_then(|v| v.trim().parse().ok())
                            .unwrap_or(0);
                        while data.len() < head_end + length {
                            match socket.read(&mut buffer).await {
                                Ok(0) | Err(_) => return,
                                Ok(n) => data.extend_from_slice(&buffer[..n]),
                            }
                        }
                        data.drain(..head_end + length);
                        let n = seen.fetch_add(1, Ordering::SeqCst);
                        let reply = &replies[n.min(replies.len() - 1)];
                        let reply = format!("HTTP/1.1 {reply}\r\nContent-Length: 0\r\n\r\n");
                        if socket.write_all(reply.as_bytes()).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        (url, count)
    }

    fn event(n: u32) -> Event {
        let at: npay_order_api::Timestamp = "2026-12-01T10:00:00.000+09:00".parse().unwrap();
        Event {
            id: format!("evt_{n}"),
            account: "app".into(),
            product_order_id: n.to_string(),
            last_changed_type: "PAYED".into(),
            last_changed_date: at,
            change: serde_json::json!({"productOrderId": n.to_string()}),
            detail: None,
            attempt: 1,
        }
    }

    fn hook(url: &str) -> Webhook {
        Webhook::new(url, vec![WebhookSecret::generate()], Duration::from_secs(5)).unwrap()
    }

    fn gone(error: &HandlerError) -> Option<EndpointGone> {
        error.downcast_ref::<EndpointGone>().copied()
    }

    #[test]
    fn retry_after_reads_seconds_and_each_http_date_form_and_caps_long_asks() {
        let now = chrono::DateTime::parse_from_rfc3339("1994-11-06T08:49:00Z").unwrap().to_utc();
        assert_eq!(retry_after("120", now), Some(Duration::from_secs(120)));
        assert_eq!(retry_after(" 0 ", now), Some(Duration::ZERO));
        for date in ["Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994"] {
            assert_eq!(retry_after(date, now), Some(Duration::from_secs(37)), "{date}");
        }
        assert_eq!(retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now), Some(Duration::ZERO), "a past date is now");
        assert_eq!(retry_after("86400", now), Some(MAX_RETRY_AFTER), "a day is cut to 10 h");
        assert_eq!(retry_after("99999999999999999999999", now), Some(MAX_RETRY_AFTER));
        assert_eq!(retry_after("Thu, 01 Dec 1994 16:00:00 GMT", now), Some(MAX_RETRY_AFTER));
        for bad in ["", "-5", "1.5", "soon", "Sun, 06 Nov 1994 08:49:37 +0900", "2026-12-01T00:00:00Z"] {
            assert_eq!(retry_after(bad, now), None, "{bad:?}");
        }
    }

    #[tokio::test]
    async fn a_503_with_retry_after_as_an_http_date_asks_for_that_delay() {
        let date = (chrono::Utc::now() + chrono::Duration::seconds(90)).format("%a, %d %b %Y %H:%M:%S GMT");
        let (url, _) = receiver(&[&format!("503 Service Unavailable\r\nRetry-After: {date}")]).await;
        let error = hook(&url).deliver(&event(1)).await.unwrap_err();
        let asked = error.downcast_ref::<RetryAfter>().expect("a RetryAfter").after;
        assert!((88..=90).contains(&asked.as_secs()), "{asked:?}");
    }

    #[tokio::test]
    async fn a_410_disables_the_endpoint_and_later_events_are_not_sent() {
        let (url, requests) = receiver(&["410 Gone", "204 No Content"]).await;
        let webhook = hook(&url);
        assert_eq!(gone(&webhook.deliver(&event(1)).await.unwrap_err()), Some(EndpointGone::Gone));
        assert_eq!(webhook.disabled(), Some(EndpointGone::Gone));
        for n in 2..5 {
            assert_eq!(gone(&webhook.deliver(&event(n)).await.unwrap_err()), Some(EndpointGone::Gone));
        }
        assert_eq!(requests.load(Ordering::SeqCst), 1, "nothing was sent after the 410");
    }

    #[tokio::test]
    async fn an_endpoint_failing_every_delivery_past_the_threshold_is_disabled_like_a_410() {
        let (url, requests) = receiver(&["500 Internal Server Error"]).await;
        let webhook = hook(&url).disable_after(Duration::from_secs(1));
        let first = webhook.deliver(&event(1)).await.unwrap_err();
        assert_eq!(gone(&first), None, "a first failure is only a failure");
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(gone(&webhook.deliver(&event(2)).await.unwrap_err()), None, "failing for 100 ms: not yet");
        tokio::time::sleep(Duration::from_secs(1)).await;
        let third = webhook.deliver(&event(1)).await.unwrap_err();
        assert!(matches!(gone(&third), Some(EndpointGone::FailingTooLong(d)) if d >= Duration::from_secs(1)));
        assert!(webhook.is_disabled());
        assert!(gone(&webhook.deliver(&event(3)).await.unwrap_err()).is_some());
        assert_eq!(requests.load(Ordering::SeqCst), 3, "nothing was sent once disabled");
    }

    #[tokio::test]
    async fn one_success_starts_the_failing_count_again() {
        let replies = ["500 Internal Server Error", "204 No Content", "500 Internal Server Error"];
        let (url, _) = receiver(&replies).await;
        let webhook = hook(&url).disable_after(Duration::from_secs(1));
        assert!(webhook.deliver(&event(1)).await.is_err());
        tokio::time::sleep(Duration::from_millis(600)).await;
        webhook.deliver(&event(1)).await.expect("delivered");
        tokio::time::sleep(Duration::from_millis(600)).await;
        let error = webhook.deliver(&event(2)).await.unwrap_err();
        assert_eq!(gone(&error), None, "failing since this attempt, not for 1.2 s since the first");
        assert!(!webhook.is_disabled());
    }

    #[test]
    fn signatures_verify_with_the_standardwebhooks_crate_and_name_every_secret() {
        let current = WebhookSecret::generate();
        let old = WebhookSecret::parse(&WebhookSecret::generate().expose()).unwrap();
        let body = br#"{"id":"evt_1"}"#;
        let now = chrono::Utc::now().timestamp();
        let header = signature(&[current.clone(), old.clone()], "evt_1", now, body);
        assert_eq!(header.split(' ').count(), 2);
        for secret in [&current, &old] {
            let verifier = standardwebhooks::Webhook::new(&secret.expose()).unwrap();
            let mut headers = http::HeaderMap::new();
            headers.insert("webhook-id", "evt_1".parse().unwrap());
            headers.insert("webhook-timestamp", now.to_string().parse().unwrap());
            headers.insert("webhook-signature", header.parse().unwrap());
            verifier.verify(body, &headers).expect("verifies");
            verifier.verify(br#"{"id":"evt_2"}"#, &headers).expect_err("another body does not");
        }
        assert!(WebhookSecret::parse("whsec_c2hvcnQ=").is_err(), "too short");
        assert!(format!("{current:?}").contains("redacted"));
    }
}
