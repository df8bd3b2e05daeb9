//! Events per second through the watcher into a no-op handler, SQLite store in a temporary file,
//! against the embedded sandbox: `cargo run --release -p npay-order --example watch_throughput
//! [CHANGES] [--no-details]` (default 10,000 changes, details fetched).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use npay_order::watch::{SqliteStore, Watcher};
use npay_order::{Client, Timestamp};
use npay_sandbox::{Sandbox, SandboxConfig};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let changes: usize = args.iter().find_map(|a| a.parse().ok()).unwrap_or(10_000);
    let details = !args.iter().any(|a| a == "--no-details");
    let sandbox = Sandbox::start(SandboxConfig { seed: Some(1), ..SandboxConfig::default() }).await?;
    let http = reqwest::Client::new();
    let mut left = changes;
    while left > 0 {
        let count = left.min(10_000);
        http.post(format!("{}/orders", sandbox.control_url()))
            .json(&serde_json::json!({"count": count}))
            .send()
            .await?
            .error_for_status()?;
        left -= count;
    }
    let client = Client::builder()
        .client_id(sandbox.client_id())
        .client_secret(sandbox.client_secret())
        .base_url(sandbox.base_url())
        .build()?;
    let dir = std::env::temp_dir().join(format!("npay-watch-throughput-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let watcher = Watcher::builder(&client)
        .store(SqliteStore::open(dir.join("store.sqlite"))?)
        .since(Timestamp::from_utc_in_kst(chrono::Utc::now() - chrono::Duration::minutes(5)))
        .settle_lag(Duration::from_millis(1))
        .poll_interval(Duration::from_millis(50))
        .details(details)
        .build()?;
    let handed = Arc::new(AtomicUsize::new(0));
    let stop = watcher.stop_handle();
    let started = Instant::now();
    let counter = handed.clone();
    let run = watcher.run(move |_| {
        let counter = counter.clone();
        async move {
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
    println!(
        "{changes} events (details {}) in {seconds:.2} s: {:.0} events/s",
        if details { "on" } else { "off" },
        changes as f64 / seconds
    );
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
