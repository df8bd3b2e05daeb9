//! Shared by the CLI's tests: a Standard Webhooks receiver, and running the CLI against a sandbox.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use rand::{Rng, SeedableRng};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The signing secret the tests give the watcher (24 bytes).
pub const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// What the receiver saw.
#[derive(Default)]
pub struct Received {
    /// Ids of the deliveries it accepted (verified), in order; tests may push markers in between.
    pub verified: Vec<String>,
    /// Requests answered 500.
    pub refused: usize,
    /// Requests whose signature did not verify.
    pub bad_signatures: usize,
}

/// A receiver answering 500 to 20 % of requests (before verifying) and 204 to the others,
/// or 410 to everything when `gone`.
pub async fn receiver(gone: bool) -> (String, Arc<Mutex<Received>>) {
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
                        if let Some((k, v)) = line.split_once(':')
                            && let (Ok(k), Ok(v)) =
                                (k.trim().to_ascii_lowercase().parse::<http::HeaderName>(), v.trim().parse())
                        {
                            headers.insert(k, v);
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

/// The CLI binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_npay-order");

/// A sandbox with `count` paid orders; their product order ids.
pub async fn sandbox_with_orders(count: usize) -> (npay_sandbox::Sandbox, Vec<String>) {
    let sandbox = npay_sandbox::Sandbox::start(npay_sandbox::SandboxConfig { seed: Some(5), ..Default::default() })
        .await
        .unwrap();
    let ids = add_orders(&sandbox, count).await;
    (sandbox, ids)
}

/// `count` more paid orders (one product each); their product order ids.
pub async fn add_orders(sandbox: &npay_sandbox::Sandbox, count: usize) -> Vec<String> {
    sandbox.control().paid_orders(count as u32).await.expect("orders are created")
}

/// What the buyer, the courier or time does to a product order (`deliver`, `request-return`, …).
pub async fn event(sandbox: &npay_sandbox::Sandbox, id: &str, event: &str) {
    if let Err(e) = sandbox.control().event(id, event).await {
        panic!("event {event}: {e}");
    }
}

/// The sandbox's counters: requests and applied mutations by operationId.
pub async fn stats(sandbox: &npay_sandbox::Sandbox) -> npay_sandbox::control_api::Stats {
    sandbox.control().stats().await.expect("stats")
}

/// The CLI with the sandbox's base URL and credentials (the secret from the environment), and no
/// profile or credentials from the environment of the test run.
pub fn cli(sandbox: &npay_sandbox::Sandbox) -> std::process::Command {
    let mut command = bare();
    command
        .args(["--base-url", sandbox.base_url(), "--client-id", sandbox.client_id()])
        .env("NPAY_CLIENT_SECRET", sandbox.client_secret());
    command
}

/// The CLI with nothing from the test run's environment that could choose credentials.
pub fn bare() -> std::process::Command {
    let mut command = std::process::Command::new(BIN);
    for name in ["NPAY_CLIENT_ID", "NPAY_CLIENT_SECRET", "NPAY_PROFILE", "NPAY_ORDER_CONFIG"] {
        command.env_remove(name);
    }
    // No config file of the user running the tests.
    command.env("XDG_CONFIG_HOME", std::env::temp_dir().join("npay-cli-tests-no-config"));
    command
}

/// Runs the command, which must succeed.
pub fn ok(command: &mut std::process::Command) -> std::process::Output {
    let output = command.output().expect("the CLI runs");
    let args: Vec<_> = command.get_args().collect();
    assert!(output.status.success(), "{args:?}: {}{}", text(&output.stdout), text(&output.stderr));
    output
}

/// Runs the command, which must fail (exit non-zero).
pub fn fails(command: &mut std::process::Command) -> std::process::Output {
    let output = command.output().expect("the CLI runs");
    let args: Vec<_> = command.get_args().collect();
    assert!(!output.status.success(), "{args:?}: expected a failure: {}{}", text(&output.stdout), text(&output.stderr));
    output
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Stdout as JSON lines.
pub fn json_lines(output: &std::process::Output) -> Vec<Value> {
    text(&output.stdout).lines().map(|l| serde_json::from_str(l).expect("one JSON per line")).collect()
}

/// Product orders as `orders get --json` prints them, by id.
pub fn orders(sandbox: &npay_sandbox::Sandbox, ids: &[String]) -> std::collections::HashMap<String, Value> {
    let output = ok(cli(sandbox).args(["orders", "get", "--json"]).args(ids));
    json_lines(&output)
        .into_iter()
        .map(|o| (o["productOrder"]["productOrderId"].as_str().unwrap().to_owned(), o))
        .collect()
}

/// A fresh folder for one test's files.
pub fn temp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("npay-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Whether text holds terminal control: carriage returns or escape sequences (a progress bar).
pub fn has_terminal_control(text: &str) -> bool {
    text.contains('\r') || text.contains('\u{1b}')
}
