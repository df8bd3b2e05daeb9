//! Values Naver adds after this SDK was generated must be read, kept and written back as sent.

use npay_order_api::enums::ProductOrderStatus;

#[test]
fn an_unknown_enum_value_is_kept_verbatim() {
    let status: ProductOrderStatus = serde_json::from_str("\"TELEPORTED\"").unwrap();
    assert_eq!(status, ProductOrderStatus::Unrecognized("TELEPORTED".to_owned()));
    assert!(!status.is_known());
    assert_eq!(serde_json::to_string(&status).unwrap(), "\"TELEPORTED\"");
}

#[test]
fn a_known_enum_value_becomes_its_variant() {
    let status: ProductOrderStatus = "PAYED".parse().unwrap();
    assert_eq!(status, ProductOrderStatus::Payed);
    assert!(status.is_known());
    assert_eq!(status.to_string(), "PAYED");
    assert!(ProductOrderStatus::VALUES.contains(&"PURCHASE_DECIDED"));
}

#[test]
fn a_response_with_an_unknown_enum_value_and_kst_offsets_round_trips() {
    use npay_order_api::types::LastChangedStatusesResponse;
    let payload = serde_json::json!({
        "timestamp": "2026-11-27T14:03:11.120+09:00",
        "traceId": "ar2-55f4fd5f54-mwk8w^1643182339983^366577",
        "data": {
            "count": 1,
            "lastChangeStatuses": [{
                "orderId": "2026112711493201",
                "productOrderId": "2026112714566031",
                "lastChangedType": "HYPERSPACE_JUMPED",
                "lastChangedDate": "2026-11-27T13:59:59.001+09:00",
                "paymentDate": "2026-11-27T09:00:00.000+09:00",
                "productOrderStatus": "TELEPORTED",
                "claimStatus": "CANCEL_REQUEST",
                "receiverAddressChanged": false
            }]
        }
    });
    let parsed: LastChangedStatusesResponse = serde_json::from_value(payload.clone()).unwrap();
    let item = &parsed.data.last_change_statuses[0];
    assert_eq!(item.product_order_status.as_str(), "TELEPORTED");
    assert!(!item.last_changed_type.is_known());
    assert_eq!(item.last_changed_date.to_string(), "2026-11-27T13:59:59.001+09:00");
    assert_eq!(serde_json::to_value(&parsed).unwrap(), payload);
}
