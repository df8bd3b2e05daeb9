//! Whatever bytes a server sends, decoding a response (strictly, and tolerantly against every
//! operation's answer shape) and turning an error answer into a typed error never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use npay_order::NpayError;
use npay_order_api::types;

fn decode<T: serde::de::DeserializeOwned + serde::Serialize>(data: &[u8]) {
    if let Ok(value) = serde_json::from_slice::<T>(data) {
        // What decodes must encode again.
        serde_json::to_vec(&value).expect("a decoded value encodes");
    }
}

fuzz_target!(|data: &[u8]| {
    decode::<types::LastChangedStatusesResponse>(data);
    decode::<types::ProductOrdersResponse>(data);
    decode::<types::SearchProductOrdersResponse>(data);
    decode::<types::ConfirmProductOrdersResponse>(data);
    decode::<types::ClaimResultResponse>(data);
    decode::<types::ReviewsResponse>(data);
    decode::<types::TokenResponse>(data);
    decode::<types::ErrorResponse>(data);
    // The tolerant path, over every operation's answer shape: it may refuse, never panic.
    for operation in npay_order::OPERATIONS {
        let _ = npay_order::tolerant::deviations_of(operation.id, data);
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = text.parse::<npay_order::Timestamp>();
    }
    for status in [400u16, 401, 429, 500, 503] {
        let error = NpayError::from_error_body("fuzz", status, data, None);
        let _ = error.to_string();
        assert_eq!(error.status(), Some(status));
    }
});
