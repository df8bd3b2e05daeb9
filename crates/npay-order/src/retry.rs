//! When to try again, and how long to wait first.
//!
//! Reads are retried on any failure that may be passing (no connection, timeouts, 429, 5xx).
//! Mutations are retried only when the request provably was not processed: the connection was
//! never made, the gateway rate-limited it (429) or refused it with its circuit open (503
//! `GW.BLOCK.*`). Anything else is reported, so that nothing is done twice.

use std::time::Duration;

use reqwest::header::HeaderMap;

use crate::error::NpayError;

/// Whether an operation only reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Reads: repeating them changes nothing.
    Read,
    /// Mutations: repeated only when provably not processed.
    Mutation,
}

/// Whether `error` may be retried for an operation with `effect`.
pub(crate) fn is_retryable(effect: Effect, error: &NpayError) -> bool {
    error.is_passing() && (effect == Effect::Read || error.provably_not_processed())
}

/// The wait before retry number `retry` (0-based): 0.5 s × 2ⁿ capped at 8 s and at `max_delay`,
/// with jitter, or what the server asked for. `None` only when the server asks for longer than
/// `max_delay`: the client's own backoff never uses up the retries it was given.
pub(crate) fn delay(retry: u32, error: &NpayError, max_delay: Duration) -> Option<Duration> {
    let backoff = Duration::from_millis(500).saturating_mul(1 << retry.min(4)).min(Duration::from_secs(8));
    // Full jitter on the upper half keeps concurrent clients from retrying in lockstep.
    let backoff = backoff.mul_f64(0.5 + fastrand::f64() * 0.5).min(max_delay);
    match error.api_error().and_then(|e| e.retry_after).map(Duration::from_secs_f64) {
        Some(asked) if asked > max_delay => None,
        Some(asked) => Some(asked.max(backoff.min(asked + Duration::from_millis(250))).min(max_delay)),
        None => Some(backoff),
    }
}

/// Seconds the server asks a client to wait: `Retry-After` (seconds or an HTTP date) or, on a
/// 429 without it, one token of the gateway's bucket (`GNCP-GW-RateLimit-Replenish-Rate`).
pub(crate) fn retry_after(status: u16, headers: &HeaderMap) -> Option<f64> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    if let Some(value) = header("retry-after") {
        if let Ok(seconds) = value.parse::<f64>() {
            return (seconds.is_finite() && seconds >= 0.0).then_some(seconds);
        }
        if let Ok(date) = chrono::DateTime::parse_from_rfc2822(value) {
            let seconds = (date.timestamp_millis() - chrono::Utc::now().timestamp_millis()) as f64 / 1000.0;
            return Some(seconds.max(0.0));
        }
    }
    if status == 429 {
        let remaining = header("gncp-gw-ratelimit-remaining").and_then(|v| v.parse::<f64>().ok());
        let rate = header("gncp-gw-ratelimit-replenish-rate").and_then(|v| v.parse::<f64>().ok());
        if let (Some(rate), true) = (rate, remaining.is_none_or(|r| r <= 0.0))
            && rate > 0.0
        {
            return Some(1.0 / rate);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::RequestSent;
    use crate::error::{ApiError, ConnectionError};

    fn api(status: u16, code: &str, retry_after: Option<f64>) -> NpayError {
        NpayError::from_api(ApiError {
            operation: "op",
            status,
            code: code.to_owned(),
            message: String::new(),
            trace_id: None,
            timestamp: None,
            invalid_inputs: vec![],
            retry_after,
        })
    }

    fn transport(sent: RequestSent) -> NpayError {
        NpayError::Connection(ConnectionError {
            operation: "op",
            request_sent: sent,
            message: String::new(),
            source: None,
        })
    }

    #[test]
    fn mutations_retry_only_what_provably_was_not_processed() {
        assert!(is_retryable(Effect::Mutation, &transport(RequestSent::No)));
        assert!(!is_retryable(Effect::Mutation, &transport(RequestSent::Maybe)));
        assert!(is_retryable(Effect::Mutation, &api(429, "GW.RATE_LIMIT", None)));
        assert!(is_retryable(Effect::Mutation, &api(503, "GW.BLOCK.01", None)));
        assert!(!is_retryable(Effect::Mutation, &api(500, "GW.INTERNAL_SERVER_ERROR", None)));
        assert!(!is_retryable(Effect::Mutation, &api(504, "GW.TIMEOUT.01", None)));
    }

    #[test]
    fn a_mutation_is_retried_exactly_when_it_cannot_have_been_applied() {
        // One predicate decides both: what is retried must never be reported as maybe applied.
        let errors = [
            transport(RequestSent::No),
            transport(RequestSent::Maybe),
            api(429, "GW.RATE_LIMIT", None),
            api(503, "GW.BLOCK.01", None),
            api(500, "GW.INTERNAL_SERVER_ERROR", None),
            api(504, "GW.TIMEOUT.01", None),
            api(400, "4000", None),
            api(401, "GW.AUTHN", None),
        ];
        for error in &errors {
            if error.is_passing() {
                assert_eq!(is_retryable(Effect::Mutation, error), !error.may_have_been_applied(), "{error}");
            } else {
                assert!(!is_retryable(Effect::Mutation, error) && !error.may_have_been_applied(), "{error}");
            }
        }
    }

    #[test]
    fn reads_retry_every_passing_failure_but_not_client_errors() {
        assert!(is_retryable(Effect::Read, &transport(RequestSent::Maybe)));
        assert!(is_retryable(Effect::Read, &api(500, "GW.INTERNAL_SERVER_ERROR", None)));
        assert!(!is_retryable(Effect::Read, &api(400, "4000", None)));
        assert!(!is_retryable(Effect::Read, &api(404, "100001", None)));
    }

    #[test]
    fn backoff_grows_is_capped_and_honours_retry_after() {
        let error = api(500, "x", None);
        let first = delay(0, &error, Duration::from_secs(30)).unwrap();
        assert!(first >= Duration::from_millis(250) && first <= Duration::from_millis(500));
        let late = delay(10, &error, Duration::from_secs(30)).unwrap();
        assert!(late <= Duration::from_secs(8));
        let asked = delay(0, &api(429, "GW.RATE_LIMIT", Some(3.0)), Duration::from_secs(30)).unwrap();
        assert!(asked >= Duration::from_secs(3), "{asked:?}");
        assert!(delay(0, &api(429, "GW.RATE_LIMIT", Some(120.0)), Duration::from_secs(30)).is_none());
    }

    #[test]
    fn a_small_max_delay_caps_the_backoff_instead_of_ending_the_retries() {
        let error = api(500, "x", None);
        for retry in 0..10 {
            let wait = delay(retry, &error, Duration::from_secs(2)).expect("the backoff is capped, the retry kept");
            assert!(wait <= Duration::from_secs(2), "{wait:?}");
        }
        let asked = delay(5, &api(429, "GW.RATE_LIMIT", Some(1.5)), Duration::from_secs(2)).unwrap();
        assert!(asked >= Duration::from_millis(1500) && asked <= Duration::from_secs(2), "{asked:?}");
    }

    #[test]
    fn retry_after_reads_seconds_and_the_gateway_rate() {
        let mut headers = HeaderMap::new();
        headers.insert("Retry-After", "2".parse().unwrap());
        assert_eq!(retry_after(503, &headers), Some(2.0));
        let mut headers = HeaderMap::new();
        headers.insert("GNCP-GW-RateLimit-Replenish-Rate", "4".parse().unwrap());
        headers.insert("GNCP-GW-RateLimit-Remaining", "0".parse().unwrap());
        assert_eq!(retry_after(429, &headers), Some(0.25));
        assert_eq!(retry_after(200, &headers), None);
    }
}
