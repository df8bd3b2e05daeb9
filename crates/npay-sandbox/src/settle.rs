//! The settlement reads (`/v1/pay-settle-mall/...`): rows derived, on every call, from the
//! product orders in the store, so they always agree with the orders' amounts and states.
//!
//! * A purchase-decided product order is **settled**: basis date = the decision's KST day,
//!   expected settlement date = the next day, completion date = the expected date once the
//!   sandbox clock has reached it.
//! * A delivered (or exchanged) one not yet decided is **unsettled**: only its payment date.
//! * A paid one later cancelled or returned is **cancelled before settlement**
//!   (`NORMAL_SETTLE_BEFORE_CANCEL`, amounts 0).
//!
//! Each gives a `PROD_ORDER` row; the product order carrying the order's shipping fee also gives
//! a `DELIVERY` row under its own shipping-fee number. Amounts use the order data's commissions
//! (`model::commissions`: 3.63 % payment → `totalPayCommissionAmount`, 2 % sale →
//! `sellingInterlockCommissionAmount`, both negative), so `settleExpectAmount` equals the product
//! order's `expectedSettlementAmount`. Commission details split each row by commission type, the
//! daily view sums settled rows per expected date, and the VAT views take settled rows by basis
//! date, split by payment means.

use chrono::{Datelike, Days, NaiveDate};
use http::StatusCode;
use serde::Serialize;

use crate::enums::{SettleDecisionType, SettlePeriodType, SettleType};
use crate::input::{Invalid, Query};
use crate::model::{MALL_ID, Order, ProductOrder, commissions};
use crate::reply::Reply;
use crate::router::Op;
use crate::state::{Shared, lock};
use crate::store::Store;
use crate::time::{Day, Millis, kst_date};

/// The sandbox merchant as the settlement views name it.
const MERCHANT_NAME: &str = "네이버페이 샌드박스 상점";
const CONTRACT_NO: &str = "2026010100001";
const BANK: &str = "KB";
const DEPOSITOR: &str = "샌드박스 상점";
const ACCOUNT_NO: &str = "123456-**-***789";
/// The longest `settle/daily` range, in days counted inclusively (reported as "about a month").
const DAILY_MAX_DAYS: u64 = 31;
/// The error code of the settlement operations' 400s (Commerce `pay-settle` examples).
const BAD_REQUEST: &str = "BAD_REQUEST";

/// Answers one settlement operation (authentication and rate limits are done by the caller).
pub fn handle(shared: &Shared, op: Op, query: Option<&str>, trace: &str, now: Millis) -> Reply {
    let q = Query::parse(query);
    let mut inv = Invalid::default();
    let today = kst_date(now);
    let reply = match op {
        Op::ListSettlementsByCase | Op::ListCommissionDetails => {
            let filter = CaseFilter::parse(&q, &mut inv);
            match PageRequest::parse(&q, &mut inv) {
                Some(page) if inv.is_empty() => {
                    let store = lock(&shared.store);
                    let rows: Vec<CaseRow> = case_rows(&store, today).filter(|r| filter.matches(r)).collect();
                    if op == Op::ListSettlementsByCase {
                        page.answer(&rows.iter().map(CaseView).collect::<Vec<_>>())
                    } else {
                        page.answer(&rows.iter().flat_map(commission_views).collect::<Vec<_>>())
                    }
                }
                _ => None,
            }
        }
        Op::ListDailySettlements => {
            let range = DateRange::parse(&q, &mut inv);
            let page = PageRequest::parse(&q, &mut inv);
            match (range, page) {
                (Some(range), Some(page)) if inv.is_empty() && range.check_daily(&mut inv) => {
                    let store = lock(&shared.store);
                    page.answer(&daily_settlements(&store, today, range))
                }
                _ => None,
            }
        }
        Op::ListVatByCase | Op::ListDailyVat => {
            let range = DateRange::parse(&q, &mut inv);
            let page = PageRequest::parse(&q, &mut inv);
            match (range, page) {
                (Some(range), Some(page)) if inv.is_empty() && range.check_vat(&mut inv, today) => {
                    let store = lock(&shared.store);
                    let rows: Vec<VatRow> = case_rows(&store, today).filter_map(|r| VatRow::of(&r, range)).collect();
                    if op == Op::ListVatByCase {
                        page.answer(&rows.iter().map(VatCaseView).collect::<Vec<_>>())
                    } else {
                        page.answer(&daily_vat(&rows))
                    }
                }
                _ => None,
            }
        }
        _ => unreachable!("settle::handle is only called for settlement operations"),
    };
    reply.unwrap_or_else(|| {
        Reply::invalid_coded(BAD_REQUEST, "잘못된 요청입니다. (invalid request parameters)", &inv, trace, now)
    })
}

// ------------------------------------------------------------------------------------------ requests

/// `pageNumber` and `pageSize`, both required, within the spec's limits.
struct PageRequest {
    number: usize,
    size: usize,
}

impl PageRequest {
    fn parse(q: &Query, inv: &mut Invalid) -> Option<PageRequest> {
        // The five settlement reads share their paging parameters (the spec's `SettlePageNumber` and
        // `SettlePageSize`), so any one operation's limits are all of theirs.
        use crate::limits::list_settlements_by_case::{PAGE_NUMBER, PAGE_SIZE};
        let number = q.req_int(inv, "pageNumber", PAGE_NUMBER.min(), PAGE_NUMBER.max().or(Some(i64::from(i32::MAX))));
        let size = q.req_int(inv, "pageSize", PAGE_SIZE.min(), PAGE_SIZE.max());
        Some(PageRequest { number: number? as usize, size: size? as usize })
    }

    /// `{elements, pagination}` of the requested page of `rows`; `page` echoes `pageNumber`.
    fn answer<T: Serialize>(&self, rows: &[T]) -> Option<Reply> {
        let start = (self.number - 1).saturating_mul(self.size);
        let elements: Vec<&T> = rows.iter().skip(start).take(self.size).collect();
        Some(Reply::json(
            StatusCode::OK,
            &serde_json::json!({
                "elements": elements,
                "pagination": {
                    "page": self.number,
                    "size": self.size,
                    "totalPages": rows.len().div_ceil(self.size),
                    "totalElements": rows.len(),
                },
            }),
        ))
    }
}

/// The filters of `settle/case` and `settle/commission-details`.
struct CaseFilter {
    search_date: Option<NaiveDate>,
    period: SettlePeriodType,
    decision: Option<SettleDecisionType>,
    settle_type: Option<SettleType>,
    order_id: Option<String>,
    product_order_id: Option<String>,
}

impl CaseFilter {
    fn parse(q: &Query, inv: &mut Invalid) -> CaseFilter {
        CaseFilter {
            search_date: q.opt_date(inv, "searchDate"),
            // The default axis is undocumented; the sandbox reads searchDate as the basis date.
            period: q
                .opt_enum(inv, "periodType", SettlePeriodType::parse)
                .unwrap_or(SettlePeriodType::SettleCasebycaseSettleBasisDate),
            decision: q.opt_enum(inv, "settleDecisionType", SettleDecisionType::parse),
            settle_type: q.opt_enum(inv, "settleType", SettleType::parse),
            order_id: q.opt_text(inv, "orderId").map(str::to_owned),
            product_order_id: q.opt_text(inv, "productOrderId").map(str::to_owned),
        }
    }

    fn matches(&self, row: &CaseRow) -> bool {
        let date = match self.period {
            SettlePeriodType::SettleCasebycaseSettleScheduleDate => row.expect,
            SettlePeriodType::SettleCasebycaseSettleBasisDate
            | SettlePeriodType::SettleCasebycaseTaxreturnBasisDate => row.basis,
            SettlePeriodType::SettleCasebycaseSettleCompleteDate => row.complete,
            SettlePeriodType::SettleCasebycasePayDate => row.pay,
        };
        // settleDecisionType only means something on the payment-date axis; elsewhere it is ignored.
        let decision_ok =
            self.period != SettlePeriodType::SettleCasebycasePayDate || self.decision.is_none_or(|d| d == row.decision);
        self.search_date.is_none_or(|d| date == Some(d))
            && decision_ok
            && self.settle_type.is_none_or(|t| t == row.settle_type)
            && self.order_id.as_deref().is_none_or(|id| id == row.order.order_id)
            && self.product_order_id.as_deref().is_none_or(|id| id == row.number)
    }
}

/// `startDate`/`endDate`, both required, inclusive.
#[derive(Clone, Copy)]
struct DateRange {
    start: NaiveDate,
    end: NaiveDate,
}

impl DateRange {
    fn parse(q: &Query, inv: &mut Invalid) -> Option<DateRange> {
        let start = q.req_date(inv, "startDate");
        let end = q.req_date(inv, "endDate");
        Some(DateRange { start: start?, end: end? })
    }

    fn contains(self, day: NaiveDate) -> bool {
        self.start <= day && day <= self.end
    }

    fn check_order(self, inv: &mut Invalid) -> bool {
        if self.end < self.start {
            inv.push("endDate", "DateRange", "종료일이 시작일보다 앞설 수 없습니다. (endDate is before startDate)");
            return false;
        }
        true
    }

    /// `settle/daily`: at most [`DAILY_MAX_DAYS`] days.
    fn check_daily(self, inv: &mut Invalid) -> bool {
        if !self.check_order(inv) {
            return false;
        }
        if self.start.checked_add_days(Days::new(DAILY_MAX_DAYS - 1)).is_some_and(|last| self.end > last) {
            inv.push(
                "endDate",
                "DateRange",
                format!("조회 기간은 {DAILY_MAX_DAYS}일을 넘을 수 없습니다. (the range may span at most {DAILY_MAX_DAYS} days)"),
            );
            return false;
        }
        true
    }

    /// `vat/*`: only up to the last day of the previous month (KST, sandbox clock).
    fn check_vat(self, inv: &mut Invalid, today: NaiveDate) -> bool {
        if !self.check_order(inv) {
            return false;
        }
        let last = last_day_of_previous_month(today);
        if self.end > last {
            inv.push(
                "endDate",
                "DateRange",
                format!("지난달 말일({last})까지만 조회할 수 있습니다. (VAT data reaches only the last day of the previous month, {last})"),
            );
            return false;
        }
        true
    }
}

fn last_day_of_previous_month(today: NaiveDate) -> NaiveDate {
    today.with_day(1).and_then(|first| first.pred_opt()).unwrap_or(NaiveDate::MIN)
}

// ------------------------------------------------------------------------------------------ rows

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Product,
    Delivery,
}

/// One `settle/case` row: a product order, or the shipping fee it carries.
struct CaseRow<'a> {
    order: &'a Order,
    po: &'a ProductOrder,
    kind: Kind,
    /// `productOrderId` of the row: the product order's id, or its shipping-fee number.
    number: String,
    decision: SettleDecisionType,
    settle_type: SettleType,
    pay: Option<NaiveDate>,
    basis: Option<NaiveDate>,
    expect: Option<NaiveDate>,
    complete: Option<NaiveDate>,
    pay_settle: i64,
    pay_commission: i64,
    interlock_commission: i64,
}

impl CaseRow<'_> {
    fn expect_amount(&self) -> i64 {
        self.pay_settle + self.pay_commission + self.interlock_commission
    }
}

/// Every settlement row of the store, in product-order order (a product row, then its fee row).
fn case_rows(store: &Store, today: NaiveDate) -> impl Iterator<Item = CaseRow<'_>> {
    store.pos.iter().flat_map(move |po| {
        use crate::enums::ProductOrderStatus as S;
        let order = &store.orders[po.order];
        let pay = order.payment_date.map(kst_date);
        let decision = match po.status {
            S::PurchaseDecided => SettleDecisionType::Settled,
            S::Delivered | S::Exchanged => SettleDecisionType::Unsettled,
            S::Canceled | S::Returned if pay.is_some() => SettleDecisionType::BeforeCancel,
            _ => return Vec::new(),
        };
        let basis = po.decision_date.filter(|_| decision == SettleDecisionType::Settled).map(kst_date);
        let expect = basis.and_then(|b| b.succ_opt());
        let complete = expect.filter(|e| *e <= today);
        let row = |kind: Kind, number: String, amount: i64, interlock: bool| {
            let (pay_c, sale_c) =
                if decision == SettleDecisionType::BeforeCancel { (0, 0) } else { commissions(amount) };
            CaseRow {
                order,
                po,
                kind,
                number,
                decision,
                settle_type: if decision == SettleDecisionType::BeforeCancel {
                    SettleType::NormalSettleBeforeCancel
                } else {
                    SettleType::NormalSettleOriginal
                },
                pay,
                basis,
                expect,
                complete,
                pay_settle: if decision == SettleDecisionType::BeforeCancel { 0 } else { amount },
                pay_commission: -pay_c,
                interlock_commission: if interlock { -sale_c } else { 0 },
            }
        };
        let mut rows = vec![row(Kind::Product, po.id.clone(), po.total_payment_amount(), true)];
        if po.delivery_fee > 0 && decision != SettleDecisionType::BeforeCancel {
            rows.push(row(Kind::Delivery, shipping_fee_number(&po.id), po.delivery_fee, false));
        }
        rows
    })
}

/// The shipping-fee number of the product order `id` carrying an order's fee: same date prefix,
/// its own 8-digit sequence (never one of the product order counter's, which start at 21M).
fn shipping_fee_number(id: &str) -> String {
    let (date, seq) = id.split_at(id.len().saturating_sub(8));
    let seq: u64 = seq.parse().unwrap_or(0);
    format!("{date}{:08}", (seq + 60_000_000) % 100_000_000)
}

// ------------------------------------------------------------------------------------------ views

/// Writes `Some` fields only (absent values are left out, never `null`).
macro_rules! opt {
    ($m:expr, $k:literal, $v:expr) => {
        if let Some(v) = $v {
            $m.serialize_entry($k, &v)?;
        }
    };
}

use serde::ser::{SerializeMap, Serializer};

/// A `SettlementByCase` element.
struct CaseView<'r, 'a>(&'r CaseRow<'a>);

impl Serialize for CaseView<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.0;
        let mut m = s.serialize_map(None)?;
        opt!(m, "settleBasisDate", r.basis.map(Day));
        opt!(m, "settleExpectDate", r.expect.map(Day));
        opt!(m, "settleCompleteDate", r.complete.map(Day));
        opt!(m, "payDate", r.pay.map(Day));
        m.serialize_entry("orderId", &r.order.order_id)?;
        m.serialize_entry("productOrderId", &r.number)?;
        m.serialize_entry("productOrderType", product_order_type(r.kind))?;
        m.serialize_entry("settleType", &r.settle_type)?;
        if r.kind == Kind::Product {
            m.serialize_entry("productId", &r.po.product_id)?;
            m.serialize_entry("productName", r.po.product_name)?;
        }
        m.serialize_entry("purchaserName", &r.order.orderer_name)?;
        m.serialize_entry("paySettleAmount", &r.pay_settle)?;
        m.serialize_entry("totalPayCommissionAmount", &r.pay_commission)?;
        m.serialize_entry("freeInstallmentCommissionAmount", &0)?;
        m.serialize_entry("sellingInterlockCommissionAmount", &r.interlock_commission)?;
        m.serialize_entry("benefitSettleAmount", &0)?;
        m.serialize_entry("settleExpectAmount", &r.expect_amount())?;
        m.serialize_entry("merchantId", MALL_ID)?;
        m.serialize_entry("merchantName", MERCHANT_NAME)?;
        m.serialize_entry("contractNo", CONTRACT_NO)?;
        m.end()
    }
}

fn product_order_type(kind: Kind) -> &'static str {
    match kind {
        Kind::Product => "PROD_ORDER",
        Kind::Delivery => "DELIVERY",
    }
}

/// A `CommissionDetail` element: one commission type of one case row.
struct CommissionView<'r, 'a> {
    row: &'r CaseRow<'a>,
    commission_type: &'static str,
    amount: i64,
}

/// The commission rows of a case row: the Npay commission, and the sales-linked one of a product
/// (inflow from Naver Shopping). A row cancelled before settlement has none.
fn commission_views<'r, 'a>(row: &'r CaseRow<'a>) -> Vec<CommissionView<'r, 'a>> {
    if row.decision == SettleDecisionType::BeforeCancel {
        return Vec::new();
    }
    let mut views = vec![CommissionView { row, commission_type: "PAY_COMMISSION", amount: row.pay_commission }];
    if row.kind == Kind::Product {
        views.push(CommissionView { row, commission_type: "CHNL_COMMISSION", amount: row.interlock_commission });
    }
    views
}

/// The `payMeansType` of the sandbox's payment means.
fn pay_means_type(means: &str) -> &'static str {
    match means {
        "신용카드" | "신용카드 간편결제" => "PAYMEANS_TYPE_CCARD",
        "계좌 간편결제" => "PAYMEANS_TYPE_BANK",
        "포인트/머니결제" => "PAYMEANS_TYPE_NCASH",
        "휴대폰 간편결제" => "PAYMEANS_TYPE_MOBIL",
        "무통장입금" => "PAYMEANS_TYPE_VACCT",
        _ => "PAYMEANS_TYPE_NONE",
    }
}

impl Serialize for CommissionView<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.row;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("orderNo", &r.order.order_id)?;
        m.serialize_entry("productOrderId", &r.number)?;
        m.serialize_entry("productOrderType", product_order_type(r.kind))?;
        if r.kind == Kind::Product {
            m.serialize_entry("productId", &r.po.product_id)?;
            m.serialize_entry("productName", r.po.product_name)?;
        }
        m.serialize_entry("merchantId", MALL_ID)?;
        m.serialize_entry("merchantName", MERCHANT_NAME)?;
        m.serialize_entry("purchaserName", &r.order.orderer_name)?;
        m.serialize_entry("settleType", &r.settle_type)?;
        opt!(m, "settleBasisDate", r.basis.map(Day));
        opt!(m, "settleExpectDate", r.expect.map(Day));
        opt!(m, "settleCompleteDate", r.complete.map(Day));
        opt!(m, "taxReturnDate", r.basis.map(Day));
        m.serialize_entry("commissionBasisAmount", &r.pay_settle)?;
        m.serialize_entry("commissionType", self.commission_type)?;
        if self.commission_type == "CHNL_COMMISSION" {
            m.serialize_entry("sellingInterlockCommissionType", "NAVER_SHOPPING")?;
        } else {
            m.serialize_entry("payMeansType", pay_means_type(r.order.payment_means))?;
        }
        m.serialize_entry("commissionAmount", &self.amount)?;
        m.end()
    }
}

/// `settle/daily`: the settled rows summed per expected settlement date in `range`.
fn daily_settlements(store: &Store, today: NaiveDate, range: DateRange) -> Vec<serde_json::Value> {
    let mut days: std::collections::BTreeMap<NaiveDate, (NaiveDate, NaiveDate, i64, i64)> = Default::default();
    for row in case_rows(store, today) {
        let (Some(expect), Some(basis)) = (row.expect, row.basis) else { continue };
        if !range.contains(expect) {
            continue;
        }
        let day = days.entry(expect).or_insert((basis, basis, 0, 0));
        day.0 = day.0.min(basis);
        day.1 = day.1.max(basis);
        day.2 += row.pay_settle;
        day.3 += row.pay_commission + row.interlock_commission;
    }
    days.into_iter()
        .map(|(expect, (basis_start, basis_end, pay_settle, commission))| {
            let settle = pay_settle + commission;
            let mut v = serde_json::json!({
                "settleBasisStartDate": Day(basis_start),
                "settleBasisEndDate": Day(basis_end),
                "settleExpectDate": Day(expect),
                "settleAmount": settle,
                "paySettleAmount": pay_settle,
                "commissionSettleAmount": commission,
                "benefitSettleAmount": 0,
                "deductionRestoreSettleAmount": 0,
                "payHoldbackAmount": 0,
                "minusChargeAmount": 0,
                "differenceSettleAmount": 0,
                "returnCareSettleAmount": 0,
                "normalSettleAmount": settle,
                "quickSettleAmount": 0,
                "preferentialCommissionAmount": 0,
                "settlementLimitAmount": 0,
                "settleMethodType": "ACCOUNT",
                "bankType": BANK,
                "depositorName": DEPOSITOR,
                "accountNo": ACCOUNT_NO,
                "merchantId": MALL_ID,
                "merchantName": MERCHANT_NAME,
            });
            if expect <= today {
                v["settleCompleteDate"] = serde_json::json!(Day(expect));
            }
            v
        })
        .collect()
}

/// One `vat/case` row: a settled case row whose basis date is in the range, its sales split by
/// payment means (card; cash receipt for transfers, deposits and Naver Pay money; other for phone).
struct VatRow<'a> {
    basis: NaiveDate,
    order: &'a Order,
    po: &'a ProductOrder,
    kind: Kind,
    number: String,
    total: i64,
}

impl<'a> VatRow<'a> {
    fn of(row: &CaseRow<'a>, range: DateRange) -> Option<VatRow<'a>> {
        let basis = row.basis.filter(|b| row.decision == SettleDecisionType::Settled && range.contains(*b))?;
        Some(VatRow {
            basis,
            order: row.order,
            po: row.po,
            kind: row.kind,
            number: row.number.clone(),
            total: row.pay_settle,
        })
    }

    /// (creditCard, cashInComeDeduction, other).
    fn split(&self) -> (i64, i64, i64) {
        match pay_means_type(self.order.payment_means) {
            "PAYMEANS_TYPE_CCARD" => (self.total, 0, 0),
            "PAYMEANS_TYPE_MOBIL" | "PAYMEANS_TYPE_NONE" => (0, 0, self.total),
            _ => (0, self.total, 0),
        }
    }
}

/// The amount fields shared by `VatByCase` and `DailyVat` (every sale is taxable).
fn vat_amounts<M: SerializeMap>(m: &mut M, total: i64, (card, cash, other): (i64, i64, i64)) -> Result<(), M::Error> {
    m.serialize_entry("totalSalesAmount", &total)?;
    m.serialize_entry("taxationSalesAmount", &total)?;
    m.serialize_entry("taxExemptionSalesAmount", &0)?;
    m.serialize_entry("creditCardAmount", &card)?;
    m.serialize_entry("cashInComeDeductionAmount", &cash)?;
    m.serialize_entry("cashOutGoingEvidenceAmount", &0)?;
    m.serialize_entry("cashExclusionIssuanceAmount", &0)?;
    m.serialize_entry("otherAmount", &other)?;
    m.serialize_entry("merchantId", MALL_ID)?;
    m.serialize_entry("merchantName", MERCHANT_NAME)
}

/// A `VatByCase` element.
struct VatCaseView<'r, 'a>(&'r VatRow<'a>);

impl Serialize for VatCaseView<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.0;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("settleBasisDate", &Day(r.basis))?;
        m.serialize_entry("orderId", &r.order.order_id)?;
        m.serialize_entry("productOrderId", &r.number)?;
        m.serialize_entry("productOrderType", product_order_type(r.kind))?;
        m.serialize_entry("detailType", "VOUCH_DETAIL_PAYMENT_SETL")?;
        m.serialize_entry("status", "VOUCH_PUBLICATION")?;
        if r.kind == Kind::Product {
            m.serialize_entry("productName", r.po.product_name)?;
        }
        vat_amounts(&mut m, r.total, r.split())?;
        m.end()
    }
}

/// A `DailyVat` element: the VAT rows of one basis date summed.
struct DailyVatView {
    basis: NaiveDate,
    total: i64,
    split: (i64, i64, i64),
}

impl Serialize for DailyVatView {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("settleBasisDate", &Day(self.basis))?;
        vat_amounts(&mut m, self.total, self.split)?;
        m.end()
    }
}

fn daily_vat(rows: &[VatRow]) -> Vec<DailyVatView> {
    let mut days: std::collections::BTreeMap<NaiveDate, DailyVatView> = Default::default();
    for row in rows {
        let day = days.entry(row.basis).or_insert(DailyVatView { basis: row.basis, total: 0, split: (0, 0, 0) });
        let (card, cash, other) = row.split();
        day.total += row.total;
        day.split = (day.split.0 + card, day.split.1 + cash, day.split.2 + other);
    }
    days.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        crate::time::parse_date(s).unwrap()
    }

    #[test]
    fn vat_reaches_the_last_day_of_the_previous_month() {
        assert_eq!(last_day_of_previous_month(date("2026-03-01")), date("2026-02-28"));
        assert_eq!(last_day_of_previous_month(date("2024-03-31")), date("2024-02-29"));
        assert_eq!(last_day_of_previous_month(date("2026-01-15")), date("2025-12-31"));
    }

    #[test]
    fn daily_ranges_span_at_most_31_days_in_order() {
        let ok = |a, b| DateRange { start: date(a), end: date(b) }.check_daily(&mut Invalid::default());
        assert!(ok("2026-01-01", "2026-01-31"));
        assert!(ok("2026-01-01", "2026-01-01"));
        assert!(!ok("2026-01-01", "2026-02-01"));
        assert!(!ok("2026-01-02", "2026-01-01"));
        assert!(ok("9999-12-01", "9999-12-31"), "no overflow at the end of the calendar");
    }

    #[test]
    fn shipping_fee_numbers_keep_the_date_and_leave_the_product_order_range() {
        assert_eq!(shipping_fee_number("2026112721000123"), "2026112781000123");
        assert_eq!(shipping_fee_number("2026112745000000"), "2026112705000000");
    }
}
