//! Reads survive answers that deviate from the spec: the sandbox's deviation fault perturbs its
//! answers (types, nulls, missing and extra fields, at any depth); a tolerant client reads every
//! order, coerces or empties the deviant field, keeps the rest intact, reports each deviation by
//! path and never logs a value; a strict client refuses the answer.
//!
//! These tests need a sandbox of their own: through `prism proxy --errors` a deviating answer is
//! (rightly) a violation of the spec, so they skip when the suite runs against an external sandbox.

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use npay_order::enums::SearchRangeType;
use npay_order::ops::{ListLastChangedStatusesParams, QueryProductOrdersParams, SearchProductOrdersParams};
use npay_order::{Client, DeviationKind, NpayError, Timestamp};
use npay_sandbox::DeviationKind as Perturbation;
use npay_sandbox::control_api::{AbsentFields, DeviationConfig};
use serde_json::{Value, json};
use support::Env;

fn an_hour_ago() -> Timestamp {
    Timestamp::from_utc_in_kst(chrono::Utc::now() - chrono::Duration::hours(1))
}

/// An embedded sandbox with orders in several states, or `None` (with the reason printed) when
/// the suite runs against an external one.
async fn sandbox_with_orders() -> Option<(Env, Vec<String>)> {
    let env = Env::start().await;
    if !env.sandbox.is_embedded() {
        eprintln!("skipped: deviating answers are violations through prism; this needs its own sandbox");
        return None;
    }
    let ids = env.paid_orders(6).await;
    env.event(&ids[1], "request-cancel").await;
    Some((env, ids))
}

async fn deviate(env: &Env, rate: f64, kinds: &[Perturbation], seed: u64) {
    let config = DeviationConfig { rate, kinds: kinds.to_vec(), seed: Some(seed) };
    env.control_api().set_deviations(&config).await.expect("deviations are set");
}

/// What the log of a block of work said, at every level.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }

    /// A subscriber writing every event (TRACE and up) here, for this thread.
    fn install(&self) -> tracing::subscriber::DefaultGuard {
        let writer = self.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::set_default(subscriber)
    }
}

/// Whether `text` shows `value`. A value of digits only (a zip code) counts only where it is not
/// part of a longer run of digits: five digits occur by chance inside a trace id such as
/// `…^1764612345678^366577`, which says nothing about the zip code. Any other value counts
/// wherever it occurs.
fn shows(text: &str, value: &str) -> bool {
    if !value.chars().all(|c| c.is_ascii_digit()) {
        return text.contains(value);
    }
    text.match_indices(value).any(|(at, _)| {
        let digit = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit());
        !(digit(text[..at].chars().next_back()) || digit(text[at + value.len()..].chars().next()))
    })
}

/// The buyers' data in an answer: every string under a key that names a person, a phone or an
/// address — what must never reach a log line or an error message.
fn personal_values(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let key = key.to_ascii_lowercase();
                let personal = ["name", "tel", "address", "phone", "zipcode"].iter().any(|k| key.contains(k));
                match child {
                    Value::String(s) if personal && s.chars().count() >= 3 => out.push(s.clone()),
                    _ => personal_values(child, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| personal_values(item, out)),
        _ => {}
    }
}

/// Whether `got` (a tolerant read, as JSON) holds what `want` (the conforming read) holds, where a
/// value may be empty instead (absent, `null`, `""`, `0`, `false`, the epoch, an empty list) but
/// never different.
fn intact_or_empty(want: &Value, got: &Value, path: &str) -> Result<(), String> {
    let empty = |v: &Value| match v {
        Value::Null => true,
        Value::String(s) => s.is_empty() || s.starts_with("1970-01-01"),
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::Bool(b) => !b,
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
    };
    match (want, got) {
        (Value::Object(w), Value::Object(g)) => {
            for (key, value) in w {
                if let Some(other) = g.get(key) {
                    intact_or_empty(value, other, &format!("{path}.{key}"))?
                }
            }
            Ok(())
        }
        (Value::Array(w), Value::Array(g)) if w.len() == g.len() => {
            w.iter().zip(g).try_for_each(|(w, g)| intact_or_empty(w, g, &format!("{path}[]")))
        }
        // A list of scalars may lose an item that could not be coerced.
        (Value::Array(_), Value::Array(g)) if g.iter().all(|v| !v.is_object()) => Ok(()),
        (w, g) if w == g || empty(g) => Ok(()),
        (Value::Object(_), g) if g.is_object() || empty(g) => Ok(()),
        _ => Err(format!("{path} changed")),
    }
}

/// The three reads of the order intake, tolerant: each must succeed.
async fn read_everything(client: &Client, ids: &[String]) -> Result<Value, NpayError> {
    let orders = client.query_product_orders(QueryProductOrdersParams::new(ids.to_vec())).await?;
    assert_eq!(orders.len(), ids.len(), "every order is read");
    client.list_last_changed_statuses(ListLastChangedStatusesParams::new(an_hour_ago())).await?;
    client.search_product_orders(SearchProductOrdersParams::new(an_hour_ago(), SearchRangeType::PayedDatetime)).await?;
    Ok(serde_json::to_value(orders.data()).expect("typed data serialises"))
}

#[tokio::test]
async fn every_kind_of_deviation_is_read_reported_and_never_logged() {
    let Some((env, ids)) = sandbox_with_orders().await else { return };
    let conforming = read_everything(&env.client(), &ids).await.expect("the sandbox conforms (strict read)");
    let mut personal = Vec::new();
    personal_values(&conforming, &mut personal);
    assert!(personal.len() >= 6, "the orders carry buyers' data to look for: {}", personal.len());

    for (n, kind) in Perturbation::ALL.into_iter().enumerate() {
        deviate(&env, 0.3, &[kind], n as u64 + 1).await;
        let captured = Captured::default();
        let guard = captured.install();
        let client = env.tolerant_client();
        let read = read_everything(&client, &ids).await;
        drop(guard);
        let read = read.unwrap_or_else(|e| panic!("{kind:?}: a tolerant read failed: {e}"));
        let report = client.drift_report();
        let lossless = matches!(
            kind,
            Perturbation::FloatIntegers
                | Perturbation::StringNumbers
                | Perturbation::NumberStrings
                | Perturbation::YnBooleans
                | Perturbation::NaiveDateTimes
                | Perturbation::CompactDates
                | Perturbation::UnknownFields
        );
        if lossless {
            assert_eq!(read, conforming, "{kind:?}: coerced values read exactly as the conforming answer");
            let expected =
                if kind == Perturbation::UnknownFields { DeviationKind::UnknownField } else { DeviationKind::Coerced };
            // A date-time without offset is read as KST by the generated types themselves, and the
            // order answers hold no plain date (the settlement answers do; see the unit tests).
            let silent = matches!(kind, Perturbation::NaiveDateTimes | Perturbation::CompactDates);
            assert!(!report.is_empty() || silent, "{kind:?}: reported");
            assert!(report.entries.iter().all(|e| e.deviation.kind == expected), "{kind:?}: {:?}", report.entries);
        } else {
            intact_or_empty(&conforming, &read, "data").unwrap_or_else(|e| panic!("{kind:?}: {e}"));
        }
        if kind == Perturbation::WrongTypes {
            assert!(report.entries.iter().any(|e| e.deviation.kind == DeviationKind::Emptied), "{:?}", report.entries);
        }
        let logged = captured.text();
        let shown = format!("{report:?}");
        for value in &personal {
            assert!(!shows(&logged, value), "{kind:?}: a buyer's value reached the log");
            assert!(!shows(&shown, value), "{kind:?}: a buyer's value reached the report");
        }
    }
}

#[tokio::test]
async fn unknown_fields_are_kept_in_the_raw_answer_and_on_the_json_path() {
    let Some((env, ids)) = sandbox_with_orders().await else { return };
    deviate(&env, 1.0, &[Perturbation::UnknownFields], 3).await;
    let client = env.tolerant_client();
    let orders = client.query_product_orders(QueryProductOrdersParams::new(ids.clone())).await.expect("tolerant read");
    let raw = orders.raw_json().expect("a deviating answer keeps its raw JSON");
    assert!(raw[0]["productOrder"].as_object().unwrap().keys().any(|k| k.starts_with("sandboxExtra")), "{}", raw[0]);
    let deep = orders.deviations().iter().find(|d| d.path.starts_with("data[].productOrder.sandboxExtra"));
    assert!(deep.is_some(), "the report names the nested path: {:?}", orders.deviations());
    // The bindings' path: the unknown fields reach their objects.
    let json = client.call_json("queryProductOrders", json!({"productOrderIds": ids})).await.expect("json path");
    assert!(json.data()[0]["productOrder"].as_object().unwrap().keys().any(|k| k.starts_with("sandboxExtra")));
    // And the bindings' iterators: each page's items keep them.
    let params = json!({"lastChangedFrom": an_hour_ago().to_string()});
    let mut pager = npay_order::json::JsonPager::new(&client, "iterLastChangedStatuses", params).expect("pager");
    let page = pager.next_page().await.expect("page").expect("a page of changes");
    assert_eq!(page.len(), ids.len());
    assert!(
        page.iter().all(|item| item.as_object().unwrap().keys().any(|k| k.starts_with("sandboxExtra"))),
        "{page:?}"
    );
}

#[tokio::test]
async fn a_strict_client_refuses_a_deviating_answer_naming_paths_not_values() {
    let Some((env, ids)) = sandbox_with_orders().await else { return };
    let conforming = read_everything(&env.client(), &ids).await.expect("conforming");
    let mut personal = Vec::new();
    personal_values(&conforming, &mut personal);
    deviate(&env, 0.5, &[Perturbation::WrongTypes, Perturbation::NumberStrings], 5).await;
    let captured = Captured::default();
    let guard = captured.install();
    let error = env.client().query_product_orders(QueryProductOrdersParams::new(ids)).await.expect_err("refused");
    drop(guard);
    let message = error.to_string();
    assert!(matches!(error, NpayError::UnexpectedResponse { .. }), "{error:?}");
    assert!(message.contains("deviates from the spec (strict)") && message.contains("data[]."), "{message}");
    let logged = captured.text();
    for value in &personal {
        assert!(!shows(&message, value) && !shows(&logged, value), "a buyer's value was shown");
    }
}

#[tokio::test]
async fn the_drift_report_counts_each_deviation_with_its_first_sighting() {
    let Some((env, _ids)) = sandbox_with_orders().await else { return };
    deviate(&env, 1.0, &[Perturbation::FloatIntegers], 7).await;
    let before = chrono::Utc::now();
    let client = env.tolerant_client();
    for _ in 0..2 {
        client.list_last_changed_statuses(ListLastChangedStatusesParams::new(an_hour_ago())).await.expect("tolerant");
    }
    let report = client.drift_report();
    let count = report.entries.iter().find(|e| e.deviation.path == "data.count").expect("data.count reported");
    assert_eq!(count.count, 2);
    assert_eq!(count.deviation.operation, "listLastChangedStatuses");
    assert_eq!((count.deviation.expected.as_str(), count.deviation.seen.as_str()), ("integer", "number"));
    assert!(count.first_seen >= before - chrono::Duration::seconds(1));
    assert!(client.clone().drift_report() == report, "clones share the report");
    assert!(env.tolerant_client().drift_report().is_empty(), "another client has its own");
}

mod random {
    use proptest::prelude::*;

    use super::*;

    fn runtime() -> &'static tokio::runtime::Runtime {
        static RUNTIME: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();
        RUNTIME
            .get_or_init(|| tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap())
    }

    fn env() -> Option<&'static (Env, Vec<String>)> {
        static ENV: std::sync::OnceLock<Option<(Env, Vec<String>)>> = std::sync::OnceLock::new();
        ENV.get_or_init(|| runtime().block_on(sandbox_with_orders())).as_ref()
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 32, failure_persistence: None, ..ProptestConfig::default() })]

        /// Whatever mix of deviations the sandbox draws, at whatever rate, a tolerant read succeeds.
        #[test]
        fn random_deviations_never_fail_a_tolerant_read(
            seed in 0u64..1_000_000,
            rate in 0.0f64..=1.0,
            kinds in proptest::sample::subsequence(Perturbation::ALL.to_vec(), 1..=Perturbation::ALL.len()),
        ) {
            let Some((env, ids)) = env() else { return Ok(()) };
            let outcome = runtime().block_on(async {
                deviate(env, rate, &kinds, seed).await;
                read_everything(&env.tolerant_client(), ids).await
            });
            prop_assert!(outcome.is_ok(), "seed {seed} rate {rate} kinds {kinds:?}: {:?}", outcome.err());
        }
    }
}

fn typed<T: serde::Serialize>(data: &T) -> Value {
    serde_json::to_value(data).expect("typed data serialises")
}

/// What the order intake reads, typed and on the bindings' JSON path.
async fn intake_views(client: &Client, ids: &[String]) -> Vec<Value> {
    let orders = client.query_product_orders(QueryProductOrdersParams::new(ids.to_vec())).await.expect("query");
    let changes =
        client.list_last_changed_statuses(ListLastChangedStatusesParams::new(an_hour_ago())).await.expect("changes");
    let search = client
        .search_product_orders(SearchProductOrdersParams::new(an_hour_ago(), SearchRangeType::PayedDatetime))
        .await
        .expect("search");
    let json = client.call_json("queryProductOrders", json!({"productOrderIds": ids})).await.expect("json path");
    vec![typed(orders.data()), typed(changes.data()), typed(search.data()), json.data().clone()]
}

#[tokio::test]
async fn absent_fields_sent_as_null_read_exactly_as_when_left_out() {
    let Some((env, ids)) = sandbox_with_orders().await else { return };
    let omitted = intake_views(&env.client(), &ids).await;
    let set = env.control_api().set_absent_fields(AbsentFields::Null).await.expect("absent-fields is set");
    assert_eq!(set, AbsentFields::Null);
    let client = env.tolerant_client();
    let nulls = intake_views(&client, &ids).await;
    for (n, (with_nulls, left_out)) in nulls.iter().zip(&omitted).enumerate() {
        assert_eq!(with_nulls, left_out, "view {n}: nulls read as absent, typed and on the JSON path");
    }
    let report = client.drift_report();
    assert!(report.is_empty(), "an optional field sent as null is no deviation: {:?}", report.entries);
}
