//! Every operation of the spec is callable from Rust: listed in `OPERATIONS` and dispatched by
//! `call_json` (which the bindings use) to its typed method. Reads the spec itself, so a new
//! operation without generated Rust fails here.

mod support;

use npay_order::{NpayError, OPERATIONS};
use serde_json::Value;

fn spec_operations() -> Vec<(String, String, String)> {
    let spec: Value = spec_yaml(include_str!("../../../openapi/npay-order.yaml"));
    let mut found = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if let Some(id) = op.get("operationId").and_then(Value::as_str) {
                found.push((id.to_owned(), method.to_uppercase(), path.clone()));
            }
        }
    }
    found
}

fn spec_yaml(text: &str) -> Value {
    serde_yaml::from_str(text).expect("the spec is YAML")
}

#[test]
fn every_spec_operation_is_in_the_catalogue_with_its_method_and_path() {
    let spec = spec_operations();
    assert_eq!(spec.len(), OPERATIONS.len());
    for (id, method, path) in spec {
        let info = OPERATIONS.iter().find(|o| o.id == id).unwrap_or_else(|| panic!("{id} missing from OPERATIONS"));
        assert_eq!((info.method, info.path), (method.as_str(), path.as_str()), "{id}");
    }
}

#[tokio::test]
async fn every_public_operation_is_dispatched_by_call_json() {
    let env = support::Env::start().await;
    let client = env.client();
    for (id, _, _) in spec_operations().into_iter().filter(|(id, _, _)| id != "issueToken") {
        // Empty parameters: operations without required ones run, the others are refused for a
        // missing field — never for an unknown operation.
        match client.call_json(&id, serde_json::json!({})).await {
            Ok(_) => {}
            Err(NpayError::InvalidRequest(inputs)) => {
                assert!(inputs.iter().all(|i| i.name != "operationId"), "{id} is not dispatched: {inputs:?}");
            }
            Err(other) => panic!("{id}: {other}"),
        }
    }
}
