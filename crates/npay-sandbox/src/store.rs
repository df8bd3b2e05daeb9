//! The order store and its state machine (the decisions are listed in the crate docs).

use std::collections::{BTreeMap, HashMap};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::changes::{ChangeRecord, Visibility, VisibilityConfig};
use crate::enums::*;
use crate::fake;
use crate::model::*;
use crate::time::{Millis, kst_yyyymmdd};

const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;

/// A per-item failure: an API error code and its message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fail {
    pub code: &'static str,
    pub message: &'static str,
}

macro_rules! fail_consts {
    ($($name:ident = $code:literal, $msg:literal;)+) => {
        $(pub const $name: Fail = Fail { code: $code, message: $msg };)+
    };
}

fail_consts! {
    NOT_FOUND = "100001", "상품 주문 정보를 찾을 수 없습니다. (product order not found)";
    STATUS = "104442", "상품 주문 상태를 확인해 주세요. (the product order's status does not allow this)";
    PLACE_ORDER = "104443", "발주 상태를 확인해 주세요. (confirm the product order before dispatching it)";
    SAME_STATE = "105306", "요청한 상태와 현재 상태가 같습니다. (the product order is already in the requested state)";
    EXCHANGE_STATE = "104417", "교환 상태를 확인해 주세요. 재배송할 수 없는 상태입니다. (re-delivery needs claimStatus COLLECT_DONE)";
    COURIER_MISSING = "104118", "택배사를 입력해 주세요. (deliveryCompanyCode is required for DELIVERY)";
    COURIER_CODE = "104119", "택배사 코드를 확인해 주세요. (unknown deliveryCompanyCode)";
    TRACKING_MISSING = "104120", "송장 번호를 입력해 주세요. (trackingNumber is required for DELIVERY)";
    TRACKING_USED = "104121", "이미 사용된 송장 번호입니다. (tracking number already used by another order)";
    TRACKING_INVALID = "104122", "유효하지 않은 송장 번호입니다. (tracking number must be 8 to 20 letters or digits, hyphens allowed)";
    DUPLICATE = "104131", "중복된 상품 주문 번호입니다. (productOrderId appears more than once in the request)";
    DUE_DATE = "104105", "발송 기한이 허용 범위를 벗어났습니다. (dispatchDueDate must be in the future and within 90 days)";
    METHOD_FOR_COLLECTION = "104116", "배송 방법을 변경해 주세요. RETURN_* 배송 방법은 반품 수거용입니다. (RETURN_* delivery methods are for collecting returns, not for dispatch)";
    QUANTITY_EXCEEDED = "104133", "잘못된 요청입니다. 남은 수량을 초과했습니다. (the quantity exceeds the remaining quantity of the product order)";
    QUANTITY_PARTIAL = "104133", "잘못된 요청입니다. 샌드박스는 남은 수량 전체에 대한 클레임만 처리합니다. (the sandbox emulates whole-quantity claims only: omit the quantity or send the remaining quantity)";
}

/// Who asked for a claim.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Actor {
    Seller,
    Buyer,
}

impl Actor {
    fn channel(self) -> &'static str {
        match self {
            Actor::Seller => "판매자",
            Actor::Buyer => "구매자",
        }
    }
}

/// The outbound (or re-delivery) shipping details of a request.
#[derive(Clone, Debug)]
pub struct Shipment {
    pub method: DeliveryMethod,
    pub company: Option<String>,
    pub tracking_number: Option<String>,
}

/// Checks an outbound shipment: not a `RETURN_*` method (104116); for `DELIVERY`, courier and
/// tracking number (codes 104118/104119/104120/104122).
pub fn check_shipment(s: &Shipment) -> Result<(), Fail> {
    if s.method.is_collect_method() {
        return Err(METHOD_FOR_COLLECTION);
    }
    if s.method != DeliveryMethod::Delivery {
        if let Some(c) = &s.company
            && !c.is_empty()
            && !is_delivery_company(c)
        {
            return Err(COURIER_CODE);
        }
        return Ok(());
    }
    let company = s.company.as_deref().unwrap_or("");
    if company.is_empty() {
        return Err(COURIER_MISSING);
    }
    if !is_delivery_company(company) {
        return Err(COURIER_CODE);
    }
    let tracking = s.tracking_number.as_deref().unwrap_or("");
    if tracking.is_empty() {
        return Err(TRACKING_MISSING);
    }
    if !valid_tracking_number(tracking) {
        return Err(TRACKING_INVALID);
    }
    Ok(())
}

/// A collection's tracking number, when given, must be valid (104122).
pub fn check_collect_tracking(s: &Shipment) -> Result<(), Fail> {
    match s.tracking_number.as_deref() {
        Some(t) if !t.is_empty() && !valid_tracking_number(t) => Err(TRACKING_INVALID),
        _ => Ok(()),
    }
}

/// 8–20 ASCII letters or digits, hyphens allowed between them.
pub fn valid_tracking_number(t: &str) -> bool {
    let core = t.bytes().filter(|b| *b != b'-').count();
    (8..=20).contains(&core)
        && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !t.starts_with('-')
        && !t.ends_with('-')
}

fn normalise_tracking(t: &str) -> String {
    t.chars().filter(|c| *c != '-').collect::<String>().to_ascii_uppercase()
}

/// Result of a search or review page.
pub struct Page {
    pub items: Vec<usize>,
    pub has_next: bool,
}

/// Filters of `GET product-orders`.
pub struct SearchFilter {
    pub from: Millis,
    pub to: Millis,
    pub range_type: SearchRangeType,
    pub statuses: Vec<ProductOrderStatus>,
    pub claim_statuses: Vec<ClaimStatus>,
    pub place: Option<PlaceOrderStatus>,
    pub fulfillment: Option<bool>,
    pub page: usize,
    pub page_size: usize,
}

/// The state of the emulated merchant: orders, product orders, change index, reviews.
pub struct Store {
    rng: ChaCha8Rng,
    pub orders: Vec<Order>,
    pub pos: Vec<ProductOrder>,
    by_po_id: HashMap<String, usize>,
    by_order_id: HashMap<String, usize>,
    /// (lastChangedDate, productOrder key) → (product order, listable from); one entry per
    /// product order.
    changes: BTreeMap<(Millis, u64), (usize, Millis)>,
    /// Every change ever made, in order (`GET _sandbox/changes`).
    pub change_log: Vec<ChangeRecord>,
    /// The product order's latest entry in `change_log`.
    latest_change: HashMap<usize, usize>,
    /// Late visibility of changes (`PUT _sandbox/visibility`).
    pub visibility: Visibility,
    trackings: HashMap<(String, String), usize>,
    pub reviews: Vec<Review>,
    pub warehouse: Address,
    order_seq: u64,
    po_seq: u64,
    claim_seq: u64,
    review_seq: u64,
}

impl Store {
    /// The initial (empty) state for a seed.
    pub fn new(seed: u64) -> Store {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let order_seq = 11_000_000 + rng.random_range(0..1_000_000);
        let po_seq = 21_000_000 + rng.random_range(0..1_000_000);
        let claim_seq = 31_000_000 + rng.random_range(0..1_000_000);
        let review_seq = 4_100_000_000 + rng.random_range(0..10_000_000);
        Store {
            rng,
            orders: Vec::new(),
            pos: Vec::new(),
            by_po_id: HashMap::new(),
            by_order_id: HashMap::new(),
            changes: BTreeMap::new(),
            change_log: Vec::new(),
            latest_change: HashMap::new(),
            visibility: Visibility::new(VisibilityConfig::default()),
            trackings: HashMap::new(),
            reviews: Vec::new(),
            warehouse: return_receive_address(),
            order_seq,
            po_seq,
            claim_seq,
            review_seq,
        }
    }

    pub fn po_index(&self, id: &str) -> Option<usize> {
        self.by_po_id.get(id).copied()
    }

    pub fn order_index(&self, id: &str) -> Option<usize> {
        self.by_order_id.get(id).copied()
    }

    pub fn info_view(&self, idx: usize) -> ProductOrderInfoView<'_> {
        let po = &self.pos[idx];
        ProductOrderInfoView { po, order: &self.orders[po.order], warehouse: &self.warehouse }
    }

    pub fn change_view(&self, idx: usize) -> ChangeView<'_> {
        let po = &self.pos[idx];
        ChangeView { po, order: &self.orders[po.order] }
    }

    fn touch(&mut self, idx: usize, t: LastChangedType, now: Millis) {
        let po = &mut self.pos[idx];
        self.changes.remove(&(po.last_changed, po.key));
        po.last_changed = now.max(po.last_changed);
        po.last_changed_type = t;
        self.index_change(idx, now);
    }

    /// Lists product order `idx` at its current change, and records the change.
    fn index_change(&mut self, idx: usize, now: Millis) {
        let po = &self.pos[idx];
        let visible = self.visibility.visible_at(po.last_changed);
        self.changes.insert((po.last_changed, po.key), (idx, visible));
        if let Some(&previous) = self.latest_change.get(&idx) {
            self.change_log[previous].replaced_at_ms = Some(now);
        }
        let record = ChangeRecord {
            seq: self.change_log.len() as u64,
            product_order_id: po.id.clone(),
            order_id: self.orders.get(po.order).map(|o| o.order_id.clone()).unwrap_or_default(),
            last_changed_date: crate::time::Ts(po.last_changed),
            last_changed_ms: po.last_changed,
            last_changed_type: po.last_changed_type,
            product_order_status: po.status,
            claim_status: po.shown_claim().map(|c| c.status),
            visible_from_ms: visible,
            replaced_at_ms: None,
        };
        self.latest_change.insert(idx, self.change_log.len());
        self.change_log.push(record);
    }

    fn next_claim_id(&mut self, now: Millis) -> String {
        self.claim_seq += 1 + self.rng.random_range(0..5);
        format!("{}{:08}", kst_yyyymmdd(now), self.claim_seq)
    }

    // ----------------------------------------------------------------- creation

    /// Creates `count` orders of `per_order` product orders each, all stamped `now`.
    pub fn create_orders(
        &mut self,
        now: Millis,
        count: usize,
        paid: bool,
        per_order: usize,
    ) -> (Vec<String>, Vec<String>) {
        let mut order_ids = Vec::with_capacity(count);
        let mut po_ids = Vec::with_capacity(count * per_order);
        let date = kst_yyyymmdd(now);
        for _ in 0..count {
            let rng = &mut self.rng;
            self.order_seq += 1 + rng.random_range(0..9);
            let order_id = format!("{}{:08}", date, self.order_seq);
            let buyer = fake::person(rng);
            let receiver = if rng.random_bool(0.8) { None } else { Some(fake::person(rng)) };
            let address = fake::address(rng, receiver.as_ref().unwrap_or(&buyer));
            let order_date = now - rng.random_range(5_000..600_000);
            let memo = fake::memo(rng);
            let order_idx = self.orders.len();
            let mut total = 0i64;
            let mut idxs = Vec::with_capacity(per_order);
            self.po_seq += rng.random_range(0..7);
            for _ in 0..per_order {
                let rng = &mut self.rng;
                let (name, price, options) = *fake::pick(rng, fake::PRODUCTS);
                let pindex = fake::PRODUCTS.iter().position(|p| p.0 == name).unwrap_or(0);
                let (option, option_code, option_price) = if options.is_empty() {
                    (None, None, 0)
                } else {
                    let oi = rng.random_range(0..options.len());
                    let extra = if oi == options.len() - 1 && options.len() > 2 { 2_000 } else { 0 };
                    (
                        Some(options[oi].to_string()),
                        Some(format!("{}", 3_104_000_000u64 + pindex as u64 * 100 + oi as u64)),
                        extra,
                    )
                };
                let quantity = rng.random_range(1..=3u32);
                let gross = (price + option_price) * quantity as i64;
                let discount = if rng.random_bool(0.3) { gross / 10 / 100 * 100 } else { 0 };
                total += gross - discount;
                self.po_seq += 1;
                let id = format!("{}{:08}", date, self.po_seq);
                let key = id.parse::<u64>().unwrap_or(self.po_seq);
                let po = ProductOrder {
                    id: id.clone(),
                    key,
                    order: order_idx,
                    product_id: format!("{}", 8_812_000_000u64 + pindex as u64 * 7_919),
                    product_name: name,
                    product_option: option,
                    option_code,
                    seller_product_code: format!("SBX-{:04}", 1000 + pindex * 37),
                    quantity,
                    unit_price: price,
                    option_price,
                    discount,
                    delivery_fee: 0,
                    shipping_fee_type: "무료",
                    delivery_policy_type: "조건부 무료",
                    shipping_memo: memo,
                    status: if paid { ProductOrderStatus::Payed } else { ProductOrderStatus::PaymentWaiting },
                    place: PlaceOrderStatus::NotYet,
                    place_date: None,
                    decision_date: None,
                    shipping_due_date: if paid { Some(now + 3 * DAY) } else { None },
                    delay: None,
                    delivery: None,
                    current: None,
                    completed: Vec::new(),
                    last_changed_type: if paid { LastChangedType::Payed } else { LastChangedType::PayWaiting },
                    last_changed: now,
                };
                self.by_po_id.insert(id.clone(), self.pos.len());
                idxs.push(self.pos.len());
                self.pos.push(po);
                po_ids.push(id);
            }
            // Conditional free shipping: under 50,000 won the first item carries a 3,000 won fee.
            let fee = if total < 50_000 { 3_000 } else { 0 };
            if fee > 0 {
                let first = &mut self.pos[idxs[0]];
                first.delivery_fee = fee;
                first.shipping_fee_type = "선불";
            }
            let rng = &mut self.rng;
            let paying = total + fee;
            let mileage = if paid && rng.random_bool(0.3) { (rng.random_range(5..=30) * 100).min(paying) } else { 0 };
            let orderer_no = format!("{}", 1_000_000_000u64 + rng.random_range(0..8_999_999_999u64));
            let order = Order {
                order_id: order_id.clone(),
                order_date,
                payment_date: if paid { Some(now) } else { None },
                payment_due_date: if paid { None } else { Some(now + 3 * DAY) },
                orderer_id: buyer.login_id.clone(),
                orderer_name: buyer.name.clone(),
                orderer_tel: buyer.tel.clone(),
                orderer_no,
                payment_means: if paid { fake::pick::<&str>(rng, fake::PAYMENT_MEANS) } else { "무통장입금" },
                pay_location_type: if rng.random_bool(0.7) { "MOBILE" } else { "PC" },
                is_membership_subscribed: rng.random_bool(0.4),
                general_payment_amount: paying - mileage,
                naver_mileage_payment_amount: mileage,
                shipping_address: address,
                product_orders: idxs,
            };
            self.by_order_id.insert(order_id.clone(), order_idx);
            self.orders.push(order);
            order_ids.push(order_id);
            for idx in self.orders[order_idx].product_orders.clone() {
                self.index_change(idx, now);
            }
        }
        (order_ids, po_ids)
    }

    // ----------------------------------------------------------------- queries

    /// Change records in `[from(+seq), to]` listable at `now`, at most `limit`; returns the next
    /// cursor when more remain.
    pub fn last_changed(
        &self,
        from: Millis,
        seq: Option<u64>,
        to: Millis,
        typ: Option<LastChangedType>,
        limit: usize,
        now: Millis,
    ) -> (Vec<usize>, Option<(Millis, u64)>) {
        let mut out = Vec::with_capacity(limit.min(64));
        let mut more = None;
        if to < from {
            return (out, None);
        }
        for (&(t, k), &(idx, visible)) in self.changes.range((from, seq.unwrap_or(0))..=(to, u64::MAX)) {
            if visible > now {
                continue;
            }
            if typ.is_some_and(|ty| self.pos[idx].last_changed_type != ty) {
                continue;
            }
            if out.len() == limit {
                more = Some((t, k));
                break;
            }
            out.push(idx);
        }
        (out, more)
    }

    fn range_date(&self, po: &ProductOrder, rt: SearchRangeType) -> Option<Millis> {
        let order = &self.orders[po.order];
        match rt {
            SearchRangeType::PayedDatetime => order.payment_date,
            SearchRangeType::OrderedDatetime => Some(order.order_date),
            SearchRangeType::DispatchedDatetime => po.delivery.as_ref().map(|d| d.send_date),
            SearchRangeType::PurchaseDecidedDatetime => po.decision_date,
            SearchRangeType::ClaimRequestedDatetime => po.shown_claim().map(|c| c.request_date),
            SearchRangeType::ClaimCompletedDatetime => po
                .completed
                .iter()
                .rev()
                .find(|c| {
                    matches!(c.status, ClaimStatus::CancelDone | ClaimStatus::ReturnDone | ClaimStatus::ExchangeDone)
                })
                .and_then(|c| c.completed_date),
            SearchRangeType::CollectCompletedDatetime => {
                po.shown_claim().and_then(|c| c.collect.as_ref()).and_then(|c| c.completed_date)
            }
            SearchRangeType::GiftReceivedDatetime | SearchRangeType::HopeDeliveryInfoChangedDatetime => None,
        }
    }

    /// `GET product-orders`: sorted by the range date, then productOrderId.
    pub fn search(&self, f: &SearchFilter) -> Page {
        if f.fulfillment == Some(true) {
            return Page { items: Vec::new(), has_next: false };
        }
        let mut hits: Vec<(Millis, u64, usize)> = Vec::new();
        for (idx, po) in self.pos.iter().enumerate() {
            let Some(d) = self.range_date(po, f.range_type) else {
                continue;
            };
            if d < f.from || d > f.to {
                continue;
            }
            if !f.statuses.is_empty() && !f.statuses.contains(&po.status) {
                continue;
            }
            if !f.claim_statuses.is_empty() {
                match po.shown_claim() {
                    Some(c) if f.claim_statuses.contains(&c.status) => {}
                    _ => continue,
                }
            }
            if f.place.is_some_and(|p| po.place != p) {
                continue;
            }
            hits.push((d, po.key, idx));
        }
        hits.sort_unstable();
        let start = (f.page - 1).saturating_mul(f.page_size);
        let items: Vec<usize> = hits.iter().skip(start).take(f.page_size).map(|h| h.2).collect();
        let has_next = hits.len() > start.saturating_add(f.page_size);
        Page { items, has_next }
    }

    /// `GET reviews`: reviews whose modifyDate lies in `[from, to]`, oldest first.
    pub fn reviews_page(
        &self,
        from: Millis,
        to: Millis,
        class: Option<PurchaseReviewClassType>,
        page: usize,
        page_size: usize,
    ) -> Page {
        let hits: Vec<usize> = self
            .reviews
            .iter()
            .enumerate()
            .filter(|(_, r)| r.modify_date >= from && r.modify_date <= to && class.is_none_or(|c| c == r.class))
            .map(|(i, _)| i)
            .collect();
        let start = (page - 1).saturating_mul(page_size);
        let items = hits.iter().skip(start).take(page_size).copied().collect();
        Page { items, has_next: hits.len() > start.saturating_add(page_size) }
    }

    // ----------------------------------------------------------------- helpers

    fn open_claim(&self, idx: usize, ty: ClaimType) -> Option<&Claim> {
        self.pos[idx].current.as_ref().filter(|c| c.claim_type == ty)
    }

    /// Whether the most recent closed claim is of type `ty` in status `st` (and none is open).
    fn last_closed_is(&self, idx: usize, ty: ClaimType, st: ClaimStatus) -> bool {
        let po = &self.pos[idx];
        po.current.is_none() && matches!(po.completed.last(), Some(c) if c.claim_type == ty && c.status == st)
    }

    fn close_claim(&mut self, idx: usize, status: ClaimStatus, now: Millis) {
        let po = &mut self.pos[idx];
        if let Some(mut c) = po.current.take() {
            c.status = status;
            c.completed_date = Some(now);
            po.completed.push(c);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn new_claim(
        &mut self,
        idx: usize,
        ty: ClaimType,
        status: ClaimStatus,
        actor: Actor,
        reason: ClaimReason,
        detailed: Option<String>,
        now: Millis,
    ) -> Claim {
        let claim_id = self.next_claim_id(now);
        let po = &self.pos[idx];
        Claim {
            claim_type: ty,
            claim_id,
            status,
            request_date: now,
            request_channel: actor.channel(),
            reason,
            detailed_reason: detailed,
            request_quantity: po.quantity,
            prev_status: po.status,
            admission_date: None,
            completed_date: None,
            reject_reason: None,
            collect: None,
            holdback: None,
            redelivery: None,
            refund_expected_date: None,
            claim_delivery_fee: 0,
        }
    }

    // ----------------------------------------------------------------- seller operations

    /// 발주 확인: PAYED + NOT_YET → OK. No change record (no lastChangedType fits).
    pub fn confirm(&mut self, idx: usize, now: Millis) -> Result<(), Fail> {
        let po = &mut self.pos[idx];
        if po.status != ProductOrderStatus::Payed || po.current.is_some() {
            return Err(STATUS);
        }
        if po.place == PlaceOrderStatus::Ok {
            return Err(SAME_STATE);
        }
        po.place = PlaceOrderStatus::Ok;
        po.place_date = Some(now);
        Ok(())
    }

    /// 발송 지연: PAYED without a claim, once. No change record.
    pub fn delay(
        &mut self,
        idx: usize,
        now: Millis,
        reason: DelayedDispatchReason,
        detailed: Option<String>,
        due: Millis,
    ) -> Result<(), Fail> {
        let po = &mut self.pos[idx];
        if po.status != ProductOrderStatus::Payed || po.current.is_some() {
            return Err(STATUS);
        }
        if po.delay.is_some() {
            return Err(SAME_STATE);
        }
        if due <= now || due > now + 90 * DAY {
            return Err(DUE_DATE);
        }
        po.delay = Some(Delay { reason, detailed_reason: detailed, due_date: due });
        Ok(())
    }

    /// 발송: PAYED + OK → DELIVERING (DISPATCHED). A buyer's open cancel request is rejected.
    pub fn dispatch(&mut self, idx: usize, now: Millis, s: &Shipment, dispatch_date: Millis) -> Result<(), Fail> {
        check_shipment(s)?;
        let po = &self.pos[idx];
        match po.status {
            ProductOrderStatus::Payed => {}
            ProductOrderStatus::Delivering | ProductOrderStatus::Delivered
                if po.delivery.is_some() && po.current.is_none() =>
            {
                return Err(SAME_STATE);
            }
            _ => return Err(STATUS),
        }
        if let Some(c) = &po.current
            && !(c.claim_type == ClaimType::Cancel && c.status == ClaimStatus::CancelRequest)
        {
            return Err(STATUS);
        }
        if po.place != PlaceOrderStatus::Ok {
            return Err(PLACE_ORDER);
        }
        let order = po.order;
        let tracking_key = match (&s.company, &s.tracking_number) {
            (Some(c), Some(t)) if s.method == DeliveryMethod::Delivery => Some((c.clone(), normalise_tracking(t))),
            _ => None,
        };
        if let Some(k) = &tracking_key
            && self.trackings.get(k).is_some_and(|&owner| owner != order)
        {
            return Err(TRACKING_USED);
        }
        if let Some(k) = tracking_key {
            self.trackings.insert(k, order);
        }
        if self.pos[idx].current.is_some() {
            self.close_claim(idx, ClaimStatus::CancelReject, now);
        }
        let po = &mut self.pos[idx];
        po.status = ProductOrderStatus::Delivering;
        po.delivery = Some(Delivery {
            method: s.method,
            company: s.company.clone().filter(|c| !c.is_empty()),
            tracking_number: s.tracking_number.clone().filter(|t| !t.is_empty()),
            status: if s.method == DeliveryMethod::Delivery {
                DeliveryStatus::Delivering
            } else {
                DeliveryStatus::NotTracking
            },
            send_date: dispatch_date,
            pickup_date: dispatch_date,
            delivered_date: None,
        });
        self.touch(idx, LastChangedType::Dispatched, now);
        Ok(())
    }

    /// Cancel request. Seller: PAYED → CANCEL_DONE/CANCELED at once. Buyer: PAYMENT_WAITING or
    /// PAYED + NOT_YET → done at once; PAYED + OK → CANCEL_REQUEST.
    pub fn request_cancel(
        &mut self,
        idx: usize,
        now: Millis,
        actor: Actor,
        reason: ClaimReason,
        detailed: Option<String>,
    ) -> Result<(), Fail> {
        let po = &self.pos[idx];
        if self.open_claim(idx, ClaimType::Cancel).is_some() || po.status == ProductOrderStatus::Canceled {
            return Err(SAME_STATE);
        }
        let allowed = match actor {
            Actor::Seller => po.status == ProductOrderStatus::Payed,
            Actor::Buyer => matches!(po.status, ProductOrderStatus::Payed | ProductOrderStatus::PaymentWaiting),
        };
        if !allowed || po.current.is_some() {
            return Err(STATUS);
        }
        let immediate = actor == Actor::Seller || po.place != PlaceOrderStatus::Ok;
        let mut claim =
            self.new_claim(idx, ClaimType::Cancel, ClaimStatus::CancelRequest, actor, reason, detailed, now);
        let po = &mut self.pos[idx];
        if immediate {
            claim.admission_date = Some(now);
            if po.status == ProductOrderStatus::Payed {
                claim.refund_expected_date = Some(now + DAY);
            }
            po.current = Some(claim);
            po.status = ProductOrderStatus::Canceled;
            self.close_claim(idx, ClaimStatus::CancelDone, now);
            self.touch(idx, LastChangedType::ClaimCompleted, now);
        } else {
            po.current = Some(claim);
            self.touch(idx, LastChangedType::ClaimRequested, now);
        }
        Ok(())
    }

    /// CANCEL_REQUEST (or CANCELING) → CANCEL_DONE / CANCELED.
    pub fn approve_cancel(&mut self, idx: usize, now: Millis) -> Result<(), Fail> {
        match self.open_claim(idx, ClaimType::Cancel) {
            Some(c) if matches!(c.status, ClaimStatus::CancelRequest | ClaimStatus::Canceling) => {}
            Some(_) => return Err(STATUS),
            None if self.last_closed_is(idx, ClaimType::Cancel, ClaimStatus::CancelDone) => {
                return Err(SAME_STATE);
            }
            None => return Err(STATUS),
        }
        let po = &mut self.pos[idx];
        if let Some(c) = po.current.as_mut() {
            c.admission_date = Some(now);
            c.refund_expected_date = Some(now + DAY);
        }
        po.status = ProductOrderStatus::Canceled;
        self.close_claim(idx, ClaimStatus::CancelDone, now);
        self.touch(idx, LastChangedType::ClaimCompleted, now);
        Ok(())
    }

    /// Return or exchange request from DELIVERING / DELIVERED / EXCHANGED with no open claim.
    #[allow(clippy::too_many_arguments)]
    pub fn request_collect_claim(
        &mut self,
        idx: usize,
        now: Millis,
        ty: ClaimType,
        actor: Actor,
        reason: ClaimReason,
        detailed: Option<String>,
        collect: Shipment,
    ) -> Result<(), Fail> {
        if self.open_claim(idx, ty).is_some() {
            return Err(SAME_STATE);
        }
        let po = &self.pos[idx];
        let allowed = matches!(
            po.status,
            ProductOrderStatus::Delivering | ProductOrderStatus::Delivered | ProductOrderStatus::Exchanged
        );
        if !allowed || po.current.is_some() {
            return Err(STATUS);
        }
        let status = if ty == ClaimType::Return { ClaimStatus::ReturnRequest } else { ClaimStatus::ExchangeRequest };
        let mut claim = self.new_claim(idx, ty, status, actor, reason, detailed, now);
        let buyer_fault = matches!(
            reason,
            ClaimReason::IntentChanged
                | ClaimReason::ColorAndSize
                | ClaimReason::WrongOrder
                | ClaimReason::SimpleIntentChanged
        );
        claim.claim_delivery_fee = if buyer_fault { if ty == ClaimType::Return { 3_000 } else { 6_000 } } else { 0 };
        let has_tracking = collect.tracking_number.as_deref().is_some_and(|t| !t.is_empty());
        claim.collect = Some(Collect {
            method: collect.method,
            company: collect.company.filter(|c| !c.is_empty()),
            tracking_number: collect.tracking_number.filter(|t| !t.is_empty()),
            status: if has_tracking {
                CollectStatus::CollectWaiting
            } else if collect.method == DeliveryMethod::ReturnDesignated {
                CollectStatus::CollectRequestToDeliveryCompany
            } else {
                CollectStatus::NotRequested
            },
            completed_date: None,
        });
        self.pos[idx].current = Some(claim);
        self.touch(idx, LastChangedType::ClaimRequested, now);
        Ok(())
    }

    /// Collection finished: RETURN_REQUEST / EXCHANGE_REQUEST / COLLECTING → COLLECT_DONE.
    /// `ty` = None accepts either claim type (the `collect-done` event).
    pub fn collect_done(&mut self, idx: usize, now: Millis, ty: Option<ClaimType>) -> Result<(), Fail> {
        let po = &self.pos[idx];
        let Some(c) = po.current.as_ref().filter(|c| {
            matches!(c.claim_type, ClaimType::Return | ClaimType::Exchange) && ty.is_none_or(|t| t == c.claim_type)
        }) else {
            return Err(STATUS);
        };
        match c.status {
            ClaimStatus::ReturnRequest | ClaimStatus::ExchangeRequest | ClaimStatus::Collecting => {}
            ClaimStatus::CollectDone => return Err(SAME_STATE),
            _ => return Err(STATUS),
        }
        let po = &mut self.pos[idx];
        if let Some(c) = po.current.as_mut() {
            c.status = ClaimStatus::CollectDone;
            if let Some(col) = c.collect.as_mut() {
                col.status = CollectStatus::Delivered;
                col.completed_date = Some(now);
            }
        }
        self.touch(idx, LastChangedType::CollectDone, now);
        Ok(())
    }

    /// COLLECT_DONE (not held) → RETURN_DONE / RETURNED.
    pub fn approve_return(&mut self, idx: usize, now: Millis) -> Result<(), Fail> {
        match self.open_claim(idx, ClaimType::Return) {
            Some(c) if c.is_held() => return Err(STATUS),
            Some(c) if c.status == ClaimStatus::CollectDone => {}
            Some(_) => return Err(STATUS),
            None if self.last_closed_is(idx, ClaimType::Return, ClaimStatus::ReturnDone) => {
                return Err(SAME_STATE);
            }
            None => return Err(STATUS),
        }
        let po = &mut self.pos[idx];
        if let Some(c) = po.current.as_mut() {
            c.admission_date = Some(now);
            c.refund_expected_date = Some(now + DAY);
        }
        po.status = ProductOrderStatus::Returned;
        self.close_claim(idx, ClaimStatus::ReturnDone, now);
        self.touch(idx, LastChangedType::ClaimCompleted, now);
        Ok(())
    }

    /// Reject (seller) or withdraw (buyer) an open return/exchange claim: back to the previous status.
    pub fn reject_collect_claim(
        &mut self,
        idx: usize,
        now: Millis,
        ty: ClaimType,
        reason: Option<String>,
    ) -> Result<(), Fail> {
        let (request, reject) = if ty == ClaimType::Return {
            (ClaimStatus::ReturnRequest, ClaimStatus::ReturnReject)
        } else {
            (ClaimStatus::ExchangeRequest, ClaimStatus::ExchangeReject)
        };
        match self.open_claim(idx, ty) {
            Some(c) if c.is_held() => return Err(STATUS),
            Some(c)
                if c.status == request || matches!(c.status, ClaimStatus::Collecting | ClaimStatus::CollectDone) => {}
            Some(_) => return Err(STATUS),
            None if self.last_closed_is(idx, ty, reject) => return Err(SAME_STATE),
            None => return Err(STATUS),
        }
        let po = &mut self.pos[idx];
        if let Some(c) = po.current.as_mut() {
            c.reject_reason = reason;
            po.status = c.prev_status;
        }
        self.close_claim(idx, reject, now);
        self.touch(idx, LastChangedType::ClaimRejected, now);
        Ok(())
    }

    /// Hold an open return/exchange claim (before re-delivery). No change record.
    pub fn holdback(
        &mut self,
        idx: usize,
        now: Millis,
        ty: ClaimType,
        class: HoldbackReason,
        detailed: String,
        extra_fee: Option<i64>,
    ) -> Result<(), Fail> {
        match self.open_claim(idx, ty) {
            Some(c) if c.is_held() => return Err(SAME_STATE),
            Some(c) if c.status == ClaimStatus::ExchangeRedelivering => return Err(STATUS),
            Some(_) => {}
            None => return Err(STATUS),
        }
        if let Some(c) = self.pos[idx].current.as_mut() {
            c.holdback = Some(Holdback {
                status: HoldbackStatus::Holdback,
                reason: class,
                detailed_reason: detailed,
                config_date: now,
                release_date: None,
                extra_fee,
            });
        }
        Ok(())
    }

    /// Release a held return/exchange claim. No change record.
    pub fn release_holdback(&mut self, idx: usize, now: Millis, ty: ClaimType) -> Result<(), Fail> {
        match self.open_claim(idx, ty) {
            Some(c) if c.is_held() => {}
            Some(c) if c.holdback.is_some() => return Err(SAME_STATE),
            _ => return Err(STATUS),
        }
        if let Some(h) = self.pos[idx].current.as_mut().and_then(|c| c.holdback.as_mut()) {
            h.status = HoldbackStatus::Released;
            h.release_date = Some(now);
        }
        Ok(())
    }

    /// COLLECT_DONE (not held) → EXCHANGE_REDELIVERING (CLAIM_REDELIVERING).
    pub fn redeliver_exchange(&mut self, idx: usize, now: Millis, s: &Shipment) -> Result<(), Fail> {
        match self.open_claim(idx, ClaimType::Exchange) {
            Some(c) if c.is_held() => return Err(STATUS),
            Some(c) if c.status == ClaimStatus::ExchangeRedelivering => return Err(SAME_STATE),
            Some(c) if c.status == ClaimStatus::CollectDone => {}
            _ => return Err(EXCHANGE_STATE),
        }
        check_shipment(s)?;
        let order = self.pos[idx].order;
        if let (Some(c), Some(t)) = (&s.company, &s.tracking_number)
            && s.method == DeliveryMethod::Delivery
        {
            let k = (c.clone(), normalise_tracking(t));
            if self.trackings.get(&k).is_some_and(|&o| o != order) {
                return Err(TRACKING_USED);
            }
            self.trackings.insert(k, order);
        }
        if let Some(c) = self.pos[idx].current.as_mut() {
            c.status = ClaimStatus::ExchangeRedelivering;
            c.redelivery = Some(Redelivery {
                method: s.method,
                company: s.company.clone().filter(|c| !c.is_empty()),
                tracking_number: s.tracking_number.clone().filter(|t| !t.is_empty()),
                status: if s.method == DeliveryMethod::Delivery {
                    DeliveryStatus::Delivering
                } else {
                    DeliveryStatus::NotTracking
                },
                operation_date: now,
            });
        }
        self.touch(idx, LastChangedType::ClaimRedelivering, now);
        Ok(())
    }

    // ----------------------------------------------------------------- buyer / courier / time events

    /// Buyer pays: every PAYMENT_WAITING product order of the order → PAYED (lastChangedType PAYED).
    pub fn pay(&mut self, idx: usize, now: Millis) -> Result<Vec<usize>, Fail> {
        if self.pos[idx].status != ProductOrderStatus::PaymentWaiting {
            return Err(if self.pos[idx].status == ProductOrderStatus::Payed { SAME_STATE } else { STATUS });
        }
        let order = self.pos[idx].order;
        let members = self.orders[order].product_orders.clone();
        let mut changed = Vec::new();
        for m in members {
            if self.pos[m].status == ProductOrderStatus::PaymentWaiting {
                let po = &mut self.pos[m];
                po.status = ProductOrderStatus::Payed;
                po.shipping_due_date = Some(now + 3 * DAY);
                self.touch(m, LastChangedType::Payed, now);
                changed.push(m);
            }
        }
        let o = &mut self.orders[order];
        o.payment_date = Some(now);
        o.payment_due_date = None;
        o.payment_means = "무통장입금";
        Ok(changed)
    }

    /// Courier delivers: DELIVERING → DELIVERED (no change record; Commerce has no such type), or
    /// an EXCHANGE_REDELIVERING claim → EXCHANGE_DONE / EXCHANGED (CLAIM_COMPLETED).
    pub fn deliver(&mut self, idx: usize, now: Millis) -> Result<(), Fail> {
        if matches!(self.open_claim(idx, ClaimType::Exchange), Some(c) if c.status == ClaimStatus::ExchangeRedelivering)
        {
            let po = &mut self.pos[idx];
            if let Some(r) = po.current.as_mut().and_then(|c| c.redelivery.as_mut()) {
                r.status = DeliveryStatus::DeliveryCompletion;
            }
            if let Some(c) = po.current.as_mut() {
                c.admission_date = Some(now);
            }
            po.status = ProductOrderStatus::Exchanged;
            self.close_claim(idx, ClaimStatus::ExchangeDone, now);
            self.touch(idx, LastChangedType::ClaimCompleted, now);
            return Ok(());
        }
        let po = &mut self.pos[idx];
        match po.status {
            ProductOrderStatus::Delivering => {}
            ProductOrderStatus::Delivered => return Err(SAME_STATE),
            _ => return Err(STATUS),
        }
        po.status = ProductOrderStatus::Delivered;
        if let Some(d) = po.delivery.as_mut() {
            d.status = DeliveryStatus::DeliveryCompletion;
            d.delivered_date = Some(now);
        }
        if let Some(c) = po.current.as_mut()
            && c.prev_status == ProductOrderStatus::Delivering
        {
            c.prev_status = ProductOrderStatus::Delivered;
        }
        Ok(())
    }

    /// Buyer (or time) decides the purchase; a review is written for every decided product order.
    pub fn decide_purchase(&mut self, idx: usize, now: Millis) -> Result<(), Fail> {
        let po = &self.pos[idx];
        if po.status == ProductOrderStatus::PurchaseDecided {
            return Err(SAME_STATE);
        }
        if !matches!(
            po.status,
            ProductOrderStatus::Delivering | ProductOrderStatus::Delivered | ProductOrderStatus::Exchanged
        ) || po.current.is_some()
        {
            return Err(STATUS);
        }
        let writer = self.orders[po.order].orderer_id.clone();
        let po = &mut self.pos[idx];
        po.status = ProductOrderStatus::PurchaseDecided;
        po.decision_date = Some(now);
        self.touch(idx, LastChangedType::PurchaseDecided, now);
        let rng = &mut self.rng;
        let premium = rng.random_bool(0.3);
        let score = *fake::pick(rng, &[5u8, 5, 5, 4, 4, 4, 3, 2, 1]);
        let (title, content) = fake::review_text(rng);
        self.review_seq += 1 + rng.random_range(0..3);
        self.reviews.push(Review {
            id: self.review_seq.to_string(),
            class: if premium { PurchaseReviewClassType::Premium } else { PurchaseReviewClassType::General },
            score,
            product_order: idx,
            title,
            content,
            writer_id: writer,
            create_date: now,
            modify_date: now,
        });
        Ok(())
    }

    /// Buyer withdraws an open claim: CANCEL_REQUEST → CANCEL_REJECT, return/exchange → *_REJECT.
    pub fn withdraw_claim(&mut self, idx: usize, now: Millis) -> Result<(), Fail> {
        let Some(c) = self.pos[idx].current.as_ref() else {
            return Err(STATUS);
        };
        match (c.claim_type, c.status) {
            (ClaimType::Cancel, ClaimStatus::CancelRequest) => {
                let po = &mut self.pos[idx];
                if let Some(c) = po.current.as_ref() {
                    po.status = c.prev_status;
                }
                self.close_claim(idx, ClaimStatus::CancelReject, now);
                self.touch(idx, LastChangedType::ClaimRejected, now);
                Ok(())
            }
            (ClaimType::Return, _) | (ClaimType::Exchange, _) => {
                if c.status == ClaimStatus::ExchangeRedelivering {
                    return Err(STATUS);
                }
                let ty = c.claim_type;
                // A buyer may withdraw even a held claim.
                if let Some(h) = self.pos[idx].current.as_mut().and_then(|c| c.holdback.as_mut())
                    && h.status == HoldbackStatus::Holdback
                {
                    h.status = HoldbackStatus::Released;
                    h.release_date = Some(now);
                }
                self.reject_collect_claim(idx, now, ty, None)
            }
            _ => Err(STATUS),
        }
    }
}
