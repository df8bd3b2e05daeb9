//! The API's enumerations, as the sandbox keeps them: closed and `Copy`. The value sets are
//! generated from the spec (`generated/enums.rs`, one `str_enum!` per named enum of the spec);
//! this file holds the macro that gives them their behaviour and the sandbox's own rules about
//! some values.

macro_rules! str_enum {
    ($(#[$m:meta])* $name:ident { $($var:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name { $($var),+ }
        impl $name {
            /// Every value, in the spec's order.
            #[allow(dead_code)]
            pub const ALL: &'static [$name] = &[$($name::$var),+];
            /// Every wire form, in the spec's order.
            #[allow(dead_code)]
            pub const VALUES: &'static [&'static str] = &[$($s),+];
            /// The wire form.
            pub fn as_str(self) -> &'static str { match self { $($name::$var => $s),+ } }
            /// Parses the wire form (exact match).
            #[allow(dead_code)]
            pub fn parse(s: &str) -> Option<Self> { match s { $($s => Some($name::$var),)+ _ => None } }
        }
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> { s.serialize_str(self.as_str()) }
        }
    };
}

#[allow(dead_code, clippy::enum_variant_names)] // the spec has more enums than the sandbox reads
#[rustfmt::skip] // generated: formatted by its renderer
#[path = "generated/enums.rs"]
mod spec_enums;

pub use spec_enums::*;

impl ProductOrderStatus {
    /// Whether the deal is closed (personal data is masked from then on).
    pub fn is_final(self) -> bool {
        matches!(self, Self::PurchaseDecided | Self::Canceled | Self::Returned | Self::CanceledByNopayment)
    }
}

impl DeliveryMethod {
    /// The `RETURN_*` methods: for collecting returns, not for dispatch or re-delivery (104116).
    pub fn is_collect_method(self) -> bool {
        matches!(self, Self::ReturnDesignated | Self::ReturnDelivery | Self::ReturnIndividual | Self::ReturnMerchant)
    }
}

/// The courier codes (`deliveryCompanyCode`, the spec's `DeliveryCompanyCode`). Note `HYUNDAI` is
/// 롯데택배 and `KGB` is 로젠택배; one code contains Hangul.
pub const DELIVERY_COMPANY_CODES: &[&str] = DeliveryCompanyCode::VALUES;

/// Whether `code` is one of the courier codes.
pub fn is_delivery_company(code: &str) -> bool {
    DeliveryCompanyCode::parse(code).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn courier_codes_are_the_specs_including_the_one_in_hangul() {
        assert!(is_delivery_company("CJGLS") && is_delivery_company("GS더프레시"));
        assert!(!is_delivery_company("LOTTE"), "롯데택배 is HYUNDAI");
        assert_eq!(DELIVERY_COMPANY_CODES.len(), npay_order_api::enums::DeliveryCompanyCode::VALUES.len());
    }

    #[test]
    fn the_sandboxs_value_sets_are_the_clients() {
        assert_eq!(ClaimReason::VALUES, npay_order_api::enums::ClaimReason::VALUES);
        assert_eq!(CancelRequestReason::VALUES, npay_order_api::enums::CancelRequestReason::VALUES);
        assert_eq!(ReturnRequestReason::VALUES, npay_order_api::enums::ReturnRequestReason::VALUES);
        assert_eq!(HoldbackReason::VALUES, npay_order_api::enums::HoldbackReason::VALUES);
        assert_eq!(ProductOrderStatus::VALUES, npay_order_api::enums::ProductOrderStatus::VALUES);
    }
}
