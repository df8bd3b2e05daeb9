//! How absent optional fields are sent: left out (the default, as the docs' examples do) or as
//! `null` (as some real answers are reported to). `PUT _sandbox/absent-fields {"as": "null"}`.
//!
//! The SDK must read both; this lets every suite prove it against the same data. The walk follows
//! the spec's shape of the operation's answer ([`npay_order_api::shapes`]), so only properties the
//! spec declares get a `null`, and never a required one (a required field that is `null` is a
//! deviation of another kind, which `PUT _sandbox/deviations` covers).

use npay_order_api::shape::{Kind, Shape};
pub use npay_sandbox_control::{AbsentFields, AbsentFieldsConfig};
use serde_json::Value;

/// `body` (the successful answer of `operation_id`) with every absent optional field the spec
/// declares set to `null`, at any depth; unchanged if the spec gives no shape or it is not JSON.
pub fn with_nulls(operation_id: &str, body: &[u8]) -> Vec<u8> {
    let Some(shape) = npay_order_api::shapes::response_shape(operation_id) else { return body.to_vec() };
    let Ok(mut value) = serde_json::from_slice::<Value>(body) else { return body.to_vec() };
    fill_object(&mut value, shape);
    serde_json::to_vec(&value).unwrap_or_else(|_| body.to_vec())
}

fn fill_object(value: &mut Value, shape: &Shape) {
    let Value::Object(map) = value else { return };
    for field in shape.fields {
        match map.get_mut(field.name) {
            Some(child) => fill(child, &field.kind),
            None if !field.required => {
                map.insert(field.name.to_owned(), Value::Null);
            }
            None => {}
        }
    }
}

fn fill(value: &mut Value, kind: &Kind) {
    match kind {
        Kind::Object(shape) => fill_object(value, shape),
        Kind::Array(inner) => {
            if let Value::Array(items) = value {
                items.iter_mut().for_each(|item| fill(item, inner));
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn absent_optional_fields_become_null_at_any_depth_and_present_ones_stay() {
        let body = json!({"timestamp": "2026-12-01T10:00:00.000+09:00", "traceId": "t",
            "data": {"lastChangeStatuses": [{"productOrderId": "1", "orderId": "2",
                "lastChangedType": "PAYED", "lastChangedDate": "2026-12-01T10:00:00.000+09:00",
                "productOrderStatus": "PAYED"}]}});
        let out: Value =
            serde_json::from_slice(&with_nulls("listLastChangedStatuses", &serde_json::to_vec(&body).unwrap()))
                .unwrap();
        let row = &out["data"]["lastChangeStatuses"][0];
        assert_eq!(row["productOrderId"], "1");
        assert_eq!(row["productOrderStatus"], "PAYED");
        assert!(row.as_object().unwrap().get("claimStatus").is_some_and(Value::is_null), "{row}");
        assert!(out["data"].as_object().unwrap().get("more").is_some_and(Value::is_null), "{out}");
    }

    #[test]
    fn an_operation_without_a_shape_or_a_body_that_is_not_json_is_left_alone() {
        assert_eq!(with_nulls("noSuchOperation", b"{\"a\":1}"), b"{\"a\":1}");
        assert_eq!(with_nulls("listLastChangedStatuses", b"not json"), b"not json");
    }
}
