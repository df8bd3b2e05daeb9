//! Tolerant decoding: the slow path taken when an answer does not decode into the generated types.
//!
//! The fast path is serde straight into the generated types, which refuse anything the spec does
//! not describe exactly (unknown fields included). When it fails, the body is read again as JSON
//! and walked against the spec's shape of the answer (`npay_order_api::shapes`, generated):
//!
//! * a value of another JSON type is **coerced** where no information is lost: an integral float
//!   or a numeric string to an integer, a numeric string to a number, a number or boolean to a
//!   string, `"Y"`/`"N"`/`"true"`/`"false"` to a boolean, `20261127` to the date `2026-11-27`, a
//!   date-time without offset to the same time in KST (the API's zone);
//! * a value that cannot be coerced is **emptied**: absent in the typed view, kept in the answer
//!   as sent;
//! * a required field that is absent or `null` is **missing**; in the Rust types it gets the
//!   type's empty value (`""`, `0`, `false`, an empty list, the Unix epoch for a date-time), in the
//!   bindings it is absent;
//! * a field the spec does not know is **kept** (an unknown field).
//!
//! Only an answer with no usable shape is still an error: not JSON, not an object where the spec
//! has one at the root, or without a field the spec marks essential (`x-npay-essential`: the
//! envelope's `data`, a product order's `productOrderId`, a change row's `lastChangedDate`…).
//! Every deviation is named by path and type, never by value ([`crate::drift`]).

use serde::de::DeserializeOwned;
use serde_json::{Map, Number, Value};

use npay_order_api::shape::{Kind, Shape};

use crate::drift::{Deviation, DeviationKind};

/// What a value of `kind` is called in a deviation (a type, never a value).
fn expected(kind: &Kind) -> String {
    match kind {
        Kind::String => "string".into(),
        Kind::DateTime => "date-time".into(),
        Kind::Date => "date".into(),
        Kind::Int32 | Kind::Int64 => "integer".into(),
        Kind::Number => "number".into(),
        Kind::Boolean => "boolean".into(),
        Kind::Enum(name) => format!("enum {name}"),
        Kind::Object(shape) => format!("object {}", shape.name),
        Kind::Array(inner) => format!("array of {}", expected(inner)),
    }
}

/// The empty value the Rust types get for a missing required field of `kind`.
fn empty(kind: &Kind) -> Value {
    match kind {
        Kind::String | Kind::Enum(_) => Value::String(String::new()),
        Kind::DateTime => Value::String("1970-01-01T09:00:00.000+09:00".into()),
        Kind::Date => Value::String("1970-01-01".into()),
        Kind::Int32 | Kind::Int64 | Kind::Number => Value::from(0),
        Kind::Boolean => Value::Bool(false),
        Kind::Array(_) => Value::Array(Vec::new()),
        Kind::Object(shape) => {
            let mut object = Value::Object(Map::new());
            fill_missing(&mut object, &Kind::Object(shape));
            object
        }
    }
}

/// An answer read tolerantly.
pub(crate) struct Tolerant<T> {
    /// The typed view.
    pub typed: T,
    /// The answer with coercions applied and emptied values left out, unknown fields kept: what
    /// the bindings hand their users.
    pub value: Value,
    /// The answer as sent.
    pub original: Value,
    /// Every deviation, in document order (one per position: a field odd in 300 orders counts 300).
    pub deviations: Vec<Deviation>,
}

/// Why an answer could not be read even tolerantly. The message holds no value from the answer.
#[derive(Debug)]
pub(crate) struct Unusable {
    pub message: String,
    /// The deviations found before giving up.
    pub deviations: Vec<Deviation>,
}

/// Reads `body` (the answer of `operation`) against `shape`, into `T`.
pub(crate) fn decode<T: DeserializeOwned>(
    operation: &str,
    shape: &'static Shape,
    body: &[u8],
) -> Result<Tolerant<T>, Unusable> {
    let original: Value = serde_json::from_slice(body).map_err(|e| Unusable {
        message: format!("the body is not JSON ({:?} error at line {}, column {})", e.classify(), e.line(), e.column()),
        deviations: Vec::new(),
    })?;
    let mut value = original.clone();
    let mut walk = Walk { operation, path: String::new(), deviations: Vec::new() };
    let root = Kind::Object(shape);
    let seen = type_of(&value);
    match walk.value(&mut value, &root) {
        Ok(Verdict::Keep) => {}
        Ok(_) => {
            let message = format!("no usable shape: the answer is {seen}, not {}", expected(&root));
            return Err(Unusable { message, deviations: walk.deviations });
        }
        Err(at) => return Err(Unusable { message: format!("no usable shape: {at}"), deviations: walk.deviations }),
    }
    let mut filled = value.clone();
    fill_missing(&mut filled, &root);
    let typed = serde_json::from_value(filled).map_err(|e| Unusable {
        // The shape and the generated types disagree: a bug of ours, named without the value.
        message: format!("the repaired answer still does not fit the generated types ({:?} error)", e.classify()),
        deviations: walk.deviations.clone(),
    })?;
    Ok(Tolerant { typed, value, original, deviations: walk.deviations })
}

/// How `body`, a successful answer of the operation `operation_id`, deviates from the spec — what
/// a client would report reading it. `Err` says why it has no usable shape (or that the spec has
/// no answer shape for the operation). Never quotes a value.
///
/// ```
/// let body = br#"{"timestamp": "2026-11-27T09:00:00.000+09:00", "traceId": "t",
///     "data": {"count": "0", "lastChangeStatuses": []}}"#;
/// let deviations = npay_order::tolerant::deviations_of("listLastChangedStatuses", body).unwrap();
/// assert_eq!(deviations[0].path, "data.count");
/// assert_eq!(deviations[0].seen, "string");
/// ```
pub fn deviations_of(operation_id: &str, body: &[u8]) -> Result<Vec<Deviation>, String> {
    let shape = npay_order_api::shapes::response_shape(operation_id)
        .ok_or_else(|| format!("the spec has no answer shape for {operation_id:?}"))?;
    deviations(operation_id, shape, body).map_err(|unusable| unusable.message)
}

/// The deviations of `body` from `shape`, for a strict read's error message.
pub(crate) fn deviations(operation: &str, shape: &'static Shape, body: &[u8]) -> Result<Vec<Deviation>, Unusable> {
    decode::<serde::de::IgnoredAny>(operation, shape, body).map(|t| t.deviations)
}

/// The walk over one answer: where it is, and what it found.
struct Walk<'a> {
    operation: &'a str,
    path: String,
    deviations: Vec<Deviation>,
}

/// What to do with a value after checking it.
enum Verdict {
    Keep,
    Replace(Value, DeviationKind),
    /// Cannot be coerced: leave the field empty.
    Empty,
}

impl Walk<'_> {
    fn note(&mut self, expected: String, seen: String, kind: DeviationKind) {
        self.deviations.push(Deviation {
            operation: self.operation.to_owned(),
            path: self.path.clone(),
            expected,
            seen,
            kind,
        });
    }

    /// Checks (and repairs) `value` against `kind`. `Err` names an essential field that is missing
    /// or unusable: the whole answer is.
    fn value(&mut self, value: &mut Value, kind: &Kind) -> Result<Verdict, String> {
        let verdict = match (kind, &*value) {
            (Kind::Object(shape), Value::Object(_)) => {
                let Value::Object(map) = value else { unreachable!() };
                self.object(map, shape)?;
                Verdict::Keep
            }
            (Kind::Array(inner), Value::Array(_)) => {
                let Value::Array(items) = value else { unreachable!() };
                let base = self.path.len();
                self.path.push_str("[]");
                let mut kept = Vec::with_capacity(items.len());
                for mut item in std::mem::take(items) {
                    if self.scalar_or_nested(&mut item, inner)? {
                        kept.push(item);
                    }
                }
                *items = kept;
                self.path.truncate(base);
                Verdict::Keep
            }
            _ => coerce(value, kind),
        };
        Ok(verdict)
    }

    /// Checks one array item; `false` drops it (it could not be coerced: reported).
    fn scalar_or_nested(&mut self, item: &mut Value, kind: &Kind) -> Result<bool, String> {
        let seen = type_of(item);
        match self.value(item, kind)? {
            Verdict::Keep => Ok(true),
            Verdict::Replace(new, deviation) => {
                self.note(expected(kind), seen, deviation);
                *item = new;
                Ok(true)
            }
            Verdict::Empty => {
                self.note(expected(kind), seen, DeviationKind::Emptied);
                Ok(false)
            }
        }
    }

    fn object(&mut self, map: &mut Map<String, Value>, shape: &'static Shape) -> Result<(), String> {
        let base = self.path.len();
        for field in shape.fields {
            if !self.path.is_empty() {
                self.path.push('.');
            }
            self.path.push_str(field.name);
            let outcome = match map.get_mut(field.name) {
                Some(Value::Null) if field.nullable => None,
                // An optional field sent as `null` is read as absent (Naver's answers do both; the
                // bindings then show one shape, whichever the server chose). Not a deviation.
                None | Some(Value::Null) if !field.required => {
                    map.remove(field.name);
                    None
                }
                None | Some(Value::Null) => {
                    let seen = if map.contains_key(field.name) { "null" } else { "absent" };
                    if field.essential {
                        return Err(format!("{} is {seen}", self.path));
                    }
                    map.remove(field.name);
                    Some((expected(&field.kind), seen.to_owned(), DeviationKind::Missing))
                }
                Some(value) => {
                    let seen = type_of(value);
                    match self.value(value, &field.kind)? {
                        Verdict::Keep => None,
                        Verdict::Replace(new, kind) => {
                            *value = new;
                            Some((expected(&field.kind), seen, kind))
                        }
                        Verdict::Empty => {
                            if field.essential {
                                return Err(format!("{} is {seen}, not {}", self.path, expected(&field.kind)));
                            }
                            map.remove(field.name);
                            Some((expected(&field.kind), seen, DeviationKind::Emptied))
                        }
                    }
                }
            };
            if let Some((expected, seen, kind)) = outcome {
                self.note(expected, seen, kind);
            }
            self.path.truncate(base);
        }
        if map.len() > shape.fields.len() || shape.fields.iter().any(|f| !map.contains_key(f.name)) {
            for (key, value) in map.iter() {
                if shape.fields.iter().all(|f| f.name != key) {
                    let path = if self.path.is_empty() { key.clone() } else { format!("{}.{key}", self.path) };
                    self.deviations.push(Deviation {
                        operation: self.operation.to_owned(),
                        path,
                        expected: "absent".into(),
                        seen: type_of(value),
                        kind: DeviationKind::UnknownField,
                    });
                }
            }
        }
        Ok(())
    }
}

/// The JSON type of a value, as reports name it.
fn type_of(value: &Value) -> String {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_f64() => "number",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
    .to_owned()
}

/// Coerces a scalar (or a value of the wrong container type) to `kind`, without loss.
fn coerce(value: &Value, kind: &Kind) -> Verdict {
    use DeviationKind::Coerced;
    match (kind, value) {
        (Kind::String | Kind::Enum(_), Value::String(_)) => Verdict::Keep,
        (Kind::String | Kind::Enum(_), Value::Number(n)) => Verdict::Replace(Value::String(n.to_string()), Coerced),
        (Kind::String | Kind::Enum(_), Value::Bool(b)) => Verdict::Replace(Value::String(b.to_string()), Coerced),
        (Kind::Int32 | Kind::Int64, _) => match integer(value) {
            Some((n, exact)) if fits(kind, n) => {
                if exact {
                    Verdict::Keep
                } else {
                    Verdict::Replace(Value::from(n), Coerced)
                }
            }
            _ => Verdict::Empty,
        },
        (Kind::Number, Value::Number(_)) => Verdict::Keep,
        (Kind::Number, Value::String(s)) => match s.trim().parse::<f64>().ok().and_then(Number::from_f64) {
            Some(n) => Verdict::Replace(number(n), Coerced),
            None => Verdict::Empty,
        },
        (Kind::Boolean, Value::Bool(_)) => Verdict::Keep,
        (Kind::Boolean, Value::String(s)) => match s.trim().to_ascii_lowercase().as_str() {
            "y" | "true" => Verdict::Replace(Value::Bool(true), Coerced),
            "n" | "false" => Verdict::Replace(Value::Bool(false), Coerced),
            _ => Verdict::Empty,
        },
        (Kind::DateTime, Value::String(s)) => {
            // RFC 3339 only: `Timestamp` also reads a date-time without offset, which must not
            // reach the bindings' objects as sent.
            if chrono::DateTime::parse_from_rfc3339(s).is_ok() {
                Verdict::Keep
            } else {
                // The API speaks KST: a date-time without an offset is read in it.
                let in_kst = format!("{}+09:00", s.trim());
                match in_kst.parse::<npay_order_api::Timestamp>() {
                    Ok(t) => Verdict::Replace(Value::String(t.to_string()), Coerced),
                    Err(_) => Verdict::Empty,
                }
            }
        }
        (Kind::Date, Value::String(s)) => {
            if chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok() {
                Verdict::Keep
            } else {
                match chrono::NaiveDate::parse_from_str(s.trim(), "%Y%m%d") {
                    Ok(d) => Verdict::Replace(Value::String(d.format("%Y-%m-%d").to_string()), Coerced),
                    Err(_) => Verdict::Empty,
                }
            }
        }
        (Kind::Date, Value::Number(n)) => match n.as_u64().map(|n| n.to_string()) {
            Some(digits) => match chrono::NaiveDate::parse_from_str(&digits, "%Y%m%d") {
                Ok(d) => Verdict::Replace(Value::String(d.format("%Y-%m-%d").to_string()), Coerced),
                Err(_) => Verdict::Empty,
            },
            None => Verdict::Empty,
        },
        _ => Verdict::Empty,
    }
}

/// A float that is a whole number is written as an integer, as the generated types read it.
fn number(n: Number) -> Value {
    match n.as_f64() {
        Some(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Value::from(f as i64),
        _ => Value::Number(n),
    }
}

/// The integer a value stands for, and whether it already is one.
fn integer(value: &Value) -> Option<(i64, bool)> {
    match value {
        Value::Number(n) => match n.as_i64() {
            Some(i) => Some((i, true)),
            None => n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15).map(|f| (f as i64, false)),
        },
        Value::String(s) => {
            let s = s.trim();
            s.parse::<i64>()
                .ok()
                .or_else(|| s.parse::<f64>().ok().filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15).map(|f| f as i64))
                .map(|i| (i, false))
        }
        _ => None,
    }
}

fn fits(kind: &Kind, n: i64) -> bool {
    !matches!(kind, Kind::Int32) || i32::try_from(n).is_ok()
}

/// Makes a repaired answer fit the Rust types: every missing required field gets its empty
/// value, and unknown fields (which the generated types refuse) are left out.
fn fill_missing(value: &mut Value, kind: &Kind) {
    match (kind, value) {
        (Kind::Object(shape), Value::Object(map)) => {
            map.retain(|key, _| shape.fields.iter().any(|f| f.name == key));
            for field in shape.fields {
                match map.get_mut(field.name) {
                    Some(Value::Null) | None if field.required && !field.nullable => {
                        map.insert(field.name.to_owned(), empty(&field.kind));
                    }
                    // An optional list is a plain `Vec` in the Rust types: `null` reads as absent.
                    Some(Value::Null) if !field.nullable => {
                        map.remove(field.name);
                    }
                    Some(child) => fill_missing(child, &field.kind),
                    None => {}
                }
            }
        }
        (Kind::Array(inner), Value::Array(items)) => items.iter_mut().for_each(|item| fill_missing(item, inner)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use npay_order_api::shapes::response_shape;

    fn shape(operation: &str) -> &'static Shape {
        response_shape(operation).expect("the spec has a shape for it")
    }

    fn paths(deviations: &[Deviation]) -> Vec<String> {
        deviations.iter().map(|d| format!("{} {}", d.kind.as_str(), d.path)).collect()
    }

    fn change(id: &str) -> Value {
        json!({"orderId": "O1", "productOrderId": id, "lastChangedType": "PAYED",
               "lastChangedDate": "2026-11-27T09:00:00.000+09:00", "productOrderStatus": "PAYED"})
    }

    fn changes(rows: Vec<Value>) -> Vec<u8> {
        serde_json::to_vec(&json!({"timestamp": "2026-11-27T09:00:00.000+09:00", "traceId": "t",
            "data": {"count": rows.len(), "lastChangeStatuses": rows}}))
        .unwrap()
    }

    type Changes = npay_order_api::types::LastChangedStatusesResponse;

    #[test]
    fn a_conforming_answer_has_no_deviation() {
        let read =
            decode::<Changes>("listLastChangedStatuses", shape("listLastChangedStatuses"), &changes(vec![change("1")]))
                .unwrap();
        assert!(read.deviations.is_empty(), "{:?}", read.deviations);
        assert_eq!(read.value, read.original);
    }

    #[test]
    fn lossless_coercions_are_applied_and_reported() {
        let mut row = change("1");
        row["receiverAddressChanged"] = json!("Y");
        let mut body: Value = serde_json::from_slice(&changes(vec![row])).unwrap();
        body["data"]["count"] = json!(1.0);
        let read = decode::<Changes>(
            "listLastChangedStatuses",
            shape("listLastChangedStatuses"),
            &serde_json::to_vec(&body).unwrap(),
        )
        .unwrap();
        assert_eq!(read.typed.data.count, 1);
        assert_eq!(read.typed.data.last_change_statuses[0].receiver_address_changed, Some(true));
        assert_eq!(
            paths(&read.deviations),
            ["coerced data.count", "coerced data.lastChangeStatuses[].receiverAddressChanged"]
        );
        assert_eq!(read.original["data"]["count"], json!(1.0), "the answer as sent is kept");
    }

    #[test]
    fn a_date_time_without_offset_reaches_the_json_in_kst_and_is_reported() {
        let mut row = change("1");
        row["lastChangedDate"] = json!("2026-11-27T09:00:00.000");
        row["receiverAddressChanged"] = json!("N");
        let read = decode::<Changes>("listLastChangedStatuses", shape("listLastChangedStatuses"), &changes(vec![row]))
            .unwrap();
        assert_eq!(
            read.value["data"]["lastChangeStatuses"][0]["lastChangedDate"],
            json!("2026-11-27T09:00:00.000+09:00")
        );
        assert_eq!(
            read.typed.data.last_change_statuses[0].last_changed_date.to_string(),
            "2026-11-27T09:00:00.000+09:00"
        );
        assert_eq!(
            paths(&read.deviations),
            [
                "coerced data.lastChangeStatuses[].lastChangedDate",
                "coerced data.lastChangeStatuses[].receiverAddressChanged"
            ]
        );
    }

    #[test]
    fn an_uncoercible_value_is_emptied_and_the_rest_is_intact() {
        let mut odd = change("2");
        odd["productOrderStatus"] = json!({"nested": true});
        odd["claimType"] = json!([1]);
        let read = decode::<Changes>(
            "listLastChangedStatuses",
            shape("listLastChangedStatuses"),
            &changes(vec![change("1"), odd, change("3")]),
        )
        .unwrap();
        let rows = &read.typed.data.last_change_statuses;
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1].product_order_id, "2");
        assert_eq!(rows[1].claim_type, None);
        assert_eq!(rows[1].product_order_status.to_string(), "", "a required field left empty");
        assert!(read.value["data"]["lastChangeStatuses"][1].get("claimType").is_none());
        assert_eq!(read.original["data"]["lastChangeStatuses"][1]["claimType"], json!([1]));
        let kinds = paths(&read.deviations);
        assert!(kinds.contains(&"emptied data.lastChangeStatuses[].productOrderStatus".to_owned()), "{kinds:?}");
        assert!(kinds.contains(&"emptied data.lastChangeStatuses[].claimType".to_owned()), "{kinds:?}");
    }

    #[test]
    fn unknown_fields_are_kept_at_every_depth_and_reported() {
        let mut row = change("1");
        row["brandNewField"] = json!({"deep": 1});
        let mut body: Value = serde_json::from_slice(&changes(vec![row])).unwrap();
        body["data"]["alsoNew"] = json!("x");
        let read = decode::<Changes>(
            "listLastChangedStatuses",
            shape("listLastChangedStatuses"),
            &serde_json::to_vec(&body).unwrap(),
        )
        .unwrap();
        assert_eq!(read.value["data"]["lastChangeStatuses"][0]["brandNewField"], json!({"deep": 1}));
        assert_eq!(read.value["data"]["alsoNew"], json!("x"));
        let mut kinds = paths(&read.deviations);
        kinds.sort();
        assert_eq!(kinds, ["unknownField data.alsoNew", "unknownField data.lastChangeStatuses[].brandNewField"]);
    }

    #[test]
    fn an_answer_without_an_essential_field_has_no_usable_shape() {
        let mut row = change("1");
        row.as_object_mut().unwrap().remove("productOrderId");
        let error = decode::<Changes>("listLastChangedStatuses", shape("listLastChangedStatuses"), &changes(vec![row]))
            .err()
            .expect("unusable");
        assert!(error.message.contains("data.lastChangeStatuses[].productOrderId is absent"), "{}", error.message);
        let error =
            decode::<Changes>("listLastChangedStatuses", shape("listLastChangedStatuses"), b"[1, 2]").err().unwrap();
        assert!(error.message.contains("no usable shape"), "{}", error.message);
        let error =
            decode::<Changes>("listLastChangedStatuses", shape("listLastChangedStatuses"), b"<html>").err().unwrap();
        assert!(error.message.contains("not JSON"), "{}", error.message);
    }

    #[test]
    fn compact_dates_and_numeric_strings_are_coerced_in_settlements() {
        let body = json!({"elements": [{"settleBasisStartDate": "20261127", "returnCareSettleAmount": "1500",
            "settleCompleteDate": 20261128}], "pagination": {"page": 1.0, "size": "10", "totalElements": 1, "totalPages": 1}});
        let shape = shape("listDailySettlements");
        let read = decode::<npay_order_api::types::DailySettlementsPage>(
            "listDailySettlements",
            shape,
            &serde_json::to_vec(&body).unwrap(),
        )
        .unwrap();
        let day = &read.typed.elements[0];
        assert_eq!(day.settle_basis_start_date.map(|d| d.to_string()).as_deref(), Some("2026-11-27"));
        assert_eq!(day.settle_complete_date.map(|d| d.to_string()).as_deref(), Some("2026-11-28"));
        assert_eq!(day.return_care_settle_amount, 1500);
        assert!(read.deviations.iter().all(|d| d.kind == DeviationKind::Coerced), "{:?}", read.deviations);
        assert_eq!(read.deviations.len(), 5, "{:?}", read.deviations);
    }

    #[test]
    fn a_more_that_cannot_be_followed_is_an_error_not_the_last_page() {
        let mut body: Value = serde_json::from_slice(&changes(vec![change("1")])).unwrap();
        body["data"]["more"] = json!("next");
        let error = decode::<Changes>(
            "listLastChangedStatuses",
            shape("listLastChangedStatuses"),
            &serde_json::to_vec(&body).unwrap(),
        )
        .err()
        .expect("unusable: dropping it would end the walk early");
        assert!(error.message.contains("data.more is string"), "{}", error.message);
        body["data"]["more"] = Value::Null;
        let read = decode::<Changes>(
            "listLastChangedStatuses",
            shape("listLastChangedStatuses"),
            &serde_json::to_vec(&body).unwrap(),
        )
        .expect("an absent (null) more is the last page");
        assert!(read.typed.data.more.is_none());
    }

    #[test]
    fn deviations_never_quote_a_value() {
        let mut row = change("1");
        row["productOrderStatus"] = json!(1012345678);
        row["lastChangedType"] = json!({"phone": "010-9876-5432"});
        row["secretish"] = json!("010-9876-5432");
        let read = decode::<Changes>("listLastChangedStatuses", shape("listLastChangedStatuses"), &changes(vec![row]))
            .unwrap();
        let shown = format!("{:?}", read.deviations);
        assert!(!shown.contains("9876") && !shown.contains("1012345678"), "{shown}");
    }
}
