//! Loading the spec, enforcing the conventions of `openapi/CONVENTIONS.md`, and the small
//! transforms that make it fit the generators.
//!
//! Conventions are enforced here rather than trusted: a spec that breaks one would otherwise
//! produce code that fails at run time (closed enums) or make progenitor panic (`default`
//! responses, two media types, `encoding:` blocks).

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde_json::{Map, Value};

/// Where the spec lives, relative to the workspace root.
pub const SPEC_PATH: &str = "openapi/npay-order.yaml";

/// A named string enumeration of `components/schemas`.
pub struct EnumDef {
    /// The schema name, which is also the Rust type name.
    pub name: String,
    pub description: Option<String>,
    /// Wire values, in spec order.
    pub values: Vec<String>,
    /// Rust variant names for values that are not identifiers (`x-npay-enum-varnames`).
    pub varnames: BTreeMap<String, String>,
    /// Human labels of values (`x-npay-enum-descriptions`), used as variant docs.
    pub labels: BTreeMap<String, String>,
}

/// The spec, checked and transformed for the generators.
pub struct Spec {
    /// The document after the transforms, as JSON.
    pub doc: Value,
    /// Every named enum, sorted by name.
    pub enums: Vec<EnumDef>,
}

impl Spec {
    /// Reads, checks and transforms the spec at `path`.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        Self::parse(&text)
    }

    /// Checks and transforms a spec given as YAML (or JSON) text.
    pub fn parse(text: &str) -> Result<Self> {
        let mut doc: Value = serde_yaml::from_str(text).context("parsing the spec as YAML")?;
        check_conventions(&doc)?;
        normalise_date_times(&mut doc);
        let enums = collect_enums(&doc)?;
        Ok(Spec { doc, enums })
    }

    /// Every operation as (path, method, operation object), in document order.
    pub fn operations(&self) -> Vec<(&str, &str, &Map<String, Value>)> {
        let mut out = Vec::new();
        if let Some(paths) = self.doc.get("paths").and_then(Value::as_object) {
            for (path, item) in paths {
                for method in HTTP_METHODS {
                    if let Some(op) = item.get(*method).and_then(Value::as_object) {
                        out.push((path.as_str(), *method, op));
                    }
                }
            }
        }
        out
    }
}

const HTTP_METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

fn check_conventions(doc: &Value) -> Result<()> {
    let version = doc.get("openapi").and_then(Value::as_str).unwrap_or_default();
    if !version.starts_with("3.0.") {
        bail!("the spec must be OpenAPI 3.0.x (progenitor reads nothing else); it says {version:?}");
    }
    let mut problems = Vec::new();
    let paths = doc.get("paths").and_then(Value::as_object);
    for (path, item) in paths.into_iter().flatten() {
        for method in HTTP_METHODS {
            let Some(op) = item.get(*method) else { continue };
            let where_ = format!("{} {path}", method.to_uppercase());
            let id = op.get("operationId").and_then(Value::as_str);
            let name = id.map_or(where_.clone(), |id| format!("{id} ({where_})"));
            if id.is_none() {
                problems.push(format!("{where_}: no operationId"));
            }
            let responses = op.get("responses").and_then(Value::as_object);
            if responses.is_some_and(|r| r.contains_key("default")) {
                problems.push(format!("{name}: a `default` response (use explicit status codes)"));
            }
            if let Some(content) = op.pointer("/requestBody/content").and_then(Value::as_object) {
                if content.len() != 1 {
                    problems.push(format!("{name}: the request body must have exactly one media type"));
                }
                if content.values().any(|media| media.get("encoding").is_some()) {
                    problems.push(format!("{name}: an `encoding:` block on the request body"));
                }
            }
        }
    }
    find_inline_enums(doc, "", &mut problems);
    if problems.is_empty() {
        Ok(())
    } else {
        bail!("the spec breaks openapi/CONVENTIONS.md:\n  - {}", problems.join("\n  - "))
    }
}

/// Enums must be named components so that the generator can make them open; report any other.
fn find_inline_enums(value: &Value, pointer: &str, problems: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            let is_named_schema = pointer.starts_with("/components/schemas/") && pointer.matches('/').count() == 3;
            let is_example =
                pointer.ends_with("/example") || pointer.contains("/example/") || pointer.contains("/examples/");
            if map.contains_key("enum") && !is_named_schema && !is_example {
                problems.push(format!("inline enum at {pointer} (make it a named schema and $ref it)"));
            }
            for (key, child) in map {
                find_inline_enums(child, &format!("{pointer}/{}", key.replace('/', "~1")), problems);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                find_inline_enums(child, &format!("{pointer}/{i}"), problems);
            }
        }
        _ => {}
    }
}

/// Reduces every date-time schema to its type, format and prose, so that the one conversion to
/// `crate::Timestamp` (which keeps the `+09:00` offset) matches all of them.
fn normalise_date_times(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let is_date_time = map.get("type").and_then(Value::as_str) == Some("string")
                && map.get("format").and_then(Value::as_str) == Some("date-time");
            if is_date_time {
                map.retain(|key, _| {
                    matches!(key.as_str(), "type" | "format" | "description" | "title" | "deprecated" | "example")
                });
            } else {
                map.values_mut().for_each(normalise_date_times);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(normalise_date_times),
        _ => {}
    }
}

fn collect_enums(doc: &Value) -> Result<Vec<EnumDef>> {
    let mut enums = Vec::new();
    let schemas = doc.pointer("/components/schemas").and_then(Value::as_object);
    for (name, schema) in schemas.into_iter().flatten() {
        let Some(values) = schema.get("enum").and_then(Value::as_array) else { continue };
        if schema.get("type").and_then(Value::as_str) != Some("string") {
            bail!("enum {name}: only string enums are supported");
        }
        let values = values
            .iter()
            .map(|v| v.as_str().map(str::to_owned).with_context(|| format!("enum {name}: non-string value {v}")))
            .collect::<Result<Vec<_>>>()?;
        enums.push(EnumDef {
            name: name.clone(),
            description: schema.get("description").and_then(Value::as_str).map(str::to_owned),
            values,
            varnames: string_map(schema.get("x-npay-enum-varnames")),
            labels: string_map(schema.get("x-npay-enum-descriptions")),
        });
    }
    enums.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(enums)
}

fn string_map(value: Option<&Value>) -> BTreeMap<String, String> {
    value
        .and_then(Value::as_object)
        .map(|m| m.iter().filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned()))).collect())
        .unwrap_or_default()
}
