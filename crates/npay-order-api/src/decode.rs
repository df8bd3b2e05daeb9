//! How the generated client reads an answer's body: progenitor's `ResponseValue::from_response`,
//! but with the body's UTF-8 checked once. serde_json on a byte slice checks every string on its
//! own (a large answer has thousands of them: the profile in BENCHMARKS.md puts that at about a
//! tenth of a 300-order query); on a `&str` it does not need to. `cargo xtask generate` points the
//! generated methods here.

use bytes::Bytes;
use progenitor_client::{Error, ResponseValue};
use serde::de::DeserializeOwned;

/// The answer's status, headers and body decoded as `T`; an undecodable body is
/// [`Error::InvalidResponsePayload`] with the body, as progenitor's own (the core's tolerant path
/// reads it from there).
pub async fn response_value<T: DeserializeOwned, E>(response: reqwest::Response) -> Result<ResponseValue<T>, Error<E>> {
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.bytes().await.map_err(Error::ResponseBodyError)?;
    match decode(&body) {
        Ok(inner) => Ok(ResponseValue::new(inner, status, headers)),
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
