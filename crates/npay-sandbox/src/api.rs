//! Handlers of the order API operations (the settlement reads are in `settle`).

use std::collections::HashSet;
use std::sync::atomic::Ordering;

use bytes::Bytes;
use http::header::CONTENT_TYPE;
use http::{HeaderMap, StatusCode};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{Map, Value};

use crate::auth::{decode_sign, sign_matches};
use crate::enums::*;
use crate::input::{Fields, Invalid, Query, json_object};
use crate::limits;
use crate::reply::Reply;
use crate::router::Op;
use crate::state::{RateHeaders, Shared, lock};
use crate::store::{self, Actor, Fail, SearchFilter, Shipment, Store};
use crate::time::{Millis, Ts, real_now_ms};

const DAY_MS: i64 = 86_400_000;
const SIGNATURE_PAST_WINDOW_MS: i64 = 5 * 60_000;
const SIGNATURE_FUTURE_WINDOW_MS: i64 = 60_000;

// ------------------------------------------------------------------------------------------ token

#[derive(serde::Serialize)]
struct TokenResponse<'a> {
    access_token: &'a str,
    expires_in: i64,
    token_type: &'static str,
}

/// `POST /v1/oauth2/token`: a form body only. As the live gateway is reported to, it refuses
/// parameters in the query string and a request with no `Content-Type` with 415; a body of
/// another type (JSON) reaches the API server, which finds no fields (400, as reported).
pub async fn issue_token(
    shared: &Shared,
    trace: &str,
    query: Option<&str>,
    headers: &HeaderMap,
    body: Bytes,
) -> (Reply, Option<RateHeaders>) {
    let resets = shared.resets();
    let now = shared.now();
    let content_type = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_ascii_lowercase);
    if content_type.is_none() || query.is_some_and(|q| !q.is_empty()) {
        return (Reply::unsupported_media_type(trace, now), None);
    }
    let is_form = content_type.is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    let fields: Vec<(String, String)> = if is_form {
        form_urlencoded::parse(&body).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
    } else {
        Vec::new()
    };
    let get = |n: &str| fields.iter().find(|(k, _)| k == n).map(|(_, v)| v.as_str()).filter(|v| !v.is_empty());
    let mut inv = Invalid::default();
    let client_id = get("client_id");
    let timestamp = get("timestamp");
    let grant_type = get("grant_type");
    let sign = get("client_secret_sign");
    let typ = get("type");
    let account_id = get("account_id");
    for (name, v) in [
        ("client_id", client_id),
        ("timestamp", timestamp),
        ("grant_type", grant_type),
        ("client_secret_sign", sign),
        ("type", typ),
    ] {
        if v.is_none() {
            inv.required(name);
        }
    }
    let ts = timestamp.and_then(|t| {
        // Any int64 is a timestamp (one far from now fails the window check with 401).
        match t.parse::<i64>() {
            Ok(v) => Some(v),
            Err(_) => {
                inv.push(
                    "timestamp",
                    "typeMismatch",
                    "형식이 올바르지 않습니다. (timestamp must be Unix epoch milliseconds)",
                );
                None
            }
        }
    });
    if grant_type.is_some_and(|g| g != "client_credentials") {
        inv.push(
            "grant_type",
            "Pattern",
            "grant_type은 client_credentials만 허용됩니다. (grant_type must be client_credentials)",
        );
    }
    if typ.is_some_and(|t| t != "SELF" && t != "SELLER") {
        inv.push("type", "typeMismatch", "허용되지 않는 값입니다. (type must be SELF or SELLER)");
    }
    if typ == Some("SELLER") && account_id.is_none() {
        inv.push(
            "account_id",
            "NotNull",
            "type이 SELLER이면 account_id가 필요합니다. (account_id is required when type is SELLER)",
        );
    }
    if !inv.is_empty() {
        return (Reply::invalid(&inv, trace, now), None);
    }
    let (client_id, ts, sign, typ) = match (client_id, ts, sign, typ) {
        (Some(a), Some(b), Some(c), Some(d)) => (a, b, c, d),
        _ => return (Reply::invalid(&inv, trace, now), None),
    };
    if client_id != shared.client_id {
        return (Reply::authn("unknown client_id", trace, now), None);
    }
    let real = real_now_ms();
    if ts < real - SIGNATURE_PAST_WINDOW_MS || ts > real + SIGNATURE_FUTURE_WINDOW_MS {
        return (
            Reply::authn("timestamp is outside the allowed window (at most 5 minutes old, 1 minute ahead)", trace, now),
            None,
        );
    }
    let Some(decoded) = decode_sign(sign) else {
        return (Reply::authn("client_secret_sign is not valid Base64", trace, now), None);
    };
    let secret = shared.client_secret.clone();
    let id = client_id.to_string();
    let valid = tokio::task::spawn_blocking(move || sign_matches(&secret, &id, ts, &decoded)).await.unwrap_or(false);
    if shared.resets() != resets {
        // The sandbox was reset during the check: no token for a state that is gone.
        return (Reply::reset_meanwhile(trace, now), None);
    }
    if !valid {
        return (Reply::authn("client_secret_sign does not match", trace, now), None);
    }
    let rate = shared.rate_check();
    if let Some((false, _)) = rate {
        return (Reply::rate_limited(trace, now), rate.map(|r| r.1));
    }
    if typ == "SELLER" {
        // The sandbox application has no related sellers, so no seller resource can be granted.
        let reply = Reply::error(
            StatusCode::FORBIDDEN,
            "RESOURCE_NOT_AVAILABLE",
            "요청한 리소스에 접근할 수 없습니다. (the sandbox application has no related sellers; use type=SELF)",
            trace,
            now,
        );
        return (reply, rate.map(|r| r.1));
    }
    let now = shared.now();
    let (token, expires_in, minted) = lock(&shared.tokens).issue(typ, account_id, now);
    if minted {
        shared.stats.tokens_issued.fetch_add(1, Ordering::Relaxed);
    }
    let reply = Reply::json(StatusCode::OK, &TokenResponse { access_token: &token, expires_in, token_type: "Bearer" });
    (reply, rate.map(|r| r.1))
}

// ------------------------------------------------------------------------------------------ dispatch

/// Authenticates, rate-limits and runs one API operation (everything but issueToken).
pub fn handle(
    shared: &Shared,
    op: Op,
    param: Option<&str>,
    query: Option<&str>,
    headers: &HeaderMap,
    body: &[u8],
    trace: &str,
) -> (Reply, Option<RateHeaders>) {
    let now = shared.now();
    if let Err(r) = shared.authenticate(headers, trace, now) {
        return (r, None);
    }
    let rate = shared.rate_check();
    if let Some((false, h)) = rate {
        return (Reply::rate_limited(trace, now), Some(h));
    }
    let rate = rate.map(|r| r.1);
    let param = param.map(percent_decode);
    let cx = Cx { shared, trace, now };
    if !emulated(op) {
        return (not_emulated(op, trace, now), rate);
    }
    let reply = match op {
        op if op.is_settlement() => crate::settle::handle(shared, op, query, trace, now),
        Op::ListLastChangedStatuses => last_changed(&cx, query),
        Op::ListProductOrderIds => product_order_ids(&cx, param.as_deref().unwrap_or("")),
        Op::SearchProductOrders => search(&cx, query),
        Op::ListReviews => reviews(&cx, query),
        _ => match json_body(&cx, op, headers, body) {
            Err(r) => r,
            Ok(map) => match op {
                Op::QueryProductOrders => query_product_orders(&cx, &map),
                Op::ConfirmProductOrders => confirm(&cx, &map),
                Op::DispatchProductOrders => dispatch(&cx, &map),
                _ => single_item(&cx, op, param.as_deref().unwrap_or(""), &map),
            },
        },
    };
    (reply, rate)
}

struct Cx<'a> {
    shared: &'a Shared,
    trace: &'a str,
    now: Millis,
}

impl Cx<'_> {
    fn ok<T: Serialize>(&self, data: T) -> Reply {
        Reply::ok(self.trace, self.shared.now(), data)
    }
    fn invalid(&self, inv: &Invalid) -> Reply {
        Reply::invalid(inv, self.trace, self.now)
    }
    fn store(&self) -> std::sync::MutexGuard<'_, Store> {
        lock(&self.shared.store)
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = |c: u8| (c as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Whether the sandbox has a handler for `op`: the one list of what it emulates. An operation
/// added to the spec is routed, authenticated and counted like any other, and answers
/// [`not_emulated`] until its handler is written and named here (`cargo xtask generate` lists
/// those it finds missing).
fn emulated(op: Op) -> bool {
    // Exhaustive today; a variant the spec adds tomorrow falls outside it.
    matches!(
        op,
        Op::IssueToken
            | Op::ListLastChangedStatuses
            | Op::QueryProductOrders
            | Op::ListProductOrderIds
            | Op::SearchProductOrders
            | Op::ConfirmProductOrders
            | Op::DelayDispatch
            | Op::DispatchProductOrders
            | Op::RequestCancel
            | Op::ApproveCancel
            | Op::RequestReturn
            | Op::ApproveReturn
            | Op::RejectReturn
            | Op::HoldbackReturn
            | Op::ReleaseReturnHoldback
            | Op::CompleteExchangeCollect
            | Op::RedeliverExchange
            | Op::RejectExchange
            | Op::HoldbackExchange
            | Op::ReleaseExchangeHoldback
            | Op::ListReviews
            | Op::ListSettlementsByCase
            | Op::ListDailySettlements
            | Op::ListCommissionDetails
            | Op::ListVatByCase
            | Op::ListDailyVat
    )
}

/// 501 with the gateway's error body: the operation is in the spec, the sandbox has no handler.
fn not_emulated(op: Op, trace: &str, now: Millis) -> Reply {
    Reply::error(
        StatusCode::NOT_IMPLEMENTED,
        "SANDBOX.NOT_EMULATED",
        &format!("샌드박스가 아직 지원하지 않는 기능입니다. ({} is in the spec but not emulated yet)", op.id()),
        trace,
        now,
    )
}

fn json_body(cx: &Cx, op: Op, headers: &HeaderMap, body: &[u8]) -> Result<Map<String, Value>, Reply> {
    if !op.has_json_body() {
        return Ok(Map::new());
    }
    if let Some(ct) = headers.get(CONTENT_TYPE) {
        let ct = ct.to_str().unwrap_or("").to_ascii_lowercase();
        let mime = ct.split(';').next().unwrap_or("").trim();
        if mime != "application/json" && !mime.ends_with("+json") {
            return Err(Reply::error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "UNSUPPORTED_MEDIA_TYPE",
                "지원하지 않는 Content-Type입니다. (send application/json)",
                cx.trace,
                cx.now,
            ));
        }
    }
    json_object(body).map_err(|inv| cx.invalid(&inv))
}

// ------------------------------------------------------------------------------------------ reads

/// Applies the 24-hour rule; returns the effective `to`.
fn check_range(cx: &Cx, from: Millis, to: Option<Millis>, to_name: &str) -> Result<Millis, Reply> {
    let to = to.unwrap_or(from + DAY_MS);
    if to < from {
        let mut inv = Invalid::default();
        inv.push(
            to_name,
            "DateRange",
            "종료 일시가 시작 일시보다 앞설 수 없습니다. (the end of the range is before its start)",
        );
        return Err(cx.invalid(&inv));
    }
    if to - from > DAY_MS {
        return Err(Reply::invalid_with_code(
            "104139",
            "조회 가능한 기간을 초과했습니다. (the range may span at most 24 hours)",
            to_name,
            "DateRange",
            cx.trace,
            cx.now,
        ));
    }
    Ok(to)
}

struct LastChangedData<'a> {
    store: &'a Store,
    items: &'a [usize],
    more: Option<(Millis, u64)>,
}

impl Serialize for LastChangedData<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("count", &self.items.len())?;
        m.serialize_entry("lastChangeStatuses", &Seq(self.items, |i: usize| self.store.change_view(i)))?;
        if let Some((t, k)) = self.more {
            m.serialize_entry("more", &More { more_from: Ts(t), more_sequence: format!("{k:020}") })?;
        }
        m.end()
    }
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct More {
    more_from: Ts,
    more_sequence: String,
}

/// Serialises `items` mapped through `f` as a JSON array.
struct Seq<'a, F>(&'a [usize], F);

impl<T: Serialize, F: Fn(usize) -> T> Serialize for Seq<'_, F> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for &i in self.0 {
            seq.serialize_element(&(self.1)(i))?;
        }
        seq.end()
    }
}

fn last_changed(cx: &Cx, query: Option<&str>) -> Reply {
    let q = Query::parse(query);
    let mut inv = Invalid::default();
    let from = q.req_datetime(&mut inv, "lastChangedFrom");
    let to = q.opt_datetime(&mut inv, "lastChangedTo");
    let typ = q.opt_enum(&mut inv, "lastChangedType", LastChangedType::parse);
    let limit =
        q.int_within(&mut inv, "limitCount", limits::list_last_changed_statuses::LIMIT_COUNT).map_or(0, |n| n as usize);
    let seq = match q.first("moreSequence") {
        None => None,
        Some(s) if !s.is_empty() && s.len() <= 20 && s.bytes().all(|b| b.is_ascii_digit()) => s.parse::<u64>().ok(),
        Some(_) => {
            inv.push("moreSequence", "typeMismatch", "moreSequence에는 응답의 more.moreSequence 값만 사용할 수 있습니다. (use the value returned in more.moreSequence)");
            None
        }
    };
    let Some(from) = from.filter(|_| inv.is_empty()) else {
        return cx.invalid(&inv);
    };
    let to = match check_range(cx, from, to, "lastChangedTo") {
        Ok(t) => t,
        Err(r) => return r,
    };
    let store = cx.store();
    let (items, more) = store.last_changed(from, seq, to, typ, limit, cx.now);
    cx.ok(LastChangedData { store: &store, items: &items, more })
}

fn query_product_orders(cx: &Cx, map: &Map<String, Value>) -> Reply {
    let f = Fields::new(map);
    let mut inv = Invalid::default();
    let ids =
        f.list_within(&mut inv, "productOrderIds", limits::query_product_orders::PRODUCT_ORDER_IDS, Fields::str_array);
    f.opt_bool(&mut inv, "quantityClaimCompatibility");
    let Some(ids) = ids.filter(|_| inv.is_empty()) else {
        return cx.invalid(&inv);
    };
    let store = cx.store();
    let mut seen = HashSet::new();
    let idxs: Vec<usize> =
        ids.iter().filter(|id| seen.insert(id.as_str())).filter_map(|id| store.po_index(id)).collect();
    cx.ok(Seq(&idxs, |i| store.info_view(i)))
}

fn product_order_ids(cx: &Cx, order_id: &str) -> Reply {
    let store = cx.store();
    let Some(o) = store.order_index(order_id) else {
        return Reply::error(
            StatusCode::NOT_FOUND,
            "100003",
            "주문 정보를 찾을 수 없습니다. (order not found)",
            cx.trace,
            cx.now,
        );
    };
    let ids: Vec<&str> = store.orders[o].product_orders.iter().map(|&i| store.pos[i].id.as_str()).collect();
    cx.ok(ids)
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct Pagination {
    page: usize,
    size: usize,
    has_next: bool,
}

struct SearchData<'a> {
    store: &'a Store,
    items: &'a [usize],
    pagination: Pagination,
}

struct SearchItem<'a> {
    store: &'a Store,
    idx: usize,
}

impl Serialize for SearchItem<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("productOrderId", &self.store.pos[self.idx].id)?;
        m.serialize_entry("content", &self.store.info_view(self.idx))?;
        m.end()
    }
}

impl Serialize for SearchData<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("contents", &Seq(self.items, |idx| SearchItem { store: self.store, idx }))?;
        m.serialize_entry("pagination", &self.pagination)?;
        m.end()
    }
}

fn search(cx: &Cx, query: Option<&str>) -> Reply {
    let q = Query::parse(query);
    let mut inv = Invalid::default();
    let from = q.req_datetime(&mut inv, "from");
    let to = q.opt_datetime(&mut inv, "to");
    let range_type = q.req_enum(&mut inv, "rangeType", SearchRangeType::parse);
    let statuses = q.enum_list(&mut inv, "productOrderStatuses", ProductOrderStatus::parse);
    let claim_statuses = q.enum_list(&mut inv, "claimStatuses", ClaimStatus::parse);
    let place = q.opt_enum(&mut inv, "placeOrderStatusType", PlaceOrderStatus::parse);
    let fulfillment = q.opt_bool(&mut inv, "fulfillment");
    q.opt_bool(&mut inv, "quantityClaimCompatibility");
    let page = q.int_within(&mut inv, "page", limits::search_product_orders::PAGE).unwrap_or(1) as usize;
    let page_size = q.int_within(&mut inv, "pageSize", limits::search_product_orders::PAGE_SIZE).unwrap_or(0) as usize;
    let (Some(from), Some(range_type)) = (from, range_type) else {
        return cx.invalid(&inv);
    };
    if !inv.is_empty() {
        return cx.invalid(&inv);
    }
    let to = match check_range(cx, from, to, "to") {
        Ok(t) => t,
        Err(r) => return r,
    };
    let filter = SearchFilter { from, to, range_type, statuses, claim_statuses, place, fulfillment, page, page_size };
    let store = cx.store();
    let res = store.search(&filter);
    cx.ok(SearchData {
        store: &store,
        items: &res.items,
        pagination: Pagination { page, size: page_size, has_next: res.has_next },
    })
}

struct ReviewsData<'a> {
    store: &'a Store,
    items: &'a [usize],
    pagination: Pagination,
}

impl Serialize for ReviewsData<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(2))?;
        let st = self.store;
        m.serialize_entry(
            "purchaseReviews",
            &Seq(self.items, |i| {
                let r = &st.reviews[i];
                crate::model::ReviewView { r, po: &st.pos[r.product_order] }
            }),
        )?;
        m.serialize_entry("pagination", &self.pagination)?;
        m.end()
    }
}

fn reviews(cx: &Cx, query: Option<&str>) -> Reply {
    let q = Query::parse(query);
    let mut inv = Invalid::default();
    let from = q.req_datetime(&mut inv, "inquiryTimeFrom");
    let to = q.opt_datetime(&mut inv, "inquiryTimeTo");
    let class = q.opt_enum(&mut inv, "purchaseReviewClassType", PurchaseReviewClassType::parse);
    let page = q.int_within(&mut inv, "page", limits::list_reviews::PAGE).unwrap_or(1) as usize;
    let page_size = q.int_within(&mut inv, "pageSize", limits::list_reviews::PAGE_SIZE).unwrap_or(0) as usize;
    let Some(from) = from.filter(|_| inv.is_empty()) else {
        return cx.invalid(&inv);
    };
    let to = match check_range(cx, from, to, "inquiryTimeTo") {
        Ok(t) => t,
        Err(r) => return r,
    };
    let store = cx.store();
    let res = store.reviews_page(from, to, class, page, page_size);
    cx.ok(ReviewsData {
        store: &store,
        items: &res.items,
        pagination: Pagination { page, size: page_size, has_next: res.has_next },
    })
}

// ------------------------------------------------------------------------------------------ batch writes

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct FailInfo {
    product_order_id: String,
    code: &'static str,
    message: &'static str,
}

impl FailInfo {
    fn new(id: &str, f: Fail) -> FailInfo {
        FailInfo { product_order_id: id.to_string(), code: f.code, message: f.message }
    }
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct ConfirmSuccess {
    product_order_id: String,
    is_receiver_address_changed: bool,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct ConfirmResult {
    success_product_order_infos: Vec<ConfirmSuccess>,
    fail_product_order_infos: Vec<FailInfo>,
}

#[derive(serde::Serialize, Default)]
#[serde(rename_all = "camelCase")]
struct ClaimResult {
    success_product_order_ids: Vec<String>,
    fail_product_order_infos: Vec<FailInfo>,
}

fn confirm(cx: &Cx, map: &Map<String, Value>) -> Reply {
    let f = Fields::new(map);
    let mut inv = Invalid::default();
    let ids = f.list_within(
        &mut inv,
        "productOrderIds",
        limits::confirm_product_orders::PRODUCT_ORDER_IDS,
        Fields::str_array,
    );
    let Some(ids) = ids.filter(|_| inv.is_empty()) else {
        return cx.invalid(&inv);
    };
    let mut res = ConfirmResult { success_product_order_infos: Vec::new(), fail_product_order_infos: Vec::new() };
    let mut seen = HashSet::new();
    let mut applied = 0;
    {
        let mut store = cx.store();
        for id in &ids {
            if !seen.insert(id.as_str()) {
                res.fail_product_order_infos.push(FailInfo::new(id, store::DUPLICATE));
                continue;
            }
            let Some(idx) = store.po_index(id) else {
                res.fail_product_order_infos.push(FailInfo::new(id, store::NOT_FOUND));
                continue;
            };
            match store.confirm(idx, cx.now) {
                Ok(()) => {
                    applied += 1;
                    res.success_product_order_infos
                        .push(ConfirmSuccess { product_order_id: id.clone(), is_receiver_address_changed: false });
                }
                Err(e) => res.fail_product_order_infos.push(FailInfo::new(id, e)),
            }
        }
        cx.shared.stats.mutated(Op::ConfirmProductOrders, applied);
    }
    cx.ok(res)
}

fn any<T>(_: T) -> bool {
    true
}

/// A courier code: one of the spec's `DeliveryCompanyCode` values, else 400 `typeMismatch`.
fn courier(f: &Fields, inv: &mut Invalid, name: &str) -> Option<String> {
    f.opt_enum(inv, name, |c| is_delivery_company(c).then_some(()), |()| true).and_then(|()| f.lenient_str(name))
}

/// `RequestDeliveryMethod`: every delivery method but the read-side `UNKNOWN`.
fn request_delivery_method(m: DeliveryMethod) -> bool {
    m != DeliveryMethod::Unknown
}

fn dispatch(cx: &Cx, map: &Map<String, Value>) -> Reply {
    let f = Fields::new(map);
    let mut inv = Invalid::default();
    let entries = f.list_within(
        &mut inv,
        "dispatchProductOrders",
        limits::dispatch_product_orders::DISPATCH_PRODUCT_ORDERS,
        Fields::obj_array,
    );
    let mut parsed = Vec::new();
    if let Some(entries) = entries {
        for (i, e) in entries.iter().enumerate() {
            let ef = Fields { map: e, prefix: format!("dispatchProductOrders[{i}].") };
            let id = ef.req_str(&mut inv, "productOrderId", usize::MAX);
            let method = ef.req_enum(&mut inv, "deliveryMethod", DeliveryMethod::parse, request_delivery_method);
            let company = courier(&ef, &mut inv, "deliveryCompanyCode");
            let tracking =
                ef.opt_str(&mut inv, "trackingNumber", limits::dispatch_product_order::TRACKING_NUMBER.max_chars());
            let date = ef.req_datetime(&mut inv, "dispatchDate");
            if let (Some(id), Some(method), Some(date)) = (id, method, date) {
                parsed.push((id, Shipment { method, company, tracking_number: tracking }, date));
            }
        }
    }
    if !inv.is_empty() {
        return cx.invalid(&inv);
    }
    let mut res = ClaimResult::default();
    let mut seen = HashSet::new();
    let mut applied = 0;
    {
        let mut store = cx.store();
        for (id, ship, date) in &parsed {
            if !seen.insert(id.as_str()) {
                res.fail_product_order_infos.push(FailInfo::new(id, store::DUPLICATE));
                continue;
            }
            let Some(idx) = store.po_index(id) else {
                res.fail_product_order_infos.push(FailInfo::new(id, store::NOT_FOUND));
                continue;
            };
            match store.dispatch(idx, cx.now, ship, *date) {
                Ok(()) => {
                    applied += 1;
                    res.success_product_order_ids.push(id.clone());
                }
                Err(e) => res.fail_product_order_infos.push(FailInfo::new(id, e)),
            }
        }
        cx.shared.stats.mutated(Op::DispatchProductOrders, applied);
    }
    cx.ok(res)
}

// ------------------------------------------------------------------------------------------ single-item writes

/// A validated single-item request.
enum Action {
    Delay { due: Millis, reason: DelayedDispatchReason, detailed: Option<String> },
    RequestCancel { reason: CancelRequestReason, detailed: Option<String>, quantity: Option<i64> },
    ApproveCancel,
    RequestReturn { reason: ReturnRequestReason, detailed: Option<String>, collect: Shipment, quantity: Option<i64> },
    ApproveReturn,
    Reject { ty: ClaimType, reason: String },
    Holdback { ty: ClaimType, class: HoldbackReason, detailed: String, fee: Option<i64> },
    Release { ty: ClaimType },
    CollectComplete,
    Redeliver { ship: Shipment },
}

fn parse_action(op: Op, map: &Map<String, Value>, inv: &mut Invalid) -> Option<Action> {
    let f = Fields::new(map);
    let action = match op {
        Op::DelayDispatch => {
            let due = f.req_datetime(inv, "dispatchDueDate");
            let reason = f.req_enum(inv, "delayedDispatchReason", DelayedDispatchReason::parse, any);
            let detailed = f.opt_str(
                inv,
                "dispatchDelayedDetailedReason",
                limits::delay_dispatch::DISPATCH_DELAYED_DETAILED_REASON.max_chars(),
            );
            Action::Delay { due: due?, reason: reason?, detailed }
        }
        Op::RequestCancel => {
            let reason = f.req_enum(inv, "cancelReason", CancelRequestReason::parse, any);
            let detailed =
                f.opt_str(inv, "cancelDetailedReason", limits::request_cancel::CANCEL_DETAILED_REASON.max_chars());
            let quantity = f.int_within(inv, "cancelQuantity", limits::request_cancel::CANCEL_QUANTITY);
            Action::RequestCancel { reason: reason?, detailed, quantity }
        }
        Op::ApproveCancel => Action::ApproveCancel,
        Op::RequestReturn => {
            let reason = f.req_enum(inv, "returnReason", ReturnRequestReason::parse, any);
            let method = f.req_enum(inv, "collectDeliveryMethod", DeliveryMethod::parse, request_delivery_method);
            let company = courier(&f, inv, "collectDeliveryCompany");
            // An invalid tracking number is a business failure (104122), checked with the state.
            let tracking =
                f.opt_str(inv, "collectTrackingNumber", limits::request_return::COLLECT_TRACKING_NUMBER.max_chars());
            // Not in the spec (objects are open): used when it is a string.
            let detailed = f.lenient_str("returnDetailedReason");
            let quantity = f.int_within(inv, "returnQuantity", limits::request_return::RETURN_QUANTITY);
            Action::RequestReturn {
                reason: reason?,
                detailed,
                collect: Shipment { method: method?, company, tracking_number: tracking },
                quantity,
            }
        }
        Op::ApproveReturn => Action::ApproveReturn,
        Op::RejectReturn => Action::Reject {
            ty: ClaimType::Return,
            reason: f.req_str(inv, "rejectReturnReason", limits::reject_return::REJECT_RETURN_REASON.max_chars())?,
        },
        Op::RejectExchange => Action::Reject {
            ty: ClaimType::Exchange,
            reason: f.req_str(
                inv,
                "rejectExchangeReason",
                limits::reject_exchange::REJECT_EXCHANGE_REASON.max_chars(),
            )?,
        },
        Op::HoldbackReturn | Op::HoldbackExchange => {
            use limits::{holdback_exchange as exchange, holdback_return as ret};
            let (ty, (detail_name, detail_limits), (fee_name, fee_limits)) = if op == Op::HoldbackReturn {
                (
                    ClaimType::Return,
                    ("holdbackReturnDetailReason", ret::HOLDBACK_RETURN_DETAIL_REASON),
                    ("extraReturnFeeAmount", ret::EXTRA_RETURN_FEE_AMOUNT),
                )
            } else {
                (
                    ClaimType::Exchange,
                    ("holdbackExchangeDetailReason", exchange::HOLDBACK_EXCHANGE_DETAIL_REASON),
                    ("extraExchangeFeeAmount", exchange::EXTRA_EXCHANGE_FEE_AMOUNT),
                )
            };
            let class = f.req_enum(inv, "holdbackClassType", HoldbackReason::parse, any);
            let detailed = f.req_str(inv, detail_name, detail_limits.max_chars());
            let fee = f.int_within(inv, fee_name, fee_limits);
            Action::Holdback { ty, class: class?, detailed: detailed?, fee }
        }
        Op::ReleaseReturnHoldback => Action::Release { ty: ClaimType::Return },
        Op::ReleaseExchangeHoldback => Action::Release { ty: ClaimType::Exchange },
        Op::CompleteExchangeCollect => Action::CollectComplete,
        Op::RedeliverExchange => {
            let method = f.req_enum(inv, "reDeliveryMethod", DeliveryMethod::parse, request_delivery_method);
            let company = courier(&f, inv, "reDeliveryCompany");
            let tracking = f.opt_str(
                inv,
                "reDeliveryTrackingNumber",
                limits::redeliver_exchange::RE_DELIVERY_TRACKING_NUMBER.max_chars(),
            );
            Action::Redeliver { ship: Shipment { method: method?, company, tracking_number: tracking } }
        }
        _ => return None,
    };
    Some(action)
}

fn single_item(cx: &Cx, op: Op, id: &str, map: &Map<String, Value>) -> Reply {
    let mut inv = Invalid::default();
    let action = parse_action(op, map, &mut inv);
    let action = match action {
        Some(a) if inv.is_empty() => a,
        _ => {
            if inv.is_empty() {
                inv.push("body", "NotNull", "요청 본문이 올바르지 않습니다. (invalid request body)");
            }
            return cx.invalid(&inv);
        }
    };
    let mut store = cx.store();
    let Some(idx) = store.po_index(id) else {
        drop(store);
        return Reply::error(StatusCode::NOT_FOUND, "100001", store::NOT_FOUND.message, cx.trace, cx.now);
    };
    // Quantity claims: the sandbox emulates whole-quantity claims only. A quantity other than the
    // remaining one is a per-item failure (104133); with nothing left the state check answers.
    let remaining = i64::from(store.pos[idx].remain_quantity());
    let quantity_check = |q: Option<i64>| -> Result<(), Fail> {
        match q {
            Some(q) if remaining > 0 && q > remaining => Err(store::QUANTITY_EXCEEDED),
            Some(q) if remaining > 0 && q != remaining => Err(store::QUANTITY_PARTIAL),
            _ => Ok(()),
        }
    };
    let now = cx.now;
    let result = match action {
        Action::Delay { due, reason, detailed } => store.delay(idx, now, reason, detailed, due),
        Action::RequestCancel { reason, detailed, quantity } => quantity_check(quantity).and_then(|()| {
            let reason = ClaimReason::parse(reason.as_str()).unwrap_or(ClaimReason::IntentChanged);
            store.request_cancel(idx, now, Actor::Seller, reason, detailed)
        }),
        Action::ApproveCancel => store.approve_cancel(idx, now),
        Action::RequestReturn { reason, detailed, collect, quantity } => {
            quantity_check(quantity).and_then(|()| store::check_collect_tracking(&collect)).and_then(|()| {
                let reason = ClaimReason::parse(reason.as_str()).unwrap_or(ClaimReason::IntentChanged);
                store.request_collect_claim(idx, now, ClaimType::Return, Actor::Seller, reason, detailed, collect)
            })
        }
        Action::ApproveReturn => store.approve_return(idx, now),
        Action::Reject { ty, reason } => store.reject_collect_claim(idx, now, ty, Some(reason)),
        Action::Holdback { ty, class, detailed, fee } => store.holdback(idx, now, ty, class, detailed, fee),
        Action::Release { ty } => store.release_holdback(idx, now, ty),
        Action::CollectComplete => store.collect_done(idx, now, Some(ClaimType::Exchange)),
        Action::Redeliver { ship } => store.redeliver_exchange(idx, now, &ship),
    };
    let mut res = ClaimResult::default();
    match result {
        Ok(()) => {
            cx.shared.stats.mutated(op, 1);
            res.success_product_order_ids.push(id.to_string());
        }
        Err(e) => res.fail_product_order_infos.push(FailInfo::new(id, e)),
    }
    drop(store);
    cx.ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_of_the_spec_is_emulated() {
        let missing: Vec<&str> = Op::ALL.into_iter().filter(|op| !emulated(*op)).map(Op::id).collect();
        assert!(missing.is_empty(), "operations without a handler: {missing:?}");
    }

    #[test]
    fn an_operation_not_emulated_answers_501_with_the_gateway_error_body() {
        let reply = not_emulated(Op::ListReviews, "sbx^1^1", 0);
        assert_eq!(reply.status, StatusCode::NOT_IMPLEMENTED);
        let body: Value = serde_json::from_slice(&reply.body).unwrap();
        assert_eq!(body["code"], "SANDBOX.NOT_EMULATED");
        assert!(body["message"].as_str().unwrap().contains("listReviews"));
        assert_eq!(body["traceId"], "sbx^1^1");
    }
}
