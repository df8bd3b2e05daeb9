//! A tape read straight from an answer's body: the envelope's `data`, with its strings left in
//! the body instead of copied.
//!
//! The core decodes every answer into the spec's types (which is how it checks it, and reads a
//! deviating one tolerantly); the tape of the typed data is then a second full pass over it. For a
//! large answer the binding reads the body onto a tape on another thread while the core decodes,
//! and keeps that tape only when the core's [`BodyTap`](npay_order::json::BodyTap) says the body
//! reads exactly as the typed data would be written (no `null`, no empty array, every date-time
//! in the typed form, nothing the spec does not know): the tape then holds what [`Tape::of`]
//! would. Member order is the body's, not the spec's.

use std::fmt;

use npay_order::json::ByteString;
use serde::de::{self, DeserializeSeed, Deserializer as _, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::{Node, Span, Tape};

impl Tape {
    /// The tape of the member `data` of `body` (an answer's envelope, a JSON object), read from
    /// the body's text; `None` when the body is not such an object. Whether the tape reads as the
    /// typed data is the core's verdict, not this reader's (see the module's docs).
    pub fn of_data_member(body: ByteString) -> Option<Tape> {
        let mut reader = Reader {
            base: &body,
            // Full product orders take a node per 15.6 bytes (51,289 for the benchmark's 802 kB):
            // room for one per 12 means the nodes are not moved as they grow.
            tape: Tape { nodes: Vec::with_capacity(body.len() / 12), ..Tape::default() },
            found: false,
        };
        let mut json = serde_json::Deserializer::from_str(&body);
        json.deserialize_map(Envelope(&mut reader)).ok()?;
        json.end().ok()?;
        let Reader { mut tape, found, .. } = reader;
        if !found {
            return None;
        }
        tape.body = Some(body);
        Some(tape)
    }
}

struct Reader<'de> {
    /// The body's text: borrowed strings are spans of it.
    base: &'de str,
    tape: Tape,
    /// Whether the envelope had a `data` member.
    found: bool,
}

impl<'de> Reader<'de> {
    fn push(&mut self, node: Node) -> usize {
        self.tape.nodes.push(node);
        self.tape.nodes.len() - 1
    }

    /// The span of a string that serde_json found unescaped in the body: its place in the body.
    fn borrowed<E: de::Error>(&self, text: &'de str) -> Result<Span, E> {
        let start = (text.as_ptr() as usize).wrapping_sub(self.base.as_ptr() as usize);
        if start.checked_add(text.len()).is_none_or(|end| end > self.base.len()) {
            return Err(E::custom("a borrowed string outside the body"));
        }
        Ok(Span { start: small(start)?, len: small(text.len())?, in_body: true })
    }

    /// The span of a string that had escapes: copied into the arena, unescaped.
    fn copied<E: de::Error>(&mut self, text: &str) -> Result<Span, E> {
        let start = self.tape.text.len();
        self.tape.text.push_str(text);
        Ok(Span { start: small(start)?, len: small(text.len())?, in_body: false })
    }

    /// Sets the length and end of the container whose node is at `index`.
    fn close<E: de::Error>(&mut self, index: usize, count: usize) -> Result<(), E> {
        let (len, end) = (small(count)?, small(self.tape.nodes.len())?);
        match &mut self.tape.nodes[index] {
            Node::Array { len: l, end: e } | Node::Object { len: l, end: e } => {
                (*l, *e) = (len, end);
                Ok(())
            }
            _ => Err(E::custom("unbalanced container")),
        }
    }
}

fn small<E: de::Error>(n: usize) -> Result<u32, E> {
    u32::try_from(n).map_err(|_| E::custom("the answer is too large"))
}

/// The envelope: `data` is read onto the tape, every other member skipped.
struct Envelope<'r, 'de>(&'r mut Reader<'de>);

impl<'de> Visitor<'de> for Envelope<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an answer's envelope")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        // A key with an escape is not borrowed, and fails: such a body takes the typed path.
        while let Some(key) = map.next_key::<&'de str>()? {
            if key == "data" && !self.0.found {
                self.0.found = true;
                map.next_value_seed(Value(&mut *self.0))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

/// Any JSON value, onto the tape.
struct Value<'r, 'de>(&'r mut Reader<'de>);

impl<'de> DeserializeSeed<'de> for Value<'_, 'de> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Value<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        self.0.push(Node::Bool(v));
        Ok(())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        self.0.push(Node::Int(v));
        Ok(())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        // As the typed data writes an integer: signed when it fits.
        self.0.push(i64::try_from(v).map_or(Node::UInt(v), Node::Int));
        Ok(())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        self.0.push(Node::Float(v));
        Ok(())
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<(), E> {
        let span = self.0.borrowed(v)?;
        self.0.push(Node::Str(span));
        Ok(())
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        let span = self.0.copied(v)?;
        self.0.push(Node::Str(span));
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.0.push(Node::Null);
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let index = self.0.push(Node::Array { len: 0, end: 0 });
        let mut count = 0;
        while seq.next_element_seed(Value(&mut *self.0))?.is_some() {
            count += 1;
        }
        self.0.close(index, count)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let index = self.0.push(Node::Object { len: 0, end: 0 });
        let mut count = 0;
        while map.next_key_seed(Key(&mut *self.0))?.is_some() {
            map.next_value_seed(Value(&mut *self.0))?;
            count += 1;
        }
        self.0.close(index, count)
    }
}

/// An object member's name, onto the tape.
struct Key<'r, 'de>(&'r mut Reader<'de>);

impl<'de> DeserializeSeed<'de> for Key<'_, 'de> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member's name")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<(), E> {
        let span = self.0.borrowed(v)?;
        self.0.push(Node::KeyText(span));
        Ok(())
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        let span = self.0.copied(v)?;
        self.0.push(Node::KeyText(span));
        Ok(())
    }
}
