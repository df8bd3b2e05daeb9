//! Paging (to come).
