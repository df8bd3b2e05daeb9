//! Why a watcher stops.

use super::cursor::CursorError;
use crate::error::NpayError;

/// Why [`super::Watcher::run`] (or a store call) failed. Passing API failures (rate limits,
/// server errors, lost connections) are not errors of the watcher: it waits and tries again.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WatchError {
    /// The API refused the watcher in a way waiting does not fix (credentials, permissions, a
    /// request the server rejects).
    #[error("the API refused the watcher: {0}")]
    Api(#[from] NpayError),
    /// The server's paging went wrong (a `more` that does not advance): the watcher stops rather
    /// than loop or skip. The cursor is left where it was.
    #[error("{0}")]
    Paging(#[from] CursorError),
    /// The store failed (disk, a corrupt file, a locked database).
    #[error("watch store: {0}")]
    Store(String),
    /// The webhook endpoint is disabled (it answered 410 Gone, or failed every delivery for too
    /// long): the watcher stops; the event (its id here) stays pending.
    #[error("{1}; the event {0} stays pending")]
    EndpointGone(String, super::webhook::EndpointGone),
    /// The watcher was configured wrongly.
    #[error("watcher configuration: {0}")]
    Config(String),
}
