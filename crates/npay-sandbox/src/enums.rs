//! Enumerations of the API (Commerce 2.72 value sets) and the courier codes.

macro_rules! str_enum {
    ($(#[$m:meta])* $name:ident { $($var:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name { $($var),+ }
        impl $name {
            /// Every value, in declaration order.
            #[allow(dead_code)]
            pub const ALL: &'static [$name] = &[$($name::$var),+];
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

str_enum!(ProductOrderStatus {
    PaymentWaiting = "PAYMENT_WAITING",
    Payed = "PAYED",
    Delivering = "DELIVERING",
    Delivered = "DELIVERED",
    PurchaseDecided = "PURCHASE_DECIDED",
    Exchanged = "EXCHANGED",
    Canceled = "CANCELED",
    Returned = "RETURNED",
    CanceledByNopayment = "CANCELED_BY_NOPAYMENT",
});

impl ProductOrderStatus {
    /// Whether the deal is closed (personal data is masked from then on).
    pub fn is_final(self) -> bool {
        matches!(self, Self::PurchaseDecided | Self::Canceled | Self::Returned | Self::CanceledByNopayment)
    }
}

str_enum!(LastChangedType {
    PayWaiting = "PAY_WAITING",
    Payed = "PAYED",
    ExchangeOption = "EXCHANGE_OPTION",
    DeliveryAddressChanged = "DELIVERY_ADDRESS_CHANGED",
    GiftReceived = "GIFT_RECEIVED",
    ClaimRejected = "CLAIM_REJECTED",
    Dispatched = "DISPATCHED",
    ClaimRequested = "CLAIM_REQUESTED",
    CollectDone = "COLLECT_DONE",
    ClaimCompleted = "CLAIM_COMPLETED",
    PurchaseDecided = "PURCHASE_DECIDED",
    HopeDeliveryInfoChanged = "HOPE_DELIVERY_INFO_CHANGED",
    ClaimRedelivering = "CLAIM_REDELIVERING",
});

str_enum!(ClaimType {
    Cancel = "CANCEL",
    Return = "RETURN",
    Exchange = "EXCHANGE",
    PurchaseDecisionHoldback = "PURCHASE_DECISION_HOLDBACK",
    AdminCancel = "ADMIN_CANCEL",
});

str_enum!(ClaimStatus {
    CancelRequest = "CANCEL_REQUEST",
    Canceling = "CANCELING",
    CancelDone = "CANCEL_DONE",
    CancelReject = "CANCEL_REJECT",
    ReturnRequest = "RETURN_REQUEST",
    ExchangeRequest = "EXCHANGE_REQUEST",
    Collecting = "COLLECTING",
    CollectDone = "COLLECT_DONE",
    ExchangeRedelivering = "EXCHANGE_REDELIVERING",
    ReturnDone = "RETURN_DONE",
    ExchangeDone = "EXCHANGE_DONE",
    ReturnReject = "RETURN_REJECT",
    ExchangeReject = "EXCHANGE_REJECT",
    PurchaseDecisionHoldback = "PURCHASE_DECISION_HOLDBACK",
    PurchaseDecisionRequest = "PURCHASE_DECISION_REQUEST",
    PurchaseDecisionHoldbackRelease = "PURCHASE_DECISION_HOLDBACK_RELEASE",
    AdminCanceling = "ADMIN_CANCELING",
    AdminCancelDone = "ADMIN_CANCEL_DONE",
    AdminCancelReject = "ADMIN_CANCEL_REJECT",
});

str_enum!(PlaceOrderStatus { NotYet = "NOT_YET", Ok = "OK", Cancel = "CANCEL" });

str_enum!(DeliveryMethod {
    Delivery = "DELIVERY",
    GdfwIssueSvc = "GDFW_ISSUE_SVC",
    VisitReceipt = "VISIT_RECEIPT",
    DirectDelivery = "DIRECT_DELIVERY",
    QuickSvc = "QUICK_SVC",
    Nothing = "NOTHING",
    ReturnDesignated = "RETURN_DESIGNATED",
    ReturnDelivery = "RETURN_DELIVERY",
    ReturnIndividual = "RETURN_INDIVIDUAL",
    ReturnMerchant = "RETURN_MERCHANT",
    Unknown = "UNKNOWN",
});

impl DeliveryMethod {
    /// The `RETURN_*` methods: for collecting returns, not for dispatch or re-delivery (104116).
    pub fn is_collect_method(self) -> bool {
        matches!(self, Self::ReturnDesignated | Self::ReturnDelivery | Self::ReturnIndividual | Self::ReturnMerchant)
    }
}

str_enum!(DeliveryStatus {
    CollectRequest = "COLLECT_REQUEST",
    CollectWait = "COLLECT_WAIT",
    CollectCargo = "COLLECT_CARGO",
    DeliveryCompletion = "DELIVERY_COMPLETION",
    Delivering = "DELIVERING",
    DeliveryFail = "DELIVERY_FAIL",
    WrongInvoice = "WRONG_INVOICE",
    CollectCargoFail = "COLLECT_CARGO_FAIL",
    CollectCargoCancel = "COLLECT_CARGO_CANCEL",
    NotTracking = "NOT_TRACKING",
});

str_enum!(CollectStatus {
    NotRequested = "NOT_REQUESTED",
    CollectRequestToAgent = "COLLECT_REQUEST_TO_AGENT",
    CollectRequestToDeliveryCompany = "COLLECT_REQUEST_TO_DELIVERY_COMPANY",
    CollectWaiting = "COLLECT_WAITING",
    Delivering = "DELIVERING",
    Delivered = "DELIVERED",
    DeliveryFailed = "DELIVERY_FAILED",
    CollectFailed = "COLLECT_FAILED",
    WrongInvoice = "WRONG_INVOICE",
    CollectCanceled = "COLLECT_CANCELED",
});

str_enum!(HoldbackStatus { Holdback = "HOLDBACK", Released = "RELEASED" });

str_enum!(HoldbackClassType {
    ReturnDeliveryfee = "RETURN_DELIVERYFEE",
    Extrafeee = "EXTRAFEEE",
    ReturnDeliveryfeeAndExtrafeee = "RETURN_DELIVERYFEE_AND_EXTRAFEEE",
    ReturnProductNotDelivered = "RETURN_PRODUCT_NOT_DELIVERED",
    Etc = "ETC",
    ExchangeDeliveryfee = "EXCHANGE_DELIVERYFEE",
    ExchangeExtrafee = "EXCHANGE_EXTRAFEE",
    ExchangeProductReady = "EXCHANGE_PRODUCT_READY",
    ExchangeProductNotDelivered = "EXCHANGE_PRODUCT_NOT_DELIVERED",
    ExchangeHoldback = "EXCHANGE_HOLDBACK",
    SellerConfirmNeed = "SELLER_CONFIRM_NEED",
    PurchaserConfirmNeed = "PURCHASER_CONFIRM_NEED",
    SellerRemit = "SELLER_REMIT",
    Etc2 = "ETC2",
});

str_enum!(DelayedDispatchReason {
    ProductPrepare = "PRODUCT_PREPARE",
    CustomerRequest = "CUSTOMER_REQUEST",
    CustomBuild = "CUSTOM_BUILD",
    ReservedDispatch = "RESERVED_DISPATCH",
    OverseaDelivery = "OVERSEA_DELIVERY",
    Etc = "ETC",
});

str_enum!(
    /// The seller's cancel reasons (write side, 7 values).
    CancelRequestReason {
        IntentChanged = "INTENT_CHANGED",
        ColorAndSize = "COLOR_AND_SIZE",
        WrongOrder = "WRONG_ORDER",
        ProductUnsatisfied = "PRODUCT_UNSATISFIED",
        DelayedDelivery = "DELAYED_DELIVERY",
        SoldOut = "SOLD_OUT",
        IncorrectInfo = "INCORRECT_INFO",
    }
);

str_enum!(
    /// The seller's return reasons (write side, 11 values).
    ReturnRequestReason {
        IntentChanged = "INTENT_CHANGED",
        ColorAndSize = "COLOR_AND_SIZE",
        WrongOrder = "WRONG_ORDER",
        ProductUnsatisfied = "PRODUCT_UNSATISFIED",
        DelayedDelivery = "DELAYED_DELIVERY",
        SoldOut = "SOLD_OUT",
        DroppedDelivery = "DROPPED_DELIVERY",
        Broken = "BROKEN",
        IncorrectInfo = "INCORRECT_INFO",
        WrongDelivery = "WRONG_DELIVERY",
        WrongOption = "WRONG_OPTION",
    }
);

str_enum!(
    /// Read-side claim reasons (34 values); buyer events may use any of them.
    ClaimReason {
        IntentChanged = "INTENT_CHANGED",
        ColorAndSize = "COLOR_AND_SIZE",
        WrongOrder = "WRONG_ORDER",
        ProductUnsatisfied = "PRODUCT_UNSATISFIED",
        DelayedDelivery = "DELAYED_DELIVERY",
        SoldOut = "SOLD_OUT",
        DroppedDelivery = "DROPPED_DELIVERY",
        NotYetDelivery = "NOT_YET_DELIVERY",
        Broken = "BROKEN",
        IncorrectInfo = "INCORRECT_INFO",
        WrongDelivery = "WRONG_DELIVERY",
        WrongOption = "WRONG_OPTION",
        SimpleIntentChanged = "SIMPLE_INTENT_CHANGED",
        MistakeOrder = "MISTAKE_ORDER",
        Etc = "ETC",
        DelayedDeliveryByPurchaser = "DELAYED_DELIVERY_BY_PURCHASER",
        IncorrectInfoByPurchaser = "INCORRECT_INFO_BY_PURCHASER",
        ProductUnsatisfiedByPurchaser = "PRODUCT_UNSATISFIED_BY_PURCHASER",
        NotYetDiscussion = "NOT_YET_DISCUSSION",
        OutOfStock = "OUT_OF_STOCK",
        SaleIntentChanged = "SALE_INTENT_CHANGED",
        NotYetPayment = "NOT_YET_PAYMENT",
        NotYetReceive = "NOT_YET_RECEIVE",
        WrongDelayedDelivery = "WRONG_DELAYED_DELIVERY",
        BrokenAndBad = "BROKEN_AND_BAD",
        ReceivingDueDateOver = "RECEIVING_DUE_DATE_OVER",
        ReceiverMismatched = "RECEIVER_MISMATCHED",
        GiftIntentChanged = "GIFT_INTENT_CHANGED",
        GiftRefusal = "GIFT_REFUSAL",
        MinorRestricted = "MINOR_RESTRICTED",
        ReceivingBlocked = "RECEIVING_BLOCKED",
        UnderQuantity = "UNDER_QUANTITY",
        AsyncFailPayment = "ASYNC_FAIL_PAYMENT",
        AsyncLongWaitPayment = "ASYNC_LONG_WAIT_PAYMENT",
    }
);

str_enum!(
    #[allow(clippy::enum_variant_names)]
    RangeType {
    PayedDatetime = "PAYED_DATETIME",
    OrderedDatetime = "ORDERED_DATETIME",
    DispatchedDatetime = "DISPATCHED_DATETIME",
    PurchaseDecidedDatetime = "PURCHASE_DECIDED_DATETIME",
    ClaimRequestedDatetime = "CLAIM_REQUESTED_DATETIME",
    ClaimCompletedDatetime = "CLAIM_COMPLETED_DATETIME",
    CollectCompletedDatetime = "COLLECT_COMPLETED_DATETIME",
    GiftReceivedDatetime = "GIFT_RECEIVED_DATETIME",
    HopeDeliveryInfoChangedDatetime = "HOPE_DELIVERY_INFO_CHANGED_DATETIME",
    }
);

str_enum!(PurchaseReviewClassType { General = "GENERAL", Premium = "PREMIUM" });

// Settlement query filters (Commerce 2.73 `pay-settle` value sets).

str_enum!(SettlePeriodType {
    Schedule = "SETTLE_CASEBYCASE_SETTLE_SCHEDULE_DATE",
    Basis = "SETTLE_CASEBYCASE_SETTLE_BASIS_DATE",
    Complete = "SETTLE_CASEBYCASE_SETTLE_COMPLETE_DATE",
    Pay = "SETTLE_CASEBYCASE_PAY_DATE",
    TaxReturnBasis = "SETTLE_CASEBYCASE_TAXRETURN_BASIS_DATE",
});

str_enum!(SettleDecisionType {
    Settled = "SETTLED",
    Unsettled = "UNSETTLED",
    BeforeCancel = "BEFORE_CANCEL",
});

str_enum!(SettleType {
    NormalSettleOriginal = "NORMAL_SETTLE_ORIGINAL",
    NormalSettleAfterCancel = "NORMAL_SETTLE_AFTER_CANCEL",
    NormalSettleBeforeCancel = "NORMAL_SETTLE_BEFORE_CANCEL",
    QuickSettleOriginal = "QUICK_SETTLE_ORIGINAL",
    QuickSettleCancel = "QUICK_SETTLE_CANCEL",
    QuantityCancelDeduction = "QUANTITY_CANCEL_DEDUCTION",
    QuantityCancelRestore = "QUANTITY_CANCEL_RESTORE",
});

/// The 203 courier codes of Commerce 2.72 (`deliveryCompanyCode`). Note `HYUNDAI` is 롯데택배 and
/// `KGB` is 로젠택배; one code contains Hangul.
pub const DELIVERY_COMPANY_CODES: &[&str] = &[
    "CJGLS",
    "HYUNDAI",
    "HANJIN",
    "KGB",
    "EPOST",
    "MTINTER",
    "1004HOME",
    "TWOFASTEXPRESS",
    "ACE",
    "ACIEXPRESS",
    "ADCAIR",
    "AIRWAY",
    "APEX",
    "ARAMEX",
    "ARGO",
    "AIRBOY",
    "KOREXG",
    "CUPARCEL",
    "CWAYEXPRESS",
    "DHL",
    "DHLDE",
    "DHLGLOBALMAIL",
    "DPD",
    "ECMSEXPRESS",
    "EFS",
    "EMS",
    "EZUSA",
    "EUROPARCEL",
    "FEDEX",
    "GOP",
    "GOS",
    "GPSLOGIX",
    "GSFRESH",
    "GSIEXPRESS",
    "GSMNTON",
    "GSPOSTBOX",
    "CVSNET",
    "GS더프레시",
    "GTSLOGIS",
    "HYBRID",
    "HY",
    "IK",
    "KGLNET",
    "KT",
    "LGE",
    "LTL",
    "NDEXKOREA",
    "SBGLS",
    "SFEX",
    "SLX",
    "SSG",
    "TNT",
    "LOGISPARTNER",
    "UPS",
    "USPS",
    "WIZWA",
    "YJSWORLD",
    "YJS",
    "YUNDA",
    "IPARCEL",
    "KY",
    "KUNYOUNG",
    "KDEXP",
    "KIN",
    "KORYO",
    "GDSP",
    "KOKUSAI",
    "GOODTOLUCK",
    "NAEUN",
    "NOGOK",
    "NONGHYUP",
    "HANAROMART",
    "DAELIM",
    "DAESIN",
    "DAEWOON",
    "THEBAO",
    "DODOFLEX",
    "DONGGANG",
    "DONGJIN",
    "CHAINLOGIS",
    "DRABBIT",
    "JMNP",
    "ONEDAYLOGIS",
    "LINEEXP",
    "ROADSUNEXPRESS",
    "LOGISVALLEY",
    "POOLATHOME",
    "LOTOS",
    "HLCGLOBAL",
    "LOTTECHILSUNG",
    "MDLOGIS",
    "DASONG",
    "BABABA",
    "BANPOOM",
    "VALEX",
    "SHIPNERGY",
    "PANTOS",
    "VROONG",
    "BRIDGE",
    "EKDP",
    "SELC",
    "SEORIM",
    "SWGEXP",
    "SUNGHUN",
    "SEBANG",
    "SMARTLOGIS",
    "SPARKLE",
    "SPASYS1",
    "CRLX",
    "ANYTRACK",
    "ABOUTPET",
    "ESTHER",
    "VENDORPIA",
    "ACTCORE",
    "HKHOLDINGS",
    "NTLPS",
    "TODAYPICKUP",
    "RUSH",
    "ALLIN",
    "ALLTAKOREA",
    "WIDETECH",
    "YONGMA",
    "DCOMMERCE",
    "WEVILL",
    "HONAM",
    "WOORIHB",
    "WOOJIN",
    "REGISTPOST",
    "WOONGJI",
    "WARPEX",
    "WINION",
    "WIHTYOU",
    "WEMOVE",
    "UFREIGHT",
    "EUNHA",
    "INNOS",
    "EMARTEVERYDAY",
    "ESTLA",
    "ETOMARS",
    "GENERALPOST",
    "ILSHIN",
    "ILYANG",
    "GNETWORK",
    "ZENIEL",
    "JLOGIST",
    "GENIEGO",
    "GDAKOREA",
    "GHSPEED",
    "JIKGUMOON",
    "CHUNIL",
    "CHOROC",
    "CHOROCMAEUL",
    "COSHIP",
    "KJT",
    "QRUN",
    "CUBEFLOW",
    "QXPRESS",
    "HEREWEGO",
    "TOMATO",
    "TODAY",
    "TSG",
    "TEAMFRESH",
    "PATEK",
    "XINPATEK",
    "PANASIA",
    "PANSTAR",
    "FOREVER",
    "PULMUONE",
    "FREDIT",
    "FRESHMATES",
    "KURLY",
    "PINGPONG",
    "HOWSER",
    "HIVECITY",
    "HANDALUM",
    "HANDEX",
    "HANMI",
    "HANSSEM",
    "HANWOORI",
    "HPL",
    "HDEXP",
    "HERWUZUG",
    "GLOVIS",
    "HOMEINNO",
    "HOMEPICKTODAY",
    "HOMEPICK",
    "HOMEPLUSDELIVERY",
    "HOMEPLUSEXPRESS",
    "CARGOPLEASE",
    "HWATONG",
    "CH1",
    "LETUS",
    "LETUS3PL",
    "CASA",
    "GCS",
    "GKGLOBAL",
    "BRCH",
    "DNDN",
    "GONELO",
    "JCLS",
    "JWTNL",
    "GS25",
    "CU",
];

/// Whether `code` is one of the courier codes.
pub fn is_delivery_company(code: &str) -> bool {
    DELIVERY_COMPANY_CODES.contains(&code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn has_every_courier_code_once() {
        assert_eq!(DELIVERY_COMPANY_CODES.len(), 203);
        let mut v = DELIVERY_COMPANY_CODES.to_vec();
        v.sort();
        v.dedup();
        assert_eq!(v.len(), 203);
        assert!(is_delivery_company("CJGLS") && is_delivery_company("GS더프레시"));
        assert!(!is_delivery_company("LOTTE"));
    }

    #[test]
    fn write_side_reason_sets_have_documented_sizes() {
        assert_eq!(CancelRequestReason::ALL.len(), 7);
        assert_eq!(ReturnRequestReason::ALL.len(), 11);
        assert_eq!(HoldbackClassType::ALL.len(), 14);
        assert_eq!(ClaimReason::ALL.len(), 34);
    }
}
