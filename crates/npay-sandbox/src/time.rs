//! Sandbox clock and the KST date-time format of the API.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch (UTC).
pub type Millis = i64;

/// Nine hours, the fixed KST offset.
pub const KST_OFFSET_MS: i64 = 9 * 3600 * 1000;

/// Real wall-clock time in milliseconds.
pub fn real_now_ms() -> Millis {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// The sandbox clock: real time plus an offset that `POST _sandbox/clock` moves forward.
/// It never goes backwards, so change timestamps are monotonic.
#[derive(Debug, Default)]
pub struct Clock {
    offset_ms: AtomicI64,
    last_ms: AtomicI64,
}

impl Clock {
    pub fn now(&self) -> Millis {
        let t = real_now_ms() + self.offset_ms.load(Ordering::Relaxed);
        let prev = self.last_ms.fetch_max(t, Ordering::Relaxed);
        prev.max(t)
    }

    pub fn advance(&self, ms: i64) {
        self.offset_ms.fetch_add(ms, Ordering::Relaxed);
    }

    pub fn offset_ms(&self) -> i64 {
        self.offset_ms.load(Ordering::Relaxed)
    }

    pub fn reset(&self) {
        self.offset_ms.store(0, Ordering::Relaxed);
        self.last_ms.store(0, Ordering::Relaxed);
    }
}

/// The API's KST date-time of an instant (29 bytes): the client's own formatter, the one the
/// project has. Its output is checked independently of it: schemathesis and prism validate every
/// answer's date-times against the spec.
pub use npay_order_api::timestamp::format_kst_millis as format_kst;

/// The KST string form of an instant.
pub fn kst_string(ms: Millis) -> String {
    let b = format_kst(ms);
    // The buffer is ASCII by construction.
    String::from_utf8_lossy(&b).into_owned()
}

/// `yyyyMMdd` of an instant in KST (used as the prefix of generated ids).
pub fn kst_yyyymmdd(ms: Millis) -> u64 {
    let (y, m, d) = npay_order_api::timestamp::kst_civil_date(ms);
    (y.clamp(0, 9999) as u64) * 10_000 + (m as u64) * 100 + d as u64
}

/// Why a date-time parameter was rejected.
#[derive(Debug, PartialEq, Eq)]
pub enum DateTimeError {
    /// Contains a space where `+` was probably meant (an unencoded `+` in a query string).
    UnencodedPlus,
    /// Not ISO-8601 with an offset.
    Invalid,
}

/// Parses an ISO-8601 date-time with an offset (`+09:00`, `Z`, with or without fractional seconds).
pub fn parse_datetime(s: &str) -> Result<Millis, DateTimeError> {
    let t = s.trim_end();
    if t.get(19..).is_some_and(|tail| tail.contains(' ')) {
        return Err(DateTimeError::UnencodedPlus);
    }
    chrono::DateTime::parse_from_rfc3339(t).map(|d| d.timestamp_millis()).map_err(|_| DateTimeError::Invalid)
}

/// The KST calendar day of an instant.
pub fn kst_date(ms: Millis) -> chrono::NaiveDate {
    chrono::DateTime::from_timestamp_millis(ms + KST_OFFSET_MS).map(|t| t.date_naive()).unwrap_or_default()
}

/// Parses a `yyyy-MM-dd` date (exactly that form: four-digit year, two-digit month and day).
pub fn parse_date(s: &str) -> Option<chrono::NaiveDate> {
    let b = s.as_bytes();
    let shaped = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shaped {
        return None;
    }
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// A calendar day serialised as `yyyy-MM-dd`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Day(pub chrono::NaiveDate);

impl serde::Serialize for Day {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0.format("%Y-%m-%d"))
    }
}

/// A sandbox instant serialised as a KST date-time string.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Ts(pub Millis);

impl serde::Serialize for Ts {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let b = format_kst(self.0);
        s.serialize_str(std::str::from_utf8(&b).unwrap_or("1970-01-01T09:00:00.000+09:00"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_kst_with_three_fraction_digits() {
        // 2022-01-31T23:00:23.299Z = 2022-02-01T08:00:23.299+09:00
        assert_eq!(kst_string(1_643_670_023_299), "2022-02-01T08:00:23.299+09:00");
        assert_eq!(kst_string(0), "1970-01-01T09:00:00.000+09:00");
        assert_eq!(kst_yyyymmdd(0), 19700101);
    }

    #[test]
    fn parses_offsets_and_optional_millis() {
        let a = parse_datetime("2024-03-01T09:00:00.000+09:00").unwrap();
        let b = parse_datetime("2024-03-01T00:00:00Z").unwrap();
        assert_eq!(a, b);
        assert_eq!(kst_string(a), "2024-03-01T09:00:00.000+09:00");
        assert_eq!(parse_datetime("2024-03-01T09:00:00.000 09:00"), Err(DateTimeError::UnencodedPlus));
        assert_eq!(parse_datetime("2024-03-01"), Err(DateTimeError::Invalid));
        assert_eq!(parse_datetime("2024-03-01T09:00:00"), Err(DateTimeError::Invalid));
        assert_eq!(parse_datetime("2024-03-01T09:00:0가 +09:00"), Err(DateTimeError::Invalid));
    }

    #[test]
    fn dates_are_exactly_yyyy_mm_dd_and_days_are_kst() {
        let d = |s| parse_date(s).map(|d| d.to_string());
        assert_eq!(d("2024-02-29").as_deref(), Some("2024-02-29"));
        assert_eq!(d("0001-01-01").as_deref(), Some("0001-01-01"));
        for bad in ["2023-02-29", "2024-2-29", "2024-02-29T00:00:00", "+2024-02-29", "2024/02/29", "", "２０２４-02-29"]
        {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
        // 2022-01-31T15:00:00Z is midnight on 2022-02-01 in KST.
        assert_eq!(kst_date(1_643_641_200_000).to_string(), "2022-02-01");
        assert_eq!(kst_date(1_643_641_199_999).to_string(), "2022-01-31");
        assert_eq!(serde_json::to_string(&Day(kst_date(0))).unwrap(), "\"1970-01-01\"");
    }

    #[test]
    fn roundtrips_many_instants() {
        let mut t = -86_400_000i64 * 400;
        while t < 4_102_444_800_000 {
            let s = kst_string(t);
            assert_eq!(parse_datetime(&s).unwrap(), t, "{s}");
            t += 86_399_917 * 3;
        }
    }
}
