//! Chaos: the `npay-order watch` process is killed with SIGKILL at random moments while the
//! sandbox generates changes — some listable only late, many sharing a millisecond — and what
//! it handed over is counted against the sandbox's own record of every change.
//!
//! Set-up: an in-process sandbox with the traffic generator on (`NPAY_CHAOS_RATE` actions per
//! second, default 60) and late visibility (30 % of changes listable only up to 1.5 s after
//! their `lastChangedDate`). The watcher runs as a child process (its own process group, so
//! `kill -9` takes its `--exec` child with it) with a settle lag of 300 ms, an overlap of 3 s
//! and `--exec` appending `$NPAY_EVENT_ID` to a file. It is killed after a random 300–1200 ms of
//! life, and restarted, until it was killed at least 20 times and the sandbox made at least
//! `NPAY_CHAOS_CHANGES` changes (default 1,500; the long form is `NPAY_CHAOS_CHANGES=5000`). The
//! test writes a `#restart` line into the file after each kill. Then the traffic stops, the last
//! watcher catches up and is stopped with SIGTERM.
//!
//! **What is checked**, with R = the sandbox's record (`GET _sandbox/changes`: every time a
//! product order's `lastChangedDate` was set) and H = the ids in the file:
//!
//! 1. A listing row is one product order at its latest change, so a change replaced before any
//!    poll could see it may legitimately never be listed. Required are therefore: every product
//!    order's **final** change, and every change that stayed its product order's listed state
//!    for at least 6 s (`replacedAtMs − max(lastChangedMs, visibleFromMs)` ≥ 6 s — longer than
//!    settle lag + visibility delay + two kill intervals + a restart). Each required change's id
//!    (computed from R with `event_id`) is in H.
//! 2. Nothing else: every id in H is the id of a change in R.
//! 3. Duplicates only of in-flight events: when an id occurs more than once, each occurrence but
//!    the last is the last id written before a `#restart` line (the event the killed process was
//!    handing over; the watcher hands over one event at a time) — so there are at most as many
//!    duplicates as kills, each with the same id.
//! 4. De-duplicated by id, H holds each change once, and the first hand-over of the changes of one
//!    product order follows their order in R.
//!
//! The second test is the same with `--forward-to` a Standard Webhooks receiver in the test that
//! answers 500 to one request in five and verifies the others with the `standardwebhooks` crate:
//! H is the ids of the verified deliveries it accepted (the test adds its `#restart` marker 100 ms
//! after each kill, so that a request the killed process sent is recorded before it). Its short
//! form is 1,000 changes (`NPAY_CHAOS_WEBHOOK_CHANGES`).

#![cfg(unix)]

mod common;

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use npay_order::Timestamp;
use npay_order::watch::event_id;
use npay_sandbox::{Sandbox, SandboxConfig, TrafficConfig, VisibilityConfig};
use rand::{Rng, SeedableRng};

const MIN_KILLS: usize = 20;
const REQUIRED_DWELL_MS: i64 = 6_000;

fn env_number(name: &str, default: f64) -> f64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

struct Change {
    id: String,
    product_order_id: String,
    seq: u64,
    required: bool,
}

async fn recorded(sandbox: &Sandbox) -> Vec<Change> {
    let body = sandbox.control().changes().await.expect("the change log");
    body["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let at: Timestamp = c["lastChangedDate"].as_str().unwrap().parse().unwrap();
            let listed_from = c["lastChangedMs"].as_i64().unwrap().max(c["visibleFromMs"].as_i64().unwrap());
            let required = match c["replacedAtMs"].as_i64() {
                None => true,
                Some(replaced) => replaced - listed_from >= REQUIRED_DWELL_MS,
            };
            Change {
                id: event_id(
                    sandbox.client_id(),
                    c["productOrderId"].as_str().unwrap(),
                    &at,
                    c["lastChangedType"].as_str().unwrap(),
                    c["claimStatus"].as_str(),
                ),
                product_order_id: c["productOrderId"].as_str().unwrap().to_owned(),
                seq: c["seq"].as_u64().unwrap(),
                required,
            }
        })
        .collect()
}

/// Where the watcher hands events over, and how the test reads them back.
enum Sink {
    /// `--exec` appending `$NPAY_EVENT_ID` to this file.
    Exec(PathBuf),
    /// `--forward-to` this receiver.
    Webhook(String, Arc<Mutex<common::Received>>),
}

impl Sink {
    fn lines(&self) -> Vec<String> {
        match self {
            Sink::Exec(path) => lines(path),
            Sink::Webhook(_, received) => received.lock().unwrap().verified.clone(),
        }
    }

    async fn mark_restart(&self) {
        match self {
            Sink::Exec(path) => std::fs::OpenOptions::new()
                .append(true)
                .create(true)
                .open(path)
                .unwrap()
                .write_all(b"#restart\n")
                .unwrap(),
            Sink::Webhook(_, received) => {
                tokio::time::sleep(Duration::from_millis(100)).await;
                received.lock().unwrap().verified.push("#restart".to_owned());
            }
        }
    }
}

fn start_watcher(sandbox: &Sandbox, store: &Path, sink: &Sink, since: &str) -> Child {
    let mut command = Command::new(env!("CARGO_BIN_EXE_npay-order"));
    command
        .args(["watch", "--base-url", sandbox.base_url(), "--client-id", sandbox.client_id()])
        .args(["--store", store.to_str().unwrap(), "--since", since])
        .args(["--settle-lag", "300ms", "--overlap", "3s", "--poll-interval", "100ms"]);
    match sink {
        Sink::Exec(ids) => {
            command.arg("--exec").arg(format!("printf '%s\\n' \"$NPAY_EVENT_ID\" >> '{}'", ids.display()));
        }
        Sink::Webhook(url, _) => {
            command.args(["--forward-to", url, "--retry-schedule", "50ms,50ms,50ms,50ms,50ms,50ms,50ms,50ms"]);
            command.env("NPAY_WEBHOOK_SECRET", common::SECRET);
        }
    }
    command
        .env("NPAY_CLIENT_SECRET", sandbox.client_secret())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .expect("the CLI starts")
}

fn signal_group(child: &Child, signal: &str) {
    let status = Command::new("kill").args([signal, "--", &format!("-{}", child.id())]).status().unwrap();
    assert!(status.success(), "kill {signal}");
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path).unwrap_or_default().lines().map(str::to_owned).collect()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("npay-chaos-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_watcher_killed_at_random_moments_hands_over_every_change_at_least_once() {
    let dir = temp_dir("exec");
    let sink = Sink::Exec(dir.join("ids.txt"));
    chaos(&dir, sink, env_number("NPAY_CHAOS_CHANGES", 1_500.0) as usize).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webhook_forwarder_killed_at_random_moments_delivers_every_change_verified_at_least_once() {
    let dir = temp_dir("webhook");
    let (url, received) = common::receiver(false).await;
    let sink = Sink::Webhook(url, received.clone());
    chaos(&dir, sink, env_number("NPAY_CHAOS_WEBHOOK_CHANGES", 1_000.0) as usize).await;
    let received = received.lock().unwrap();
    assert_eq!(received.bad_signatures, 0);
    assert!(received.refused > 0, "the receiver refused some requests");
}

async fn chaos(dir: &Path, sink: Sink, target_changes: usize) {
    let rate = env_number("NPAY_CHAOS_RATE", 60.0);
    let seed = env_number("NPAY_CHAOS_SEED", 15.0) as u64;
    let sandbox = Sandbox::start(SandboxConfig {
        seed: Some(seed),
        traffic: Some(TrafficConfig { rate_per_second: rate, seed }),
        visibility: Some(VisibilityConfig { late_rate: 0.3, max_delay_ms: 1_500, seed }),
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let store = dir.join("store.sqlite");
    let since = Timestamp::from_utc_in_kst(chrono::Utc::now() - chrono::Duration::minutes(1)).to_string();
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let started = Instant::now();
    let mut kills = 0;
    let mut watcher = start_watcher(&sandbox, &store, &sink, &since);
    loop {
        tokio::time::sleep(Duration::from_millis(rng.random_range(300..=1_200))).await;
        signal_group(&watcher, "-KILL");
        watcher.wait().unwrap();
        kills += 1;
        sink.mark_restart().await;
        let changes = recorded(&sandbox).await.len();
        if kills >= MIN_KILLS && changes >= target_changes {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(600), "the sandbox made only {changes} changes");
        watcher = start_watcher(&sandbox, &store, &sink, &since);
    }
    // Traffic off; the last watcher reads what is left (everything is listable 1.5 s later).
    sandbox.control().set_traffic(&TrafficConfig::default()).await.expect("traffic off");
    tokio::time::sleep(Duration::from_millis(50)).await;
    let record = recorded(&sandbox).await;
    let required: HashSet<&str> = record.iter().filter(|c| c.required).map(|c| c.id.as_str()).collect();
    let mut watcher = start_watcher(&sandbox, &store, &sink, &since);
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let seen: HashSet<String> = sink.lines().into_iter().collect();
        let missing = required.iter().filter(|id| !seen.contains(**id)).count();
        if missing == 0 {
            break;
        }
        assert!(Instant::now() < deadline, "{missing} required changes never handed over");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    signal_group(&watcher, "-TERM");
    assert!(watcher.wait().unwrap().success(), "a SIGTERM stops the watcher cleanly");

    let handed = sink.lines();
    let known: HashMap<&str, &Change> = record.iter().map(|c| (c.id.as_str(), c)).collect();
    // 2. Nothing that the sandbox did not record.
    for id in handed.iter().filter(|l| !l.starts_with('#')) {
        assert!(known.contains_key(id.as_str()), "{id} is no recorded change");
    }
    // 3. Duplicates only of the event in flight at a kill.
    let mut occurrences: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, line) in handed.iter().enumerate().filter(|(_, l)| !l.starts_with('#')) {
        occurrences.entry(line.as_str()).or_default().push(i);
    }
    let mut duplicates = 0;
    for (id, at) in &occurrences {
        for &i in &at[..at.len() - 1] {
            duplicates += 1;
            assert_eq!(handed.get(i + 1).map(String::as_str), Some("#restart"), "{id} repeated without a kill");
        }
    }
    assert!(duplicates <= kills);
    // 4. Once each after de-duplication, in order per product order.
    let mut first: Vec<(&str, usize)> = occurrences.iter().map(|(id, at)| (*id, at[0])).collect();
    first.sort_by_key(|(_, i)| *i);
    let mut last_seq: HashMap<&str, u64> = HashMap::new();
    for (id, _) in &first {
        let change = known[id];
        if let Some(previous) = last_seq.insert(&change.product_order_id, change.seq) {
            assert!(previous < change.seq, "{} handed over out of order", change.product_order_id);
        }
    }
    let finals = record.iter().filter(|c| c.required).count();
    eprintln!(
        "chaos: {} changes recorded, {} required, {} handed over once each ({} duplicates), {kills} kills, {:.1} s",
        record.len(),
        finals,
        occurrences.len(),
        duplicates,
        started.elapsed().as_secs_f64()
    );
    assert!(record.len() >= target_changes && kills >= MIN_KILLS);
    let _ = std::fs::remove_dir_all(dir);
}
