//! A lookup from schema name to generated Rust type, for the tests that round-trip every
//! `example` of the spec through the generated types. Generated so that a schema added to the
//! spec is covered without touching the tests.

use std::fmt::Write;

use anyhow::Result;
use serde_json::Value;

use crate::output::RUST_BANNER;
use crate::spec::Spec;

/// Renders `crates/npay-order-api/tests/generated/schemas.rs`.
pub fn generate(spec: &Spec) -> Result<String> {
    let mut out = String::from(RUST_BANNER);
    out.push_str(
        "//! Schema name → generated type, for the example round-trip tests.\n\n\
         use serde_json::Value;\n\n\
         fn roundtrip_as<T: serde::de::DeserializeOwned + serde::Serialize>(value: Value) -> Result<Value, serde_json::Error> {\n\
         \x20   serde_json::to_value(serde_json::from_value::<T>(value)?)\n\
         }\n\n\
         /// Deserialises `value` as the generated type of the component schema `name` and serialises it\n\
         /// back; `None` if no such schema exists.\n\
         pub fn roundtrip(name: &str, value: Value) -> Option<Result<Value, serde_json::Error>> {\n\
         \x20   Some(match name {\n",
    );
    let schemas = spec.doc.pointer("/components/schemas").and_then(Value::as_object);
    for name in schemas.into_iter().flatten().map(|(name, _)| name) {
        let module = if spec.enums.iter().any(|e| &e.name == name) { "enums" } else { "types" };
        writeln!(out, "        {name:?} => roundtrip_as::<npay_order_api::{module}::{name}>(value),")?;
    }
    out.push_str("        _ => return None,\n    })\n}\n");
    Ok(out)
}
