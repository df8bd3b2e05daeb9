//! Async calls as asyncio futures, completed in batches on the event loop's own thread.
//!
//! `pyo3-async-runtimes` completes each future from the runtime: a blocking-pool thread takes the
//! GIL and schedules `set_result` with `call_soon_threadsafe`, once per call. With many calls in
//! flight those threads queue for the GIL the event loop holds, and a runtime thread waiting for
//! the GIL runs no other request. Here a finished call only pushes its outcome (still Rust data)
//! on a queue and, if the queue was empty, writes one byte to a socket the event loop watches
//! (`add_reader`). The loop then wakes once for the whole batch, on its own thread with the GIL it
//! already holds, turns each outcome into Python objects and resolves its future. No runtime
//! thread ever takes the GIL.
//!
//! One [`Completer`] per event loop, cached per thread. Cancelling the Python future aborts the
//! Rust call; a call that ends without an outcome (aborted, or a bug that panicked) resolves its
//! future with an error rather than leaving it pending forever.

use std::cell::RefCell;
use std::future::Future;
use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyModule;

use crate::runtime;

/// Turns an outcome into the future's result or exception; runs on the loop's thread.
type Make = Box<dyn FnOnce(Python<'_>) -> PyResult<Py<PyAny>> + Send>;

/// The queue of one event loop's finished calls and the socket pair that wakes it.
struct Shared {
    done: Mutex<Vec<(Py<PyAny>, Make)>>,
    /// Whether a wake-up byte is already on its way for what is queued.
    woken: AtomicBool,
    wake: UnixStream,
    watched: UnixStream,
    pid: u32,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Poisoning means a panic elsewhere; the queue itself is always consistent.
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

impl Shared {
    /// Queues a finished call (any thread, no GIL) and wakes the loop if it is not already woken.
    fn push(&self, future: Py<PyAny>, make: Make) {
        lock(&self.done).push((future, make));
        if !self.woken.swap(true, Ordering::AcqRel) {
            // A full socket buffer means the loop has wake-ups enough waiting.
            let _ = (&self.wake).write(&[1]);
        }
    }

    /// Resolves every queued future; called by the event loop when the socket is readable.
    fn drain(&self, py: Python<'_>) {
        let mut sink = [0u8; 64];
        while matches!((&self.watched).read(&mut sink), Ok(n) if n > 0) {}
        // Cleared before taking the queue: whatever is pushed after the take wakes the loop again.
        self.woken.store(false, Ordering::Release);
        let batch = std::mem::take(&mut *lock(&self.done));
        for (future, make) in batch {
            let future = future.bind(py);
            // A cancelled future (or one resolved some other way) takes no result.
            if future.call_method0("done").and_then(|d| d.is_truthy()).unwrap_or(true) {
                continue;
            }
            let outcome = match make(py) {
                Ok(value) => future.call_method1("set_result", (value,)),
                Err(error) => future.call_method1("set_exception", (error.into_value(py),)),
            };
            if let Err(error) = outcome {
                error.write_unraisable(py, Some(future));
            }
        }
    }
}

/// The event loop's callback: resolves the batch of finished calls.
#[pyclass(module = "npay_order._native", name = "_Drain", frozen)]
struct Drain(Arc<Shared>);

#[pymethods]
impl Drain {
    fn __call__(&self, py: Python<'_>) {
        self.0.drain(py);
    }
}

/// A future's done callback: cancelling the Python future aborts the Rust call.
#[pyclass(module = "npay_order._native", name = "_AbortOnCancel", frozen)]
struct AbortOnCancel(tokio::task::AbortHandle);

#[pymethods]
impl AbortOnCancel {
    fn __call__(&self, future: &Bound<'_, PyAny>) -> PyResult<()> {
        if future.call_method0("cancelled")?.is_truthy()? {
            self.0.abort();
        }
        Ok(())
    }
}

/// A call in flight: resolves its future exactly once, with an error if it ends with no outcome.
struct Pending {
    shared: Arc<Shared>,
    future: Option<Py<PyAny>>,
}

impl Pending {
    fn complete(mut self, make: Make) {
        if let Some(future) = self.future.take() {
            self.shared.push(future, make);
        }
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if let Some(future) = self.future.take() {
            // Aborted (its future is cancelled, so this is ignored) or unwinding from a bug.
            self.shared.push(
                future,
                Box::new(|_| Err(PyRuntimeError::new_err("npay-order: the call ended without an answer"))),
            );
        }
    }
}

thread_local! {
    /// The completer of the event loop last used on this thread (one loop per thread is usual).
    static CURRENT: RefCell<Option<(Py<PyAny>, Arc<Shared>)>> = const { RefCell::new(None) };
}

static GET_RUNNING_LOOP: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// The completer of the running event loop, made (and registered with the loop) on first use.
fn completer(py: Python<'_>) -> PyResult<(Bound<'_, PyAny>, Arc<Shared>)> {
    let get_running_loop = GET_RUNNING_LOOP.get_or_try_init(py, || {
        PyModule::import(py, "asyncio").and_then(|asyncio| asyncio.getattr("get_running_loop")).map(Bound::unbind)
    })?;
    let event_loop = get_running_loop.bind(py).call0()?;
    let pid = std::process::id();
    let cached = CURRENT.with(|current| {
        current
            .borrow()
            .as_ref()
            .filter(|(known, shared)| known.bind(py).is(&event_loop) && shared.pid == pid)
            .map(|(_, shared)| shared.clone())
    });
    if let Some(shared) = cached {
        return Ok((event_loop, shared));
    }
    let (wake, watched) =
        UnixStream::pair().map_err(|e| PyRuntimeError::new_err(format!("cannot create a socket pair: {e}")))?;
    for end in [&wake, &watched] {
        end.set_nonblocking(true).map_err(|e| PyRuntimeError::new_err(format!("cannot configure a socket: {e}")))?;
    }
    let shared = Arc::new(Shared { done: Mutex::new(Vec::new()), woken: AtomicBool::new(false), wake, watched, pid });
    event_loop.call_method1("add_reader", (shared.watched.as_raw_fd(), Drain(shared.clone())))?;
    CURRENT.with(|current| *current.borrow_mut() = Some((event_loop.clone().unbind(), shared.clone())));
    Ok((event_loop, shared))
}

/// Runs `call` on the runtime and returns an asyncio future of the running loop that `make`
/// resolves from its outcome, on the loop's thread.
pub fn spawn<'py, F, T>(
    py: Python<'py>,
    call: F,
    make: fn(Python<'_>, T) -> PyResult<Py<PyAny>>,
) -> PyResult<Bound<'py, PyAny>>
where
    F: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let runtime = runtime::try_get()?;
    let (event_loop, shared) = completer(py)?;
    let future = event_loop.call_method0("create_future")?;
    let pending = Pending { shared, future: Some(future.clone().unbind()) };
    let task = runtime.spawn(async move {
        let outcome = call.await;
        pending.complete(Box::new(move |py| make(py, outcome)));
    });
    future.call_method1("add_done_callback", (AbortOnCancel(task.abort_handle()),))?;
    Ok(future)
}
