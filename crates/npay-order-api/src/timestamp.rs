//! Naver's date-time: ISO-8601 with milliseconds and the `+09:00` offset.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Korea Standard Time, the zone Naver reads offset-less values in.
fn kst() -> FixedOffset {
    FixedOffset::east_opt(9 * 3600).expect("+09:00 is a valid offset")
}

/// Nine hours in milliseconds: KST's fixed offset (Korea has no daylight saving time).
const KST_OFFSET_MS: i64 = 9 * 3600 * 1000;

/// Days since 1970-01-01 → (year, month, day): Howard Hinnant's `civil_from_days`.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = (z - era * 146_097) as u64;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe as i64 + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// The KST calendar day `(year, month, day)` of a Unix millisecond instant.
///
/// ```
/// // 2022-01-31T15:00:00Z is midnight on 2022-02-01 in Seoul.
/// assert_eq!(npay_order_api::timestamp::kst_civil_date(1_643_641_200_000), (2022, 2, 1));
/// ```
pub fn kst_civil_date(millis: i64) -> (i64, u32, u32) {
    civil_from_days((millis + KST_OFFSET_MS).div_euclid(86_400_000))
}

/// `yyyy-MM-ddTHH:mm:ss.SSS+09:00` (29 ASCII bytes) for a Unix millisecond instant: the API's
/// date-time, written into a fixed buffer. It is the one KST formatter of the project —
/// [`Timestamp`]'s `Display` uses it for `+09:00` values, the sandbox for every date-time it
/// answers — and it runs for every date-time of every answer, hence no allocation and no format
/// string. Years outside 0–9999 are clamped (use [`Timestamp`] for those).
///
/// ```
/// let text = npay_order_api::timestamp::format_kst_millis(1_643_670_023_299);
/// assert_eq!(&text, b"2022-02-01T08:00:23.299+09:00");
/// ```
pub fn format_kst_millis(millis: i64) -> [u8; 29] {
    let local = millis + KST_OFFSET_MS;
    let rem = local.rem_euclid(86_400_000);
    let (y, mo, d) = civil_from_days(local.div_euclid(86_400_000));
    let mut b = *b"0000-00-00T00:00:00.000+09:00";
    let put = |b: &mut [u8; 29], at: usize, mut v: u32, width: usize| {
        for i in (0..width).rev() {
            b[at + i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
    };
    put(&mut b, 0, y.clamp(0, 9999) as u32, 4);
    put(&mut b, 5, mo, 2);
    put(&mut b, 8, d, 2);
    put(&mut b, 11, (rem / 3_600_000) as u32, 2);
    put(&mut b, 14, ((rem / 60_000) % 60) as u32, 2);
    put(&mut b, 17, ((rem / 1000) % 60) as u32, 2);
    put(&mut b, 20, (rem % 1000) as u32, 3);
    b
}

/// A point in time with the offset it was written with (Naver uses `+09:00`).
///
/// It serialises as `yyyy-MM-ddTHH:mm:ss.SSS±hh:mm` — always three fractional digits, as the API
/// expects even on whole seconds — and parses any RFC 3339 value; a value without an offset is
/// read as KST.
///
/// ```
/// use npay_order_api::Timestamp;
/// let t: Timestamp = "2026-11-27T14:03:11+09:00".parse().unwrap();
/// assert_eq!(t.to_string(), "2026-11-27T14:03:11.000+09:00");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(DateTime<FixedOffset>);

impl Timestamp {
    /// Wraps a date-time, keeping its offset.
    pub fn new(value: DateTime<FixedOffset>) -> Self {
        Timestamp(value)
    }

    /// The same instant expressed in KST (`+09:00`), the form Naver expects in requests.
    pub fn from_utc_in_kst(value: DateTime<Utc>) -> Self {
        Timestamp(value.with_timezone(&kst()))
    }

    /// A wall-clock time read as KST.
    pub fn from_naive_kst(value: NaiveDateTime) -> Self {
        Timestamp(kst().from_local_datetime(&value).single().expect("KST has no gaps or folds"))
    }

    /// Milliseconds since the Unix epoch, read as KST.
    pub fn from_millis_kst(millis: i64) -> Option<Self> {
        DateTime::from_timestamp_millis(millis).map(Self::from_utc_in_kst)
    }

    /// The wrapped date-time.
    pub fn as_datetime(&self) -> DateTime<FixedOffset> {
        self.0
    }

    /// The same instant in UTC.
    pub fn to_utc(&self) -> DateTime<Utc> {
        self.0.with_timezone(&Utc)
    }

    /// Milliseconds since the Unix epoch.
    pub fn timestamp_millis(&self) -> i64 {
        self.0.timestamp_millis()
    }
}

impl From<DateTime<FixedOffset>> for Timestamp {
    fn from(value: DateTime<FixedOffset>) -> Self {
        Timestamp(value)
    }
}

impl From<DateTime<Utc>> for Timestamp {
    fn from(value: DateTime<Utc>) -> Self {
        Timestamp::from_utc_in_kst(value)
    }
}

impl From<Timestamp> for DateTime<FixedOffset> {
    fn from(value: Timestamp) -> Self {
        value.0
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use chrono::{Datelike, Timelike};
        let t = &self.0;
        if !(0..=9999).contains(&t.year()) {
            // Outside four-digit years, chrono's own formatting (with its sign conventions).
            return write!(f, "{}", t.format("%Y-%m-%dT%H:%M:%S%.3f%:z"));
        }
        let offset = t.offset().local_minus_utc();
        if offset == 9 * 3600 && t.nanosecond() < 1_000_000_000 {
            // Naver's own offset, the common case: the fixed-buffer formatter.
            let text = format_kst_millis(t.timestamp_millis());
            return f.write_str(std::str::from_utf8(&text).map_err(|_| fmt::Error)?);
        }
        // Written by hand: this runs for every date-time of every answer the bindings receive,
        // and chrono re-parses its format string on each call.
        let (sign, offset) = if offset < 0 { ('-', -offset) } else { ('+', offset) };
        // A leap second is stored as nanosecond ≥ 1e9; milliseconds stay three digits.
        let millis = (t.nanosecond() / 1_000_000).min(999);
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}{}{:02}:{:02}",
            t.year(),
            t.month(),
            t.day(),
            t.hour(),
            t.minute(),
            t.second(),
            millis,
            sign,
            offset / 3600,
            offset % 3600 / 60
        )
    }
}

/// A string that is not an ISO-8601 date-time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimestampParseError(String);

impl fmt::Display for TimestampParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not an ISO-8601 date-time (expected e.g. 2026-11-27T14:03:11.120+09:00): {:?}", self.0)
    }
}

impl std::error::Error for TimestampParseError {}

impl FromStr for Timestamp {
    type Err = TimestampParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Ok(value) = DateTime::parse_from_rfc3339(s) {
            return Ok(Timestamp(value));
        }
        NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
            .map(Timestamp::from_naive_kst)
            .map_err(|_| TimestampParseError(s.chars().take(64).collect()))
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::text::deserialize_str_with(deserializer, "a date-time string", |text| {
            let value = text.parse::<Timestamp>()?;
            if !written_as_read(text) {
                ODD_FORMS.with(|count| count.set(count.get() + 1));
            }
            Ok::<_, TimestampParseError>(value)
        })
    }
}

thread_local! {
    /// Date-times read on this thread in a form other than the one [`Timestamp`] writes.
    static ODD_FORMS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// How many date-times this thread has read (deserialised) in a form other than the one
/// [`Timestamp`] writes, such as `2026-11-27T14:03:11+09:00` (no milliseconds) or `…Z`. A
/// decoder compares the count before and after a body to know whether writing the typed value
/// back would change any date-time's text ([`crate::BodyTap::verbatim`]).
pub fn odd_forms_read() -> u64 {
    ODD_FORMS.with(std::cell::Cell::get)
}

/// Whether `text` reads as a [`Timestamp`] in exactly the form it writes: what the typed decode
/// reads without counting an odd form ([`odd_forms_read`]). The check of [`crate::conform`].
pub(crate) fn reads_as_written(text: &str) -> bool {
    written_as_read(text) && text.parse::<Timestamp>().is_ok()
}

/// Whether `text`, already read as RFC 3339, is exactly what [`Timestamp`]'s `Display` writes for
/// it: `yyyy-MM-ddTHH:mm:ss.SSS±hh:mm`, not a leap second, not `-00:00` (written `+00:00`).
fn written_as_read(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 29
        && b[10] == b'T'
        && b[19] == b'.'
        && (b[23] == b'+' || b[23] == b'-')
        && b[26] == b':'
        && &b[17..19] != b"60"
        && &b[23..] != b"-00:00"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_date_time_in_the_written_form_reads_as_written() {
        for text in ["2023-01-16T17:14:51.794+09:00", "2023-01-16T17:14:51.794-05:30", "1999-12-31T23:59:59.000+00:00"]
        {
            let read: Timestamp = text.parse().unwrap();
            assert!(written_as_read(text), "{text}");
            assert_eq!(read.to_string(), text, "written as read");
        }
        for text in [
            "2023-01-16T17:14:51+09:00",
            "2023-01-16T08:14:51.794Z",
            "2023-01-16t17:14:51.794+09:00",
            "2023-01-16 17:14:51.794+09:00",
            "2023-01-16T17:14:51.7940+09:00",
            "2023-01-16T17:14:51.794-00:00",
            "2016-12-31T23:59:60.500+00:00",
        ] {
            let read: Timestamp = text.parse().unwrap();
            assert!(!written_as_read(text), "{text}");
            assert_ne!(read.to_string(), text, "{text} is written otherwise");
        }
        let before = odd_forms_read();
        let _: Timestamp = serde_json::from_str("\"2023-01-16T17:14:51.794+09:00\"").unwrap();
        assert_eq!(odd_forms_read(), before, "the written form is not counted");
        let _: Timestamp = serde_json::from_str("\"2023-01-16T17:14:51+09:00\"").unwrap();
        assert_eq!(odd_forms_read(), before + 1, "another form is");
    }

    #[test]
    fn keeps_the_kst_offset_and_writes_milliseconds() {
        let t: Timestamp = "2023-01-16T17:14:51.794+09:00".parse().unwrap();
        assert_eq!(t.to_string(), "2023-01-16T17:14:51.794+09:00");
        let whole: Timestamp = "2023-01-16T17:14:51+09:00".parse().unwrap();
        assert_eq!(whole.to_string(), "2023-01-16T17:14:51.000+09:00");
    }

    #[test]
    fn reads_offsetless_values_as_kst_and_utc_values_keep_their_instant() {
        let naive: Timestamp = "2023-01-16T17:14:51.794".parse().unwrap();
        assert_eq!(naive.to_string(), "2023-01-16T17:14:51.794+09:00");
        let utc: Timestamp = "2023-01-16T08:14:51.794Z".parse().unwrap();
        assert_eq!(utc.timestamp_millis(), naive.timestamp_millis());
        assert_eq!(Timestamp::from_utc_in_kst(utc.to_utc()).to_string(), "2023-01-16T17:14:51.794+09:00");
    }

    #[test]
    fn formats_other_offsets_and_agrees_with_chrono() {
        for text in ["2023-01-16T17:14:51.794-03:30", "0001-01-01T00:00:00.000+00:00", "9999-12-31T23:59:59.999+14:00"]
        {
            let t: Timestamp = text.parse().unwrap();
            assert_eq!(t.to_string(), text);
            assert_eq!(t.to_string(), t.as_datetime().format("%Y-%m-%dT%H:%M:%S%.3f%:z").to_string());
        }
    }

    #[test]
    fn the_fixed_buffer_kst_formatter_agrees_with_chrono_over_four_centuries() {
        // Day steps that are not whole days, so every time of day and every month end comes by;
        // from 1900 (negative Unix times) to 2300.
        let mut millis = -2_208_988_800_000i64;
        while millis < 10_413_792_000_000 {
            let t = Timestamp::from_millis_kst(millis).unwrap();
            let expected = t.as_datetime().format("%Y-%m-%dT%H:%M:%S%.3f%:z").to_string();
            assert_eq!(t.to_string(), expected, "{millis}");
            assert_eq!(std::str::from_utf8(&format_kst_millis(millis)).unwrap(), expected);
            let (y, m, d) = kst_civil_date(millis);
            assert_eq!(format!("{y:04}-{m:02}-{d:02}"), expected[..10]);
            millis += 86_399_917 * 7;
        }
    }

    #[test]
    fn sub_millisecond_digits_are_cut_not_rounded() {
        let t: Timestamp = "2026-11-27T10:00:00.9999+09:00".parse().unwrap();
        assert_eq!(t.to_string(), "2026-11-27T10:00:00.999+09:00");
    }

    #[test]
    fn rejects_text_that_is_not_a_date_time() {
        assert!("yesterday".parse::<Timestamp>().is_err());
        assert!("2023-13-01T00:00:00+09:00".parse::<Timestamp>().is_err());
    }
}
