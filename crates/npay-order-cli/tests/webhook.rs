//! `watch --forward-to`: signed deliveries a third-party verifier (the `standardwebhooks` crate)
//! accepts, to a receiver that fails one request in five.

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use npay_order::watch::event_id;
use npay_sandbox::{Sandbox, SandboxConfig};

mod common;

use common::{SECRET, receiver};

fn watch(sandbox: &Sandbox, url: &str, store: &std::path::Path) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_npay-order"))
        .args(["watch", "--base-url", sandbox.base_url(), "--client-id", sandbox.client_id()])
        .args([
            "--store",
            store.to_str().unwrap(),
            "--since",
            "10m",
            "--settle-lag",
            "200ms",
            "--poll-interval",
            "100ms",
        ])
        .args(["--forward-to", url, "--print-secret", "--retry-schedule", "50ms,50ms,50ms,50ms,50ms,50ms,50ms,50ms"])
        .env("NPAY_CLIENT_SECRET", sandbox.client_secret())
        .env("NPAY_WEBHOOK_SECRET", SECRET)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

async fn sandbox_with_orders(count: usize) -> Sandbox {
    let sandbox = Sandbox::start(SandboxConfig { seed: Some(9), ..SandboxConfig::default() }).await.unwrap();
    sandbox.control().paid_orders(count as u32).await.unwrap();
    sandbox
}

fn temp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("npay-hook-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_event_arrives_signed_once_verified_despite_a_receiver_failing_one_request_in_five() {
    let sandbox = sandbox_with_orders(40).await;
    let (url, received) = receiver(false).await;
    let dir = temp("ok");
    let mut child = watch(&sandbox, &url, &dir.join("store.sqlite"));
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    assert_eq!(first.trim(), SECRET, "--print-secret prints the signing secret");
    let changes = sandbox.control().changes().await.unwrap();
    let expected: HashSet<String> = changes["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let at: npay_order::Timestamp = c["lastChangedDate"].as_str().unwrap().parse().unwrap();
            event_id(sandbox.client_id(), c["productOrderId"].as_str().unwrap(), &at, "PAYED", None)
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if received.lock().unwrap().verified.iter().cloned().collect::<HashSet<_>>() == expected {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(child.wait().unwrap().success());
    let received = received.lock().unwrap();
    let verified: HashSet<String> = received.verified.iter().cloned().collect();
    assert_eq!(verified, expected, "every event verified once de-duplicated");
    assert_eq!(received.verified.len(), expected.len(), "a delivered event is not sent again");
    assert_eq!(received.bad_signatures, 0);
    assert!(received.refused >= 1, "the receiver refused some requests, and they were retried");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_410_gone_stops_the_watcher_with_the_event_still_pending() {
    let sandbox = sandbox_with_orders(2).await;
    let (url, _) = receiver(true).await;
    let dir = temp("gone");
    let store = dir.join("store.sqlite");
    let mut child = watch(&sandbox, &url, &store);
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "the watcher did not stop on 410");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(!status.success());
    let pending = Command::new(env!("CARGO_BIN_EXE_npay-order"))
        .args(["events", "list", "--json", "--status", "pending", "--store", store.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&pending.stdout).lines().count(), 2, "nothing was lost");
    let _ = std::fs::remove_dir_all(&dir);
}
