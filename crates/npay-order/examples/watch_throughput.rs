//! Events per second through the watcher, SQLite store in a temporary file:
//!
//! ```text
//! cargo run --release -p npay-order --example watch_throughput -- [CHANGES] [--no-details]
//!     [--webhook] [--base-url URL] [--poll-interval-ms MS] [--json]
//! ```
//!
//! * `CHANGES` (default 10,000) changes are created first through the sandbox's control API.
//! * The handler is a no-op; with `--webhook` it is [`Webhook::deliver`] posting to a receiver
//!   inside this process that answers 204 at once (so the figure is deliveries per second).
//! * The watcher keeps its defaults but for the settle lag (1 ms: the sandbox lists a change at
//!   once). Once caught up it re-reads the overlap (5 min, which holds every change here) every
//!   poll interval (default 10 s); a shorter `--poll-interval-ms` makes that re-reading part of
//!   the figure.
//! * `--base-url` uses a sandbox that is already running (`cargo xtask bench` starts the release
//!   binary, so the sandbox's memory is not this process's); without it the sandbox runs inside
//!   this process.
//! * At the end it prints the rate and this process's peak RSS (`VmHWM`), as one JSON object
//!   with `--json`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use npay_order::watch::{SqliteStore, Watcher, Webhook, WebhookSecret};
use npay_order::{Client, Timestamp};
use npay_sandbox::{ControlClient, Sandbox, SandboxConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// This process's peak resident set size in KiB (`VmHWM` of `/proc/self/status`; 0 elsewhere).
fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// A receiver answering every request with 204, keep-alive; returns its URL.
async fn receiver() -> std::io::Result<String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/hook", listener.local_addr()?);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let _ = socket.set_nodelay(true);
            tokio::spawn(async move {
                let mut data = Vec::with_capacity(16 * 1024);
                let mut buffer = [0u8; 16 * 1024];
                loop {
                    // One request: the head, then Content-Length bytes of body.
                    let (head_end, length) = loop {
                        if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
                            let head = String::from_utf8_lossy(&data[..i]).to_ascii_lowercase();
                            let length = head
                                .lines()
                                .find_map(|l| l.strip_prefix("content-length:"))
                                .and_then(|v| v.trim().parse::<usize>().ok())
                                .unwrap_or(0);
                            break (i + 4, length);
                        }
                        match socket.read(&mut buffer).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => data.extend_from_slice(&buffer[..n]),
                        }
                    };
                    while data.len() < head_end + length {
                        match socket.read(&mut buffer).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => data.extend_from_slice(&buffer[..n]),
                        }
                    }
                    data.drain(..head_end + length);
                    if socket.write_all(b"HTTP/1.1 204 No Content\r\n\r\n").await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    Ok(url)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let changes: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let details = !args.iter().any(|a| a == "--no-details");
    let webhook = args.iter().any(|a| a == "--webhook");
    let json = args.iter().any(|a| a == "--json");
    let value_of = |flag: &str| args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1)).cloned();
    let base_url = value_of("--base-url");
    let poll_interval = value_of("--poll-interval-ms")
        .and_then(|v| v.parse().ok())
        .map_or(npay_order::watch::DEFAULT_POLL_INTERVAL, Duration::from_millis);
    let (_embedded, base_url, client_id, client_secret) = match base_url {
        Some(url) => {
            (None, url, npay_sandbox::DEFAULT_CLIENT_ID.to_owned(), npay_sandbox::DEFAULT_CLIENT_SECRET.to_owned())
        }
        None => {
            let sandbox = Sandbox::start(SandboxConfig { seed: Some(1), ..SandboxConfig::default() }).await?;
            let (url, id, secret) =
                (sandbox.base_url().to_owned(), sandbox.client_id().to_owned(), sandbox.client_secret().to_owned());
            (Some(sandbox), url, id, secret)
        }
    };
    let since = Timestamp::from_utc_in_kst(chrono::Utc::now() - chrono::Duration::minutes(5));
    let control = ControlClient::new(&base_url)?;
    let mut left = changes;
    while left > 0 {
        let count = left.min(10_000);
        control.paid_orders(count as u32).await?;
        left -= count;
    }
    let client = Client::builder().client_id(client_id).client_secret(client_secret).base_url(base_url).build()?;
    let dir = std::env::temp_dir().join(format!("npay-watch-throughput-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let watcher = Watcher::builder(&client)
        .store(SqliteStore::open(dir.join("store.sqlite"))?)
        .since(since)
        .settle_lag(Duration::from_millis(1))
        .poll_interval(poll_interval)
        .details(details)
        .build()?;
    let hook = match webhook {
        true => {
            Some(Arc::new(Webhook::new(receiver().await?, vec![WebhookSecret::generate()], Duration::from_secs(30))?))
        }
        false => None,
    };
    let handed = Arc::new(AtomicUsize::new(0));
    let stop = watcher.stop_handle();
    let started = Instant::now();
    let counter = handed.clone();
    let run = watcher.run(move |event| {
        let counter = counter.clone();
        let hook = hook.clone();
        async move {
            if let Some(hook) = hook {
                hook.deliver(&event).await?;
            }
            counter.fetch_add(1, Ordering::Relaxed);
            Ok(())
        }
    });
    let wait = async {
        while handed.load(Ordering::Relaxed) < changes {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        stop.stop();
    };
    let (result, ()) = tokio::join!(run, wait);
    result?;
    let seconds = started.elapsed().as_secs_f64();
    let rate = changes as f64 / seconds;
    let peak = peak_rss_kib();
    if json {
        println!(
            "{}",
            serde_json::json!({
                "changes": changes, "details": details, "webhook": webhook, "seconds": seconds,
                "perSecond": rate, "peakRssKiB": peak,
            })
        );
    } else {
        println!(
            "{changes} {} (details {}) in {seconds:.2} s: {rate:.0}/s; peak RSS {:.1} MiB",
            if webhook { "webhook deliveries" } else { "events" },
            if details { "on" } else { "off" },
            peak as f64 / 1024.0
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
