//! The outbox: where events and the cursor are kept. [`WatchStore`] is the contract;
//! [`SqliteStore`] (one file, WAL) the default.

use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rusqlite::{Connection, OptionalExtension, params};

use super::cursor::Cursor;
use super::error::WatchError;
use super::event::{Event, EventStatus, StoredEvent};

/// Unix milliseconds of the local clock.
pub(crate) fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// Which events [`WatchStore::list_events`] returns.
#[derive(Clone, Debug, Default)]
pub struct EventFilter {
    /// Only this status.
    pub status: Option<EventStatus>,
    /// Only this product order.
    pub product_order_id: Option<String>,
    /// At most this many (the most recent first when set; all otherwise, oldest first).
    pub limit: Option<usize>,
}

/// Where a watcher keeps its cursor and its outbox. One store may hold several accounts.
///
/// The contract every store keeps (the watcher's guarantees rest on it):
/// * [`commit_page`](WatchStore::commit_page) is atomic: the new events (ids already present are
///   ignored) and the new cursor are stored together or not at all.
/// * Events of one account keep the order they were committed in ([`StoredEvent::seq`]).
/// * An event is `done` only after [`mark_done`](WatchStore::mark_done); a crash before it leaves
///   the event pending, so it is handed over again, with the same id.
///
/// Calls are short and synchronous (an embedded database); the watcher makes them from its task.
pub trait WatchStore: Send + Sync {
    /// The account's committed cursor, if any.
    fn load_cursor(&self, account: &str) -> Result<Option<Cursor>, WatchError>;
    /// Stores a cursor on its own (a reset, or a window opened before its first page).
    fn save_cursor(&self, account: &str, cursor: &Cursor) -> Result<(), WatchError>;
    /// In one transaction: inserts `events` whose ids are new, and stores `cursor`. Returns how
    /// many events were new.
    fn commit_page(&self, account: &str, events: &[Event], cursor: &Cursor) -> Result<usize, WatchError>;
    /// Which of `ids` the store holds already (any status). The watcher asks before it fetches
    /// a page's details and leaves those rows out: the re-read of the overlap costs no details
    /// calls. Optional: the default knows none (every row is read again, and
    /// [`WatchStore::commit_page`] ignores the repeats).
    fn known_events(&self, ids: &[&str]) -> Result<std::collections::HashSet<String>, WatchError> {
        let _ = ids;
        Ok(std::collections::HashSet::new())
    }
    /// Pending events due at `now_ms` that are the oldest pending event of their product order,
    /// in commit order, at most `limit`.
    fn due_events(&self, account: &str, now_ms: i64, limit: usize) -> Result<Vec<Event>, WatchError>;
    /// The handler returned `Ok`.
    fn mark_done(&self, id: &str) -> Result<(), WatchError>;
    /// The handler failed: records the attempt and the error, and either retries at
    /// `retry_at_ms` or (with `None`) parks the event as failed.
    fn mark_attempt_failed(&self, id: &str, error: &str, retry_at_ms: Option<i64>) -> Result<(), WatchError>;
    /// Events of an account, filtered.
    fn list_events(&self, account: &str, filter: &EventFilter) -> Result<Vec<StoredEvent>, WatchError>;
    /// One event by id.
    fn get_event(&self, id: &str) -> Result<Option<StoredEvent>, WatchError>;
    /// Queues an event again (done or failed alike), attempts back to zero; `false` if unknown.
    fn resend(&self, id: &str) -> Result<bool, WatchError>;
    /// The accounts this store holds a cursor for.
    fn accounts(&self) -> Result<Vec<String>, WatchError>;
}

/// The default store: one SQLite file in WAL mode, usable by one watcher process per account at
/// a time (several accounts may share the file).
///
/// `synchronous = NORMAL`: a commit survives the process being killed at any moment. A power cut
/// may undo the last commits — but only as a whole, in order (WAL), so the cursor falls back
/// together with the events it passed: they are read from the API again, and a `done` mark that
/// was undone only means one more hand-over of that event (with the same id).
pub struct SqliteStore {
    conn: Mutex<Connection>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore").finish_non_exhaustive()
    }
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS cursors (
    account TEXT PRIMARY KEY,
    cursor TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    account TEXT NOT NULL,
    product_order_id TEXT NOT NULL,
    last_changed_type TEXT NOT NULL,
    last_changed_date TEXT NOT NULL,
    change TEXT NOT NULL,
    detail TEXT,
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    done_at INTEGER
);
CREATE INDEX IF NOT EXISTS events_pending ON events (account, status, product_order_id, seq);
-- The due events in commit order: due_events walks this and stops at its limit, instead of
-- sorting every pending event of the account at each call (a backlog made that quadratic).
CREATE INDEX IF NOT EXISTS events_due ON events (account, seq) WHERE status = 'pending';
";

/// Pages of WAL between automatic checkpoints (SQLite's default is 1,000, about 4 MB). Each
/// checkpoint copies the pages to the database file and syncs it; at one commit per handled
/// event that was an eighth of the watcher's time. 10,000 pages is about 40 MB of WAL at most,
/// and the same commits, in the same order: what survives a crash does not change.
const WAL_AUTOCHECKPOINT_PAGES: i64 = 10_000;

fn store_error(e: rusqlite::Error) -> WatchError {
    WatchError::Store(e.to_string())
}

impl SqliteStore {
    /// Opens (creating if needed) the store at `path`.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, WatchError> {
        let conn = Connection::open(path).map_err(store_error)?;
        Self::init(conn)
    }

    /// A store in memory (tests; lost when dropped).
    pub fn in_memory() -> Result<Self, WatchError> {
        Self::init(Connection::open_in_memory().map_err(store_error)?)
    }

    fn init(conn: Connection) -> Result<Self, WatchError> {
        conn.busy_timeout(Duration::from_secs(10)).map_err(store_error)?;
        conn.pragma_update(None, "journal_mode", "WAL").map_err(store_error)?;
        conn.pragma_update(None, "synchronous", "NORMAL").map_err(store_error)?;
        conn.pragma_update(None, "wal_autocheckpoint", WAL_AUTOCHECKPOINT_PAGES).map_err(store_error)?;
        conn.execute_batch(SCHEMA).map_err(store_error)?;
        Ok(SqliteStore { conn: Mutex::new(conn) })
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn cursor_json(cursor: &Cursor) -> Result<String, WatchError> {
    serde_json::to_string(cursor).map_err(|e| WatchError::Store(format!("cannot write the cursor: {e}")))
}

const EVENT_COLUMNS: &str = "id, account, product_order_id, last_changed_type, last_changed_date, change, detail, \
                             attempts, seq, status, last_error, created_at";

fn stored_event(row: &rusqlite::Row<'_>) -> rusqlite::Result<StoredEvent> {
    let parse_json = |index: usize, text: String| {
        serde_json::from_str(&text)
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Text, Box::new(e)))
    };
    let date: String = row.get(4)?;
    let last_changed_date = date.parse().map_err(|e: npay_order_api::TimestampParseError| {
        rusqlite::Error::FromSqlConversionFailure(4, rusqlite::types::Type::Text, Box::new(e))
    })?;
    let change = parse_json(5, row.get(5)?)?;
    let detail = match row.get::<_, Option<String>>(6)? {
        Some(text) => Some(parse_json(6, text)?),
        None => None,
    };
    let status: String = row.get(9)?;
    Ok(StoredEvent {
        event: Event {
            id: row.get(0)?,
            account: row.get(1)?,
            product_order_id: row.get(2)?,
            last_changed_type: row.get(3)?,
            last_changed_date,
            change,
            detail,
            attempt: row.get::<_, i64>(7)? as u32,
        },
        seq: row.get(8)?,
        status: EventStatus::parse(&status).unwrap_or(EventStatus::Pending),
        last_error: row.get(10)?,
        created_at_ms: row.get(11)?,
    })
}

impl WatchStore for SqliteStore {
    fn load_cursor(&self, account: &str) -> Result<Option<Cursor>, WatchError> {
        let text: Option<String> = self
            .conn()
            .query_row("SELECT cursor FROM cursors WHERE account = ?1", params![account], |row| row.get(0))
            .optional()
            .map_err(store_error)?;
        text.map(|t| {
            serde_json::from_str(&t).map_err(|e| WatchError::Store(format!("the stored cursor is unreadable: {e}")))
        })
        .transpose()
    }

    fn save_cursor(&self, account: &str, cursor: &Cursor) -> Result<(), WatchError> {
        self.conn()
            .execute(
                "INSERT INTO cursors (account, cursor, updated_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (account) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at",
                params![account, cursor_json(cursor)?, now_ms()],
            )
            .map_err(store_error)?;
        Ok(())
    }

    fn commit_page(&self, account: &str, events: &[Event], cursor: &Cursor) -> Result<usize, WatchError> {
        let cursor = cursor_json(cursor)?;
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(store_error)?;
        let mut inserted = 0;
        {
            let mut insert = tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO events (id, account, product_order_id, last_changed_type, last_changed_date,
                     change, detail, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )
                .map_err(store_error)?;
            let now = now_ms();
            for event in events {
                let change = event.change.to_string();
                let detail = event.detail.as_ref().map(|d| d.to_string());
                inserted += insert
                    .execute(params![
                        event.id,
                        account,
                        event.product_order_id,
                        event.last_changed_type,
                        event.last_changed_date.to_string(),
                        change,
                        detail,
                        now
                    ])
                    .map_err(store_error)?;
            }
            tx.execute(
                "INSERT INTO cursors (account, cursor, updated_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (account) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at",
                params![account, cursor, now],
            )
            .map_err(store_error)?;
        }
        tx.commit().map_err(store_error)?;
        Ok(inserted)
    }

    fn known_events(&self, ids: &[&str]) -> Result<std::collections::HashSet<String>, WatchError> {
        let conn = self.conn();
        let mut query = conn.prepare_cached("SELECT 1 FROM events WHERE id = ?1").map_err(store_error)?;
        let mut known = std::collections::HashSet::new();
        for id in ids {
            if query.exists(params![id]).map_err(store_error)? {
                known.insert((*id).to_owned());
            }
        }
        Ok(known)
    }

    fn due_events(&self, account: &str, now_ms: i64, limit: usize) -> Result<Vec<Event>, WatchError> {
        let conn = self.conn();
        let mut query = conn
            .prepare_cached(&format!(
                "SELECT {EVENT_COLUMNS} FROM events e
                 WHERE e.account = ?1 AND e.status = 'pending' AND e.next_attempt_at <= ?2
                   AND e.seq = (SELECT MIN(seq) FROM events o
                                WHERE o.account = e.account AND o.product_order_id = e.product_order_id
                                  AND o.status = 'pending')
                 ORDER BY e.seq LIMIT ?3"
            ))
            .map_err(store_error)?;
        let rows = query.query_map(params![account, now_ms, limit as i64], stored_event).map_err(store_error)?;
        let mut events = Vec::new();
        for row in rows {
            let mut event = row.map_err(store_error)?.event;
            event.attempt += 1;
            events.push(event);
        }
        Ok(events)
    }

    fn mark_done(&self, id: &str) -> Result<(), WatchError> {
        self.conn()
            .prepare_cached(
                "UPDATE events SET status = 'done', attempts = attempts + 1, done_at = ?2, last_error = NULL WHERE id = ?1",
            )
            .and_then(|mut update| update.execute(params![id, now_ms()]))
            .map_err(store_error)?;
        Ok(())
    }

    fn mark_attempt_failed(&self, id: &str, error: &str, retry_at_ms: Option<i64>) -> Result<(), WatchError> {
        let error: String = error.chars().take(2_000).collect();
        let conn = self.conn();
        match retry_at_ms {
            Some(at) => conn.execute(
                "UPDATE events SET attempts = attempts + 1, last_error = ?2, next_attempt_at = ?3 WHERE id = ?1",
                params![id, error, at],
            ),
            None => conn.execute(
                "UPDATE events SET attempts = attempts + 1, last_error = ?2, status = 'failed' WHERE id = ?1",
                params![id, error],
            ),
        }
        .map_err(store_error)?;
        Ok(())
    }

    fn list_events(&self, account: &str, filter: &EventFilter) -> Result<Vec<StoredEvent>, WatchError> {
        let conn = self.conn();
        let order = if filter.limit.is_some() { "DESC" } else { "ASC" };
        let mut query = conn
            .prepare(&format!(
                "SELECT {EVENT_COLUMNS} FROM events WHERE account = ?1 AND (?2 IS NULL OR status = ?2)
                 AND (?3 IS NULL OR product_order_id = ?3) ORDER BY seq {order} LIMIT ?4"
            ))
            .map_err(store_error)?;
        let limit = filter.limit.map_or(-1, |l| l as i64);
        let rows = query
            .query_map(
                params![account, filter.status.map(EventStatus::as_str), filter.product_order_id, limit],
                stored_event,
            )
            .map_err(store_error)?;
        let mut events = rows.collect::<rusqlite::Result<Vec<_>>>().map_err(store_error)?;
        if filter.limit.is_some() {
            events.reverse();
        }
        Ok(events)
    }

    fn get_event(&self, id: &str) -> Result<Option<StoredEvent>, WatchError> {
        self.conn()
            .query_row(&format!("SELECT {EVENT_COLUMNS} FROM events WHERE id = ?1"), params![id], stored_event)
            .optional()
            .map_err(store_error)
    }

    fn resend(&self, id: &str) -> Result<bool, WatchError> {
        let changed = self
            .conn()
            .execute(
                "UPDATE events SET status = 'pending', attempts = 0, next_attempt_at = 0, done_at = NULL WHERE id = ?1",
                params![id],
            )
            .map_err(store_error)?;
        Ok(changed > 0)
    }

    fn accounts(&self) -> Result<Vec<String>, WatchError> {
        let conn = self.conn();
        let mut query = conn.prepare("SELECT account FROM cursors ORDER BY account").map_err(store_error)?;
        let rows = query.query_map([], |row| row.get(0)).map_err(store_error)?;
        rows.collect::<rusqlite::Result<Vec<String>>>().map_err(store_error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use npay_order_api::Timestamp;
    use serde_json::json;

    fn event(account: &str, po: &str, ms: i64, kind: &str) -> Event {
        let at = Timestamp::from_millis_kst(1_764_000_000_000 + ms).unwrap();
        Event {
            id: super::super::event::event_id(account, po, &at, kind, None),
            account: account.to_owned(),
            product_order_id: po.to_owned(),
            last_changed_type: kind.to_owned(),
            last_changed_date: at,
            change: json!({"productOrderId": po}),
            detail: None,
            attempt: 0,
        }
    }

    #[test]
    fn one_store_keeps_accounts_apart_ignores_repeats_and_hands_out_one_event_per_order_at_a_time() {
        let store = SqliteStore::in_memory().unwrap();
        let cursor = Cursor::starting_at(Timestamp::from_millis_kst(1_764_000_000_000).unwrap());
        let a = [event("a", "1", 0, "PAYED"), event("a", "1", 5, "DISPATCHED"), event("a", "2", 1, "PAYED")];
        assert_eq!(store.commit_page("a", &a, &cursor).unwrap(), 3);
        // The same rows again (an overlapping window): nothing new.
        assert_eq!(store.commit_page("a", &a, &cursor).unwrap(), 0);
        assert_eq!(store.commit_page("b", &[event("b", "1", 0, "PAYED")], &cursor).unwrap(), 1);
        assert_eq!(store.accounts().unwrap(), vec!["a".to_owned(), "b".to_owned()]);
        let due: Vec<String> = store.due_events("a", now_ms(), 10).unwrap().into_iter().map(|e| e.id).collect();
        // Product order 1's second event waits for its first.
        assert_eq!(due, vec![a[0].id.clone(), a[2].id.clone()]);
        store.mark_attempt_failed(&a[0].id, "busy", Some(now_ms() + 60_000)).unwrap();
        let due: Vec<String> = store.due_events("a", now_ms(), 10).unwrap().into_iter().map(|e| e.id).collect();
        assert_eq!(due, vec![a[2].id.clone()], "a retrying event holds back its own order only");
        store.mark_attempt_failed(&a[0].id, "gone", None).unwrap();
        let due: Vec<String> = store.due_events("a", now_ms(), 10).unwrap().into_iter().map(|e| e.id).collect();
        assert_eq!(due, vec![a[1].id.clone(), a[2].id.clone()], "a parked event no longer holds it back");
        let parked = store.get_event(&a[0].id).unwrap().unwrap();
        assert_eq!(
            (parked.status, parked.event.attempt, parked.last_error.as_deref()),
            (EventStatus::Failed, 2, Some("gone"))
        );
        assert_eq!(store.due_events("b", now_ms(), 10).unwrap().len(), 1);
        assert!(!store.resend("evt_unknown").unwrap());
    }
}
