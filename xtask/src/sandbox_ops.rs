//! The sandbox's operation table (`crates/npay-sandbox/src/generated/operations.rs`): one `Op`
//! variant per operation of the spec, with its operationId, method, path template, whether it only
//! reads, whether its request has a JSON body, and whether it answers in the
//! `{timestamp, traceId, data}` envelope.
//!
//! The sandbox's router matches the path templates, so an operation added to the spec is routed
//! (and authenticated, rate-limited and counted) with no hand edit; until a handler exists it
//! answers 501 with Naver's error body. [`unhandled`] tells `cargo xtask generate` which
//! operations are in that state.

use std::fmt::Write;
use std::path::Path;

use anyhow::{Context, Result};
use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};

use crate::model::{Limits, Operation, Param, Shape};
use crate::output::RUST_BANNER;
use crate::spec::Spec;

/// Where the sandbox's `emulated()` names the operations it has a handler for.
const HANDLERS: &str = "crates/npay-sandbox/src/api.rs";

/// Renders the sandbox's generated operation table.
pub fn generate(spec: &Spec) -> Result<String> {
    let ops = spec.model()?;
    let mut out = String::from(RUST_BANNER);
    out.push_str(
        "//! Every operation of the spec, for the sandbox's router, statistics and request checks.\n\n\
         use http::Method;\n\n\
         /// One API operation, named by its operationId.\n\
         #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]\n\
         pub enum Op {\n",
    );
    for op in &ops {
        writeln!(out, "    /// `{}`: `{} {}`.", op.id, op.method, op.path)?;
        writeln!(out, "    {},", variant(op))?;
    }
    out.push_str("}\n\nimpl Op {\n    /// Every operation, in the spec's order.\n");
    writeln!(out, "    pub const ALL: [Op; {}] = [", ops.len())?;
    for op in &ops {
        writeln!(out, "        Op::{},", variant(op))?;
    }
    out.push_str(
        "    ];\n\n    /// The spec's operationId.\n    pub fn id(self) -> &'static str {\n        match self {\n",
    );
    for op in &ops {
        writeln!(out, "            Op::{} => {:?},", variant(op), op.id)?;
    }
    out.push_str(
        "        }\n    }\n\n    /// The HTTP method.\n    pub fn method(self) -> Method {\n        match self {\n",
    );
    for op in &ops {
        writeln!(out, "            Op::{} => Method::{},", variant(op), op.method)?;
    }
    out.push_str(
        "        }\n    }\n\n    /// The path template; a `{name}` segment is a path parameter.\n    \
         pub fn path(self) -> &'static str {\n        match self {\n",
    );
    for op in &ops {
        writeln!(out, "            Op::{} => {:?},", variant(op), op.path)?;
    }
    out.push_str("        }\n    }\n");
    flag(&mut out, "Whether it only reads (a GET, or `x-npay-read-only`).", "read_only", &ops, |o| o.read_only)?;
    flag(&mut out, "Whether its request carries a JSON body.", "has_json_body", &ops, |o| o.body_schema.is_some())?;
    flag(&mut out, "Whether it answers in the `{timestamp, traceId, data}` envelope.", "wrapped", &ops, |o| {
        o.envelope.as_ref().is_some_and(|e| e.wrapped)
    })?;
    out.push_str("}\n");
    Ok(out)
}

/// Renders the sandbox's generated limits (`crates/npay-sandbox/src/generated/limits.rs`): every
/// `minimum`/`maximum`, `minLength`/`maxLength`, `minItems`/`maxItems` and integer `default` of the spec's request
/// side, one module per operation (its path, query and top-level body parameters) and one per
/// request object (the properties of nested objects), so that the handlers check exactly what
/// the spec says.
pub fn generate_limits(spec: &Spec) -> Result<String> {
    let ops = spec.model()?;
    let objects = spec.request_objects(&ops)?;
    let mut out = String::from(RUST_BANNER);
    out.push_str(
        "//! The spec's request limits, for the sandbox's checks (see `crate::input::Limits`).\n\n\
         use crate::input::Limits;\n",
    );
    for op in &ops {
        limits_module(&mut out, &op.id, &format!("`{}`", op.id), &op.params)?;
    }
    for object in &objects {
        limits_module(&mut out, &object.name, &format!("The request object `{}`", object.name), &object.properties)?;
    }
    Ok(out)
}

fn limits_module(out: &mut String, name: &str, doc: &str, params: &[Param]) -> Result<()> {
    let limited: Vec<&Param> = params.iter().filter(|p| has_limits(&p.limits)).collect();
    if limited.is_empty() {
        return Ok(());
    }
    writeln!(out, "\n/// {doc}.\npub mod {} {{\n    use super::Limits;", name.to_snake_case())?;
    for p in limited {
        // An `int32` without a `maximum` is still bounded by its format.
        let mut l = p.limits.clone();
        if p.shape == Shape::Int32 {
            l.minimum = l.minimum.or(Some(i64::from(i32::MIN)));
            l.maximum = l.maximum.or(Some(i64::from(i32::MAX)));
        }
        writeln!(out, "\n    /// `{}`.", p.name)?;
        writeln!(
            out,
            "    pub const {}: Limits = Limits {{ minimum: {:?}, maximum: {:?}, min_length: {:?}, max_length: {:?}, min_items: {:?}, max_items: {:?}, default: {:?} }};",
            p.name.to_shouty_snake_case(),
            l.minimum,
            l.maximum,
            l.min_length,
            l.max_length,
            l.min_items,
            l.max_items,
            l.default
        )?;
    }
    writeln!(out, "}}")?;
    Ok(())
}

fn has_limits(l: &Limits) -> bool {
    l.minimum.is_some()
        || l.maximum.is_some()
        || l.min_length.is_some()
        || l.max_length.is_some()
        || l.min_items.is_some()
        || l.max_items.is_some()
        || l.default.is_some()
}

fn variant(op: &Operation) -> String {
    op.id.to_upper_camel_case()
}

fn flag(out: &mut String, doc: &str, name: &str, ops: &[Operation], holds: impl Fn(&Operation) -> bool) -> Result<()> {
    let variants: Vec<String> = ops.iter().filter(|o| holds(o)).map(|o| format!("Op::{}", variant(o))).collect();
    writeln!(out, "\n    /// {doc}\n    pub fn {name}(self) -> bool {{")?;
    if variants.is_empty() {
        writeln!(out, "        false")?;
    } else {
        writeln!(
            out,
            "        matches!(\n            self,\n            {}\n        )",
            variants.join("\n                | ")
        )?;
    }
    writeln!(out, "    }}")?;
    Ok(())
}

/// The operations the sandbox's `emulated()` list (in [`HANDLERS`]) does not name: they are
/// routed but answer 501 "not emulated". A text search of that one function, not a compile (this
/// runs before the sandbox is built); the sandbox's own test of `emulated()` checks the same.
pub fn unhandled(root: &Path, spec: &Spec) -> Result<Vec<String>> {
    let path = root.join(HANDLERS);
    let source = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let start = source.find("\nfn emulated(").with_context(|| format!("{HANDLERS} has no fn emulated"))?;
    let end = source[start + 1..].find("\n}\n").map_or(source.len(), |i| start + 1 + i);
    let handlers = &source[start..end];
    let named = |name: &str| {
        let needle = format!("Op::{name}");
        handlers.match_indices(&needle).any(|(at, _)| {
            let next = handlers[at + needle.len()..].chars().next();
            !next.is_some_and(|c| c.is_alphanumeric() || c == '_')
        })
    };
    Ok(spec.model()?.iter().filter(|op| !named(&variant(op))).map(|op| op.id.clone()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    const SPEC: &str = include_str!("../../openapi/npay-order.yaml");

    fn root() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
    }

    /// The spec with one more operation, as Naver's release notes might add one.
    fn with_new_operation() -> Spec {
        let mut doc: Value = serde_yaml::from_str(SPEC).unwrap();
        let paths = doc["paths"].as_object_mut().unwrap();
        let mut item = paths["/v1/pay-order/mall/product-orders/{productOrderId}/claim/cancel/approve"].clone();
        item["post"]["operationId"] = "withdrawCancel".into();
        paths.insert("/v1/pay-order/mall/product-orders/{productOrderId}/claim/cancel/withdraw".into(), item);
        Spec::parse(&serde_json::to_string(&doc).unwrap()).unwrap()
    }

    #[test]
    fn every_operation_of_todays_spec_has_a_sandbox_handler() {
        let spec = Spec::parse(SPEC).unwrap();
        assert_eq!(unhandled(&root(), &spec).unwrap(), Vec::<String>::new());
    }

    #[test]
    fn an_operation_added_to_the_spec_gets_a_route_and_is_reported_without_a_handler() {
        let spec = with_new_operation();
        let table = generate(&spec).unwrap();
        assert!(table.contains("    WithdrawCancel,\n"), "a variant");
        assert!(table.contains(
            "Op::WithdrawCancel => \"/v1/pay-order/mall/product-orders/{productOrderId}/claim/cancel/withdraw\""
        ));
        assert!(table.contains("Op::WithdrawCancel => Method::POST"));
        assert_eq!(unhandled(&root(), &spec).unwrap(), ["withdrawCancel"]);
    }
}
