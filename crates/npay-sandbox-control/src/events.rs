//! The control events a test can apply to a product order (what buyers, couriers and time do),
//! with what each does: the one list. The sandbox serves it; `cargo xtask generate` writes it into
//! every binding's sandbox helper (this crate has no generated sources, so the generator may
//! depend on it, as it must not on the sandbox).

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
