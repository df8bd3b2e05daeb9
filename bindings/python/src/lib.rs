//! The native half of the Python package `npay-order`: the extension module `npay_order._native`.
//!
//! Thin by design: conversions (`convert` for arguments; `tape` and `node` for answers, which
//! reach Python as lazy JSON), async glue (`completion`) and the fork-aware runtime (`runtime`),
//! the one mapping of errors to Python exceptions (`error`), the generic client and pager
//! (`client`), the watcher's next / ack (`watcher`), one page of the cursor for Temporal activities (`window`), the embedded sandbox (`sandbox`) and the logging bridge (`logging`). Every
//! per-operation method, model and enum is generated Python (`cargo xtask generate`) over the
//! single entry point `NativeClient.call(operation_id, params)`.

use pyo3::prelude::*;

/// The extension's own allocations (every decoded answer's strings, the lazy trees, the
/// runtime's tasks) go to mimalloc; see BENCHMARKS.md. `local_dynamic_tls`, because the module
/// is loaded with `dlopen`; no transparent huge pages, whose first touch clears 2 MB at a time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod client;
mod completion;
mod convert;
mod error;
mod logging;
mod node;
mod runtime;
mod sandbox;
mod tape;
mod watcher;
mod window;

/// `npay_order._native`: see the package `npay_order` for the public API.
#[pymodule]
fn _native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<client::NativeClient>()?;
    module.add_class::<client::NativePager>()?;
    module.add_class::<node::JsonNode>()?;
    module.add_class::<sandbox::NativeSandbox>()?;
    module.add_class::<watcher::NativeWatcher>()?;
    module.add_function(wrap_pyfunction!(client::sign, module)?)?;
    module.add_function(wrap_pyfunction!(window::read_window_page, module)?)?;
    module.add_function(wrap_pyfunction!(window::cursor_starting_at, module)?)?;
    module.add_function(wrap_pyfunction!(window::cursor_caught_up, module)?)?;
    module.add_function(wrap_pyfunction!(window::event_id, module)?)?;
    module.add_function(wrap_pyfunction!(logging::forward_logs, module)?)?;
    module.add("CORE_VERSION", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
