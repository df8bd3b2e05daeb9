//! The data model of the store and its JSON shapes (`productsOrdersInfo`, change records, reviews).
//!
//! Absent values are omitted from the JSON (never `null`).

use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::enums::*;
use crate::time::{Millis, Ts};

/// A postal address (shipping, collect, return-receive, re-delivery).
#[derive(Clone, Debug)]
pub struct Address {
    pub name: String,
    pub base_address: String,
    pub detailed_address: String,
    pub zip_code: String,
    pub tel1: String,
    pub tel2: Option<String>,
    pub pickup_location_type: Option<&'static str>,
    pub pickup_location_content: Option<&'static str>,
    pub entry_method: Option<&'static str>,
    pub entry_method_content: Option<String>,
}

/// `010-1234-5678` → `010-****-5678`.
pub fn mask_tel(tel: &str) -> String {
    let parts: Vec<&str> = tel.split('-').collect();
    if parts.len() == 3 {
        format!("{}-{}-{}", parts[0], "*".repeat(parts[1].len()), parts[2])
    } else {
        let keep = tel.len().saturating_sub(4);
        format!("{}{}", "*".repeat(keep), &tel[keep..])
    }
}

/// Serialises an address, masking phone numbers once the deal is closed.
pub struct AddressView<'a> {
    pub addr: &'a Address,
    pub mask: bool,
    pub shipping: bool,
}

macro_rules! opt {
    ($m:expr, $k:literal, $v:expr) => {
        if let Some(v) = $v {
            $m.serialize_entry($k, v)?;
        }
    };
}

impl Serialize for AddressView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let a = self.addr;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("addressType", "DOMESTIC")?;
        m.serialize_entry("name", &a.name)?;
        m.serialize_entry("baseAddress", &a.base_address)?;
        m.serialize_entry("detailedAddress", &a.detailed_address)?;
        m.serialize_entry("zipCode", &a.zip_code)?;
        if self.mask {
            m.serialize_entry("tel1", &mask_tel(&a.tel1))?;
            opt!(m, "tel2", a.tel2.as_deref().map(mask_tel).as_ref());
        } else {
            m.serialize_entry("tel1", &a.tel1)?;
            opt!(m, "tel2", a.tel2.as_ref());
        }
        m.serialize_entry("isRoadNameAddress", &true)?;
        if self.shipping {
            opt!(m, "pickupLocationType", a.pickup_location_type.as_ref());
            opt!(m, "pickupLocationContent", a.pickup_location_content.as_ref());
            opt!(m, "entryMethod", a.entry_method.as_ref());
            opt!(m, "entryMethodContent", a.entry_method_content.as_ref());
        }
        m.end()
    }
}

/// An order (주문): buyer, payment, shipping address; holds one or more product orders.
#[derive(Clone, Debug)]
pub struct Order {
    pub order_id: String,
    pub order_date: Millis,
    pub payment_date: Option<Millis>,
    pub payment_due_date: Option<Millis>,
    pub orderer_id: String,
    pub orderer_name: String,
    pub orderer_tel: String,
    pub orderer_no: String,
    pub payment_means: &'static str,
    pub pay_location_type: &'static str,
    pub is_membership_subscribed: bool,
    pub general_payment_amount: i64,
    pub naver_mileage_payment_amount: i64,
    pub shipping_address: Address,
    pub product_orders: Vec<usize>,
}

/// A dispatch delay.
#[derive(Clone, Debug)]
pub struct Delay {
    pub reason: DelayedDispatchReason,
    pub detailed_reason: Option<String>,
    pub due_date: Millis,
}

/// The outbound delivery of a product order.
#[derive(Clone, Debug)]
pub struct Delivery {
    pub method: DeliveryMethod,
    pub company: Option<String>,
    pub tracking_number: Option<String>,
    pub status: DeliveryStatus,
    pub send_date: Millis,
    pub pickup_date: Millis,
    pub delivered_date: Option<Millis>,
}

/// Collection (pickup) of a returned or exchanged item.
#[derive(Clone, Debug)]
pub struct Collect {
    pub method: DeliveryMethod,
    pub company: Option<String>,
    pub tracking_number: Option<String>,
    pub status: CollectStatus,
    pub completed_date: Option<Millis>,
}

/// A holdback (보류) on a return or exchange.
#[derive(Clone, Debug)]
pub struct Holdback {
    pub status: HoldbackStatus,
    pub reason: HoldbackReason,
    pub detailed_reason: String,
    pub config_date: Millis,
    pub release_date: Option<Millis>,
    pub extra_fee: Option<i64>,
}

/// Re-delivery of an exchanged item.
#[derive(Clone, Debug)]
pub struct Redelivery {
    pub method: DeliveryMethod,
    pub company: Option<String>,
    pub tracking_number: Option<String>,
    pub status: DeliveryStatus,
    pub operation_date: Millis,
}

/// A claim (cancel, return or exchange) on a product order.
#[derive(Clone, Debug)]
pub struct Claim {
    pub claim_type: ClaimType,
    pub claim_id: String,
    pub status: ClaimStatus,
    pub request_date: Millis,
    pub request_channel: &'static str,
    pub reason: ClaimReason,
    pub detailed_reason: Option<String>,
    pub request_quantity: u32,
    /// The product order status before the claim (restored when it is rejected or withdrawn).
    pub prev_status: ProductOrderStatus,
    pub admission_date: Option<Millis>,
    pub completed_date: Option<Millis>,
    pub reject_reason: Option<String>,
    pub collect: Option<Collect>,
    pub holdback: Option<Holdback>,
    pub redelivery: Option<Redelivery>,
    pub refund_expected_date: Option<Millis>,
    pub claim_delivery_fee: i64,
}

impl Claim {
    pub fn is_held(&self) -> bool {
        matches!(&self.holdback, Some(h) if h.status == HoldbackStatus::Holdback)
    }
}

/// One product order (상품 주문).
#[derive(Clone, Debug)]
pub struct ProductOrder {
    pub id: String,
    /// Numeric form of `id`, the tie-breaker of the change index.
    pub key: u64,
    pub order: usize,
    pub product_id: String,
    pub product_name: &'static str,
    pub product_option: Option<String>,
    pub option_code: Option<String>,
    pub seller_product_code: String,
    pub quantity: u32,
    pub unit_price: i64,
    pub option_price: i64,
    pub discount: i64,
    pub delivery_fee: i64,
    pub shipping_fee_type: &'static str,
    pub delivery_policy_type: &'static str,
    pub shipping_memo: Option<&'static str>,
    pub status: ProductOrderStatus,
    pub place: PlaceOrderStatus,
    pub place_date: Option<Millis>,
    pub decision_date: Option<Millis>,
    pub shipping_due_date: Option<Millis>,
    pub delay: Option<Delay>,
    pub delivery: Option<Delivery>,
    pub current: Option<Claim>,
    pub completed: Vec<Claim>,
    pub last_changed_type: LastChangedType,
    pub last_changed: Millis,
}

impl ProductOrder {
    pub fn total_product_amount(&self) -> i64 {
        (self.unit_price + self.option_price) * self.quantity as i64
    }
    pub fn total_payment_amount(&self) -> i64 {
        self.total_product_amount() - self.discount
    }
    /// Claim shown on the product order: the open one, else the most recent closed one.
    pub fn shown_claim(&self) -> Option<&Claim> {
        self.current.as_ref().or(self.completed.last())
    }
    /// The quantity left after a completed cancel or return.
    pub fn remain_quantity(&self) -> u32 {
        match self.status {
            ProductOrderStatus::Canceled | ProductOrderStatus::Returned => 0,
            _ => self.quantity,
        }
    }
}

/// A purchase review written after the purchase decision.
#[derive(Clone, Debug)]
pub struct Review {
    pub id: String,
    pub class: PurchaseReviewClassType,
    pub score: u8,
    pub product_order: usize,
    pub title: &'static str,
    pub content: &'static str,
    pub writer_id: String,
    pub create_date: Millis,
    pub modify_date: Millis,
}

/// The 가맹점 ID of the sandbox merchant.
pub const MALL_ID: &str = "np_sandbox";
/// The merchant channel of the sandbox merchant.
pub const MERCHANT_CHANNEL_ID: &str = "500183740";

/// The seller's return warehouse.
pub fn return_receive_address() -> Address {
    Address {
        name: "샌드박스 물류센터".into(),
        base_address: "경기도 이천시 마장면 덕평로 811".into(),
        detailed_address: "B동 반품팀".into(),
        zip_code: "17380".into(),
        tel1: "031-645-7700".into(),
        tel2: None,
        pickup_location_type: None,
        pickup_location_content: None,
        entry_method: None,
        entry_method_content: None,
    }
}

/// Serialises one `productsOrdersInfo` item.
pub struct ProductOrderInfoView<'a> {
    pub po: &'a ProductOrder,
    pub order: &'a Order,
    pub warehouse: &'a Address,
}

impl Serialize for ProductOrderInfoView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let po = self.po;
        let mask = po.status.is_final();
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("order", &OrderView { order: self.order, mask })?;
        m.serialize_entry("productOrder", &ProductOrderView { po, order: self.order, mask })?;
        opt!(m, "delivery", po.delivery.as_ref().map(DeliveryView).as_ref());
        if let Some(c) = &po.current {
            m.serialize_entry(
                "currentClaim",
                &CurrentClaimView { claim: c, order: self.order, warehouse: self.warehouse, mask },
            )?;
        }
        if let Some(ex) = po
            .completed
            .iter()
            .rev()
            .find(|c| c.claim_type == ClaimType::Exchange && c.status == ClaimStatus::ExchangeDone)
        {
            m.serialize_entry(
                "beforeClaim",
                &CurrentClaimView { claim: ex, order: self.order, warehouse: self.warehouse, mask },
            )?;
        }
        if !po.completed.is_empty() {
            let v: Vec<CompletedClaimView> = po.completed.iter().map(CompletedClaimView).collect();
            m.serialize_entry("completedClaims", &v)?;
        }
        m.end()
    }
}

struct OrderView<'a> {
    order: &'a Order,
    mask: bool,
}

impl Serialize for OrderView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let o = self.order;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("orderId", &o.order_id)?;
        m.serialize_entry("orderDate", &Ts(o.order_date))?;
        m.serialize_entry("ordererId", &o.orderer_id)?;
        m.serialize_entry("ordererName", &o.orderer_name)?;
        if self.mask {
            m.serialize_entry("ordererTel", &mask_tel(&o.orderer_tel))?;
        } else {
            m.serialize_entry("ordererTel", &o.orderer_tel)?;
        }
        m.serialize_entry("ordererNo", &o.orderer_no)?;
        opt!(m, "paymentDate", o.payment_date.map(Ts).as_ref());
        opt!(m, "paymentDueDate", o.payment_due_date.map(Ts).as_ref());
        m.serialize_entry("paymentMeans", o.payment_means)?;
        m.serialize_entry("payLocationType", o.pay_location_type)?;
        m.serialize_entry("isDeliveryMemoParticularInput", "false")?;
        m.serialize_entry("orderDiscountAmount", &0)?;
        m.serialize_entry("generalPaymentAmount", &o.general_payment_amount)?;
        m.serialize_entry("naverMileagePaymentAmount", &o.naver_mileage_payment_amount)?;
        m.serialize_entry("chargeAmountPaymentAmount", &0)?;
        m.serialize_entry("checkoutAccumulationPaymentAmount", &0)?;
        m.serialize_entry("payLaterPaymentAmount", &0)?;
        m.serialize_entry("isMembershipSubscribed", &o.is_membership_subscribed)?;
        m.end()
    }
}

struct ProductOrderView<'a> {
    po: &'a ProductOrder,
    order: &'a Order,
    mask: bool,
}

/// Payment commission (3.63 %) and sale commission (2 %), rounded down to whole won.
pub fn commissions(payment: i64) -> (i64, i64) {
    (payment * 363 / 10_000, payment * 2 / 100)
}

impl Serialize for ProductOrderView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let po = self.po;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("productOrderId", &po.id)?;
        m.serialize_entry("productOrderStatus", &po.status)?;
        if let Some(c) = po.shown_claim() {
            m.serialize_entry("claimType", &c.claim_type)?;
            m.serialize_entry("claimStatus", &c.status)?;
            m.serialize_entry("claimId", &c.claim_id)?;
        }
        m.serialize_entry("placeOrderStatus", &po.place)?;
        opt!(m, "placeOrderDate", po.place_date.map(Ts).as_ref());
        opt!(m, "decisionDate", po.decision_date.map(Ts).as_ref());
        if let Some(d) = &po.delay {
            m.serialize_entry("delayedDispatchReason", &d.reason)?;
            opt!(m, "delayedDispatchDetailedReason", d.detailed_reason.as_ref());
        }
        m.serialize_entry("mallId", MALL_ID)?;
        m.serialize_entry("merchantChannelId", MERCHANT_CHANNEL_ID)?;
        m.serialize_entry("productId", &po.product_id)?;
        m.serialize_entry("originalProductId", &po.product_id)?;
        m.serialize_entry("productName", po.product_name)?;
        opt!(m, "productOption", po.product_option.as_ref());
        opt!(m, "optionCode", po.option_code.as_ref());
        opt!(m, "itemNo", po.option_code.as_ref());
        m.serialize_entry("productClass", if po.product_option.is_some() { "조합형옵션상품" } else { "단일상품" })?;
        m.serialize_entry("sellerProductCode", &po.seller_product_code)?;
        let remain = po.remain_quantity();
        m.serialize_entry("quantity", &po.quantity)?;
        m.serialize_entry("initialQuantity", &po.quantity)?;
        m.serialize_entry("remainQuantity", &remain)?;
        let total_product = po.total_product_amount();
        let total_payment = po.total_payment_amount();
        let (remain_product, remain_payment, remain_discount) =
            if remain == 0 { (0, 0, 0) } else { (total_product, total_payment, po.discount) };
        m.serialize_entry("unitPrice", &po.unit_price)?;
        m.serialize_entry("optionPrice", &po.option_price)?;
        m.serialize_entry("totalProductAmount", &total_product)?;
        m.serialize_entry("initialProductAmount", &total_product)?;
        m.serialize_entry("remainProductAmount", &remain_product)?;
        m.serialize_entry("totalPaymentAmount", &total_payment)?;
        m.serialize_entry("initialPaymentAmount", &total_payment)?;
        m.serialize_entry("remainPaymentAmount", &remain_payment)?;
        m.serialize_entry("productDiscountAmount", &po.discount)?;
        m.serialize_entry("initialProductDiscountAmount", &po.discount)?;
        m.serialize_entry("remainProductDiscountAmount", &remain_discount)?;
        // Every discount is an immediate discount borne by the seller. Note Naver's spellings:
        // `...ImediateDiscountAmount` for the totals, `...ImmediateDiscountAmount` for initial/remain.
        m.serialize_entry("productImediateDiscountAmount", &po.discount)?;
        m.serialize_entry("initialProductImmediateDiscountAmount", &po.discount)?;
        m.serialize_entry("remainProductImmediateDiscountAmount", &remain_discount)?;
        m.serialize_entry("productProductDiscountAmount", &0)?;
        m.serialize_entry("initialProductProductDiscountAmount", &0)?;
        m.serialize_entry("remainProductProductDiscountAmount", &0)?;
        m.serialize_entry("productMultiplePurchaseDiscountAmount", &0)?;
        m.serialize_entry("sellerBurdenDiscountAmount", &po.discount)?;
        m.serialize_entry("sellerBurdenImediateDiscountAmount", &po.discount)?;
        m.serialize_entry("initialSellerBurdenImmediateDiscountAmount", &po.discount)?;
        m.serialize_entry("remainSellerBurdenImmediateDiscountAmount", &remain_discount)?;
        m.serialize_entry("sellerBurdenProductDiscountAmount", &0)?;
        m.serialize_entry("sellerBurdenMultiplePurchaseDiscountAmount", &0)?;
        m.serialize_entry("sellerBurdenStoreDiscountAmount", &0)?;
        m.serialize_entry("deliveryFeeAmount", &po.delivery_fee)?;
        m.serialize_entry("deliveryDiscountAmount", &0)?;
        let (pay_c, sale_c) = commissions(total_payment);
        m.serialize_entry("paymentCommission", &pay_c)?;
        m.serialize_entry("saleCommission", &sale_c)?;
        m.serialize_entry("channelCommission", &0)?;
        m.serialize_entry("knowledgeShoppingSellingInterlockCommission", &0)?;
        m.serialize_entry("expectedSettlementAmount", &(total_payment - pay_c - sale_c))?;
        m.serialize_entry("commissionPrePayStatus", "GENERAL_PRD")?;
        m.serialize_entry("expectedDeliveryMethod", "DELIVERY")?;
        m.serialize_entry("expectedDeliveryCompany", "CJGLS")?;
        m.serialize_entry("deliveryPolicyType", po.delivery_policy_type)?;
        m.serialize_entry("shippingFeeType", po.shipping_fee_type)?;
        opt!(m, "shippingMemo", po.shipping_memo.as_ref());
        opt!(m, "shippingStartDate", po.delivery.as_ref().map(|d| Ts(d.send_date)).as_ref());
        let due = po.delay.as_ref().map(|d| d.due_date).or(po.shipping_due_date);
        opt!(m, "shippingDueDate", due.map(Ts).as_ref());
        m.serialize_entry(
            "shippingAddress",
            &AddressView { addr: &self.order.shipping_address, mask: self.mask, shipping: true },
        )?;
        m.serialize_entry("deliveryAttributeType", "NORMAL")?;
        m.serialize_entry("inflowPath", "네이버페이 주문형")?;
        m.serialize_entry("taxType", "TAXATION")?;
        m.end()
    }
}

struct DeliveryView<'a>(&'a Delivery);

impl Serialize for DeliveryView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let d = self.0;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("deliveryMethod", &d.method)?;
        opt!(m, "deliveryCompany", d.company.as_ref());
        opt!(m, "trackingNumber", d.tracking_number.as_ref());
        m.serialize_entry("deliveryStatus", &d.status)?;
        m.serialize_entry("sendDate", &Ts(d.send_date))?;
        m.serialize_entry("pickupDate", &Ts(d.pickup_date))?;
        opt!(m, "deliveredDate", d.delivered_date.map(Ts).as_ref());
        m.serialize_entry("isWrongTrackingNumber", &false)?;
        m.end()
    }
}

/// `{cancel|return|exchange: {...}}` of currentClaim / beforeClaim.
struct CurrentClaimView<'a> {
    claim: &'a Claim,
    order: &'a Order,
    warehouse: &'a Address,
    mask: bool,
}

impl Serialize for CurrentClaimView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(1))?;
        let key = match self.claim.claim_type {
            ClaimType::Cancel => "cancel",
            ClaimType::Return => "return",
            _ => "exchange",
        };
        m.serialize_entry(
            key,
            &ClaimView { c: self.claim, order: self.order, warehouse: self.warehouse, mask: self.mask },
        )?;
        m.end()
    }
}

struct ClaimView<'a> {
    c: &'a Claim,
    order: &'a Order,
    warehouse: &'a Address,
    mask: bool,
}

impl Serialize for ClaimView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let c = self.c;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("claimId", &c.claim_id)?;
        m.serialize_entry("claimStatus", &c.status)?;
        m.serialize_entry("claimRequestDate", &Ts(c.request_date))?;
        m.serialize_entry("requestChannel", c.request_channel)?;
        m.serialize_entry("requestQuantity", &c.request_quantity)?;
        match c.claim_type {
            ClaimType::Cancel => {
                m.serialize_entry("cancelReason", &c.reason)?;
                opt!(m, "cancelDetailedReason", c.detailed_reason.as_ref());
                opt!(m, "cancelApprovalDate", c.admission_date.map(Ts).as_ref());
                opt!(m, "cancelCompletedDate", c.completed_date.map(Ts).as_ref());
            }
            ClaimType::Return => {
                m.serialize_entry("returnReason", &c.reason)?;
                opt!(m, "returnDetailedReason", c.detailed_reason.as_ref());
            }
            _ => {
                m.serialize_entry("exchangeReason", &c.reason)?;
                opt!(m, "exchangeDetailedReason", c.detailed_reason.as_ref());
            }
        }
        if let Some(col) = &c.collect {
            m.serialize_entry(
                "collectAddress",
                &AddressView { addr: &self.order.shipping_address, mask: self.mask, shipping: false },
            )?;
            m.serialize_entry("collectDeliveryMethod", &col.method)?;
            opt!(m, "collectDeliveryCompany", col.company.as_ref());
            opt!(m, "collectTrackingNumber", col.tracking_number.as_ref());
            m.serialize_entry("collectStatus", &col.status)?;
            opt!(m, "collectCompletedDate", col.completed_date.map(Ts).as_ref());
            m.serialize_entry(
                "returnReceiveAddress",
                &AddressView { addr: self.warehouse, mask: false, shipping: false },
            )?;
            m.serialize_entry("claimDeliveryFeeDemandAmount", &c.claim_delivery_fee)?;
            if c.claim_delivery_fee > 0 {
                m.serialize_entry("claimDeliveryFeePayMeans", "환불금에서 차감")?;
                m.serialize_entry("claimDeliveryFeePayMethod", "환불금에서 차감")?;
            }
        }
        if c.claim_type == ClaimType::Return {
            opt!(m, "returnCompletedDate", c.completed_date.map(Ts).as_ref());
        }
        if c.claim_type == ClaimType::Exchange {
            m.serialize_entry(
                "reDeliveryAddress",
                &AddressView { addr: &self.order.shipping_address, mask: self.mask, shipping: false },
            )?;
            if let Some(r) = &c.redelivery {
                m.serialize_entry("reDeliveryMethod", &r.method)?;
                opt!(m, "reDeliveryCompany", r.company.as_ref());
                opt!(m, "reDeliveryTrackingNumber", r.tracking_number.as_ref());
                m.serialize_entry("reDeliveryStatus", &r.status)?;
                m.serialize_entry("reDeliveryOperationDate", &Ts(r.operation_date))?;
            }
        }
        write_holdback(&mut m, c)?;
        opt!(m, "refundExpectedDate", c.refund_expected_date.map(Ts).as_ref());
        m.end()
    }
}

fn write_holdback<M: SerializeMap>(m: &mut M, c: &Claim) -> Result<(), M::Error> {
    if let Some(h) = &c.holdback {
        m.serialize_entry("holdbackStatus", &h.status)?;
        m.serialize_entry("holdbackReason", &h.reason)?;
        m.serialize_entry("holdbackDetailedReason", &h.detailed_reason)?;
        m.serialize_entry("holdbackConfigDate", &Ts(h.config_date))?;
        m.serialize_entry("holdbackConfigurer", "판매자")?;
        if let Some(r) = h.release_date {
            m.serialize_entry("holdbackReleaseDate", &Ts(r))?;
            m.serialize_entry("holdbackReleaser", "판매자")?;
        }
        opt!(m, "etcFeeDemandAmount", h.extra_fee.as_ref());
    }
    Ok(())
}

struct CompletedClaimView<'a>(&'a Claim);

impl Serialize for CompletedClaimView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let c = self.0;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("claimType", &c.claim_type)?;
        m.serialize_entry("claimId", &c.claim_id)?;
        m.serialize_entry("claimStatus", &c.status)?;
        m.serialize_entry("claimRequestDate", &Ts(c.request_date))?;
        m.serialize_entry("requestChannel", c.request_channel)?;
        m.serialize_entry("claimRequestReason", &c.reason)?;
        opt!(m, "claimRequestDetailContent", c.detailed_reason.as_ref());
        m.serialize_entry("requestQuantity", &c.request_quantity)?;
        opt!(m, "claimRequestAdmissionDate", c.admission_date.map(Ts).as_ref());
        opt!(m, "claimCompleteOperationDate", c.completed_date.map(Ts).as_ref());
        if c.collect.is_some() {
            m.serialize_entry("claimDeliveryFeeDemandAmount", &c.claim_delivery_fee)?;
        }
        if let Some(col) = &c.collect {
            m.serialize_entry("collectDeliveryMethod", &col.method)?;
            opt!(m, "collectDeliveryCompany", col.company.as_ref());
            opt!(m, "collectTrackingNumber", col.tracking_number.as_ref());
            m.serialize_entry("collectStatus", &col.status)?;
            opt!(m, "collectCompletedDate", col.completed_date.map(Ts).as_ref());
        }
        if let Some(r) = &c.redelivery {
            m.serialize_entry("reDeliveryMethod", &r.method)?;
            opt!(m, "reDeliveryCompany", r.company.as_ref());
            opt!(m, "reDeliveryTrackingNumber", r.tracking_number.as_ref());
            m.serialize_entry("reDeliveryStatus", &r.status)?;
            m.serialize_entry("reDeliveryOperationDate", &Ts(r.operation_date))?;
        }
        write_holdback(&mut m, c)?;
        opt!(m, "refundExpectedDate", c.refund_expected_date.map(Ts).as_ref());
        m.end()
    }
}

/// One item of `lastChangeStatuses`.
pub struct ChangeView<'a> {
    pub po: &'a ProductOrder,
    pub order: &'a Order,
}

impl Serialize for ChangeView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let po = self.po;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("orderId", &self.order.order_id)?;
        m.serialize_entry("productOrderId", &po.id)?;
        m.serialize_entry("lastChangedType", &po.last_changed_type)?;
        opt!(m, "paymentDate", self.order.payment_date.map(Ts).as_ref());
        m.serialize_entry("lastChangedDate", &Ts(po.last_changed))?;
        m.serialize_entry("productOrderStatus", &po.status)?;
        if let Some(c) = po.shown_claim() {
            m.serialize_entry("claimType", &c.claim_type)?;
            m.serialize_entry("claimStatus", &c.status)?;
        }
        m.serialize_entry("receiverAddressChanged", &false)?;
        m.end()
    }
}

/// One item of `purchaseReviews`.
pub struct ReviewView<'a> {
    pub r: &'a Review,
    pub po: &'a ProductOrder,
}

impl Serialize for ReviewView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (r, po) = (self.r, self.po);
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("purchaseReviewId", &r.id)?;
        m.serialize_entry("purchaseReviewClassType", &r.class)?;
        m.serialize_entry("purchaseReviewScore", &r.score)?;
        m.serialize_entry("productOrderId", &po.id)?;
        m.serialize_entry("productId", &po.product_id)?;
        m.serialize_entry("productName", po.product_name)?;
        opt!(m, "productOption", po.product_option.as_ref());
        m.serialize_entry("title", r.title)?;
        m.serialize_entry("content", r.content)?;
        m.serialize_entry("writerId", &r.writer_id)?;
        m.serialize_entry("createDate", &Ts(r.create_date))?;
        m.serialize_entry("modifyDate", &Ts(r.modify_date))?;
        m.serialize_entry("mallId", MALL_ID)?;
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_the_middle_block_of_a_phone_number() {
        assert_eq!(mask_tel("010-1234-5678"), "010-****-5678");
        assert_eq!(mask_tel("0212345678"), "******5678");
    }
}
