//! Signed webhooks: each event as an HTTP POST following the Standard Webhooks spec, so that
//! receivers verify it with any `standardwebhooks` library.
//!
//! * Headers: `webhook-id` (the event id: receivers de-duplicate on it), `webhook-timestamp`
//!   (Unix seconds of this attempt), `webhook-signature`: `v1,<base64 HMAC-SHA256 of
//!   "{id}.{timestamp}.{body}">`, one entry per secret, space-separated (several while rotating).
//! * Secrets are `whsec_` + base64 of 24–64 bytes; the key is the decoded part.
//! * Body: the [`Event`] as JSON (camelCase).
//! * Outcome: 2xx = delivered. 410 Gone = the endpoint is disabled ([`EndpointGone`]; later
//!   deliveries fail at once). Anything else (or no answer within the timeout, 30 s by default)
//!   is a failure the watcher retries — with [`SVIX_SCHEDULE`] when the watcher is built with
//!   it — and a `Retry-After` in seconds is honoured ([`RetryAfter`]).

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

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

/// The endpoint answered 410 Gone: it is disabled and nothing more is sent to it.
#[derive(Debug, thiserror::Error)]
#[error("the webhook endpoint answered 410 Gone and is disabled")]
pub struct EndpointGone;

/// One webhook endpoint.
pub struct Webhook {
    url: String,
    secrets: Vec<WebhookSecret>,
    http: reqwest::Client,
    disabled: AtomicBool,
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
        Ok(Webhook { url: url.into(), secrets, http, disabled: AtomicBool::new(false) })
    }

    /// Whether a 410 disabled the endpoint.
    pub fn is_disabled(&self) -> bool {
        self.disabled.load(Ordering::Relaxed)
    }

    /// Delivers one event (use it as, or inside, the watcher's handler).
    pub async fn deliver(&self, event: &Event) -> Result<(), HandlerError> {
        if self.is_disabled() {
            return Err(Box::new(EndpointGone));
        }
        let body = serde_json::to_vec(event)?;
        let timestamp = chrono::Utc::now().timestamp();
        let response = self
            .http
            .post(&self.url)
            .header("content-type", "application/json")
            .header("webhook-id", &event.id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature(&self.secrets, &event.id, timestamp, &body))
            .body(body)
            .send()
            .await?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        if status == reqwest::StatusCode::GONE {
            self.disabled.store(true, Ordering::Relaxed);
            return Err(Box::new(EndpointGone));
        }
        let message = format!("the webhook endpoint answered {status}");
        let after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        match after {
            Some(after) => Err(Box::new(RetryAfter { after, message })),
            None => Err(message.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
