//! Date-times across the boundary.
//!
//! On the wire of the FFI a date-time is its ISO-8601 text; each language maps it to its native
//! type in `uniffi.toml` (Kotlin `java.time.OffsetDateTime`, Swift `Foundation.Date`). Values read
//! from the server keep the offset they were written with (`+09:00`); values sent are converted
//! to KST with milliseconds, as the API expects. A text that is not a date-time is an
//! `InvalidRequestError` naming the value, never a crash.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::NpayError;

/// A point in time with its offset: ISO-8601 text on the FFI, the native date-time in each language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(npay_order::Timestamp);

impl Timestamp {
    /// The core's timestamp.
    pub fn into_inner(self) -> npay_order::Timestamp {
        self.0
    }

    fn parse(text: &str) -> Result<Self, NpayError> {
        text.parse::<npay_order::Timestamp>()
            .map(|t| Timestamp(npay_order::Timestamp::from_utc_in_kst(t.to_utc())))
            .map_err(|e| NpayError::invalid("date-time", e.to_string()))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

uniffi::custom_type!(Timestamp, String, {
    lower: |t| t.0.to_string(),
    // The error is the binding's own, so uniffi hands it to the caller as `InvalidRequestError`.
    try_lift: |text| Timestamp::parse(&text).map_err(anyhow_error),
});

fn anyhow_error(error: NpayError) -> uniffi::deps::anyhow::Error {
    uniffi::deps::anyhow::Error::new(error)
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        npay_order::Timestamp::deserialize(deserializer).map(Timestamp)
    }
}

impl From<npay_order::Timestamp> for Timestamp {
    fn from(value: npay_order::Timestamp) -> Self {
        Timestamp(value)
    }
}
