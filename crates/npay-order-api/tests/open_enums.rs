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
