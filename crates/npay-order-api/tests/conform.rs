//! The shape check ([`npay_order_api::conform`]) must never pass a body that the generated types
//! would refuse, or would write back as other JSON: a binding that keeps its own parse of a body
//! the check passed must hold exactly what the typed decode would have given it.
//!
//! The bodies are made from the shape tables (every field, and only the required ones) and then
//! spoilt one field at a time, in each way an answer can differ from the spec; every body the
//! check passes is decoded into the generated type and written back, and must come back equal.

#[rustfmt::skip] // generated: formatted by its renderer
#[path = "generated/schemas.rs"]
mod schemas;

use npay_order_api::conform::{conforms, hollow_if_conforming};
use npay_order_api::shape::{Kind, Shape};
use npay_order_api::shapes::response_shape;
use serde_json::{Value, json};

const SPEC: &str = include_str!("../../../openapi/npay-order.yaml");

/// Every operation id of the spec.
fn operation_ids() -> Vec<String> {
    let spec: Value = serde_yaml::from_str(SPEC).expect("the spec is YAML");
    let mut ids = Vec::new();
    for item in spec["paths"].as_object().expect("paths").values() {
        for op in item.as_object().expect("path item").values() {
            if let Some(id) = op.get("operationId").and_then(Value::as_str) {
                ids.push(id.to_owned());
            }
        }
    }
    ids
}

/// Every shape reachable from an operation's answer, each once.
fn all_shapes() -> Vec<&'static Shape> {
    fn visit(shape: &'static Shape, into: &mut Vec<&'static Shape>) {
        if into.iter().any(|seen| std::ptr::eq(*seen, shape)) {
            return;
        }
        into.push(shape);
        for field in shape.fields {
            let mut kind = &field.kind;
            while let Kind::Array(inner) = kind {
                kind = inner;
            }
            if let Kind::Object(inner) = kind {
                visit(inner, into);
            }
        }
    }
    let mut shapes = Vec::new();
    for id in operation_ids() {
        if let Some(shape) = response_shape(&id) {
            visit(shape, &mut shapes);
        }
    }
    shapes
}

/// A value of `kind` as the spec describes it; objects with every field (`full`) or only the
/// required ones.
fn value_of(kind: &Kind, full: bool) -> Value {
    match kind {
        // Escapes and Korean text: the check reads strings as serde_json does.
        Kind::String => json!("신다은 \"문 앞\"\n\\ 😀"),
        Kind::Enum(_) => json!("A_VALUE_NAVER_MAY_ADD"),
        Kind::DateTime => json!("2026-11-27T14:03:11.120+09:00"),
        Kind::Date => json!("2026-11-27"),
        Kind::Int32 => json!(-2_147_483_648i64),
        Kind::Int64 => json!(9_007_199_254_740_993i64),
        Kind::Number => json!(1.5),
        Kind::Boolean => json!(false),
        Kind::Object(shape) => object_of(shape, full),
        Kind::Array(inner) => json!([value_of(inner, full)]),
    }
}

fn object_of(shape: &Shape, full: bool) -> Value {
    let fields = shape.fields.iter().filter(|field| full || field.required);
    Value::Object(fields.map(|field| (field.name.to_owned(), value_of(&field.kind, full))).collect())
}

/// Whether a value of `kind` can hold a date or a non-integer number, which the check refuses.
fn holds_refused_kinds(kind: &Kind) -> bool {
    match kind {
        Kind::Date | Kind::Number => true,
        Kind::Object(shape) => shape.fields.iter().any(|field| holds_refused_kinds(&field.kind)),
        Kind::Array(inner) => holds_refused_kinds(inner),
        _ => false,
    }
}

/// Where in `value` (of `kind`) each object of a known shape is: its JSON pointer and shape.
fn objects(kind: &Kind, value: &Value, at: String, into: &mut Vec<(String, &'static Shape)>) {
    match (kind, value) {
        (Kind::Object(shape), Value::Object(members)) => {
            into.push((at.clone(), shape));
            for field in shape.fields {
                if let Some(member) = members.get(field.name) {
                    objects(&field.kind, member, format!("{at}/{}", field.name), into);
                }
            }
        }
        (Kind::Array(inner), Value::Array(items)) => {
            for (index, item) in items.iter().enumerate() {
                objects(inner, item, format!("{at}/{index}"), into);
            }
        }
        _ => {}
    }
}

/// What a spoilt body is expected to do: conform still, or be refused.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Expect {
    Conforms,
    Refused,
    /// Either: the check may be stricter than the decode, never looser.
    Either,
}

/// `base` spoilt once per field of every object in it, each with what the check must say.
fn spoilt(kind: &Kind, base: &Value) -> Vec<(String, Value, Expect)> {
    let mut places = Vec::new();
    objects(kind, base, String::new(), &mut places);
    let mut bodies = Vec::new();
    for (at, shape) in places {
        let with = |change: &dyn Fn(&mut serde_json::Map<String, Value>)| {
            let mut body = base.clone();
            change(body.pointer_mut(&at).and_then(Value::as_object_mut).expect("an object"));
            body
        };
        let unknown = with(&|o| {
            o.insert("zzUnknown".into(), json!(1));
        });
        bodies.push((format!("{at}: an unknown key"), unknown, Expect::Refused));
        for field in shape.fields {
            let name = field.name;
            let here = format!("{at}/{name}");
            let removed = if field.required { Expect::Refused } else { Expect::Either };
            let set = |value: Value| {
                with(&|o| {
                    o.insert(name.into(), value.clone());
                })
            };
            let left_out = with(&|o| {
                o.remove(name);
            });
            bodies.push((format!("{here}: left out"), left_out, removed));
            bodies.push((format!("{here}: null"), set(Value::Null), Expect::Refused));
            let wrong = match field.kind {
                Kind::String | Kind::Enum(_) | Kind::DateTime | Kind::Date => json!(12),
                Kind::Int32 | Kind::Int64 | Kind::Number => json!("12"),
                Kind::Boolean => json!("true"),
                Kind::Object(_) => json!([]),
                Kind::Array(_) => json!({}),
            };
            bodies.push((format!("{here}: another kind"), set(wrong), Expect::Refused));
            let odd: &[Value] = match field.kind {
                Kind::DateTime => &[
                    json!("2026-11-27T14:03:11+09:00"),
                    json!("2026-11-27T05:03:11.120Z"),
                    json!("2026-11-27T14:03:11.120"),
                    json!("2026-02-30T14:03:11.120+09:00"),
                    json!("2026-11-27T14:03:60.120+09:00"),
                ],
                Kind::Int32 => &[json!(2_147_483_648i64), json!(1.5), json!(1e3)],
                Kind::Int64 => &[json!(18_446_744_073_709_551_615u64), json!(-0.0)],
                Kind::Array(_) => &[json!([])],
                Kind::Object(_) => &[json!({})],
                _ => &[],
            };
            for value in odd {
                // An empty object may still hold every field its shape requires (none).
                let expect = if value == &json!({}) { Expect::Either } else { Expect::Refused };
                bodies.push((format!("{here}: {value}"), set(value.clone()), expect));
            }
        }
    }
    bodies
}

/// Checks `text` (the JSON of an answer of `shape`): what the check says must agree with
/// `expect`, and a body it passes must decode into the generated type and come back equal, as
/// must its hollow form. Whether it passed.
fn check(shape: &'static Shape, what: &str, text: &str, expect: Expect, failures: &mut Vec<String>) -> bool {
    let passed = conforms(shape, text);
    let hollow = hollow_if_conforming(shape, text);
    if passed != hollow.is_some() {
        failures.push(format!("{what}: conforms() and hollow_if_conforming() disagree"));
    }
    match (expect, passed) {
        (Expect::Conforms, false) => failures.push(format!("{what}: refused, but the body conforms")),
        (Expect::Refused, true) => failures.push(format!("{what}: passed, but the body deviates")),
        _ => {}
    }
    if passed {
        let sent: Value = serde_json::from_str(text).expect("JSON");
        match schemas::roundtrip(shape.name, sent.clone()) {
            Some(Ok(back)) if back == sent => {}
            Some(Ok(back)) => failures.push(format!("{what}: passed, but is written back otherwise: {back}")),
            Some(Err(error)) => failures.push(format!("{what}: passed, but the generated type refuses it: {error}")),
            None => failures.push(format!("{what}: no generated type {}", shape.name)),
        }
        let hollow: Value = serde_json::from_str(&hollow.unwrap_or_default()).expect("the hollow form is JSON");
        if !matches!(schemas::roundtrip(shape.name, hollow), Some(Ok(_))) {
            failures.push(format!("{what}: the hollow form does not decode"));
        }
    }
    passed
}

#[test]
fn every_shape_finds_each_field_by_its_key_and_has_at_most_128() {
    let shapes = all_shapes();
    assert!(shapes.len() > 30, "found only {} shapes", shapes.len());
    for shape in shapes {
        for (index, field) in shape.fields.iter().enumerate() {
            assert_eq!(shape.field_index(field.name), Some(index), "{}.{}", shape.name, field.name);
            let longer = format!("{}x", field.name);
            assert!(shape.fields.iter().any(|f| f.name == longer) || shape.field_index(&longer).is_none());
        }
        assert_eq!(shape.field_index(""), None);
        assert!(shape.fields.windows(2).all(|pair| pair[0].name < pair[1].name), "{} is not sorted", shape.name);
        assert!(shape.fields.len() <= 128, "{} has {} fields", shape.name, shape.fields.len());
    }
}

#[test]
fn a_body_passes_the_check_only_if_the_generated_types_read_and_write_it_unchanged() {
    let mut failures = Vec::new();
    let (mut operations, mut passed, mut refused) = (0, 0, 0);
    for id in operation_ids() {
        let Some(shape) = response_shape(&id) else { continue };
        let kind = Kind::Object(shape);
        let dated = holds_refused_kinds(&kind);
        operations += 1;
        for full in [true, false] {
            let base = object_of(shape, full);
            // A body with a `format: date` is refused outright; one without conforms as made.
            let expect = if dated && full {
                Expect::Refused
            } else if dated {
                Expect::Either
            } else {
                Expect::Conforms
            };
            let text = base.to_string();
            check(shape, &format!("{id} as made (full: {full})"), &text, expect, &mut failures);
            // Also pretty-printed: layout is not content.
            let pretty = serde_json::to_string_pretty(&base).expect("JSON");
            check(shape, &format!("{id} pretty (full: {full})"), &pretty, expect, &mut failures);
            for (what, body, expect) in spoilt(&kind, &base) {
                let outcome =
                    check(shape, &format!("{id} (full: {full}) {what}"), &body.to_string(), expect, &mut failures);
                if outcome { passed += 1 } else { refused += 1 }
            }
        }
    }
    assert!(operations >= 20, "the spec's operations were not found ({operations})");
    assert!(passed > 100 && refused > 1000, "too few of either kind: {passed} passed, {refused} refused");
    assert!(failures.is_empty(), "{} failure(s):\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn a_key_given_twice_or_anything_after_the_body_is_refused() {
    let shape = response_shape("listProductOrderIds").expect("a shape");
    let body = r#"{"timestamp":"2026-11-27T14:03:11.120+09:00","traceId":"t","data":["1"]}"#;
    assert!(conforms(shape, body));
    let twice = r#"{"timestamp":"2026-11-27T14:03:11.120+09:00","traceId":"t","traceId":"u","data":["1"]}"#;
    assert!(!conforms(shape, twice));
    assert!(serde_json::from_str::<npay_order_api::types::ProductOrderIdsResponse>(twice).is_err(), "as the decode");
    assert!(!conforms(shape, &format!("{body} {{}}")));
    assert!(!conforms(shape, &body[..body.len() - 1]), "cut short");
    // A key written with an escape is the same key, and conforms.
    assert!(conforms(shape, &body.replace("traceId", "trace\\u0049d")));
    // An object given as an array of its values: serde's derive reads it, the check does not.
    assert!(!conforms(shape, r#"["2026-11-27T14:03:11.120+09:00","t",["1"]]"#));
}

#[test]
fn the_hollow_form_keeps_the_envelope_and_empties_every_list() {
    let shape = response_shape("listLastChangedStatuses").expect("a shape");
    let data = object_of(response_shape("listLastChangedStatuses").unwrap(), true);
    let hollow: Value =
        serde_json::from_str(&hollow_if_conforming(shape, &data.to_string()).expect("conforms")).expect("JSON");
    assert_eq!(hollow["traceId"], data["traceId"]);
    assert_eq!(hollow["timestamp"], data["timestamp"]);
    assert_eq!(hollow["data"]["lastChangeStatuses"], json!([]));
    assert_eq!(hollow["data"]["more"], data["data"]["more"], "an object outside any list is kept whole");
}
