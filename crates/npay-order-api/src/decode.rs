//! How the generated client reads an answer's body: progenitor's `ResponseValue::from_response`,
//! but with the body's UTF-8 checked once. serde_json on a byte slice checks every string on its
//! own (a large answer has thousands of them: the profile in BENCHMARKS.md puts that at about a
//! tenth of a 300-order query); on a `&str` it does not need to. `cargo xtask generate` points the
//! generated methods here.
//!
//! It is also where a [`BodyTap`] of the call's [`CallContext`](crate::CallContext) receives the
//! body before it is decoded.

use std::sync::{Arc, Mutex, PoisonError};

pub use bytestring::ByteString;
use progenitor_client::{Error, ResponseValue};
use serde::de::DeserializeOwned;
use tokio::sync::oneshot;

use crate::shape::Shape;
use crate::timestamp;

/// Where the body of an operation's answer goes as soon as it has arrived, before it is decoded.
///
/// A binding whose language parses JSON itself (Node's `JSON.parse`) starts parsing the body
/// while the core decodes it into the spec's types on another thread, instead of waiting for the
/// typed value and parsing it again as JSON text. Its parse stands when [`BodyTap::verbatim`]
/// says the body reads exactly as that typed value would be written back; otherwise it takes the
/// typed value's text as before. Only bodies of at least `min_len` bytes are handed over (on a
/// small answer the parallel work costs more than it saves), only one per tap, and only UTF-8
/// ones: the body arrives as text, checked once for both the decode and the binding.
///
/// A caller that takes its data from the body whenever it can may ask for a check instead of the
/// decode ([`BodyTap::check_against`]): the body handed over is then checked against its shape
/// ([`crate::conform`]), which costs about half of the owned decode, and decoded in full only when
/// it does not conform.
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
    sender: Option<oneshot::Sender<ByteString>>,
    /// Bodies decoded under this tap (a call split into chunks has several).
    bodies: u32,
    /// The last body decoded by the fast path with nothing the typed value would write otherwise.
    verbatim: bool,
    /// The shape to check a handed-over body against instead of decoding it in full.
    check: Option<&'static Shape>,
    /// The body that was checked, and so decoded hollow.
    checked: Option<ByteString>,
}

impl std::fmt::Debug for BodyTap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the body: it holds buyers' data.
        f.debug_struct("BodyTap").finish_non_exhaustive()
    }
}

impl BodyTap {
    /// A tap for bodies of at least `min_len` bytes, and where the one handed over arrives.
    pub fn new(min_len: usize) -> (Self, oneshot::Receiver<ByteString>) {
        let (sender, receiver) = oneshot::channel();
        let state = TapState { min_len, sender: Some(sender), bodies: 0, verbatim: false, check: None, checked: None };
        (BodyTap(Arc::new(Mutex::new(state))), receiver)
    }

    fn state(&self) -> std::sync::MutexGuard<'_, TapState> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Hands `body` over if it is the first and long enough; whether it was.
    fn offer(&self, body: &ByteString) -> bool {
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

    /// Asks for the body handed over under this tap to be checked against `shape` (the answer's,
    /// [`crate::shapes::response_shape`]) instead of decoded in full. When it conforms, the call
    /// returns a *hollow* typed value: the answer's own envelope values, but every list empty
    /// ([`crate::conform::hollow_if_conforming`]). So only a caller that then takes the data from
    /// [`BodyTap::checked_body`] may ask: the core's JSON path, which does exactly that, and
    /// which asks only for a call of one request (a call split into chunks would merge a hollow
    /// part; see [`BodyTap::decode_in_full`]).
    ///
    /// ```
    /// let (tap, _body) = npay_order_api::BodyTap::new(64 * 1024);
    /// tap.check_against(npay_order_api::shapes::response_shape("queryProductOrders").unwrap());
    /// assert!(tap.checked_body().is_none(), "nothing checked yet");
    /// ```
    pub fn check_against(&self, shape: &'static Shape) {
        self.state().check = Some(shape);
    }

    /// Withdraws [`BodyTap::check_against`]: every body is decoded in full (a call about to be
    /// sent as several requests asks this, as their typed values are merged).
    pub fn decode_in_full(&self) {
        self.state().check = None;
    }

    /// The body, when exactly one was handed over under this tap and it conformed to the shape of
    /// [`BodyTap::check_against`]: the call's typed value is hollow, and its data is this body's.
    pub fn checked_body(&self) -> Option<ByteString> {
        let state = self.state();
        if state.bodies == 1 { state.checked.clone() } else { None }
    }

    /// The shape to check the body `offer` just handed over against, if one was asked for.
    fn check_shape(&self) -> Option<&'static Shape> {
        self.state().check
    }

    /// Records that the body handed over conformed, and so was decoded hollow.
    fn settle_checked(&self, body: ByteString) {
        let mut state = self.state();
        state.verbatim = true;
        state.checked = Some(body);
    }

    /// Whether exactly one body was decoded under this tap, by the fast path, and it reads as its
    /// typed value written back as JSON would: no `null` anywhere (the typed value leaves an
    /// absent optional field out), no empty array (it leaves out an optional list that is empty)
    /// and every date-time in the form [`crate::Timestamp`] writes.
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
pub async fn response_value<T: DeserializeOwned, E>(
    mut response: reqwest::Response,
) -> Result<ResponseValue<T>, Error<E>> {
    let status = response.status();
    // Taken, not copied: reading the body needs only the body.
    let headers = std::mem::take(response.headers_mut());
    let body = response.bytes().await.map_err(Error::ResponseBodyError)?;
    // One UTF-8 check for the whole body, shared by the decode and a tap's binding.
    let text = checked_text(&body);
    let tap = crate::hooks::current_tap();
    let handed = tap.as_ref().zip(text.as_ref()).is_some_and(|(tap, text)| tap.offer(text));
    if handed {
        // Let the task that waits for the body run before this one spends the decode's time.
        tokio::task::yield_now().await;
    }
    if handed
        && status.is_success()
        && let (Some(tap), Some(text)) = (&tap, &text)
        && let Some(shape) = tap.check_shape()
        && let Some(inner) = hollow(shape, text)
    {
        tap.settle_checked(text.clone());
        return Ok(ResponseValue::new(inner, status, headers));
    }
    let odd_before = tap.as_ref().map(|_| timestamp::odd_forms_read());
    match decode(&body, text.as_deref()) {
        Ok(inner) => {
            if let (Some(tap), Some(before)) = (tap, odd_before) {
                tap.settle(timestamp::odd_forms_read() == before && !writes_otherwise(&body));
            }
            Ok(ResponseValue::new(inner, status, headers))
        }
        Err(error) => {
            // The error carries only the body: the caller reads status and headers from its context.
            crate::hooks::leave_answer(status.as_u16(), headers);
            Err(Error::InvalidResponsePayload(body, error))
        }
    }
}

/// The hollow typed value of `text` if it conforms to `shape` (see [`BodyTap::check_against`]).
fn hollow<T: DeserializeOwned>(shape: &'static Shape, text: &str) -> Option<T> {
    serde_json::from_str(&crate::conform::hollow_if_conforming(shape, text)?).ok()
}

/// Whether `body` may hold what a typed value leaves out when written: a `null`, or an empty
/// array (`[]`, or with whitespace inside). Text, so the same inside a string: a body that only
/// seems to is merely not verbatim.
fn writes_otherwise(body: &[u8]) -> bool {
    memchr::memmem::find(body, b"null").is_some()
        || memchr::memchr_iter(b'[', body)
            .any(|at| body[at + 1..].iter().find(|byte| !byte.is_ascii_whitespace()) == Some(&b']'))
}

/// `body` as text, if it is UTF-8. The check is SIMD (`simdutf8`): on a 300-order answer, about a
/// sixth of the time of std's (0.019 against 0.110 ms for 802 kB with 59,000 non-ASCII bytes).
fn checked_text(body: &bytes::Bytes) -> Option<ByteString> {
    simdutf8::basic::from_utf8(body).ok()?;
    // SAFETY: the line above proved `body` UTF-8, and `Bytes` is immutable.
    Some(unsafe { ByteString::from_bytes_unchecked(body.clone()) })
}

/// `body` as `T`: from `text`, the body already checked as UTF-8, when it is; else from the bytes
/// (for serde's own error about the bad byte).
fn decode<T: DeserializeOwned>(body: &[u8], text: Option<&str>) -> Result<T, serde_json::Error> {
    match text {
        Some(text) => serde_json::from_str(text),
        None => serde_json::from_slice(body),
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
        #[serde(default)]
        tags: Vec<String>,
    }

    /// `body` decoded as a [`Probe`] with a tap of `min_len`: the body handed over, if any, and
    /// the tap's verdict.
    async fn tapped(body: &'static str, min_len: usize) -> (Option<ByteString>, bool) {
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
        assert_eq!(tapped(written, 8).await, (Some(ByteString::from_static(written)), true));
        // Too short to be handed over: the verdict stands, the body stays.
        assert_eq!(tapped(written, 4096).await, (None, true));
        // An explicit null, and a date-time in another form, are written otherwise.
        assert!(!tapped(r#"{"at":"2023-01-16T17:14:51.794+09:00","name":null}"#, 8).await.1);
        // An empty array, which a list that may be absent is written as (left out).
        assert!(!tapped(r#"{"at":"2023-01-16T17:14:51.794+09:00","tags":[]}"#, 8).await.1);
        assert!(!tapped("{\"at\":\"2023-01-16T17:14:51.794+09:00\",\"tags\":[ \n\t]}", 8).await.1);
        assert!(tapped(r#"{"at":"2023-01-16T17:14:51.794+09:00","tags":["a"]}"#, 8).await.1);
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

    #[tokio::test]
    async fn a_body_that_is_not_utf8_is_not_handed_over_and_fails_as_serde_json_says() {
        let bad: &'static [u8] = b"{\"at\":\"2023-01-16T17:14:51.794+09:00\",\"name\":\"\xff\"}";
        let (tap, mut handed) = BodyTap::new(1);
        let response = reqwest::Response::from(http::Response::new(bad));
        let context = crate::CallContext::default().with_tap(Some(tap.clone()));
        let decoded: Result<ResponseValue<Probe>, Error<()>> = context.scope(response_value(response)).await;
        let Err(Error::InvalidResponsePayload(_, ours)) = decoded else { panic!("a body that is not UTF-8 fails") };
        let theirs = serde_json::from_slice::<Probe>(bad).err().expect("serde_json refuses it too");
        assert_eq!(ours.to_string(), theirs.to_string());
        assert!(handed.try_recv().is_err(), "not handed over");
        assert!(!tap.verbatim());
    }

    #[test]
    fn the_body_check_accepts_korean_text_and_refuses_a_cut_character() {
        let text = "{\"ordererName\":\"신다은\",\"shippingMemo\":\"문 앞에 놓아 주세요\"}";
        let checked = checked_text(&bytes::Bytes::from_static(text.as_bytes())).expect("UTF-8");
        assert_eq!(&*checked, text);
        // "은" is three bytes; cut after two, the body is not UTF-8.
        let cut = &text.as_bytes()[..text.find("은").unwrap() + 2];
        assert!(checked_text(&bytes::Bytes::copy_from_slice(cut)).is_none());
        assert!(checked_text(&bytes::Bytes::from_static(b"\xed\xa0\x80")).is_none(), "a surrogate is refused");
    }

    #[tokio::test]
    async fn an_undecodable_body_leaves_its_status_and_headers_in_the_context_and_a_decoded_one_does_not() {
        let answer = |status: u16, body: &'static str| {
            let response = http::Response::builder().status(status).header("GNCP-GW-Trace-ID", "trace-1").body(body);
            reqwest::Response::from(response.expect("a response"))
        };
        let context = crate::CallContext::default();
        let bad: Result<ResponseValue<Probe>, Error<()>> =
            context.clone().scope(response_value(answer(503, "<html>busy</html>"))).await;
        assert!(matches!(bad, Err(Error::InvalidResponsePayload(..))));
        let (status, headers) = context.answer().expect("left for the caller");
        assert_eq!(status, 503);
        assert_eq!(headers.get("GNCP-GW-Trace-ID").and_then(|v| v.to_str().ok()), Some("trace-1"));
        assert!(context.answer().is_none(), "taken once");

        let good: Result<ResponseValue<Probe>, Error<()>> =
            context.clone().scope(response_value(answer(200, "{\"at\":\"2023-01-16T17:14:51.794+09:00\"}"))).await;
        let good = good.expect("decodes");
        assert_eq!(good.headers().get("GNCP-GW-Trace-ID").and_then(|v| v.to_str().ok()), Some("trace-1"));
        assert!(context.answer().is_none(), "nothing left when the body decoded");
    }
}
