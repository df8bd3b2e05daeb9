//! Every `example` of the spec must survive a trip through the generated types unchanged:
//! this proves the generated types can read what the docs say Naver sends, and write what
//! Naver expects (including `+09:00` offsets and milliseconds).

#[rustfmt::skip] // generated: formatted by its renderer
#[path = "generated/schemas.rs"]
mod schemas;

use serde_json::Value;

const SPEC: &str = include_str!("../../../openapi/npay-order.yaml");

fn spec() -> Value {
    serde_yaml::from_str(SPEC).expect("the spec is YAML")
}

/// `#/components/schemas/Name` → `Name`.
fn schema_name(schema: &Value) -> Option<&str> {
    schema.get("$ref")?.as_str()?.strip_prefix("#/components/schemas/")
}

/// (what, schema name, example) for every request body and every 200 response.
fn examples(spec: &Value) -> Vec<(String, String, Value)> {
    let mut found = Vec::new();
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            let id = op["operationId"].as_str().unwrap_or(method);
            let bodies = [
                ("request body", op.pointer("/requestBody/content")),
                ("200 response", op.pointer("/responses/200/content")),
            ];
            for (what, content) in bodies {
                let Some(content) = content.and_then(Value::as_object) else { continue };
                for media in content.values() {
                    let name = schema_name(&media["schema"])
                        .unwrap_or_else(|| panic!("{id} {path}: the {what} schema must be a $ref"));
                    let example =
                        media.get("example").unwrap_or_else(|| panic!("{id}: the {what} has no example")).clone();
                    found.push((format!("{id} {what}"), name.to_owned(), example));
                }
            }
        }
    }
    found
}

#[test]
fn every_example_round_trips_through_the_generated_types() {
    let spec = spec();
    let examples = examples(&spec);
    assert!(examples.len() >= 21, "expected an example per operation, found {}", examples.len());
    let mut failures = Vec::new();
    for (what, name, example) in examples {
        match schemas::roundtrip(&name, example.clone()) {
            None => failures.push(format!("{what}: no generated type for schema {name}")),
            Some(Err(err)) => failures.push(format!("{what}: does not deserialise as {name}: {err}")),
            Some(Ok(back)) if back != example => {
                failures.push(format!("{what}: {name} changed on the way back\n  sent: {example}\n  back: {back}"))
            }
            Some(Ok(_)) => {}
        }
    }
    assert!(failures.is_empty(), "{} example(s) failed:\n{}", failures.len(), failures.join("\n"));
}
