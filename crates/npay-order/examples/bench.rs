//! The Rust side of `cargo xtask bench` (run in release against an external sandbox):
//!
//! * `bench prepare <base_url>` creates the benchmark data and prints it as JSON;
//! * `bench run <base_url> <data.json> [current-thread]` times the workloads with the core and
//!   prints JSON: on tokio's default multi-threaded runtime (`#[tokio::main]`, one worker per core),
//!   or with `current-thread` on a `current_thread` runtime (`#[tokio::main(flavor =
//!   "current_thread")]`), the runtime choice being the application's (and so is the global
//!   allocator: the example `bench_mimalloc` is this one with mimalloc's);
//! * `bench cold <base_url>` makes 1,000 concurrent first calls and prints the token requests;
//! * `bench iterate <base_url> <count>` creates `count` changes, iterates them, prints the RSS growth;
//! * `bench token <base_url>` prints a token (for wrk);
//! * `bench seed <base_url> <count>` creates `count` changes and prints a moment before them
//!   (for timing the CLI's `changes` over them).
//!
//! Figures are printed, never asserted: speed is judged in BENCHMARKS.md, not in tests.

use std::time::Instant;

use futures::{StreamExt, TryStreamExt};
use npay_order::ops::{ConfirmProductOrdersParams, ListLastChangedStatusesParams, QueryProductOrdersParams};
use npay_order::{Client, Timestamp};
use npay_sandbox::ControlClient;
use serde_json::{Value, json};

const CLIENT_ID: &str = "sandbox-client-id";
const CLIENT_SECRET: &str = "$2a$04$sandboxsecretsandboxse";

/// The sandbox's typed control client.
fn control(base: &str) -> ControlClient {
    ControlClient::new(base).expect("an http(s) base URL")
}

fn client(base: &str) -> Client {
    Client::builder().client_id(CLIENT_ID).client_secret(CLIENT_SECRET).base_url(base).build().expect("client")
}

/// Peak resident set (VmHWM) and current resident set (VmRSS) in KiB.
fn memory_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

async fn prepare(base: &str) {
    let from = Timestamp::from_utc_in_kst(chrono::Utc::now() - chrono::Duration::minutes(1));
    let query = control(base).paid_orders(300).await.expect("orders to query");
    let confirm = control(base).paid_orders(30).await.expect("orders to confirm");
    println!("{}", json!({"from": from.to_string(), "queryIds": query, "confirmIds": confirm}));
}

/// Seconds for `count` calls of `call`, `in_flight` at a time.
async fn time<F, Fut>(count: usize, in_flight: usize, call: F) -> f64
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let started = Instant::now();
    futures::stream::iter(0..count).map(|_| call()).buffer_unordered(in_flight).collect::<Vec<()>>().await;
    started.elapsed().as_secs_f64()
}

async fn run(base: &str, data: &Value, peer: &str) {
    let client = client(base);
    let from: Timestamp = data["from"].as_str().unwrap().parse().unwrap();
    let query_ids: Vec<String> = serde_json::from_value(data["queryIds"].clone()).unwrap();
    let confirm_ids: Vec<String> = serde_json::from_value(data["confirmIds"].clone()).unwrap();
    let small = || {
        let client = client.clone();
        async move {
            let page = client
                .list_last_changed_statuses(ListLastChangedStatusesParams::new(from).limit_count(10))
                .await
                .expect("a");
            assert_eq!(page.last_change_statuses.len(), 10);
        }
    };
    let big = || {
        let client = client.clone();
        let ids = query_ids.clone();
        async move {
            let details = client.query_product_orders(QueryProductOrdersParams::new(ids)).await.expect("b");
            assert_eq!(details.len(), 300);
        }
    };
    let confirm = || {
        let client = client.clone();
        let ids = confirm_ids.clone();
        async move {
            client.confirm_product_orders(ConfirmProductOrdersParams::new(ids)).await.expect("c");
        }
    };
    // Warm-up: token, connections, allocator.
    time(200, 8, small).await;
    time(20, 4, big).await;
    let a_seq = time(2000, 1, small).await;
    let b_seq = time(200, 1, big).await;
    let c_seq = time(500, 1, confirm).await;
    let a_64 = time(20000, 64, small).await;
    let b_64 = time(1000, 64, big).await;
    let c_64 = time(2000, 64, confirm).await;
    println!(
        "{}",
        json!({
            "peer": peer,
            "a_seq": 2000.0 / a_seq, "b_seq": 200.0 / b_seq, "c_seq": 500.0 / c_seq,
            "a_64": 20000.0 / a_64, "b_64": 1000.0 / b_64, "c_64": 2000.0 / c_64,
        })
    );
}

async fn cold(base: &str) {
    let before = control(base).stats().await.expect("stats");
    let client = client(base);
    let from = Timestamp::from_utc_in_kst(chrono::Utc::now());
    let calls = (0..1000).map(|_| {
        let client = client.clone();
        tokio::spawn(async move {
            client.list_last_changed_statuses(ListLastChangedStatusesParams::new(from).limit_count(1)).await.map(drop)
        })
    });
    for call in futures::future::join_all(calls).await {
        call.expect("task").expect("call");
    }
    let after = control(base).stats().await.expect("stats");
    let issued = after.requests_of("issueToken") - before.requests_of("issueToken");
    println!("{}", json!({"tokenRequests": issued}));
}

/// Creates `count` changes (paid orders, 10,000 per control call); returns a moment before them.
async fn seed(base: &str, count: usize) -> Timestamp {
    let from = Timestamp::from_utc_in_kst(chrono::Utc::now() - chrono::Duration::minutes(1));
    let mut left = count;
    while left > 0 {
        let batch = left.min(10_000);
        control(base).paid_orders(batch as u32).await.expect("orders");
        left -= batch;
    }
    from
}

async fn iterate(base: &str, count: usize) {
    let from = seed(base, count).await;
    let client = client(base);
    let (_, rss_before) = memory_kib();
    let started = Instant::now();
    let seen = client
        .iter_last_changed_statuses(ListLastChangedStatusesParams::new(from))
        .try_fold(0usize, |n, _| async move { Ok(n + 1) })
        .await
        .expect("iterate");
    let (peak, _) = memory_kib();
    println!(
        "{}",
        json!({"items": seen, "seconds": started.elapsed().as_secs_f64(), "peakRssGrowthMiB": (peak.saturating_sub(rss_before)) as f64 / 1024.0})
    );
}

// Unused where `bench_mimalloc` includes this file as its module.
#[allow(dead_code)]
fn main() {
    start(None);
}

/// Runs the command of the process's arguments, on the runtime it asks for (`run …
/// current-thread`: a `current_thread` one). `allocator` names the global allocator when it is
/// not the system's, and the rows that `run` prints say so.
pub fn start(allocator: Option<&'static str>) {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut runtime = match args.last().map(String::as_str) {
        Some("current-thread") => tokio::runtime::Builder::new_current_thread(),
        _ => tokio::runtime::Builder::new_multi_thread(),
    };
    runtime.enable_all().build().expect("a tokio runtime").block_on(command(&args, allocator));
}

/// The name of `run`'s row: the runtime and the allocator when they are not the defaults.
fn row(current_thread: bool, allocator: Option<&str>) -> String {
    let runtime = current_thread.then_some("current_thread runtime");
    match runtime.into_iter().chain(allocator).collect::<Vec<_>>().join(", ") {
        choices if choices.is_empty() => "rust npay-order".to_owned(),
        choices => format!("rust npay-order ({choices})"),
    }
}

async fn command(args: &[String], allocator: Option<&str>) {
    let read = |path: &str| serde_json::from_str(&std::fs::read_to_string(path).expect("data file")).expect("JSON");
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["prepare", base] => prepare(base).await,
        ["run", base, data] => run(base, &read(data), &row(false, allocator)).await,
        ["run", base, data, "current-thread"] => run(base, &read(data), &row(true, allocator)).await,
        ["cold", base] => cold(base).await,
        ["token", base] => {
            let http = reqwest::Client::new();
            let timestamp = chrono::Utc::now().timestamp_millis();
            let sign = npay_order::sign(CLIENT_ID, CLIENT_SECRET, timestamp).expect("sign");
            let form = [
                ("client_id", CLIENT_ID.to_owned()),
                ("timestamp", timestamp.to_string()),
                ("grant_type", "client_credentials".to_owned()),
                ("client_secret_sign", sign),
                ("type", "SELF".to_owned()),
            ];
            let response: Value = http
                .post(format!("{base}/v1/oauth2/token"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(serde_urlencoded::to_string(form).expect("form"))
                .send()
                .await
                .expect("token")
                .json()
                .await
                .expect("JSON");
            println!("{}", response["access_token"].as_str().expect("access_token"));
        }
        ["iterate", base, count] => iterate(base, count.parse().expect("count")).await,
        ["seed", base, count] => println!("{}", seed(base, count.parse().expect("count")).await),
        _ => {
            eprintln!(
                "usage: bench prepare|run|cold|token|iterate|seed <base_url> … (run: <data.json> [current-thread])"
            );
            std::process::exit(2);
        }
    }
}
