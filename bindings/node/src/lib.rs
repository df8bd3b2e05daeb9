//! The node binding of npay-order (to be built by its issue).
