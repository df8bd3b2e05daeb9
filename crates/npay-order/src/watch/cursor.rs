//! The cursor and its window rules, as pure functions over a [`Cursor`] value.
//!
//! Everything that decides *what to ask next* lives here and nowhere else, so that the local
//! watcher and any other driver (a Temporal workflow keeping the cursor in its own state) page
//! exactly alike:
//!
//! 1. [`Cursor::next_window`] opens a window when none is open: it starts at
//!    `watermark − overlap` and ends at `min(from + 24 h − 1 ms, now − settle_lag)`; the end is
//!    fixed while the window is paged.
//! 2. [`Cursor::request`] gives the parameters of the next call inside the open window: the
//!    window's `from`, or the last `more.moreFrom` **together with** `more.moreSequence`.
//! 3. [`Cursor::advance`] takes the answer's `more`: a `more` moves the position inside the
//!    window (and must move it forward — a repeated or backward `more` is
//!    [`CursorError::MoreDidNotAdvance`], never a silent stop); no `more` closes the window and
//!    moves the watermark to its end.
//!
//! The cursor is plain data (serde, camelCase JSON) and is committed together with the events
//! of the page that moved it; see [`super`] for the guarantees this gives.

use std::fmt;
use std::time::Duration;

use npay_order_api::Timestamp;
use npay_order_api::types::LastChangedMore;
use serde::{Deserialize, Serialize};

use crate::ops::ListLastChangedStatusesParams;

/// The longest window the API answers: both bounds are inclusive, so 24 h − 1 ms.
pub const MAX_WINDOW: Duration = Duration::from_millis(24 * 3_600_000 - 1);

/// Default settle lag: 60 s. Only changes at least this old are asked for, because Naver's change
/// index is filled asynchronously (a row can appear with a `lastChangedDate` somewhat in the past);
/// a Naver poller in public use waits one minute, and a minute of delay is invisible next to the
/// minutes a merchant takes to act on an order.
pub const DEFAULT_SETTLE_LAG: Duration = Duration::from_secs(60);

/// Default overlap: 5 min. Each new window re-reads this much before the watermark, to catch rows
/// that became visible later than the settle lag allowed for; repeats are dropped by event id.
/// Five minutes covers a visibility delay of up to six minutes (lag + overlap) for the price of
/// re-reading a few pages per poll.
pub const DEFAULT_OVERLAP: Duration = Duration::from_secs(300);

/// How the cursor opens windows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WindowRules {
    /// Changes younger than this are not asked for yet (default [`DEFAULT_SETTLE_LAG`]).
    pub settle_lag: Duration,
    /// Each new window starts this long before the watermark (default [`DEFAULT_OVERLAP`]).
    pub overlap: Duration,
    /// The longest window (default and maximum [`MAX_WINDOW`]; shorter only for tests).
    pub max_window: Duration,
}

impl Default for WindowRules {
    fn default() -> Self {
        WindowRules { settle_lag: DEFAULT_SETTLE_LAG, overlap: DEFAULT_OVERLAP, max_window: MAX_WINDOW }
    }
}

/// The position inside a window: the last `more` the server answered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MorePosition {
    /// `more.moreFrom`: the next call's `lastChangedFrom`.
    pub more_from: Timestamp,
    /// `more.moreSequence`: the next call's `moreSequence`.
    pub more_sequence: String,
}

/// The window being paged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Window {
    /// Where the window starts (inclusive).
    pub from: Timestamp,
    /// Where it ends (inclusive), fixed when it was opened.
    pub to: Timestamp,
    /// The last `more` answered inside it, if any.
    pub more: Option<MorePosition>,
}

/// A watcher's cursor for one account: a committed watermark plus the window being paged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cursor {
    /// Every change with `lastChangedDate ≤ watermark` that was visible when its window was paged
    /// has been committed as an event.
    pub watermark: Timestamp,
    /// The window being paged, if one is open.
    pub window: Option<Window>,
}

/// A `more` the cursor refuses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CursorError {
    /// The server answered a `more` that is not after the position it was asked from (the same
    /// page again, or a step back): following it would loop forever or repeat pages.
    MoreDidNotAdvance {
        /// Where the call started (`lastChangedFrom`, `moreSequence`).
        asked: (Timestamp, Option<String>),
        /// The `more` answered.
        answered: (Timestamp, String),
    },
    /// The server answered a `more` outside the window asked for.
    MoreOutsideWindow {
        /// The window.
        window: (Timestamp, Timestamp),
        /// The `more.moreFrom` answered.
        more_from: Timestamp,
    },
    /// [`Cursor::advance`] was called with no window open.
    NoWindow,
}

impl fmt::Display for CursorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CursorError::MoreDidNotAdvance { asked, answered } => write!(
                f,
                "the server's `more` does not advance: asked from {} (moreSequence {:?}), answered moreFrom {} moreSequence {:?}; stopping instead of looping",
                asked.0, asked.1, answered.0, answered.1
            ),
            CursorError::MoreOutsideWindow { window, more_from } => {
                write!(f, "the server's more.moreFrom {more_from} lies outside the window {} – {}", window.0, window.1)
            }
            CursorError::NoWindow => f.write_str("no window is open"),
        }
    }
}

impl std::error::Error for CursorError {}

/// What [`Cursor::advance`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// The window goes on: call again with [`Cursor::request`].
    MorePages,
    /// The window is done; the watermark moved to its end.
    WindowDone,
}

pub(crate) fn shifted(t: &Timestamp, millis: i64) -> Timestamp {
    let offset = *t.as_datetime().offset();
    Timestamp::new((t.as_datetime() + chrono::Duration::milliseconds(millis)).with_timezone(&offset))
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX / 4)
}

impl Cursor {
    /// A cursor for a store that has none yet: the first window starts at `since − overlap`
    /// (changes at `since` and after are handed over; a little before, too).
    pub fn starting_at(since: Timestamp) -> Self {
        Cursor { watermark: since, window: None }
    }

    /// Opens the next window if none is open, and returns the open one; `None` when there is
    /// nothing new to ask for yet (`now − settle_lag` is not after the watermark).
    ///
    /// `now` is the clock the settle lag is measured against: the server's, when known (the
    /// envelope's `timestamp`), so that a client's clock skew does not matter.
    pub fn next_window(&mut self, now: Timestamp, rules: &WindowRules) -> Option<&Window> {
        if self.window.is_none() {
            let from = shifted(&self.watermark, -millis(rules.overlap));
            let full = shifted(&from, millis(rules.max_window.min(MAX_WINDOW)));
            let settled = shifted(&now, -millis(rules.settle_lag));
            let to = if settled < full { settled } else { full };
            if to <= self.watermark {
                return None;
            }
            self.window = Some(Window { from, to, more: None });
        }
        self.window.as_ref()
    }

    /// Whether the watermark is within `slack` of `now − settle_lag`: nothing much is left to
    /// read, and a poller may sleep until its next poll instead of opening the next window now.
    pub fn caught_up(&self, now: Timestamp, rules: &WindowRules, slack: Duration) -> bool {
        let settled = shifted(&now, -millis(rules.settle_lag));
        self.window.is_none() && shifted(&self.watermark, millis(slack)) >= settled
    }

    /// The parameters of the next call in the open window (`None` with no window open):
    /// `lastChangedFrom` = the window's start or the last `moreFrom`, `moreSequence` with it,
    /// `lastChangedTo` = the window's fixed end, `limitCount` as given.
    pub fn request(&self, limit_count: Option<i32>) -> Option<ListLastChangedStatusesParams> {
        let window = self.window.as_ref()?;
        let mut params = match &window.more {
            Some(more) => ListLastChangedStatusesParams::new(more.more_from).more_sequence(more.more_sequence.clone()),
            None => ListLastChangedStatusesParams::new(window.from),
        };
        params = params.last_changed_to(window.to);
        if let Some(limit) = limit_count {
            params = params.limit_count(limit);
        }
        Some(params)
    }

    /// Takes the `more` of the answer to [`Cursor::request`]: moves inside the window or closes it.
    /// Refuses a `more` that does not move strictly forward in (`moreFrom`, `moreSequence`) order
    /// or lies outside the window; the cursor is then unchanged.
    pub fn advance(&mut self, more: Option<&LastChangedMore>) -> Result<Step, CursorError> {
        let window = self.window.as_mut().ok_or(CursorError::NoWindow)?;
        match more {
            Some(more) => {
                let (asked_from, asked_seq) = match &window.more {
                    Some(p) => (p.more_from, Some(p.more_sequence.clone())),
                    None => (window.from, None),
                };
                if more.more_from < window.from || more.more_from > window.to {
                    return Err(CursorError::MoreOutsideWindow {
                        window: (window.from, window.to),
                        more_from: more.more_from,
                    });
                }
                let forward = more.more_from > asked_from
                    || (more.more_from == asked_from
                        && asked_seq.as_deref().is_none_or(|seq| more.more_sequence.as_str() > seq));
                if !forward {
                    return Err(CursorError::MoreDidNotAdvance {
                        asked: (asked_from, asked_seq),
                        answered: (more.more_from, more.more_sequence.clone()),
                    });
                }
                window.more =
                    Some(MorePosition { more_from: more.more_from, more_sequence: more.more_sequence.clone() });
                Ok(Step::MorePages)
            }
            None => {
                if window.to > self.watermark {
                    self.watermark = window.to;
                }
                self.window = None;
                Ok(Step::WindowDone)
            }
        }
    }

    /// Moves the cursor to `to` (the `cursor reset` of the CLI): the open window is dropped and
    /// the next one starts at `to − overlap`.
    pub fn reset_to(&mut self, to: Timestamp) {
        self.watermark = to;
        self.window = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const T0: i64 = 1_764_000_000_000;

    fn at(ms: i64) -> Timestamp {
        Timestamp::from_millis_kst(ms).unwrap()
    }

    fn more(from: i64, seq: &str) -> LastChangedMore {
        LastChangedMore { more_from: at(from), more_sequence: seq.to_owned() }
    }

    fn rules(lag_ms: u64, overlap_ms: u64) -> WindowRules {
        WindowRules {
            settle_lag: Duration::from_millis(lag_ms),
            overlap: Duration::from_millis(overlap_ms),
            max_window: MAX_WINDOW,
        }
    }

    #[test]
    fn a_window_ends_at_now_minus_the_settle_lag_and_starts_overlap_before_the_watermark() {
        let mut cursor = Cursor::starting_at(at(T0));
        let window = cursor.next_window(at(T0 + 600_000), &rules(60_000, 300_000)).unwrap().clone();
        assert_eq!(window.from, at(T0 - 300_000));
        assert_eq!(window.to, at(T0 + 540_000));
        assert_eq!(cursor.advance(None), Ok(Step::WindowDone));
        assert_eq!(cursor.watermark, at(T0 + 540_000));
        let next = cursor.next_window(at(T0 + 700_000), &rules(60_000, 300_000)).unwrap().clone();
        assert_eq!(next.from, at(T0 + 240_000));
        assert_eq!(next.to, at(T0 + 640_000));
    }

    #[test]
    fn a_window_never_spans_more_than_24_hours_minus_1_ms() {
        let mut cursor = Cursor::starting_at(at(T0));
        let now = at(T0 + 3 * 86_400_000);
        let window = cursor.next_window(now, &rules(60_000, 0)).unwrap().clone();
        assert_eq!(window.to.timestamp_millis() - window.from.timestamp_millis(), 86_400_000 - 1);
        cursor.advance(None).unwrap();
        let second = cursor.next_window(now, &rules(60_000, 0)).unwrap().clone();
        // Without overlap the next window starts at the watermark itself (inclusive bounds: the
        // boundary millisecond is read twice, and its repeats are dropped by event id).
        assert_eq!(second.from, window.to);
    }

    #[test]
    fn nothing_is_asked_before_the_settle_lag_has_passed_the_watermark() {
        let mut cursor = Cursor::starting_at(at(T0));
        assert!(cursor.next_window(at(T0 + 60_000), &rules(60_000, 1_000)).is_none());
        assert!(cursor.next_window(at(T0 + 60_001), &rules(60_000, 1_000)).is_some());
    }

    #[test]
    fn a_sandbox_clock_jump_forward_is_walked_in_24_hour_windows_and_a_jump_back_asks_nothing() {
        let mut cursor = Cursor::starting_at(at(T0));
        let r = rules(1_000, 0);
        // The clock jumps 50 hours ahead: three windows, none longer than allowed.
        let now = at(T0 + 50 * 3_600_000);
        let mut windows = 0;
        while let Some(w) = cursor.next_window(now, &r) {
            assert!(w.to.timestamp_millis() - w.from.timestamp_millis() <= MAX_WINDOW.as_millis() as i64);
            cursor.advance(None).unwrap();
            windows += 1;
        }
        assert_eq!(windows, 3);
        assert_eq!(cursor.watermark, at(T0 + 50 * 3_600_000 - 1_000));
        // A clock seen going back (another server, a reset sandbox): no window, watermark kept.
        assert!(cursor.next_window(at(T0), &r).is_none());
        assert_eq!(cursor.watermark, at(T0 + 50 * 3_600_000 - 1_000));
    }

    #[test]
    fn more_moves_with_its_sequence_and_the_window_end_stays_fixed() {
        let mut cursor = Cursor::starting_at(at(T0));
        cursor.next_window(at(T0 + 10_000), &rules(1_000, 0)).unwrap();
        let first = cursor.request(Some(300)).unwrap();
        assert_eq!(first.last_changed_from, at(T0));
        assert_eq!(first.more_sequence, None);
        // Several rows share one millisecond across the page border: same moreFrom, a sequence.
        assert_eq!(cursor.advance(Some(&more(T0 + 5, "00000000000000000007"))), Ok(Step::MorePages));
        let second = cursor.request(Some(300)).unwrap();
        assert_eq!(second.last_changed_from, at(T0 + 5));
        assert_eq!(second.more_sequence.as_deref(), Some("00000000000000000007"));
        assert_eq!(second.last_changed_to, first.last_changed_to);
        // The next page starts in the same millisecond, further on.
        assert_eq!(cursor.advance(Some(&more(T0 + 5, "00000000000000000009"))), Ok(Step::MorePages));
        assert_eq!(cursor.advance(None), Ok(Step::WindowDone));
        assert_eq!(cursor.watermark, at(T0 + 9_000));
    }

    #[test]
    fn a_repeated_or_backward_more_is_an_error_and_leaves_the_cursor_unchanged() {
        let mut cursor = Cursor::starting_at(at(T0));
        cursor.next_window(at(T0 + 10_000), &rules(1_000, 0)).unwrap();
        cursor.advance(Some(&more(T0 + 5, "00000000000000000007"))).unwrap();
        let before = cursor.clone();
        for bad in [more(T0 + 5, "00000000000000000007"), more(T0 + 5, "00000000000000000006"), more(T0 + 4, "9")] {
            assert!(matches!(cursor.advance(Some(&bad)), Err(CursorError::MoreDidNotAdvance { .. })), "{bad:?}");
            assert_eq!(cursor, before);
        }
        assert!(matches!(cursor.advance(Some(&more(T0 + 20_000, "1"))), Err(CursorError::MoreOutsideWindow { .. })));
        // The first `more` of a window at its very start is progress (no sequence was sent).
        let mut fresh = Cursor::starting_at(at(T0));
        fresh.next_window(at(T0 + 10_000), &rules(1_000, 0)).unwrap();
        assert_eq!(fresh.advance(Some(&more(T0, "00000000000000000001"))), Ok(Step::MorePages));
    }

    #[test]
    fn the_cursor_round_trips_through_json() {
        let mut cursor = Cursor::starting_at(at(T0));
        cursor.next_window(at(T0 + 10_000), &rules(1_000, 0)).unwrap();
        cursor.advance(Some(&more(T0 + 5, "00000000000000000007"))).unwrap();
        let json = serde_json::to_value(&cursor).unwrap();
        assert_eq!(json["window"]["more"]["moreSequence"], "00000000000000000007");
        assert_eq!(serde_json::from_value::<Cursor>(json).unwrap(), cursor);
    }

    /// A model of the API's paging: rows sorted by (time, key), inclusive bounds, `more` = the
    /// first row not returned.
    fn model_page(
        rows: &[(i64, u64)],
        params: &ListLastChangedStatusesParams,
        limit: usize,
    ) -> (Vec<(i64, u64)>, Option<LastChangedMore>) {
        let from = (
            params.last_changed_from.timestamp_millis(),
            params.more_sequence.as_ref().map_or(0, |s| s.parse().unwrap()),
        );
        let to = params.last_changed_to.unwrap().timestamp_millis();
        let mut hits = rows.iter().copied().filter(|&r| r >= from && r.0 <= to);
        let page: Vec<_> = hits.by_ref().take(limit).collect();
        let more = hits.next().map(|(t, k)| more(t, &format!("{k:020}")));
        (page, more)
    }

    proptest! {
        /// Paging a model server through the cursor: many rows share a millisecond (more of them
        /// than a page holds), windows end at 24 h and at `now − lag`; every row old enough is
        /// seen, and none twice within one window.
        #[test]
        fn every_settled_row_is_read_whatever_the_page_size_and_the_equal_timestamps(
            times in proptest::collection::vec(0i64..(3 * 86_400_000), 1..300),
            same_ms in 1u64..8,
            page in 1usize..12,
            lag in 0u64..120_000,
            overlap in 0u64..600_000,
        ) {
            let mut rows: Vec<(i64, u64)> = Vec::new();
            for (i, t) in times.iter().enumerate() {
                // Groups of `same_ms` rows in one millisecond; keys ascending within it.
                for k in 0..same_ms {
                    rows.push((T0 + t, i as u64 * 10 + k));
                }
            }
            rows.sort();
            rows.dedup();
            let r = rules(lag, overlap);
            let now = T0 + 3 * 86_400_000 + 1;
            let mut cursor = Cursor::starting_at(at(T0));
            let mut seen = std::collections::HashSet::new();
            while cursor.next_window(at(now), &r).is_some() {
                let mut in_window = std::collections::HashSet::new();
                loop {
                    let params = cursor.request(Some(page as i32)).unwrap();
                    let (items, more) = model_page(&rows, &params, page);
                    for item in items {
                        prop_assert!(in_window.insert(item), "{item:?} twice in one window");
                        seen.insert(item);
                    }
                    if cursor.advance(more.as_ref()).unwrap() == Step::WindowDone {
                        break;
                    }
                }
            }
            for row in rows.iter().filter(|r| r.0 <= now - lag as i64) {
                prop_assert!(seen.contains(row), "{row:?} never read");
            }
        }
    }

    proptest! {
        /// Driving the cursor through any clock sequence: windows never exceed 24 h − 1 ms, never
        /// end after `now − lag`, start exactly `overlap` before the watermark, and the watermark
        /// never moves back; consecutive windows leave no gap.
        #[test]
        fn windows_cover_time_without_gaps(steps in proptest::collection::vec(0i64..(40 * 3_600_000), 1..40),
                                          lag in 0u64..120_000, overlap in 0u64..600_000) {
            let r = rules(lag, overlap);
            let mut cursor = Cursor::starting_at(at(T0));
            let mut now = T0;
            let mut last_end: Option<Timestamp> = None;
            for step in steps {
                now += step;
                while let Some(w) = cursor.next_window(at(now), &r).cloned() {
                    prop_assert!(w.to.timestamp_millis() - w.from.timestamp_millis() <= MAX_WINDOW.as_millis() as i64);
                    prop_assert!(w.to.timestamp_millis() <= now - lag as i64);
                    prop_assert_eq!(w.from.timestamp_millis(), cursor.watermark.timestamp_millis() - overlap as i64);
                    if let Some(end) = last_end {
                        prop_assert!(w.from <= end, "gap between windows");
                    }
                    let before = cursor.watermark;
                    cursor.advance(None).unwrap();
                    prop_assert!(cursor.watermark >= before);
                    last_end = Some(w.to);
                }
            }
        }
    }
}
