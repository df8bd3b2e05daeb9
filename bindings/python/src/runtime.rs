//! The tokio runtimes every call runs on — one for asyncio calls, one for blocking calls — per
//! process, and new ones in a forked child.
//!
//! Why the pid: `fork()` copies memory but only the thread that called it. A child of a process
//! that already made a call (multiprocessing's `fork` context, gunicorn `--preload`, celery's
//! prefork pool) inherits a runtime whose worker threads do not exist there, and its first call
//! would wait forever for them. So the runtime is stored with the pid that built it; a caller in
//! another process builds a fresh one and deliberately leaks the inherited one (dropping it would
//! try to stop threads that are not there). [`ForkLocal`] applies the same rule to anything else
//! that owns tasks or connections on the runtime (HTTP clients and their pools).
//!
//! Async calls are spawned on one of them too (`completion`), never on a runtime of some
//! library's own: a process-wide `static` runtime would not survive a fork.

use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use pyo3::PyResult;
use pyo3::exceptions::PyRuntimeError;
use tokio::runtime::Runtime;

/// A value bound to the process that made it, rebuilt (the old one leaked) after a fork.
pub struct ForkLocal<T> {
    slot: Mutex<Option<(u32, T)>>,
}

impl<T: Clone> ForkLocal<T> {
    /// An empty slot; the first [`ForkLocal::get_or_try_init`] fills it.
    pub const fn new() -> Self {
        ForkLocal { slot: Mutex::new(None) }
    }

    /// A slot holding `value`, made by this process.
    pub fn with(value: T) -> Self {
        ForkLocal { slot: Mutex::new(Some((std::process::id(), value))) }
    }

    /// The value of this process, made with `make` if there is none yet or it was inherited.
    pub fn get_or_try_init<E>(&self, make: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
        let mut slot = lock(&self.slot);
        let pid = std::process::id();
        match slot.as_ref() {
            Some((owner, value)) if *owner == pid => Ok(value.clone()),
            _ => {
                let value = make()?;
                if let Some((_, inherited)) = slot.replace((pid, value.clone())) {
                    std::mem::forget(inherited);
                }
                Ok(value)
            }
        }
    }
}

impl<T> Drop for ForkLocal<T> {
    fn drop(&mut self) {
        // A value inherited through fork may own threads of the parent: never run its destructor.
        let slot = self.slot.get_mut().unwrap_or_else(|e| e.into_inner());
        if slot.as_ref().is_some_and(|(owner, _)| *owner != std::process::id()) {
            std::mem::forget(slot.take());
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Poisoning only means a panic elsewhere; the slot itself is always consistent.
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

static RUNTIME: OnceLock<ForkLocal<Arc<Runtime>>> = OnceLock::new();
static BLOCKING: OnceLock<ForkLocal<Arc<Runtime>>> = OnceLock::new();

/// The runtime of this process for asyncio calls (one worker per core: their decodes run on
/// it, side by side), started on first use; fails only when no thread can be spawned.
pub fn try_get() -> PyResult<Arc<Runtime>> {
    started(&RUNTIME, None)
}

/// The runtime of this process for blocking calls, started on first use. A blocking call's own
/// future (and its decode) runs on the calling thread; the runtime's workers only drive the
/// connections. One worker (see `npay_order::runtime::build`) because every wake-up of a second
/// one costs more than it can add there: measured against one per core on 2 cores
/// (two alternating runs), the sequential calls of BENCHMARKS.md went from 4.2–4.3k to 6.1–6.6k
/// calls/s on (a) and from 268–271 to 283–304 on (b). (The asyncio runtime keeps one per core:
/// one worker cut its (a) at 64 in flight from 21.5k to 16.5k.)
pub fn try_get_blocking() -> PyResult<Arc<Runtime>> {
    started(&BLOCKING, Some(1))
}

fn started(slot: &OnceLock<ForkLocal<Arc<Runtime>>>, workers: Option<usize>) -> PyResult<Arc<Runtime>> {
    slot.get_or_init(ForkLocal::new).get_or_try_init(|| {
        npay_order::runtime::build(workers)
            .map(Arc::new)
            .map_err(|e| PyRuntimeError::new_err(format!("cannot start the npay-order runtime: {e}")))
    })
}
