//! Operations (operationIds of the contract) and the path router.

use http::Method;

pub use crate::operations::Op;

impl Op {
    /// The position of the operation in [`Op::ALL`] (the index of its counters).
    pub fn index(self) -> usize {
        self as usize
    }

    /// Whether the operation changes product orders (counted in `mutationsApplied`): whatever is
    /// not a read, except the token exchange.
    pub fn is_mutation(self) -> bool {
        !self.read_only() && self != Op::IssueToken
    }

    /// The settlement reads (`pay-settle-mall`), answered without the `{timestamp, traceId, data}`
    /// envelope (the spec's 200 schema has no `data`).
    pub fn is_settlement(self) -> bool {
        !self.wrapped() && self != Op::IssueToken
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

/// Maps a method and path to an operation, by the spec's path templates. Where several templates
/// fit, the one with the most literal segments wins (`product-orders/query` before
/// `product-orders/{productOrderId}`); the method is checked after the path.
pub fn route<'a>(method: &Method, path: &'a str) -> Route<'a> {
    let mut best: Option<(usize, Op, Option<&'a str>)> = None;
    let mut allowed = None;
    for op in Op::ALL {
        let Some((literals, param)) = match_template(op.path(), path) else { continue };
        if op.method() != *method {
            allowed.get_or_insert(op.method());
            continue;
        }
        if best.as_ref().is_none_or(|(most, ..)| literals > *most) {
            best = Some((literals, op, param));
        }
    }
    match (best, allowed) {
        (Some((_, op, param)), _) => Route::Found(op, param),
        (None, Some(method)) => Route::MethodNotAllowed(method),
        (None, None) => Route::NotFound,
    }
}

/// Whether `path` fits `template`: the number of literal segments it matched and the value of its
/// (first) `{parameter}` segment, still percent-encoded. A parameter matches one non-empty segment.
fn match_template<'a>(template: &str, path: &'a str) -> Option<(usize, Option<&'a str>)> {
    let mut literals = 0;
    let mut param = None;
    let mut segments = path.split('/');
    for expected in template.split('/') {
        let segment = segments.next()?;
        if expected.starts_with('{') && expected.ends_with('}') {
            if segment.is_empty() {
                return None;
            }
            param = param.or(Some(segment));
        } else if expected == segment {
            literals += 1;
        } else {
            return None;
        }
    }
    segments.next().is_none().then_some((literals, param))
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
        assert_eq!(route(&Method::GET, "/v1/pay-order/mall/orders//product-order-ids"), Route::NotFound);
        assert_eq!(route(&Method::GET, &format!("{p}/query/extra")), Route::NotFound);
        let ids: std::collections::HashSet<&str> = Op::ALL.iter().map(|o| o.id()).collect();
        assert_eq!(ids.len(), Op::ALL.len(), "operationIds are unique");
        assert!(Op::ALL.iter().enumerate().all(|(i, o)| o.index() == i));
    }

    #[test]
    fn every_operation_of_the_spec_routes_to_itself() {
        for op in Op::ALL {
            let path = op.path().replace("{orderId}", "2026").replace("{productOrderId}", "2026");
            let expected = if op.path().contains('{') { Some("2026") } else { None };
            assert_eq!(route(&op.method(), &path), Route::Found(op, expected), "{}", op.id());
        }
    }

    #[test]
    fn mutations_and_settlements_follow_the_spec() {
        assert!(!Op::IssueToken.is_mutation() && !Op::IssueToken.is_settlement());
        assert!(Op::ConfirmProductOrders.is_mutation() && Op::RequestCancel.is_mutation());
        assert!(!Op::QueryProductOrders.is_mutation(), "a POST that only reads (x-npay-read-only)");
        assert!(Op::ListDailyVat.is_settlement() && !Op::ListDailyVat.is_mutation());
        assert!(!Op::ListLastChangedStatuses.is_settlement());
    }
}
