//! The shapes of successful answers (`crates/npay-order-api/src/generated/shapes.rs`), for the
//! core's tolerant decoding and the sandbox.
//!
//! When an answer does not decode into the generated types, the core walks it against these
//! shapes: it coerces what can be coerced without loss, empties what cannot, keeps unknown fields,
//! and reports each deviation by path. The shapes are the spec's response schemas, reachable from
//! each operation's success response, with each property's kind, whether the spec requires it,
//! whether it may be `null`, and whether it is *essential* (listed in the schema's
//! `x-npay-essential`: an answer without it — if it is required — or with it in a shape nothing
//! can be read from has no usable shape: a product order without `productOrderId`, an envelope
//! without `data`, a `more` that cannot be followed).

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context, Result};
use heck::ToShoutySnakeCase;
use serde_json::Value;

use crate::model::{Property, Shape};
use crate::output::RUST_BANNER;
use crate::spec::Spec;

/// Renders `crates/npay-sandbox/src/generated/essential.rs`: the JSON keys the spec marks essential
/// anywhere, which the sandbox's deviation fault never perturbs (so that a perturbed answer is
/// always one a tolerant read must survive).
pub fn sandbox_essential(spec: &Spec) -> Result<String> {
    let mut keys = BTreeSet::new();
    for schema in
        spec.doc.pointer("/components/schemas").and_then(Value::as_object).into_iter().flatten().map(|(_, s)| s)
    {
        for key in schema.get("x-npay-essential").and_then(Value::as_array).into_iter().flatten() {
            keys.insert(key.as_str().context("x-npay-essential lists a non-string")?.to_owned());
        }
    }
    let mut out = String::from(RUST_BANNER);
    out.push_str(
        "//! The keys the spec marks essential (`x-npay-essential`) in any schema: an answer without one\n\
         //! has no usable shape, so the deviation fault leaves them alone.\n\n\
         /// Every essential key, sorted.\npub const ESSENTIAL_KEYS: &[&str] = &[\n",
    );
    for key in keys {
        out.push_str(&format!("    {key:?},\n"));
    }
    out.push_str("];\n");
    Ok(out)
}

/// Renders `crates/npay-order-api/src/generated/shapes.rs` (types in `npay_order_api::shape`).
pub fn generate(spec: &Spec) -> Result<String> {
    let mut roots = Vec::new();
    for (_, _, op) in spec.operations() {
        let id = op.get("operationId").and_then(Value::as_str).context("an operation without operationId")?;
        let schema =
            op.get("responses").and_then(|r| r.get("200")).and_then(|r| r.pointer("/content/application~1json/schema"));
        let Some(schema) = schema else { continue };
        let Shape::Object(name) = spec.shape(schema)? else { continue };
        roots.push((id.to_owned(), name));
    }
    let mut objects = BTreeMap::new();
    let mut pending: Vec<String> = roots.iter().map(|(_, name)| name.clone()).collect();
    while let Some(name) = pending.pop() {
        if objects.contains_key(&name) {
            continue;
        }
        let properties = properties(spec, &name)?;
        for property in &properties {
            let mut shape = &property.shape;
            while let Shape::Array(inner) = shape {
                shape = inner;
            }
            if let Shape::Object(child) = shape {
                pending.push(child.clone());
            }
        }
        objects.insert(name, properties);
    }

    let mut out = String::from(RUST_BANNER);
    out.push_str(
        "//! The shape of every operation's successful answer, from the spec's response schemas: what\n\
         //! the core's tolerant decoding checks an answer against when it does not decode into the\n\
         //! generated types, and what the sandbox shapes its answers by.\n\n\
         use crate::shape::{Field, Kind, Shape};\n\n\
         /// The shape of the successful answer of `operation_id`, if the spec gives one.\n\
         pub fn response_shape(operation_id: &str) -> Option<&'static Shape> {\n    match operation_id {\n",
    );
    for (id, name) in &roots {
        out.push_str(&format!("        {id:?} => Some(&{}),\n", static_name(name)));
    }
    out.push_str("        _ => None,\n    }\n}\n");
    let used: BTreeSet<&String> = objects.keys().collect();
    for name in used {
        let properties = &objects[name];
        out.push_str(&format!(
            "\n/// `{name}`.\npub static {}: Shape = Shape {{\n    name: {name:?},\n    fields: &[\n",
            static_name(name)
        ));
        for p in properties {
            out.push_str(&format!(
                "        Field {{ name: {:?}, kind: {}, required: {}, nullable: {}, essential: {} }},\n",
                p.name,
                kind(&p.shape),
                p.required,
                p.nullable,
                p.essential
            ));
        }
        // A `match` of the keys, which the compiler turns into a search by length and bytes: the
        // shape check looks up every key of a large answer here.
        out.push_str("    ],\n    index: |key| match key {\n");
        for (index, p) in properties.iter().enumerate() {
            out.push_str(&format!("        {:?} => Some({index}),\n", p.name));
        }
        out.push_str("        _ => None,\n    },\n};\n");
    }
    Ok(out)
}

fn static_name(schema: &str) -> String {
    schema.to_shouty_snake_case()
}

fn kind(shape: &Shape) -> String {
    match shape {
        Shape::String => "Kind::String".into(),
        Shape::DateTime => "Kind::DateTime".into(),
        Shape::Date => "Kind::Date".into(),
        Shape::Int32 => "Kind::Int32".into(),
        Shape::Int64 => "Kind::Int64".into(),
        Shape::Number => "Kind::Number".into(),
        Shape::Bool => "Kind::Boolean".into(),
        Shape::Enum(name) => format!("Kind::Enum({name:?})"),
        Shape::Object(name) => format!("Kind::Object(&{})", static_name(name)),
        Shape::Array(inner) => format!("Kind::Array(&{})", kind(inner)),
    }
}

fn properties(spec: &Spec, name: &str) -> Result<Vec<Property>> {
    Ok(spec.object(name)?.properties)
}
