//! The control events a test can apply to a product order (what buyers, couriers and time do),
//! with what each does: the one list. This file holds nothing else because `cargo xtask generate`
//! includes it too (`#[path]`), to write the list into every binding's sandbox helper, and must
//! not depend on the sandbox crate, whose generated sources it writes.

/// `(name in the control path, what it does)`.
pub const EVENTS: &[(&str, &str)] = &[
    ("pay", "The buyer pays a `PAYMENT_WAITING` order."),
    ("deliver", "The courier delivers."),
    ("decide-purchase", "The buyer confirms the purchase."),
    ("request-cancel", "The buyer asks to cancel."),
    ("request-return", "The buyer asks to return."),
    ("request-exchange", "The buyer asks to exchange."),
    ("collect-done", "The returned or exchanged item has been collected."),
    ("withdraw-claim", "The buyer withdraws the open claim."),
];
