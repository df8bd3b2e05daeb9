//! A compact, read-only JSON tree built straight from the core's typed answer.
//!
//! `serde_json::to_value` allocates a `String` for every key and value and a `BTreeMap` for every
//! object; on an answer of 300 product orders that (and freeing it again) cost more than the HTTP
//! call. A [`Tape`] is two buffers instead: the nodes in document order (each container records
//! where it ends, so a reader can skip it) and one string arena. Struct field names are the
//! `&'static str`s serde hands over, never copied. It serialises nothing the JSON path would not:
//! the same `serde` data model, the same choices as `serde_json::Value` for its corner cases (a
//! non-finite float is null, bytes are an array of numbers, an enum variant is its name or a
//! one-key object).
//!
//! A large answer whose body reads exactly as its typed data would be written can instead be put
//! on a tape straight from the body's text ([`from_body`]), while the core decodes it.

use std::fmt::{self, Display, Write as _};

use npay_order::json::ByteString;
use serde::ser::{self, Serialize};

mod from_body;

/// A piece of the string arena, or of the answer's body that the tape was read from.
#[derive(Clone, Copy, Debug)]
pub struct Span {
    start: u32,
    len: u32,
    /// In the body ([`Tape::of_data_member`]), not in the arena.
    in_body: bool,
}

/// One node of the tree. Containers are followed by their members (objects: a key node, then the
/// value's nodes, per member) and know the index just past their last descendant (`end`).
#[derive(Clone, Copy, Debug)]
pub enum Node {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(Span),
    /// An object member's name given by a struct (the usual case).
    Key(&'static str),
    /// An object member's name from a map, in the arena.
    KeyText(Span),
    Array {
        len: u32,
        end: u32,
    },
    Object {
        len: u32,
        end: u32,
    },
}

/// A JSON document: the root is node 0.
#[derive(Debug, Default)]
pub struct Tape {
    nodes: Vec<Node>,
    text: String,
    /// The body a tape read from an answer's text keeps, for the strings it did not copy.
    body: Option<ByteString>,
}

impl Tape {
    /// The tape of anything `Serialize` (the core's erased data, or any value).
    pub fn of<T: Serialize + ?Sized>(value: &T) -> Result<Tape, Error> {
        let mut builder = Builder { tape: Tape::default(), open: Vec::new() };
        value.serialize(&mut builder)?;
        Ok(builder.tape)
    }

    /// Whether this tape was read from an answer's body ([`Tape::of_data_member`]).
    pub fn read_from_body(&self) -> bool {
        self.body.is_some()
    }

    /// The node at `index` (always a valid index handed out by this tape).
    pub fn node(&self, index: usize) -> Node {
        self.nodes[index]
    }

    /// The text of a span.
    pub fn text(&self, span: Span) -> &str {
        let source = if span.in_body { self.body.as_deref().unwrap_or_default() } else { &self.text };
        &source[span.start as usize..(span.start + span.len) as usize]
    }

    /// The index just past the node at `index` and everything inside it.
    pub fn skip(&self, index: usize) -> usize {
        match self.nodes[index] {
            Node::Array { end, .. } | Node::Object { end, .. } => end as usize,
            _ => index + 1,
        }
    }

    /// The indices of an array's items.
    pub fn items(&self, index: usize) -> impl Iterator<Item = usize> + '_ {
        let (len, mut at) = match self.nodes[index] {
            Node::Array { len, .. } => (len as usize, index + 1),
            _ => (0, index + 1),
        };
        (0..len).map(move |_| {
            let item = at;
            at = self.skip(item);
            item
        })
    }

    /// An object's members: (name, index of the value).
    pub fn members(&self, index: usize) -> impl Iterator<Item = (&str, usize)> + '_ {
        let (len, mut at) = match self.nodes[index] {
            Node::Object { len, .. } => (len as usize, index + 1),
            _ => (0, index + 1),
        };
        (0..len).map(move |_| {
            let name = match self.nodes[at] {
                Node::Key(name) => name,
                Node::KeyText(span) => self.text(span),
                // The builder writes a key before every member's value.
                _ => "",
            };
            let value = at + 1;
            at = self.skip(value);
            (name, value)
        })
    }

    /// The value of an object's member `name`.
    pub fn get(&self, index: usize, name: &str) -> Option<usize> {
        self.members(index).find(|(key, _)| *key == name).map(|(_, value)| value)
    }
}

/// Why a value could not be written (a map key that is not text, a tape over 4 GiB).
#[derive(Debug)]
pub struct Error(String);

impl Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: Display>(message: T) -> Self {
        Error(message.to_string())
    }
}

fn small(n: usize) -> Result<u32, Error> {
    u32::try_from(n).map_err(|_| Error("the answer is too large".to_owned()))
}

/// An open container: where its node is, how many members so far, and whether an enum variant's
/// wrapping object must be closed with it.
struct Open {
    index: usize,
    len: u32,
    in_variant: bool,
}

struct Builder {
    tape: Tape,
    open: Vec<Open>,
}

impl Builder {
    fn push(&mut self, node: Node) {
        self.tape.nodes.push(node);
    }

    fn span(&mut self, start: usize) -> Result<Span, Error> {
        Ok(Span { start: small(start)?, len: small(self.tape.text.len() - start)?, in_body: false })
    }

    fn string(&mut self, text: &str) -> Result<(), Error> {
        let start = self.tape.text.len();
        self.tape.text.push_str(text);
        let span = self.span(start)?;
        self.push(Node::Str(span));
        Ok(())
    }

    fn begin(&mut self, object: bool, in_variant: bool) {
        let index = self.tape.nodes.len();
        self.push(if object { Node::Object { len: 0, end: 0 } } else { Node::Array { len: 0, end: 0 } });
        self.open.push(Open { index, len: 0, in_variant });
    }

    /// A variant `{"Name": …}` around the container that follows.
    fn begin_variant(&mut self, variant: &'static str, object: bool) {
        let index = self.tape.nodes.len();
        self.push(Node::Object { len: 1, end: 0 });
        self.push(Node::Key(variant));
        self.open.push(Open { index, len: 1, in_variant: false });
        self.begin(object, true);
    }

    fn end(&mut self) -> Result<(), Error> {
        let end = small(self.tape.nodes.len())?;
        let Some(open) = self.open.pop() else { return Err(Error("unbalanced container".to_owned())) };
        match &mut self.tape.nodes[open.index] {
            Node::Array { len, end: e } | Node::Object { len, end: e } => {
                *len = open.len;
                *e = end;
            }
            _ => return Err(Error("unbalanced container".to_owned())),
        }
        if open.in_variant {
            return self.end();
        }
        Ok(())
    }

    fn count(&mut self) {
        if let Some(open) = self.open.last_mut() {
            open.len += 1;
        }
    }
}

impl ser::Serializer for &mut Builder {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.push(Node::Bool(v));
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        self.push(Node::Int(v));
        Ok(())
    }
    fn serialize_i128(self, v: i128) -> Result<(), Error> {
        match (i64::try_from(v), u64::try_from(v)) {
            (Ok(v), _) => self.serialize_i64(v),
            (_, Ok(v)) => self.serialize_u64(v),
            _ => Err(Error("an integer beyond 64 bits".to_owned())),
        }
    }
    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        self.serialize_i64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        self.serialize_i64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        self.serialize_i64(v.into())
    }
    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        self.push(match i64::try_from(v) {
            Ok(v) => Node::Int(v),
            Err(_) => Node::UInt(v),
        });
        Ok(())
    }
    fn serialize_u128(self, v: u128) -> Result<(), Error> {
        match u64::try_from(v) {
            Ok(v) => self.serialize_u64(v),
            Err(_) => Err(Error("an integer beyond 64 bits".to_owned())),
        }
    }
    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        // As `serde_json::Value`: JSON has no NaN or infinity.
        self.push(if v.is_finite() { Node::Float(v) } else { Node::Null });
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<(), Error> {
        self.string(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.string(v)
    }
    fn collect_str<T: Display + ?Sized>(self, value: &T) -> Result<(), Error> {
        // Date-times and the like format straight into the arena.
        let start = self.tape.text.len();
        write!(self.tape.text, "{value}").map_err(|_| Error("a value failed to format".to_owned()))?;
        let span = self.span(start)?;
        self.push(Node::Str(span));
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Error> {
        self.begin(false, false);
        for byte in v {
            self.push(Node::Int((*byte).into()));
            self.count();
        }
        self.end()
    }
    fn serialize_none(self) -> Result<(), Error> {
        self.push(Node::Null);
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Error> {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        self.serialize_none()
    }
    fn serialize_unit_variant(self, _name: &'static str, _index: u32, variant: &'static str) -> Result<(), Error> {
        self.string(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _name: &'static str, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        let index = self.tape.nodes.len();
        self.push(Node::Object { len: 1, end: 0 });
        self.push(Node::Key(variant));
        self.open.push(Open { index, len: 1, in_variant: false });
        value.serialize(&mut *self)?;
        self.end()
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self, Error> {
        self.begin(false, false);
        Ok(self)
    }
    fn serialize_tuple(self, len: usize) -> Result<Self, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Self, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self, Error> {
        self.begin_variant(variant, false);
        Ok(self)
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self, Error> {
        self.begin(true, false);
        Ok(self)
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self, Error> {
        self.begin(true, false);
        Ok(self)
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self, Error> {
        self.begin_variant(variant, true);
        Ok(self)
    }
}

impl ser::SerializeSeq for &mut Builder {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        value.serialize(&mut **self)?;
        self.count();
        Ok(())
    }
    fn end(self) -> Result<(), Error> {
        Builder::end(self)
    }
}

impl ser::SerializeTuple for &mut Builder {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<(), Error> {
        Builder::end(self)
    }
}

impl ser::SerializeTupleStruct for &mut Builder {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<(), Error> {
        Builder::end(self)
    }
}

impl ser::SerializeTupleVariant for &mut Builder {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<(), Error> {
        Builder::end(self)
    }
}

impl ser::SerializeMap for &mut Builder {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        let start = self.tape.text.len();
        key.serialize(KeyWriter(&mut self.tape.text))?;
        let span = self.span(start)?;
        self.push(Node::KeyText(span));
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        value.serialize(&mut **self)?;
        self.count();
        Ok(())
    }
    fn end(self) -> Result<(), Error> {
        Builder::end(self)
    }
}

impl ser::SerializeStruct for &mut Builder {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Error> {
        self.push(Node::Key(key));
        value.serialize(&mut **self)?;
        self.count();
        Ok(())
    }
    fn end(self) -> Result<(), Error> {
        Builder::end(self)
    }
}

impl ser::SerializeStructVariant for &mut Builder {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Error> {
        ser::SerializeStruct::serialize_field(self, key, value)
    }
    fn end(self) -> Result<(), Error> {
        Builder::end(self)
    }
}

/// Writes a map key into the arena: text as is, numbers, booleans and chars as their text (what
/// `serde_json` accepts as keys); anything else is an error.
struct KeyWriter<'a>(&'a mut String);

fn not_a_key() -> Error {
    Error("a map key that is not text".to_owned())
}

impl ser::Serializer for KeyWriter<'_> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = ser::Impossible<(), Error>;
    type SerializeTuple = ser::Impossible<(), Error>;
    type SerializeTupleStruct = ser::Impossible<(), Error>;
    type SerializeTupleVariant = ser::Impossible<(), Error>;
    type SerializeMap = ser::Impossible<(), Error>;
    type SerializeStruct = ser::Impossible<(), Error>;
    type SerializeStructVariant = ser::Impossible<(), Error>;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.collect_str(&v)
    }
    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        self.collect_str(&v)
    }
    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        self.collect_str(&v)
    }
    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        self.collect_str(&v)
    }
    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        self.collect_str(&v)
    }
    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        self.collect_str(&v)
    }
    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        self.collect_str(&v)
    }
    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        self.collect_str(&v)
    }
    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        self.collect_str(&v)
    }
    fn serialize_f32(self, _v: f32) -> Result<(), Error> {
        Err(not_a_key())
    }
    fn serialize_f64(self, _v: f64) -> Result<(), Error> {
        Err(not_a_key())
    }
    fn serialize_char(self, v: char) -> Result<(), Error> {
        self.0.push(v);
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.0.push_str(v);
        Ok(())
    }
    fn collect_str<T: Display + ?Sized>(self, value: &T) -> Result<(), Error> {
        write!(self.0, "{value}").map_err(|_| Error("a key failed to format".to_owned()))
    }
    fn serialize_bytes(self, _v: &[u8]) -> Result<(), Error> {
        Err(not_a_key())
    }
    fn serialize_none(self) -> Result<(), Error> {
        Err(not_a_key())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _value: &T) -> Result<(), Error> {
        Err(not_a_key())
    }
    fn serialize_unit(self) -> Result<(), Error> {
        Err(not_a_key())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        Err(not_a_key())
    }
    fn serialize_unit_variant(self, _name: &'static str, _index: u32, variant: &'static str) -> Result<(), Error> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _name: &'static str, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<(), Error> {
        Err(not_a_key())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(not_a_key())
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, Error> {
        Err(not_a_key())
    }
    fn serialize_tuple_struct(self, _name: &'static str, _len: usize) -> Result<Self::SerializeTupleStruct, Error> {
        Err(not_a_key())
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(not_a_key())
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(not_a_key())
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self::SerializeStruct, Error> {
        Err(not_a_key())
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(not_a_key())
    }
}
