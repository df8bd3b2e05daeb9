//! Reading a string value without copying it first.
//!
//! `Cow<'de, str>` looks as if it borrowed from the body, but serde's own `Deserialize` for it
//! always makes an owned `String` (borrowing needs `#[serde(borrow)]` on a field). A date-time is
//! parsed and then dropped, so that `String` was one allocation per value, some 900 per answer of
//! 300 product orders. A visitor sees the body's own `&str` instead.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserializer;
use serde::de::{self, Visitor};

/// Deserialises a string with `read`, which sees the text in place (borrowed from the body when
/// the deserializer can lend it, else serde's scratch buffer) and returns the value or why the
/// text is not one. `expecting` completes "invalid type: …, expected …".
///
/// ```
/// let mut de = serde_json::Deserializer::from_str("\"42\"");
/// let n: u32 = npay_order_api::text::deserialize_str_with(&mut de, "a number in a string", |s| s.parse()).unwrap();
/// assert_eq!(n, 42);
/// ```
pub fn deserialize_str_with<'de, D, T, E>(
    deserializer: D,
    expecting: &'static str,
    read: impl FnOnce(&str) -> Result<T, E>,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    E: fmt::Display,
{
    deserializer.deserialize_str(ReadStr { expecting, read, value: PhantomData })
}

struct ReadStr<F, T> {
    expecting: &'static str,
    read: F,
    value: PhantomData<fn() -> T>,
}

impl<'de, F, T, E> Visitor<'de> for ReadStr<F, T>
where
    F: FnOnce(&str) -> Result<T, E>,
    E: fmt::Display,
{
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.expecting)
    }

    // `visit_borrowed_str` and `visit_string` forward here by default.
    fn visit_str<Er: de::Error>(self, text: &str) -> Result<T, Er> {
        (self.read)(text).map_err(Er::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_upper(json: &str) -> Result<String, serde_json::Error> {
        let mut de = serde_json::Deserializer::from_str(json);
        deserialize_str_with(&mut de, "an upper-case word", |s| {
            if s.chars().all(|c| c.is_ascii_uppercase()) { Ok(s.to_owned()) } else { Err("not upper case") }
        })
    }

    #[test]
    fn reads_plain_and_escaped_strings() {
        assert_eq!(read_upper("\"PAYED\"").unwrap(), "PAYED");
        // An escape makes serde_json unescape into its scratch buffer: still read.
        assert_eq!(read_upper("\"PAY\\u0045D\"").unwrap(), "PAYED");
    }

    #[test]
    fn a_refused_text_and_a_wrong_type_are_errors_naming_what_was_expected() {
        assert!(read_upper("\"payed\"").unwrap_err().to_string().contains("not upper case"));
        let wrong = read_upper("12").unwrap_err().to_string();
        assert!(wrong.contains("expected an upper-case word"), "{wrong}");
    }

    #[test]
    fn reads_from_an_owned_value_too() {
        // The tolerant path decodes from `serde_json::Value`, which hands over owned strings.
        let value = serde_json::json!("DELIVERED");
        let read: String = deserialize_str_with(value, "a word", |s| Ok::<_, String>(s.to_owned())).unwrap();
        assert_eq!(read, "DELIVERED");
    }
}
