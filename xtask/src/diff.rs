//! `cargo xtask diff OLD NEW`: what a spec change does to the SDK.
//!
//! Two opinions are combined: Optic (`@useoptic/optic`, pinned; its breaking-change rules) and our
//! own checks of what Optic misses and of what matters to *this* SDK — lowered limits
//! (`maxItems`, `maximum`, `maxLength`: a request the SDK accepted yesterday would be refused),
//! new required parameters, removed operations, parameters, fields and request enum values. New
//! response enum values are listed as safe: every enum of the SDK is open. Each change names the
//! surface it touches in each language. The exit status is non-zero when anything is breaking.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};
use heck::{ToLowerCamelCase, ToSnakeCase};
use serde_json::Value;

use crate::model::{Operation, Param};
use crate::spec::Spec;

const OPTIC: &str = "1.0.9";

/// One difference between two specs.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    pub breaking: bool,
    /// The operation it concerns, if any.
    pub operation: Option<String>,
    pub what: String,
}

/// The surface of an operation in every language.
pub fn surface(operation_id: &str) -> String {
    let snake = operation_id.to_snake_case();
    let camel = operation_id.to_lower_camel_case();
    format!(
        "Rust `Client::{snake}`, Python `Client.{snake}`/`AsyncClient.{snake}`, Node `client.{camel}`, Kotlin/Swift `client.{camel}`"
    )
}

/// Names of the component schemas `value` refers to directly, or through a shared parameter or
/// response (`#/components/parameters/…`, `#/components/responses/…`) of `doc`.
fn refs_in(value: &Value, doc: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
                match reference.strip_prefix("#/components/schemas/") {
                    Some(name) => {
                        out.insert(name.to_owned());
                    }
                    None => {
                        if let Some(shared) = reference.strip_prefix('#').and_then(|pointer| doc.pointer(pointer)) {
                            refs_in(shared, doc, out);
                        }
                    }
                }
            }
            map.values().for_each(|v| refs_in(v, doc, out));
        }
        Value::Array(items) => items.iter().for_each(|v| refs_in(v, doc, out)),
        _ => {}
    }
}

/// The operations whose requests or responses reach `schema`, to name the surface a schema
/// change touches.
fn operations_using(spec: &Spec, schema: &str) -> Vec<String> {
    let mut users = Vec::new();
    for (_, _, op) in spec.operations() {
        let mut seen = BTreeSet::new();
        let mut todo = BTreeSet::new();
        refs_in(&Value::Object(op.clone()), &spec.doc, &mut todo);
        while let Some(name) = todo.pop_first() {
            if !seen.insert(name.clone()) {
                continue;
            }
            if let Some(found) = spec.doc.pointer(&format!("/components/schemas/{name}")) {
                refs_in(found, &spec.doc, &mut todo);
            }
        }
        if seen.contains(schema) {
            users.extend(op.get("operationId").and_then(Value::as_str).map(str::to_owned));
        }
    }
    users
}

/// Runs both opinions, prints the report, fails on breaking changes.
pub fn run(root: &Path, old: &Path, new: &Path) -> Result<()> {
    let old_spec = Spec::load(old)?;
    let new_spec = Spec::load(new)?;
    let changes = compare(&old_spec, &new_spec)?;
    print!("{}", report(&changes));
    let optic_breaking = optic(root, old, new)?;
    let ours_breaking = changes.iter().any(|c| c.breaking);
    if optic_breaking || ours_breaking {
        bail!("breaking changes (optic: {optic_breaking}, our checks: {ours_breaking})");
    }
    println!("no breaking changes");
    Ok(())
}

/// The changes as Markdown (also what CHANGELOG entries are made from).
pub fn report(changes: &[Change]) -> String {
    let mut out = String::new();
    for (title, breaking) in [("Breaking changes", true), ("Non-breaking changes", false)] {
        let items: Vec<&Change> = changes.iter().filter(|c| c.breaking == breaking).collect();
        if items.is_empty() {
            continue;
        }
        let _ = writeln!(out, "### {title}\n");
        for change in items {
            match &change.operation {
                Some(op) => {
                    let _ = writeln!(out, "- `{op}`: {} — {}", change.what, surface(op));
                }
                None => {
                    let _ = writeln!(out, "- {}", change.what);
                }
            }
        }
        out.push('\n');
    }
    if out.is_empty() {
        out.push_str("No changes to operations, parameters, schemas or enums.\n");
    }
    out
}

/// Optic's verdict: `true` if it reports a breaking change. Installs Optic into `.tools/optic`.
fn optic(root: &Path, old: &Path, new: &Path) -> Result<bool> {
    let dir = root.join(".tools/optic");
    let bin = dir.join("node_modules/.bin/optic");
    if !bin.exists() {
        std::fs::create_dir_all(&dir)?;
        // Optic crashes at start with a newer ajv; the override pins the one it works with.
        std::fs::write(
            dir.join("package.json"),
            format!(
                r#"{{"name":"optic-tools","private":true,"dependencies":{{"@useoptic/optic":"{OPTIC}"}},"overrides":{{"ajv":"8.17.1"}}}}"#
            ),
        )?;
        let status =
            Command::new("npm").current_dir(&dir).args(["install", "--no-audit", "--no-fund", "--silent"]).status()?;
        if !status.success() {
            bail!("installing @useoptic/optic@{OPTIC} failed");
        }
    }
    let output = Command::new(&bin).arg("diff").arg(old).arg(new).arg("--check").output().context("running optic")?;
    println!("--- optic {OPTIC} ---\n{}", String::from_utf8_lossy(&output.stdout));
    Ok(!output.status.success())
}

fn by_id(ops: Vec<Operation>) -> BTreeMap<String, Operation> {
    ops.into_iter().map(|op| (op.id.clone(), op)).collect()
}

fn params_by_name(op: &Operation) -> BTreeMap<&str, &Param> {
    op.params.iter().map(|p| (p.name.as_str(), p)).collect()
}

/// A lowered upper limit (or a new one) makes some accepted requests invalid.
fn lowered(old: Option<u64>, new: Option<u64>) -> bool {
    match (old, new) {
        (_, None) => false,
        (None, Some(_)) => true,
        (Some(o), Some(n)) => n < o,
    }
}

/// Compares two specs as the SDK sees them.
pub fn compare(old: &Spec, new: &Spec) -> Result<Vec<Change>> {
    let mut changes = BTreeSet::new();
    let mut add = |breaking: bool, operation: Option<&str>, what: String| {
        changes.insert(Change { breaking, operation: operation.map(str::to_owned), what });
    };
    let (old_ops, new_ops) = (by_id(old.model()?), by_id(new.model()?));
    for (id, op) in &new_ops {
        let Some(before) = old_ops.get(id) else {
            add(false, Some(id), format!("new operation `{} {}`", op.method, op.path));
            continue;
        };
        if before.method != op.method || before.path != op.path {
            add(
                true,
                Some(id),
                format!("moved from `{} {}` to `{} {}`", before.method, before.path, op.method, op.path),
            );
        }
        let (old_params, new_params) = (params_by_name(before), params_by_name(op));
        for (name, param) in &new_params {
            match old_params.get(name) {
                None if param.required => add(true, Some(id), format!("new required parameter `{name}`")),
                None => add(false, Some(id), format!("new optional parameter `{name}`")),
                Some(was) => {
                    if param.required && !was.required {
                        add(true, Some(id), format!("parameter `{name}` became required"));
                    }
                    if was.shape != param.shape {
                        add(true, Some(id), format!("parameter `{name}` changed type"));
                    }
                    let (o, n) = (&was.limits, &param.limits);
                    let max = |v: Option<i64>| v.map(|v| v.max(0) as u64);
                    for (limit, before, after) in [
                        ("maxItems", o.max_items, n.max_items),
                        ("maxLength", o.max_length, n.max_length),
                        ("maximum", max(o.maximum), max(n.maximum)),
                    ] {
                        if lowered(before, after) {
                            add(true, Some(id), format!("`{name}` {limit} lowered from {before:?} to {after:?}"));
                        }
                    }
                }
            }
        }
        for name in old_params.keys().filter(|n| !new_params.contains_key(*n)) {
            add(true, Some(id), format!("parameter `{name}` removed"));
        }
    }
    for id in old_ops.keys().filter(|id| !new_ops.contains_key(*id)) {
        add(true, Some(id), "operation removed".to_owned());
    }
    compare_schemas(old, new, &mut add);
    Ok(changes.into_iter().collect())
}

fn properties(spec: &Spec) -> BTreeMap<String, BTreeSet<String>> {
    let schemas = spec.doc.pointer("/components/schemas").and_then(Value::as_object);
    schemas
        .into_iter()
        .flatten()
        .filter_map(|(name, schema)| {
            let props = schema.get("properties")?.as_object()?;
            Some((name.clone(), props.keys().cloned().collect()))
        })
        .collect()
}

fn compare_schemas(old: &Spec, new: &Spec, add: &mut impl FnMut(bool, Option<&str>, String)) {
    let used_by = |schema: &str| {
        let mut users = operations_using(old, schema);
        users.extend(operations_using(new, schema));
        users.sort();
        users.dedup();
        if users.is_empty() {
            String::new()
        } else {
            let surfaces: Vec<String> = users.iter().map(|u| format!("`{u}`")).collect();
            format!(" — reaches {}", surfaces.join(", "))
        }
    };
    let mut add =
        |breaking: bool, schema: &str, what: String| add(breaking, None, format!("{what}{}", used_by(schema)));
    let (old_props, new_props) = (properties(old), properties(new));
    for (schema, props) in &old_props {
        match new_props.get(schema) {
            None => add(true, schema, format!("schema `{schema}` removed")),
            Some(now) => {
                for removed in props.difference(now) {
                    add(true, schema, format!("field `{schema}.{removed}` removed"));
                }
                for added in now.difference(props) {
                    add(false, schema, format!("new field `{schema}.{added}`"));
                }
            }
        }
    }
    for schema in new_props.keys().filter(|s| !old_props.contains_key(*s)) {
        add(false, schema, format!("new schema `{schema}`"));
    }
    let request_enums = request_enum_names(new);
    for def in &new.enums {
        let Some(before) = old.enums.iter().find(|e| e.name == def.name) else {
            add(false, &def.name, format!("new enum `{}`", def.name));
            continue;
        };
        for value in before.values.iter().filter(|v| !def.values.contains(v)) {
            let breaking = request_enums.contains(&def.name);
            add(breaking, &def.name, format!("enum `{}` lost value `{value}`", def.name));
        }
        for value in def.values.iter().filter(|v| !before.values.contains(v)) {
            add(
                false,
                &def.name,
                format!("enum `{}` gained value `{value}` (read as before: enums are open)", def.name),
            );
        }
    }
}

/// Enums that requests use: a value removed from one of them breaks callers.
fn request_enum_names(spec: &Spec) -> BTreeSet<String> {
    use crate::model::Shape;
    fn collect(shape: &Shape, out: &mut BTreeSet<String>) {
        match shape {
            Shape::Enum(name) => {
                out.insert(name.clone());
            }
            Shape::Array(inner) => collect(inner, out),
            _ => {}
        }
    }
    let mut names = BTreeSet::new();
    if let Ok(ops) = spec.model() {
        for param in ops.iter().flat_map(|o| o.params.iter()) {
            collect(&param.shape, &mut names);
        }
        if let Ok(objects) = spec.request_objects(&ops) {
            for param in objects.iter().flat_map(|o| o.properties.iter()) {
                collect(&param.shape, &mut names);
            }
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = include_str!("../../openapi/npay-order.yaml");

    fn changed(edit: impl Fn(&mut Value)) -> Vec<Change> {
        let old = Spec::parse(SPEC).unwrap();
        let mut doc: Value = serde_yaml::from_str(SPEC).unwrap();
        edit(&mut doc);
        let new = Spec::parse(&serde_json::to_string(&doc).unwrap()).unwrap();
        compare(&old, &new).unwrap()
    }

    #[test]
    fn the_same_spec_has_no_changes() {
        assert!(changed(|_| {}).is_empty());
    }

    #[test]
    fn a_lowered_max_items_is_breaking() {
        let changes = changed(|doc| {
            doc["components"]["schemas"]["ConfirmProductOrdersRequest"]["properties"]["productOrderIds"]["maxItems"] =
                20.into();
        });
        assert!(changes.iter().any(|c| c.breaking && c.what.contains("maxItems lowered")), "{changes:?}");
    }

    #[test]
    fn a_removed_response_field_is_breaking_and_a_new_one_is_not() {
        let changes = changed(|doc| {
            let props = doc["components"]["schemas"]["Delivery"]["properties"].as_object_mut().unwrap();
            props.remove("trackingNumber");
            props.insert("trackingUrl".into(), serde_json::json!({"type": "string"}));
        });
        assert!(changes.iter().any(|c| c.breaking && c.what.contains("Delivery.trackingNumber")));
        assert!(changes.iter().any(|c| !c.breaking && c.what.contains("Delivery.trackingUrl")));
    }

    #[test]
    fn a_schema_used_through_a_shared_parameter_names_the_operations_it_reaches() {
        let changes = changed(|doc| {
            doc["components"]["schemas"]["SettlePeriodType"]["enum"]
                .as_array_mut()
                .unwrap()
                .push("SETTLE_CASEBYCASE_ETA".into());
        });
        let change =
            changes.iter().find(|c| c.what.contains("SETTLE_CASEBYCASE_ETA")).expect("the new value is reported");
        assert!(
            change.what.contains("`listSettlementsByCase`") && change.what.contains("`listCommissionDetails`"),
            "{change:?}"
        );
    }

    #[test]
    fn a_new_response_enum_value_is_safe_and_a_removed_request_value_is_not() {
        let changes = changed(|doc| {
            doc["components"]["schemas"]["ProductOrderStatus"]["enum"]
                .as_array_mut()
                .unwrap()
                .push("TELEPORTED".into());
            doc["components"]["schemas"]["CancelRequestReason"]["enum"]
                .as_array_mut()
                .unwrap()
                .retain(|v| v != "SOLD_OUT");
        });
        assert!(changes.iter().any(|c| !c.breaking && c.what.contains("TELEPORTED")));
        assert!(changes.iter().any(|c| c.breaking && c.what.contains("SOLD_OUT")));
    }
}
