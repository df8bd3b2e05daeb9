//! The core's log events, forwarded to Python's `logging` (loggers below `npay_order`).
//!
//! The core logs through `tracing`, which (with no tracing subscriber installed, as in a Python
//! process) emits `log` records; `pyo3-log` hands those to the Python logger named after the Rust
//! module (`npay_order.client`, …). Only `INFO` and above are forwarded from the core — retries,
//! waits — because forwarding takes the GIL on a runtime thread; the per-call `DEBUG` lines are
//! written by the Python side on the calling thread instead. Other crates (reqwest, hyper) forward
//! warnings only. Nothing the core logs contains the secret, a signature or a token.

use log::LevelFilter;
use pyo3::prelude::*;
use pyo3_log::{Caching, Logger};

/// Installs the bridge once per process; a second extension owning the `log` facade wins quietly.
/// Called by `npay_order._logging` when the first client is made (importing Python's `logging`
/// at import time would slow `import npay_order` down).
#[pyfunction]
pub fn forward_logs(py: Python<'_>) -> PyResult<()> {
    let logger = Logger::new(py, Caching::Loggers)?
        .filter(LevelFilter::Warn)
        .filter_target("npay_order".to_owned(), LevelFilter::Info)
        .filter_target("npay_order_api".to_owned(), LevelFilter::Info);
    let _ = logger.install();
    Ok(())
}
