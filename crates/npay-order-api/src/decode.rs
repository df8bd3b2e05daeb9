//! How the generated client reads an answer's body: progenitor's `ResponseValue::from_response`,
//! but with the body's UTF-8 checked once. serde_json on a byte slice checks every string on its
//! own (a large answer has thousands of them: the profile in BENCHMARKS.md puts that at about a
//! tenth of a 300-order query); on a `&str` it does not need to. `cargo xtask generate` points the
//! generated methods here.
//!
//! It is also where a [`BodyTap`] of the call's [`CallContext`](crate::CallContext) receives the
//! body before it is decoded.

use std::sync::{Arc, Mutex, PoisonError};

use bytes::Bytes;
use progenitor_client::{Error, ResponseValue};
use serde::de::DeserializeOwned;
use tokio::sync::oneshot;

use crate::timestamp;

/// Where the body of an operation's answer goes as soon as it has arrived, before it is decoded.
///
/// A binding whose language parses JSON itself (Node's `JSON.parse`) starts parsing the body
/// while the core decodes it into the spec's types on another thread, instead of waiting for the
/// typed value and parsing it again as JSON text. Its parse stands when [`BodyTap::verbatim`]
/// says the body reads exactly as that typed value would be written back; otherwise it takes the
/// typed value's text as before. Only bodies of at least `min_len` bytes are handed over (on a
/// small answer the parallel work costs more than it saves), and only one per tap.
///
/// ```
/// # async fn example() {
/// let (tap, body) = npay_order_api::BodyTap::new(64 * 1024);
/// // … the call runs with `CallContext::with_tap(Some(tap.clone()))`; `body` resolves with the
/// // answer's body, and once the call has returned, `tap.verbatim()` says whether it reads as
/// // the typed value.
/// # drop((tap, body));
/// # }
/// ```
#[derive(Clone)]
pub struct BodyTap(Arc<Mutex<TapState>>);

struct TapState {
    min_len: usize,
    /// Taken by the first body handed over.
    sender: Option<oneshot::Sender<Bytes>>,
    /// Bodies decoded under this tap (a call split into chunks has several).
    bodies: u32,
    /// The last body decoded by the fast path with nothing the typed value would write otherwise.
    verbatim: bool,
}

impl std::fmt::Debug for BodyTap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the body: it holds buyers' data.
        f.debug_struct("BodyTap").finish_non_exhaustive()
    }
}

impl BodyTap {
    /// A tap for bodies of at least `min_len` bytes, and where the one handed over arrives.
    pub fn new(min_len: usize) -> (Self, oneshot::Receiver<Bytes>) {
        let (sender, receiver) = oneshot::channel();
        let state = TapState { min_len, sender: Some(sender), bodies: 0, verbatim: false };
        (BodyTap(Arc::new(Mutex::new(state))), receiver)
    }

    fn state(&self) -> std::sync::MutexGuard<'_, TapState> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Hands `body` over if it is the first and long enough; whether it was. (Not checked for
    /// UTF-8 here: the decode checks it, and a body that is not UTF-8 is never verbatim.)
    fn offer(&self, body: &Bytes) -> bool {
        let mut state = self.state();
        state.bodies += 1;
        if state.bodies > 1 || body.len() < state.min_len {
            return false;
        }
        state.sender.take().is_some_and(|sender| sender.send(body.clone()).is_ok())
    }

    fn settle(&self, verbatim: bool) {
        self.state().verbatim = verbatim;
    }

    /// Whether exactly one body was decoded under this tap, by the fast path, and it reads as its
    /// typed value written back as JSON would: no `null` anywhere (the typed value leaves an
    /// absent optional field out) and every date-time in the form [`crate::Timestamp`] writes.
    /// (Answers with `format: date` fields are not to be tapped: chrono reads more forms of a
    /// date than it writes.)
    pub fn verbatim(&self) -> bool {
        let state = self.state();
        state.bodies == 1 && state.verbatim
    }
}

/// The answer's status, headers and body decoded as `T`; an undecodable body is
/// [`Error::InvalidResponsePayload`] with the body, as progenitor's own (the core's tolerant path
/// reads it from there).
pub async fn response_value<T: DeserializeOwned, E>(response: reqwest::Response) -> Result<ResponseValue<T>, Error<E>> {
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.bytes().await.map_err(Error::ResponseBodyError)?;
    let tap = crate::hooks::current_tap();
    if tap.as_ref().is_some_and(|tap| tap.offer(&body)) {
        // Let the task that waits for the body run before this one spends the decode's time.
        tokio::task::yield_now().await;
    }
    let odd_before = tap.as_ref().map(|_| timestamp::odd_forms_read());
    match decode(&body) {
        Ok(inner) => {
            if let (Some(tap), Some(before)) = (tap, odd_before) {
                tap.settle(timestamp::odd_forms_read() == before && memchr::memmem::find(&body, b"null").is_none());
            }
            Ok(ResponseValue::new(inner, status, headers))
        }
        Err(error) => Err(Error::InvalidResponsePayload(body, error)),
    }
}

/// `body` as `T`: from a `&str` when it is UTF-8 (one check for the whole body), else from the
/// bytes (for serde's own error about the bad byte).
fn decode<T: DeserializeOwned>(body: &Bytes) -> Result<T, serde_json::Error> {
    match std::str::from_utf8(body) {
        Ok(text) => serde_json::from_str(text),
        Err(_) => serde_json::from_slice(body),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct Probe {
        at: crate::Timestamp,
        name: Option<String>,
    }

    /// `body` decoded as a [`Probe`] with a tap of `min_len`: the body handed over, if any, and
    /// the tap's verdict.
    async fn tapped(body: &'static str, min_len: usize) -> (Option<Bytes>, bool) {
        let (tap, mut handed) = BodyTap::new(min_len);
        let response = reqwest::Response::from(http::Response::new(body));
        let context = crate::CallContext::default().with_tap(Some(tap.clone()));
        let decoded: Result<ResponseValue<Probe>, Error<()>> = context.scope(response_value(response)).await;
        decoded.expect("the probe decodes");
        (handed.try_recv().ok(), tap.verbatim())
    }

    #[tokio::test]
    async fn a_tap_gets_a_long_enough_body_and_says_whether_it_reads_as_written() {
        let written = r#"{"at":"2023-01-16T17:14:51.794+09:00","name":"김네이버"}"#;
        assert_eq!(tapped(written, 8).await, (Some(Bytes::from_static(written.as_bytes())), true));
        // Too short to be handed over: the verdict stands, the body stays.
        assert_eq!(tapped(written, 4096).await, (None, true));
        // An explicit null, and a date-time in another form, are written otherwise.
        assert!(!tapped(r#"{"at":"2023-01-16T17:14:51.794+09:00","name":null}"#, 8).await.1);
        assert!(!tapped(r#"{"at":"2023-01-16T17:14:51+09:00","name":"a"}"#, 8).await.1);
    }

    #[tokio::test]
    async fn a_tap_is_not_verbatim_for_a_second_body_or_a_body_the_fast_path_refuses() {
        let (tap, _handed) = BodyTap::new(1);
        let context = crate::CallContext::default().with_tap(Some(tap.clone()));
        let body = r#"{"at":"2023-01-16T17:14:51.794+09:00"}"#;
        for _ in 0..2 {
            let response = reqwest::Response::from(http::Response::new(body));
            let decoded: Result<ResponseValue<Probe>, Error<()>> =
                context.clone().scope(response_value(response)).await;
            decoded.expect("decodes");
        }
        assert!(!tap.verbatim(), "two bodies (a call in chunks) are not one answer's");
        let (tap, _handed) = BodyTap::new(1);
        let context = crate::CallContext::default().with_tap(Some(tap.clone()));
        let response = reqwest::Response::from(http::Response::new(r#"{"at":"yesterday"}"#));
        let decoded: Result<ResponseValue<Probe>, Error<()>> = context.scope(response_value(response)).await;
        assert!(matches!(decoded, Err(Error::InvalidResponsePayload(..))));
        assert!(!tap.verbatim());
    }

    #[test]
    fn utf8_bodies_and_others_decode_as_serde_json_would() {
        let body = Bytes::from_static("{\"name\":\"김네이버\",\"n\":1}".as_bytes());
        let value: serde_json::Value = decode(&body).unwrap();
        assert_eq!(value["name"], "김네이버");
        // Not UTF-8: the same error serde_json gives for the bytes.
        let bad = Bytes::from_static(b"{\"name\":\"\xff\"}");
        let ours = decode::<serde_json::Value>(&bad).unwrap_err().to_string();
        let theirs = serde_json::from_slice::<serde_json::Value>(&bad).unwrap_err().to_string();
        assert_eq!(ours, theirs);
    }
}
