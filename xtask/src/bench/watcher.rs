//! The watcher's rows of `cargo xtask bench` (alone: `cargo xtask bench --only watcher`):
//! changes per second through `npay_order::watch` (SQLite store) into a no-op handler, with and
//! without details, and webhook deliveries per second to a receiver that answers 204 at once;
//! each over 100,000 changes created in a fresh release sandbox, with the watcher process's peak
//! RSS. The work is `crates/npay-order/examples/watch_throughput.rs`; this runs it and writes the
//! figures.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result};
use serde_json::Value;

use super::{chrono_free_date, machine, median, output, start_sandbox};

/// Changes per measurement.
pub const CHANGES: usize = 100_000;
/// Rounds; the three workloads alternate within each round.
const ROUNDS: usize = 3;
/// Target: events per second through the watcher into a no-op handler.
const TARGET_PER_SECOND: f64 = 5_000.0;
/// Target: peak RSS of the watcher process, in MB (10^6 bytes).
const TARGET_RSS_MB: f64 = 50.0;

/// (key, the example's flags, title, whether the events/s target applies).
const WORKLOADS: &[(&str, &[&str], &str, bool)] = &[
    ("details", &[], "events/s, no-op handler, details on (`queryProductOrders` per page)", true),
    ("no_details", &["--no-details"], "events/s, no-op handler, details off", true),
    ("webhook", &["--webhook"], "webhook deliveries/s (`Webhook::deliver`, details on, receiver answers 204)", false),
];

/// Builds what the watcher rows run: the release sandbox and the example.
pub fn build(root: &Path) -> Result<()> {
    super::build_release(root, &["watch_throughput"])
}

/// Rates and peak RSS (KiB) per workload, one entry per round.
#[derive(Default)]
pub struct Figures {
    rates: Vec<Vec<f64>>,
    rss_kib: Vec<Vec<f64>>,
    load: (String, String),
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

/// Runs every workload [`ROUNDS`] times, each against a fresh sandbox holding [`CHANGES`] changes.
pub fn measure(root: &Path) -> Result<Figures> {
    let example = root.join("target/release/examples/watch_throughput");
    let mut figures = Figures {
        rates: vec![Vec::new(); WORKLOADS.len()],
        rss_kib: vec![Vec::new(); WORKLOADS.len()],
        load: (load_average(), String::new()),
    };
    for round in 1..=ROUNDS {
        for (i, (key, flags, _, _)) in WORKLOADS.iter().enumerate() {
            eprintln!("watcher round {round}/{ROUNDS}: {key}");
            let sandbox = start_sandbox(root)?;
            let line = output(Command::new(&example).arg(CHANGES.to_string()).args(*flags).args([
                "--json",
                "--base-url",
                &sandbox.base,
            ]))?;
            drop(sandbox);
            let value: Value =
                serde_json::from_str(line.trim()).with_context(|| format!("the example said {line:?}"))?;
            figures.rates[i].push(value["perSecond"].as_f64().context("perSecond")?);
            figures.rss_kib[i].push(value["peakRssKiB"].as_f64().context("peakRssKiB")?);
        }
    }
    figures.load.1 = load_average();
    Ok(figures)
}

/// `value` rounded, with a comma every three digits (`12,345`).
pub(super) fn thousands(value: f64) -> String {
    let digits = format!("{:.0}", value.max(0.0));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn met(ok: bool) -> &'static str {
    if ok { "met" } else { "not met" }
}

/// The watcher section of BENCHMARKS.md.
pub fn render(figures: &Figures) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## Watcher: events and webhook deliveries per second, peak RSS\n\n\
         Measured {} by `cargo xtask bench --only watcher` on {}; load average (1, 5, 15 min) {} at the \
         start and {} at the end (other work on the machine shows there).",
        chrono_free_date(),
        machine(),
        figures.load.0,
        figures.load.1
    );
    let _ = writeln!(
        out,
        "Release builds. Each figure: {} changes created in a fresh release `npay-sandbox` on loopback, then \
         read by `npay_order::watch` (SQLite store in a temporary file, `synchronous = NORMAL`) until the handler \
         has had all of them (`crates/npay-order/examples/watch_throughput.rs`); {ROUNDS} alternating rounds, \
         median and range. Peak RSS is the watcher process's `VmHWM` (the sandbox runs in a process of its own), \
         the highest of the rounds; MB = 10^6 bytes.\n",
        thousands(CHANGES as f64)
    );
    let _ = writeln!(out, "| workload | per second, median | range | target | peak RSS | target |");
    let _ = writeln!(out, "|---|---:|---:|---|---:|---|");
    for (i, (_, _, title, has_target)) in WORKLOADS.iter().enumerate() {
        let rates = &figures.rates[i];
        let (Some(rate), Some(low), Some(high)) =
            (median(rates), rates.iter().copied().reduce(f64::min), rates.iter().copied().reduce(f64::max))
        else {
            let _ = writeln!(out, "| {title} | not measured | | | | |");
            continue;
        };
        let rss_mb = figures.rss_kib[i].iter().copied().fold(0.0, f64::max) * 1024.0 / 1e6;
        let rate_target = match has_target {
            true => format!("≥ {}: {}", thousands(TARGET_PER_SECOND), met(rate >= TARGET_PER_SECOND)),
            false => "–".into(),
        };
        let _ = writeln!(
            out,
            "| {title} | {} | {}–{} | {rate_target} | {rss_mb:.1} MB | < {TARGET_RSS_MB:.0} MB: {} |",
            thousands(rate),
            thousands(low),
            thousands(high),
            met(rss_mb < TARGET_RSS_MB)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_groups_digits() {
        assert_eq!(super::thousands(100_000.0), "100,000");
        assert_eq!(super::thousands(4_848.4), "4,848");
        assert_eq!(super::thousands(999.0), "999");
    }
}
