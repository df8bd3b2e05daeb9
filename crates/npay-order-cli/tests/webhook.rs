//! `watch --forward-to`: signed deliveries a third-party verifier (the `standardwebhooks` crate)
//! accepts, to a receiver that fails one request in five.

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use npay_order::watch::event_id;
use npay_sandbox::{Sandbox, SandboxConfig};
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

#[derive(Default)]
struct Received {
    verified: Vec<String>,
    refused: usize,
    bad_signatures: usize,
}

/// A receiver answering 500 to 20 % of requests (before verifying) and 204 to the others,
/// or 410 to everything when `gone`.
async fn receiver(gone: bool) -> (String, Arc<Mutex<Received>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let received = Arc::new(Mutex::new(Received::default()));
    let state = received.clone();
    let rng = Arc::new(Mutex::new(rand::rngs::StdRng::seed_from_u64(20)));
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else { return };
            let (state, rng) = (state.clone(), rng.clone());
            tokio::spawn(async move {
                loop {
                    let mut data = Vec::new();
                    let mut buffer = [0u8; 8192];
                    let head_end = loop {
                        if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
                            break i + 4;
                        }
                        match socket.read(&mut buffer).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => data.extend_from_slice(&buffer[..n]),
                        }
                    };
                    let head = String::from_utf8_lossy(&data[..head_end]).to_string();
                    let mut headers = http::HeaderMap::new();
                    for line in head.lines().skip(1) {
                        if let Some((k, v)) = line.split_once(':') {
                            if let (Ok(k), Ok(v)) =
                                (k.trim().to_ascii_lowercase().parse::<http::HeaderName>(), v.trim().parse())
                            {
                                headers.insert(k, v);
                            }
                        }
                    }
                    let length: usize =
                        headers.get("content-length").and_then(|v| v.to_str().ok()?.parse().ok()).unwrap_or(0);
                    while data.len() < head_end + length {
                        match socket.read(&mut buffer).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => data.extend_from_slice(&buffer[..n]),
                        }
                    }
                    let body = &data[head_end..head_end + length];
                    let status = if gone {
                        "410 Gone"
                    } else if rng.lock().unwrap().random_bool(0.2) {
                        state.lock().unwrap().refused += 1;
                        "500 Internal Server Error"
                    } else {
                        let verifier = standardwebhooks::Webhook::new(SECRET).unwrap();
                        let mut state = state.lock().unwrap();
                        match verifier.verify(body, &headers) {
                            Ok(()) => {
                                let event: Value = serde_json::from_slice(body).unwrap();
                                assert_eq!(headers["webhook-id"].to_str().unwrap(), event["id"].as_str().unwrap());
                                state.verified.push(event["id"].as_str().unwrap().to_owned());
                                "204 No Content"
                            }
                            Err(_) => {
                                state.bad_signatures += 1;
                                "400 Bad Request"
                            }
                        }
                    };
                    let reply = format!("HTTP/1.1 {status}\r\nContent-Length: 0\r\n\r\n");
                    if socket.write_all(reply.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (url, received)
}

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
    reqwest::Client::new()
        .post(format!("{}/orders", sandbox.control_url()))
        .json(&json!({"count": count}))
        .send()
        .await
        .unwrap();
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
    let changes: Value =
        reqwest::get(format!("{}/changes", sandbox.control_url())).await.unwrap().json().await.unwrap();
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
