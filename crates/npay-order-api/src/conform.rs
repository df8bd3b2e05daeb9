//! Whether an answer's body reads exactly as its typed value would be written back, found by one
//! pass over the body against the spec's shape tables ([`crate::shapes`]), without building the
//! typed value.
//!
//! A binding that parses a large body itself (Node's `JSON.parse`, Python's tape) needs the core
//! only to say that its parse stands: that the typed decode would accept the body and write it
//! back as the same JSON. The owned decode answers that by building every string and struct of
//! the answer and dropping them again; this pass answers it by reading the body with serde_json
//! and looking each key up in its shape, borrowing every string (BENCHMARKS.md has what each
//! costs). It is at least as strict as that decode together with [`crate::BodyTap`]'s verdict:
//!
//! * every key is one of its object's fields, none twice, and every required field is present;
//! * every value has its field's kind: a string, a boolean, an integer within its format's range,
//!   a date-time in the one form [`crate::Timestamp`] writes, an object or a non-empty array;
//! * no value is `null`, no array is empty, and nothing follows the top-level value.
//!
//! A `format: date`, and a number that is not an integer, are refused outright (no answer the
//! bodies are checked for holds one): their text can differ from what the typed value writes.
//! A body this pass refuses is simply decoded in full, as before.

use std::fmt::{self, Write as _};

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::shape::{Kind, Shape};

/// If `body` reads exactly as the typed answer of `shape` would be written back (see the module
/// docs), the JSON of that answer with every list emptied: a small text that decodes into the
/// answer's type with its envelope's own values (trace id, timestamp) and empty lists in place of
/// the body's, for a caller that takes its data from the body itself. `None` otherwise.
///
/// ```
/// let shape = npay_order_api::shapes::response_shape("listProductOrderIds").unwrap();
/// let body = r#"{"timestamp":"2026-11-27T14:03:11.120+09:00","traceId":"t-1","data":["2026112711402490"]}"#;
/// let hollow = npay_order_api::conform::hollow_if_conforming(shape, body).unwrap();
/// assert_eq!(hollow, r#"{"timestamp":"2026-11-27T14:03:11.120+09:00","traceId":"t-1","data":[]}"#);
/// // A `null` is written otherwise by the typed value (left out), so the body does not conform.
/// let body = r#"{"timestamp":"2026-11-27T14:03:11.120+09:00","traceId":null,"data":["1"]}"#;
/// assert!(npay_order_api::conform::hollow_if_conforming(shape, body).is_none());
/// ```
pub fn hollow_if_conforming(shape: &'static Shape, body: &str) -> Option<String> {
    let mut hollow = String::with_capacity(128);
    let mut reader = serde_json::Deserializer::from_str(body);
    Object { shape, out: Some(&mut hollow) }.deserialize(&mut reader).ok()?;
    reader.end().ok()?;
    Some(hollow)
}

/// Whether `body` conforms to `shape` (see the module docs), without writing anything.
///
/// ```
/// let shape = npay_order_api::shapes::response_shape("listProductOrderIds").unwrap();
/// let body = r#"{"timestamp":"2026-11-27T14:03:11.120+09:00","traceId":"t-1","data":["1"],"extra":1}"#;
/// assert!(!npay_order_api::conform::conforms(shape, body), "an unknown key");
/// ```
pub fn conforms(shape: &'static Shape, body: &str) -> bool {
    let mut reader = serde_json::Deserializer::from_str(body);
    Object { shape, out: None }.deserialize(&mut reader).is_ok() && reader.end().is_ok()
}

/// Why a value does not conform. Only ever seen as "does not conform": the message is kept
/// empty so that a refusal allocates nothing beyond serde_json's own error.
fn refused<E: de::Error>() -> E {
    E::custom("")
}

/// A value of `kind`; with `out`, its JSON written there (a list as `[]`).
struct Value<'o> {
    kind: &'static Kind,
    out: Option<&'o mut String>,
}

impl<'de> DeserializeSeed<'de> for Value<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, reader: D) -> Result<(), D::Error> {
        let Value { kind, out } = self;
        match kind {
            Kind::String | Kind::Enum(_) => reader.deserialize_str(Text { date_time: false, out }),
            Kind::DateTime => reader.deserialize_str(Text { date_time: true, out }),
            Kind::Int32 => reader.deserialize_i32(Integer { min: i32::MIN.into(), max: i32::MAX.into(), out }),
            Kind::Int64 => reader.deserialize_i64(Integer { min: i64::MIN, max: i64::MAX, out }),
            Kind::Boolean => reader.deserialize_bool(Boolean { out }),
            Kind::Object(shape) => Object { shape, out }.deserialize(reader),
            Kind::Array(inner) => {
                reader.deserialize_seq(List { inner })?;
                if let Some(out) = out {
                    out.push_str("[]");
                }
                Ok(())
            }
            Kind::Date | Kind::Number => Err(refused()),
        }
    }
}

/// An object of `shape`.
struct Object<'o> {
    shape: &'static Shape,
    out: Option<&'o mut String>,
}

impl<'de> DeserializeSeed<'de> for Object<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, reader: D) -> Result<(), D::Error> {
        // Each object's fields are marked in one `u128`; a test proves no shape has more.
        if self.shape.fields.len() > 128 {
            return Err(refused());
        }
        reader.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Object<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a {} object", self.shape.name)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Object { shape, mut out } = self;
        let mut seen = 0u128;
        if let Some(out) = out.as_deref_mut() {
            out.push('{');
        }
        while let Some(index) = map.next_key_seed(Key { shape })? {
            let bit = 1u128 << index;
            if seen & bit != 0 {
                // The typed decode refuses a field given twice.
                return Err(refused());
            }
            let field = &shape.fields[index];
            if let Some(out) = out.as_deref_mut() {
                if seen != 0 {
                    out.push(',');
                }
                // The shape's own name: a key written with escapes is the same key.
                let _ = write!(out, "\"{}\":", field.name);
            }
            seen |= bit;
            map.next_value_seed(Value { kind: &field.kind, out: out.as_deref_mut() })?;
        }
        let missing = shape.fields.iter().enumerate().any(|(index, field)| field.required && seen & (1 << index) == 0);
        if missing {
            return Err(refused());
        }
        if let Some(out) = out {
            out.push('}');
        }
        Ok(())
    }
}

/// A key of an object of `shape`: the index of its field ([`Shape::field_index`]).
struct Key {
    shape: &'static Shape,
}

impl<'de> DeserializeSeed<'de> for Key {
    type Value = usize;

    fn deserialize<D: Deserializer<'de>>(self, reader: D) -> Result<usize, D::Error> {
        reader.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a field of {}", self.shape.name)
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<usize, E> {
        self.shape.field_index(key).ok_or_else(refused)
    }
}

/// A non-empty array of `inner` values (never written out: a list is hollowed as `[]`).
struct List {
    inner: &'static Kind,
}

impl<'de> Visitor<'de> for List {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a non-empty array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<(), A::Error> {
        let mut count = 0usize;
        while items.next_element_seed(Value { kind: self.inner, out: None })?.is_some() {
            count += 1;
        }
        // The typed value leaves an empty optional list out when it is written.
        if count == 0 { Err(refused()) } else { Ok(()) }
    }
}

/// A string; a date-time must be in the form [`crate::Timestamp`] writes.
struct Text<'o> {
    date_time: bool,
    out: Option<&'o mut String>,
}

impl<'de> Visitor<'de> for Text<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    // `visit_borrowed_str` (a string without escapes, in place) forwards here.
    fn visit_str<E: de::Error>(self, text: &str) -> Result<(), E> {
        if self.date_time && !crate::timestamp::reads_as_written(text) {
            return Err(refused());
        }
        if let Some(out) = self.out {
            let escaped = serde_json::to_string(text).map_err(|_| refused::<E>())?;
            out.push_str(&escaped);
        }
        Ok(())
    }
}

/// An integer within `min..=max`.
struct Integer<'o> {
    min: i64,
    max: i64,
    out: Option<&'o mut String>,
}

impl<'de> Visitor<'de> for Integer<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer")
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<(), E> {
        if !(self.min..=self.max).contains(&value) {
            return Err(refused());
        }
        if let Some(out) = self.out {
            let _ = write!(out, "{value}");
        }
        Ok(())
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<(), E> {
        let value = i64::try_from(value).map_err(|_| refused::<E>())?;
        self.visit_i64(value)
    }
}

/// `true` or `false`.
struct Boolean<'o> {
    out: Option<&'o mut String>,
}

impl<'de> Visitor<'de> for Boolean<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a boolean")
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<(), E> {
        if let Some(out) = self.out {
            out.push_str(if value { "true" } else { "false" });
        }
        Ok(())
    }
}
