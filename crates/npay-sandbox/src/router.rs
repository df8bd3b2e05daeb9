//! Operations (operationIds of the contract) and the path router.

use http::Method;

/// One API operation, named by its operationId.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Op {
    IssueToken,
    ListLastChangedStatuses,
    QueryProductOrders,
    ListProductOrderIds,
    SearchProductOrders,
    ConfirmProductOrders,
    DelayDispatch,
    DispatchProductOrders,
    RequestCancel,
    ApproveCancel,
    RequestReturn,
    ApproveReturn,
    RejectReturn,
    HoldbackReturn,
    ReleaseReturnHoldback,
    CompleteExchangeCollect,
    RedeliverExchange,
    RejectExchange,
    HoldbackExchange,
    ReleaseExchangeHoldback,
    ListReviews,
    ListSettlementsByCase,
    ListDailySettlements,
    ListCommissionDetails,
    ListVatByCase,
    ListDailyVat,
}

impl Op {
    /// Every operation, in contract order.
    pub const ALL: [Op; 26] = [
        Op::IssueToken,
        Op::ListLastChangedStatuses,
        Op::QueryProductOrders,
        Op::ListProductOrderIds,
        Op::SearchProductOrders,
        Op::ConfirmProductOrders,
        Op::DelayDispatch,
        Op::DispatchProductOrders,
        Op::RequestCancel,
        Op::ApproveCancel,
        Op::RequestReturn,
        Op::ApproveReturn,
        Op::RejectReturn,
        Op::HoldbackReturn,
        Op::ReleaseReturnHoldback,
        Op::CompleteExchangeCollect,
        Op::RedeliverExchange,
        Op::RejectExchange,
        Op::HoldbackExchange,
        Op::ReleaseExchangeHoldback,
        Op::ListReviews,
        Op::ListSettlementsByCase,
        Op::ListDailySettlements,
        Op::ListCommissionDetails,
        Op::ListVatByCase,
        Op::ListDailyVat,
    ];

    pub fn index(self) -> usize {
        self as usize
    }

    /// The contract's operationId.
    pub fn id(self) -> &'static str {
        match self {
            Op::IssueToken => "issueToken",
            Op::ListLastChangedStatuses => "listLastChangedStatuses",
            Op::QueryProductOrders => "queryProductOrders",
            Op::ListProductOrderIds => "listProductOrderIds",
            Op::SearchProductOrders => "searchProductOrders",
            Op::ConfirmProductOrders => "confirmProductOrders",
            Op::DelayDispatch => "delayDispatch",
            Op::DispatchProductOrders => "dispatchProductOrders",
            Op::RequestCancel => "requestCancel",
            Op::ApproveCancel => "approveCancel",
            Op::RequestReturn => "requestReturn",
            Op::ApproveReturn => "approveReturn",
            Op::RejectReturn => "rejectReturn",
            Op::HoldbackReturn => "holdbackReturn",
            Op::ReleaseReturnHoldback => "releaseReturnHoldback",
            Op::CompleteExchangeCollect => "completeExchangeCollect",
            Op::RedeliverExchange => "redeliverExchange",
            Op::RejectExchange => "rejectExchange",
            Op::HoldbackExchange => "holdbackExchange",
            Op::ReleaseExchangeHoldback => "releaseExchangeHoldback",
            Op::ListReviews => "listReviews",
            Op::ListSettlementsByCase => "listSettlementsByCase",
            Op::ListDailySettlements => "listDailySettlements",
            Op::ListCommissionDetails => "listCommissionDetails",
            Op::ListVatByCase => "listVatByCase",
            Op::ListDailyVat => "listDailyVat",
        }
    }

    /// Whether the operation changes product orders (counted in `mutationsApplied`).
    pub fn is_mutation(self) -> bool {
        !(matches!(
            self,
            Op::IssueToken
                | Op::ListLastChangedStatuses
                | Op::QueryProductOrders
                | Op::ListProductOrderIds
                | Op::SearchProductOrders
                | Op::ListReviews
        ) || self.is_settlement())
    }

    /// The settlement reads (`pay-settle-mall`), answered without the `{timestamp, traceId, data}` envelope.
    pub fn is_settlement(self) -> bool {
        matches!(
            self,
            Op::ListSettlementsByCase
                | Op::ListDailySettlements
                | Op::ListCommissionDetails
                | Op::ListVatByCase
                | Op::ListDailyVat
        )
    }

    fn method(self) -> Method {
        match self {
            Op::ListLastChangedStatuses | Op::ListProductOrderIds | Op::SearchProductOrders | Op::ListReviews => {
                Method::GET
            }
            op if op.is_settlement() => Method::GET,
            _ => Method::POST,
        }
    }
}

/// Result of routing an API path (relative to `/npay/partner`).
#[derive(Debug, PartialEq, Eq)]
pub enum Route<'a> {
    /// The operation and its path parameter (orderId or productOrderId), still percent-encoded.
    Found(Op, Option<&'a str>),
    /// The path exists with another method.
    MethodNotAllowed(Method),
    NotFound,
}

/// Maps a method and path to an operation.
pub fn route<'a>(method: &Method, path: &'a str) -> Route<'a> {
    let Some(found) = match_path(path) else {
        return Route::NotFound;
    };
    let (op, param) = found;
    let expected = op.method();
    if *method == expected { Route::Found(op, param) } else { Route::MethodNotAllowed(expected) }
}

fn match_path(path: &str) -> Option<(Op, Option<&str>)> {
    let rest = path.strip_prefix("/v1/")?;
    if rest == "oauth2/token" {
        return Some((Op::IssueToken, None));
    }
    if let Some(settle) = rest.strip_prefix("pay-settle-mall/") {
        let op = match settle {
            "settle/case" => Op::ListSettlementsByCase,
            "settle/daily" => Op::ListDailySettlements,
            "settle/commission-details" => Op::ListCommissionDetails,
            "vat/case" => Op::ListVatByCase,
            "vat/daily" => Op::ListDailyVat,
            _ => return None,
        };
        return Some((op, None));
    }
    let rest = rest.strip_prefix("pay-order/mall/")?;
    if rest == "reviews" {
        return Some((Op::ListReviews, None));
    }
    if let Some(r) = rest.strip_prefix("orders/") {
        let (order_id, tail) = r.split_once('/')?;
        return (tail == "product-order-ids" && !order_id.is_empty())
            .then_some((Op::ListProductOrderIds, Some(order_id)));
    }
    if rest == "product-orders" {
        return Some((Op::SearchProductOrders, None));
    }
    let r = rest.strip_prefix("product-orders/")?;
    match r {
        "last-changed-statuses" => return Some((Op::ListLastChangedStatuses, None)),
        "query" => return Some((Op::QueryProductOrders, None)),
        "confirm" => return Some((Op::ConfirmProductOrders, None)),
        "dispatch" => return Some((Op::DispatchProductOrders, None)),
        _ => {}
    }
    let (id, tail) = r.split_once('/')?;
    if id.is_empty() {
        return None;
    }
    let op = match tail {
        "delay" => Op::DelayDispatch,
        "claim/cancel/request" => Op::RequestCancel,
        "claim/cancel/approve" => Op::ApproveCancel,
        "claim/return/request" => Op::RequestReturn,
        "claim/return/approve" => Op::ApproveReturn,
        "claim/return/reject" => Op::RejectReturn,
        "claim/return/holdback" => Op::HoldbackReturn,
        "claim/return/holdback/release" => Op::ReleaseReturnHoldback,
        "claim/exchange/collect/complete" => Op::CompleteExchangeCollect,
        "claim/exchange/dispatch" => Op::RedeliverExchange,
        "claim/exchange/reject" => Op::RejectExchange,
        "claim/exchange/holdback" => Op::HoldbackExchange,
        "claim/exchange/holdback/release" => Op::ReleaseExchangeHoldback,
        _ => return None,
    };
    Some((op, Some(id)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_every_operation() {
        let p = "/v1/pay-order/mall/product-orders";
        assert_eq!(route(&Method::POST, "/v1/oauth2/token"), Route::Found(Op::IssueToken, None));
        assert_eq!(route(&Method::GET, p), Route::Found(Op::SearchProductOrders, None));
        assert_eq!(
            route(&Method::GET, &format!("{p}/last-changed-statuses")),
            Route::Found(Op::ListLastChangedStatuses, None)
        );
        assert_eq!(
            route(&Method::POST, &format!("{p}/123/claim/exchange/holdback/release")),
            Route::Found(Op::ReleaseExchangeHoldback, Some("123"))
        );
        assert_eq!(
            route(&Method::GET, "/v1/pay-order/mall/orders/9/product-order-ids"),
            Route::Found(Op::ListProductOrderIds, Some("9"))
        );
        assert_eq!(route(&Method::GET, &format!("{p}/query")), Route::MethodNotAllowed(Method::POST));
        assert_eq!(route(&Method::GET, &format!("{p}/1/claim/nope")), Route::NotFound);
        assert_eq!(route(&Method::GET, "/v2/x"), Route::NotFound);
        assert_eq!(
            route(&Method::GET, "/v1/pay-settle-mall/settle/commission-details"),
            Route::Found(Op::ListCommissionDetails, None)
        );
        assert_eq!(route(&Method::POST, "/v1/pay-settle-mall/vat/daily"), Route::MethodNotAllowed(Method::GET));
        assert_eq!(route(&Method::GET, "/v1/pay-settle-mall/vat/weekly"), Route::NotFound);
        let ids: std::collections::HashSet<&str> = Op::ALL.iter().map(|o| o.id()).collect();
        assert_eq!(ids.len(), 26);
        assert!(Op::ALL.iter().enumerate().all(|(i, o)| o.index() == i));
    }
}
