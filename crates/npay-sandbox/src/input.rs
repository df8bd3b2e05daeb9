//! Request parsing with precise `invalidInputs` (`{name, type, message}`) for 400 answers.
//!
//! `type` uses Bean-Validation / Spring names: `NotNull`, `NotBlank`, `NotEmpty`, `Size`, `Min`,
//! `Max`, `Pattern`, `typeMismatch`, `DateRange`, `HttpMessageNotReadable`.

use std::borrow::Cow;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::time::{DateTimeError, Millis, parse_datetime};

/// One parameter's limits from the spec (`generated/limits.rs`): what the handlers check.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub minimum: Option<i64>,
    pub maximum: Option<i64>,
    /// Not read: the spec's only `minLength` is 1, and the handlers refuse every empty string.
    #[allow(dead_code)]
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    /// The integer the server assumes when the parameter is left out.
    pub default: Option<i64>,
}

impl Limits {
    /// The smallest integer allowed (`i64::MIN` when the spec sets none).
    pub fn min(&self) -> i64 {
        self.minimum.unwrap_or(i64::MIN)
    }

    /// The largest integer allowed, if the spec sets one.
    pub fn max(&self) -> Option<i64> {
        self.maximum
    }

    /// The longest string allowed, in characters.
    pub fn max_chars(&self) -> usize {
        self.max_length.map_or(usize::MAX, |n| usize::try_from(n).unwrap_or(usize::MAX))
    }

    /// The fewest and most items a list may have.
    pub fn items(&self) -> (usize, usize) {
        let size = |n: Option<u64>, none: usize| n.map_or(none, |n| usize::try_from(n).unwrap_or(usize::MAX));
        (size(self.min_items, 0), size(self.max_items, usize::MAX))
    }
}

/// One rejected input.
#[derive(Clone, Debug, Serialize)]
pub struct InvalidInput {
    pub name: String,
    #[serde(rename = "type")]
    pub typ: &'static str,
    pub message: String,
}

/// Collected input errors.
#[derive(Default, Debug)]
pub struct Invalid(pub Vec<InvalidInput>);

impl Invalid {
    pub fn push(&mut self, name: impl Into<String>, typ: &'static str, message: impl Into<String>) {
        self.0.push(InvalidInput { name: name.into(), typ, message: message.into() });
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn required(&mut self, name: &str) {
        self.push(name, "NotNull", format!("필수 입력값입니다. ({name} is required)"));
    }
    fn mismatch(&mut self, name: &str, what: &str) {
        self.push(name, "typeMismatch", format!("형식이 올바르지 않습니다. ({name} must be {what})"));
    }
    fn bad_datetime(&mut self, name: &str, e: DateTimeError) {
        match e {
            DateTimeError::UnencodedPlus => self.push(
                name,
                "typeMismatch",
                format!(
                    "형식이 올바르지 않습니다. ({name}: an unencoded '+' in the query string reads as a space; send the offset as %2B09:00)"
                ),
            ),
            DateTimeError::Invalid => self.mismatch(name, "an ISO-8601 date-time with offset, e.g. 2024-01-01T09:00:00.000+09:00"),
        }
    }
}

/// Decoded query parameters (repeated keys kept).
pub struct Query<'a> {
    pairs: Vec<(Cow<'a, str>, Cow<'a, str>)>,
}

impl<'a> Query<'a> {
    pub fn parse(q: Option<&'a str>) -> Query<'a> {
        Query { pairs: q.map(|q| form_urlencoded::parse(q.as_bytes()).collect()).unwrap_or_default() }
    }

    /// The first value of `name`.
    pub fn first(&self, name: &str) -> Option<&str> {
        self.pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_ref())
    }

    /// All values of `name`, repeated or comma-separated.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == name)
            .flat_map(|(_, v)| v.split(','))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect()
    }

    /// A present, non-empty value, or an error for an empty one.
    fn value(&self, inv: &mut Invalid, name: &str) -> Option<&str> {
        match self.first(name) {
            None => None,
            Some("") => {
                inv.push(name, "NotBlank", format!("값이 비어 있습니다. ({name} must not be empty)"));
                None
            }
            Some(v) => Some(v),
        }
    }

    pub fn req_datetime(&self, inv: &mut Invalid, name: &str) -> Option<Millis> {
        if self.first(name).is_none() {
            inv.required(name);
            return None;
        }
        self.opt_datetime(inv, name)
    }

    pub fn opt_datetime(&self, inv: &mut Invalid, name: &str) -> Option<Millis> {
        let v = self.value(inv, name)?;
        match parse_datetime(v) {
            Ok(t) => Some(t),
            Err(e) => {
                inv.bad_datetime(name, e);
                None
            }
        }
    }

    /// A present, non-empty text value (an empty one is `NotBlank`).
    pub fn opt_text(&self, inv: &mut Invalid, name: &str) -> Option<&str> {
        self.value(inv, name)
    }

    /// A `yyyy-MM-dd` date.
    pub fn opt_date(&self, inv: &mut Invalid, name: &str) -> Option<chrono::NaiveDate> {
        let v = self.value(inv, name)?;
        let date = crate::time::parse_date(v);
        if date.is_none() {
            inv.mismatch(name, "a date yyyy-MM-dd, e.g. 2026-11-01");
        }
        date
    }

    pub fn req_date(&self, inv: &mut Invalid, name: &str) -> Option<chrono::NaiveDate> {
        if self.first(name).is_none() {
            inv.required(name);
            return None;
        }
        self.opt_date(inv, name)
    }

    pub fn req_int(&self, inv: &mut Invalid, name: &str, min: i64, max: Option<i64>) -> Option<i64> {
        if self.first(name).is_none() {
            inv.required(name);
            return None;
        }
        self.opt_int(inv, name, min, max)
    }

    /// An optional integer within the spec's `limits`, or their `default` when left out.
    pub fn int_within(&self, inv: &mut Invalid, name: &str, limits: Limits) -> Option<i64> {
        if self.first(name).is_none() {
            return limits.default;
        }
        self.opt_int(inv, name, limits.min(), limits.max())
    }

    pub fn opt_int(&self, inv: &mut Invalid, name: &str, min: i64, max: Option<i64>) -> Option<i64> {
        let v = self.value(inv, name)?;
        match v.trim().parse::<i64>() {
            Ok(n) if n < min => {
                inv.push(name, "Min", format!("{min} 이상이어야 합니다. ({name} must be at least {min})"));
                None
            }
            Ok(n) if max.is_some_and(|m| n > m) => {
                let m = max.unwrap_or(n);
                inv.push(name, "Max", format!("{m} 이하여야 합니다. ({name} must be at most {m})"));
                None
            }
            Ok(n) => Some(n),
            Err(_) => {
                inv.mismatch(name, "an integer");
                None
            }
        }
    }

    pub fn opt_bool(&self, inv: &mut Invalid, name: &str) -> Option<bool> {
        match self.value(inv, name)? {
            "true" => Some(true),
            "false" => Some(false),
            _ => {
                inv.mismatch(name, "true or false");
                None
            }
        }
    }

    pub fn opt_enum<T>(&self, inv: &mut Invalid, name: &str, parse: fn(&str) -> Option<T>) -> Option<T> {
        let v = self.value(inv, name)?;
        match parse(v) {
            Some(t) => Some(t),
            None => {
                inv.push(
                    name,
                    "typeMismatch",
                    format!("허용되지 않는 값입니다. ({name}: unknown value '{}')", clip(v)),
                );
                None
            }
        }
    }

    pub fn req_enum<T>(&self, inv: &mut Invalid, name: &str, parse: fn(&str) -> Option<T>) -> Option<T> {
        if self.first(name).is_none() {
            inv.required(name);
            return None;
        }
        self.opt_enum(inv, name, parse)
    }

    pub fn enum_list<T>(&self, inv: &mut Invalid, name: &str, parse: fn(&str) -> Option<T>) -> Vec<T> {
        let mut out = Vec::new();
        for v in self.all(name) {
            match parse(v) {
                Some(t) => out.push(t),
                None => inv.push(
                    name,
                    "typeMismatch",
                    format!("허용되지 않는 값입니다. ({name}: unknown value '{}')", clip(v)),
                ),
            }
        }
        out
    }
}

/// Shortens user input echoed in messages.
pub fn clip(s: &str) -> String {
    let mut out: String = s.chars().take(40).collect();
    if s.chars().count() > 40 {
        out.push('…');
    }
    out
}

/// Parses a JSON object body.
pub fn json_object(body: &[u8]) -> Result<Map<String, Value>, Invalid> {
    let mut inv = Invalid::default();
    if body.iter().all(u8::is_ascii_whitespace) {
        inv.push("body", "NotNull", "요청 본문이 없습니다. (a JSON request body is required)");
        return Err(inv);
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => {
            inv.push("body", "typeMismatch", "요청 본문은 JSON 객체여야 합니다. (the body must be a JSON object)");
            Err(inv)
        }
        Err(e) => {
            inv.push(
                "body",
                "HttpMessageNotReadable",
                format!("JSON 형식이 올바르지 않습니다. (malformed JSON at line {} column {})", e.line(), e.column()),
            );
            Err(inv)
        }
    }
}

/// Field accessors over a JSON object that record errors under `prefix + name`.
pub struct Fields<'a> {
    pub map: &'a Map<String, Value>,
    pub prefix: String,
}

impl<'a> Fields<'a> {
    pub fn new(map: &'a Map<String, Value>) -> Fields<'a> {
        Fields { map, prefix: String::new() }
    }

    fn name(&self, n: &str) -> String {
        format!("{}{}", self.prefix, n)
    }

    /// The value of `n`; an explicit `null` is an error (no body field of the spec is nullable).
    fn get(&self, inv: &mut Invalid, n: &str) -> Option<&'a Value> {
        match self.map.get(n)? {
            Value::Null => {
                inv.push(
                    self.name(n),
                    "typeMismatch",
                    format!("null은 허용되지 않습니다. ({n} must not be null; omit it instead)"),
                );
                None
            }
            v => Some(v),
        }
    }

    /// Whether `n` is present (even as `null`); absent required fields are `NotNull` errors.
    fn require(&self, inv: &mut Invalid, n: &str) -> bool {
        if self.map.contains_key(n) {
            return true;
        }
        inv.required(&self.name(n));
        false
    }

    /// A string field the spec does not declare (objects are open): used when it is a string,
    /// ignored otherwise.
    pub fn lenient_str(&self, n: &str) -> Option<String> {
        self.map.get(n).and_then(Value::as_str).map(str::to_owned)
    }

    pub fn opt_str(&self, inv: &mut Invalid, n: &str, max_chars: usize) -> Option<String> {
        match self.get(inv, n)? {
            Value::String(s) => {
                if s.chars().count() > max_chars {
                    inv.push(
                        self.name(n),
                        "Size",
                        format!("{max_chars}자 이하여야 합니다. ({n} must be at most {max_chars} characters)"),
                    );
                    None
                } else {
                    Some(s.clone())
                }
            }
            _ => {
                inv.mismatch(&self.name(n), "a string");
                None
            }
        }
    }

    /// A required string of at least one character (`minLength: 1`; blanks are allowed, as the
    /// spec allows them).
    pub fn req_str(&self, inv: &mut Invalid, n: &str, max_chars: usize) -> Option<String> {
        if !self.require(inv, n) {
            return None;
        }
        let s = self.opt_str(inv, n, max_chars)?;
        if s.is_empty() {
            inv.push(self.name(n), "Size", format!("값이 비어 있습니다. ({n} must not be empty)"));
            return None;
        }
        Some(s)
    }

    pub fn opt_enum<T: Copy>(
        &self,
        inv: &mut Invalid,
        n: &str,
        parse: fn(&str) -> Option<T>,
        allowed: fn(T) -> bool,
    ) -> Option<T> {
        let v = self.get(inv, n)?;
        let Value::String(s) = v else {
            inv.mismatch(&self.name(n), "a string");
            return None;
        };
        match parse(s).filter(|t| allowed(*t)) {
            Some(t) => Some(t),
            None => {
                inv.push(
                    self.name(n),
                    "typeMismatch",
                    format!("허용되지 않는 값입니다. ({n}: '{}' is not accepted here)", clip(s)),
                );
                None
            }
        }
    }

    pub fn req_enum<T: Copy>(
        &self,
        inv: &mut Invalid,
        n: &str,
        parse: fn(&str) -> Option<T>,
        allowed: fn(T) -> bool,
    ) -> Option<T> {
        if !self.require(inv, n) {
            return None;
        }
        self.opt_enum(inv, n, parse, allowed)
    }

    /// An optional integer within the spec's `limits`.
    pub fn int_within(&self, inv: &mut Invalid, n: &str, limits: Limits) -> Option<i64> {
        self.opt_int(inv, n, limits.min(), limits.max().unwrap_or(i64::MAX))
    }

    /// A required list read by `read` (`Fields::str_array`, `Fields::obj_array`) with the number
    /// of items the spec's `limits` allow.
    pub fn list_within<T>(
        &self,
        inv: &mut Invalid,
        n: &str,
        limits: Limits,
        read: fn(&Self, &mut Invalid, &str, usize, usize) -> Option<T>,
    ) -> Option<T> {
        let (min, max) = limits.items();
        read(self, inv, n, min, max)
    }

    pub fn opt_int(&self, inv: &mut Invalid, n: &str, min: i64, max: i64) -> Option<i64> {
        let v = self.get(inv, n)?;
        let num = match v {
            Value::Number(x) => {
                x.as_i64().or_else(|| x.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9e15).map(|f| f as i64))
            }
            _ => None,
        };
        match num {
            None => {
                inv.mismatch(&self.name(n), "an integer");
                None
            }
            Some(x) if x < min => {
                inv.push(self.name(n), "Min", format!("{min} 이상이어야 합니다. ({n} must be at least {min})"));
                None
            }
            Some(x) if x > max => {
                inv.push(self.name(n), "Max", format!("{max} 이하여야 합니다. ({n} must be at most {max})"));
                None
            }
            Some(x) => Some(x),
        }
    }

    pub fn opt_bool(&self, inv: &mut Invalid, n: &str) -> Option<bool> {
        match self.get(inv, n)? {
            Value::Bool(b) => Some(*b),
            _ => {
                inv.mismatch(&self.name(n), "a boolean");
                None
            }
        }
    }

    pub fn opt_datetime(&self, inv: &mut Invalid, n: &str) -> Option<Millis> {
        let v = self.get(inv, n)?;
        let Value::String(s) = v else {
            inv.mismatch(&self.name(n), "a date-time string");
            return None;
        };
        match parse_datetime(s) {
            Ok(t) => Some(t),
            Err(e) => {
                inv.bad_datetime(&self.name(n), e);
                None
            }
        }
    }

    pub fn req_datetime(&self, inv: &mut Invalid, n: &str) -> Option<Millis> {
        if !self.require(inv, n) {
            return None;
        }
        self.opt_datetime(inv, n)
    }

    /// A required array of `min..=max` items (`what` names the items in messages).
    fn array(&self, inv: &mut Invalid, n: &str, (min, max): (usize, usize), what: &str) -> Option<&'a Vec<Value>> {
        if !self.require(inv, n) {
            return None;
        }
        let Value::Array(items) = self.get(inv, n)? else {
            inv.mismatch(&self.name(n), &format!("an array of {what}"));
            return None;
        };
        if items.len() < min || items.len() > max {
            inv.push(
                self.name(n),
                "Size",
                format!(
                    "{min}개 이상 {max}개 이하여야 합니다. ({n} must have {min} to {max} items, got {})",
                    items.len()
                ),
            );
            return None;
        }
        Some(items)
    }

    /// A required array of non-empty strings (`minLength: 1`) with `min..=max` items. What the
    /// strings look like is not checked: an id that is not one is simply unknown.
    pub fn str_array(&self, inv: &mut Invalid, n: &str, min: usize, max: usize) -> Option<Vec<String>> {
        let items = self.array(inv, n, (min, max), "strings")?;
        let mut out = Vec::with_capacity(items.len());
        for (i, it) in items.iter().enumerate() {
            match it {
                Value::String(s) if !s.is_empty() => out.push(s.clone()),
                Value::String(_) => {
                    inv.push(format!("{}[{i}]", self.name(n)), "Size", "값이 비어 있습니다. (an id must not be empty)")
                }
                _ => inv.mismatch(&format!("{}[{i}]", self.name(n)), "a string"),
            }
        }
        Some(out)
    }

    /// A required array of objects with `min..=max` items.
    pub fn obj_array(&self, inv: &mut Invalid, n: &str, min: usize, max: usize) -> Option<Vec<&'a Map<String, Value>>> {
        let items = self.array(inv, n, (min, max), "objects")?;
        let mut out = Vec::with_capacity(items.len());
        for (i, it) in items.iter().enumerate() {
            match it {
                Value::Object(m) => out.push(m),
                _ => inv.mismatch(&format!("{}[{i}]", self.name(n)), "an object"),
            }
        }
        Some(out)
    }
}
