//! Drift: where the API's answers differ from the spec, reported instead of failing the call.
//!
//! Our spec is a reconstruction, so the real API will differ from it somewhere: a number where
//! the spec says string, `15900.0` for an integer, a field nobody documented, a required field
//! left out. A tolerant read (the default) coerces or empties the field and goes on; each such
//! [`Deviation`] is counted in the client's [`DriftReport`] and logged once per process at WARN.
//!
//! A deviation names *where* and *what kind* — operation, JSON path with array indices collapsed
//! (`data.lastChangeStatuses[].lastChangedDate`), expected and seen type — and never the value:
//! answers carry buyers' names, phones and addresses, and a report is made to be pasted into an
//! issue.
//!
//! ```no_run
//! # async fn demo(client: npay_order::Client) {
//! for entry in client.drift_report().entries {
//!     println!("{} {}: expected {}, seen {} ({}×)", entry.deviation.operation, entry.deviation.path,
//!         entry.deviation.expected, entry.deviation.seen, entry.count);
//! }
//! # }
//! ```

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::{Mutex, OnceLock};

use chrono::{DateTime, Utc};
use serde::Serialize;

/// What a tolerant read did about a deviation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum DeviationKind {
    /// The value was converted without loss (`15900.0` → `15900`, `"Y"` → `true`).
    Coerced,
    /// The value could not be converted: the field is empty in the typed view; the answer as sent
    /// keeps it ([`crate::Response::raw_json`]).
    Emptied,
    /// A field the spec requires was absent (or `null`): empty in the typed view.
    Missing,
    /// A field the spec does not know: kept (readable in the raw JSON and in the bindings' objects).
    UnknownField,
}

impl DeviationKind {
    /// The kind's name as reports show it (`coerced`, `emptied`, `missing`, `unknownField`).
    pub fn as_str(self) -> &'static str {
        match self {
            DeviationKind::Coerced => "coerced",
            DeviationKind::Emptied => "emptied",
            DeviationKind::Missing => "missing",
            DeviationKind::UnknownField => "unknownField",
        }
    }
}

/// One way an answer differed from the spec. Holds no value from the answer.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Deviation {
    /// The operation whose answer it was (`queryProductOrders`).
    pub operation: String,
    /// Where, from the body's root, array indices collapsed (`data[].productOrder.totalPaymentAmount`).
    pub path: String,
    /// What the spec says is there (`integer`, `date-time`, `object ProductOrder`, `absent` for an
    /// unknown field).
    pub expected: String,
    /// What was there, as a JSON type (`string`, `number`, `null`, `absent`; a string in the wrong
    /// format is `string (not a date-time)`).
    pub seen: String,
    /// What the tolerant read did.
    pub kind: DeviationKind,
}

impl fmt::Display for Deviation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} (expected {}, seen {})", self.path, self.kind.as_str(), self.expected, self.seen)
    }
}

/// A deviation with how often and since when it was seen.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DriftEntry {
    /// The deviation.
    #[serde(flatten)]
    pub deviation: Deviation,
    /// How many times it was seen (once per answer and position in it).
    pub count: u64,
    /// When it was first seen.
    pub first_seen: DateTime<Utc>,
}

/// Every deviation a client has seen, most frequent first. See [`crate::Client::drift_report`].
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct DriftReport {
    /// One entry per distinct deviation.
    pub entries: Vec<DriftEntry>,
}

impl DriftReport {
    /// Whether no deviation was seen.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// The deviations one client has seen (shared by its clones).
#[derive(Default)]
pub(crate) struct DriftLog {
    seen: Mutex<HashMap<Deviation, (u64, DateTime<Utc>)>>,
}

impl DriftLog {
    /// Counts `deviations`; logs each at WARN the first time this process sees it.
    pub(crate) fn record(&self, deviations: &[Deviation]) {
        if deviations.is_empty() {
            return;
        }
        let now = Utc::now();
        {
            let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
            for deviation in deviations {
                seen.entry(deviation.clone()).or_insert((0, now)).0 += 1;
            }
        }
        warn_once(deviations);
    }

    pub(crate) fn report(&self) -> DriftReport {
        let seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        let mut entries: Vec<DriftEntry> = seen
            .iter()
            .map(|(deviation, (count, first_seen))| DriftEntry {
                deviation: deviation.clone(),
                count: *count,
                first_seen: *first_seen,
            })
            .collect();
        entries.sort_by(|a, b| {
            b.count.cmp(&a.count).then_with(|| {
                (&a.deviation.operation, &a.deviation.path).cmp(&(&b.deviation.operation, &b.deviation.path))
            })
        });
        DriftReport { entries }
    }
}

/// Logs each deviation at WARN once per process, whichever client saw it: a merchant's log shows
/// that Naver's answers differ, without one line per order.
fn warn_once(deviations: &[Deviation]) {
    static WARNED: OnceLock<Mutex<HashSet<Deviation>>> = OnceLock::new();
    let mut warned = WARNED.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
    for deviation in deviations {
        if warned.insert(deviation.clone()) {
            tracing::warn!(
                operation = deviation.operation.as_str(),
                path = deviation.path.as_str(),
                expected = deviation.expected.as_str(),
                seen = deviation.seen.as_str(),
                kind = deviation.kind.as_str(),
                "the answer deviates from the spec; read tolerantly (see drift_report)"
            );
        }
    }
}
