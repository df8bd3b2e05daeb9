//! Pull-based hand-off: the watcher runs in a task of its own and hands each event to whoever
//! asks for the next one; the taker acknowledges it (marked done) or refuses it (retried).
//!
//! This is what the bindings' iterators are built on (Python `for`/`async for`, Node
//! `for await`, Kotlin `Flow`): host languages cannot lend the Rust dispatcher an async
//! closure, but they can all await a "next" and call "ack". The guarantees are the watcher's
//! own, because the task *is* [`Watcher::run`] with a handler that waits for the taker's answer.
//!
//! ```no_run
//! # async fn demo(watcher: npay_order::watch::Watcher) -> Result<(), npay_order::watch::WatchError> {
//! let subscription = watcher.subscribe();
//! while let Some(event) = subscription.next().await? {
//!     println!("{} {}", event.id, event.last_changed_type);
//!     subscription.ack(&event.id);
//! }
//! # Ok(()) }
//! ```

use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use super::error::WatchError;
use super::event::Event;
use super::watcher::{HandlerError, StopHandle, Watcher, Withdrawn};

/// The answer a taker gives for an event: `Ok` marks it done, `Err` (a message) retries it.
type Reply = oneshot::Sender<Result<(), String>>;

/// Why an event came back without an acknowledgement.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct Refused(String);

/// A running [`Watcher`] whose events are taken one at a time with [`Subscription::next`] and
/// answered with [`Subscription::ack`] or [`Subscription::nack`].
///
/// * One event is out at a time (the dispatcher is sequential, which is what keeps the order per
///   product order). Asking for the next event before answering the previous one refuses the
///   previous one: it is retried later, never lost and never silently marked done.
/// * [`Subscription::stop`] stops polling at once; the event that is out stays out until it is
///   answered (or the subscription is dropped), then [`Subscription::next`] returns `Ok(None)`.
/// * An error that stops the watcher (refused credentials, a `more` that does not advance, a
///   store failure) is returned by the next [`Subscription::next`].
/// * Dropping the subscription stops the watcher; an event that is out is retried later.
pub struct Subscription {
    events: tokio::sync::Mutex<mpsc::Receiver<(Event, Reply)>>,
    /// The event handed out and not answered yet.
    out: Mutex<Option<(String, Reply)>>,
    task: tokio::sync::Mutex<Option<JoinHandle<Result<(), WatchError>>>>,
    stop: StopHandle,
    watcher: Arc<Watcher>,
}

impl std::fmt::Debug for Subscription {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Subscription").field("account", &self.watcher.account()).finish_non_exhaustive()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Poisoning only means a panic elsewhere; the slot itself is always consistent.
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

impl Watcher {
    /// Runs this watcher in a task of its own and returns the [`Subscription`] its events are
    /// taken from. Must be called within a Tokio runtime (the task is spawned on it).
    pub fn subscribe(self) -> Subscription {
        let watcher = Arc::new(self);
        let stop = watcher.stop_handle();
        let (sender, receiver) = mpsc::channel::<(Event, Reply)>(1);
        let running = watcher.clone();
        let task = tokio::spawn(async move {
            let stop = running.stop_handle();
            running
                .run(move |event| {
                    let sender = sender.clone();
                    let stop = stop.clone();
                    async move {
                        let (reply, answer) = oneshot::channel();
                        // Waiting for a taker ends with a stop: the event was never handed over,
                        // so it stays pending and counts no attempt.
                        tokio::select! {
                            sent = sender.send((event, reply)) => {
                                if sent.is_err() {
                                    return Err(Box::new(Withdrawn) as HandlerError);
                                }
                            }
                            _ = stop.stopped() => return Err(Box::new(Withdrawn) as HandlerError),
                        }
                        match answer.await {
                            Ok(Ok(())) => Ok(()),
                            Ok(Err(message)) => Err(Box::new(Refused(message)) as HandlerError),
                            Err(_) => Err(Box::new(Refused("the event was not acknowledged".into())) as HandlerError),
                        }
                    }
                })
                .await
        });
        Subscription {
            events: tokio::sync::Mutex::new(receiver),
            out: Mutex::new(None),
            task: tokio::sync::Mutex::new(Some(task)),
            stop,
            watcher,
        }
    }
}

impl Subscription {
    /// The next event, waiting for one; `Ok(None)` once the watcher has stopped (after
    /// [`Subscription::stop`]); the error that stopped the watcher otherwise. Cancel-safe.
    pub async fn next(&self) -> Result<Option<Event>, WatchError> {
        if let Some((_, reply)) = lock(&self.out).take() {
            let _ = reply.send(Err("the next event was asked for before this one was acknowledged".into()));
        }
        // The channel closes when the watcher's task ends (after a stop, or an error).
        let received = self.events.lock().await.recv().await;
        match received {
            Some((event, reply)) => {
                *lock(&self.out) = Some((event.id.clone(), reply));
                Ok(Some(event))
            }
            None => self.finish().await.map(|()| None),
        }
    }

    /// Waits for the watcher's task and returns how it ended (once; later calls return `Ok`).
    async fn finish(&self) -> Result<(), WatchError> {
        let task = self.task.lock().await.take();
        match task {
            Some(task) => match task.await {
                Ok(result) => result,
                Err(join) => Err(WatchError::Config(format!("the watcher's task ended abnormally: {join}"))),
            },
            None => Ok(()),
        }
    }

    /// Marks the event handed out last as done. Returns `false` if `id` is not the event that is
    /// out (already answered, or refused because the next one was asked for).
    pub fn ack(&self, id: &str) -> bool {
        self.answer(id, Ok(()))
    }

    /// Refuses the event handed out last: it is retried with the watcher's backoff (and parked as
    /// failed after the last attempt). The message is kept in the store with the event. Returns
    /// `false` if `id` is not the event that is out.
    pub fn nack(&self, id: &str, message: impl Into<String>) -> bool {
        self.answer(id, Err(message.into()))
    }

    fn answer(&self, id: &str, outcome: Result<(), String>) -> bool {
        let mut out = lock(&self.out);
        match out.take() {
            Some((out_id, reply)) if out_id == id => reply.send(outcome).is_ok(),
            other => {
                *out = other;
                false
            }
        }
    }

    /// Stops polling; the event that is out may still be answered. [`Subscription::next`]
    /// returns `Ok(None)` once the watcher has stopped.
    pub fn stop(&self) {
        self.stop.stop();
    }

    /// A handle that stops this subscription from elsewhere (a signal handler).
    pub fn stop_handle(&self) -> StopHandle {
        self.stop.clone()
    }

    /// The watcher (its account and store, e.g. to list parked events while watching).
    pub fn watcher(&self) -> &Watcher {
        &self.watcher
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.stop.stop();
        // An event that is out goes back: dropping the reply refuses it.
        lock(&self.out).take();
    }
}
