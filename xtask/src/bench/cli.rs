//! The CLI's line of `cargo xtask bench` (part `clients`): `npay-order changes` over
//! [`CHANGES`] changes of a fresh release sandbox, in each output format: the wall time of the
//! whole process (start-up and token included), and its peak RSS as GNU `time` reports it (the
//! CLI does not measure itself; `time`'s own clock counts only hundredths of a second). Output
//! goes to a pipe, as when it is redirected to a file, so no progress bar is drawn.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, Result, bail};

use super::watcher::thousands;
use super::{median, output, run, start_sandbox};

/// Changes the CLI lists.
pub const CHANGES: usize = 10_000;
/// Rounds; the formats alternate within each round.
const ROUNDS: usize = 5;
/// GNU time's measurer (Debian package `time`).
const TIME: &str = "/usr/bin/time";
/// The sandbox's credentials, given the way the CLI's help advises (environment variables).
const CLIENT_ID: &str = "sandbox-client-id";
const CLIENT_SECRET: &str = "$2a$04$sandboxsecretsandboxse";

/// (title, the CLI's flag for the format, lines of output besides one per change).
const FORMATS: &[(&str, Option<&str>, usize)] =
    &[("table (default)", None, 1), ("`--json` (a line per change)", Some("--json"), 0), ("`--csv`", Some("--csv"), 1)];

/// One format's figures over the rounds.
pub struct Format {
    pub title: &'static str,
    pub seconds: Vec<f64>,
    pub peak_rss_kib: Vec<f64>,
}

/// Builds the CLI in release and installs GNU time when it is missing.
pub fn prepare(root: &Path) -> Result<()> {
    if !Path::new(TIME).exists() {
        run(Command::new("apt-get").args(["install", "-y", "-qq", "time"]))?;
    }
    run(Command::new("cargo").current_dir(root).args([
        "build",
        "--release",
        "-q",
        "-p",
        "npay-order-cli",
        "--bin",
        "npay-order",
    ]))
}

/// Runs `changes` in every format [`ROUNDS`] times against one sandbox holding [`CHANGES`]
/// changes; `bench_bin` (the core's bench example) creates them.
pub fn measure(root: &Path, bench_bin: &Path) -> Result<Vec<Format>> {
    let server = start_sandbox(root)?;
    let from = output(Command::new(bench_bin).args(["seed", &server.base, &CHANGES.to_string()]))?.trim().to_owned();
    let cli = root.join("target/release/npay-order");
    let no_config = root.join(".tools/bench/cli-config");
    std::fs::create_dir_all(&no_config)?;
    let mut formats: Vec<Format> =
        FORMATS.iter().map(|(title, _, _)| Format { title, seconds: Vec::new(), peak_rss_kib: Vec::new() }).collect();
    for _ in 0..ROUNDS {
        for ((_, flag, extra_lines), figures) in FORMATS.iter().zip(&mut formats) {
            let mut command = Command::new(TIME);
            command
                .args(["-f", "%M"])
                .arg(&cli)
                .args(["changes", "--from", &from, "--base-url", &server.base])
                .args(flag.iter())
                .env("NPAY_CLIENT_ID", CLIENT_ID)
                .env("NPAY_CLIENT_SECRET", CLIENT_SECRET)
                // No config file or profile of the machine's user may take part.
                .env("XDG_CONFIG_HOME", &no_config)
                .env_remove("NPAY_ORDER_CONFIG")
                .env_remove("NPAY_PROFILE");
            let started = Instant::now();
            let out = command.stdin(Stdio::null()).output().with_context(|| format!("starting {command:?}"))?;
            let seconds = started.elapsed().as_secs_f64();
            let stderr = String::from_utf8_lossy(&out.stderr);
            if !out.status.success() {
                bail!("{command:?} failed with {}: {}", out.status, stderr.trim());
            }
            // Every change must have been listed, or the time is not of the whole range.
            let lines = out.stdout.iter().filter(|&&b| b == b'\n').count();
            if lines < CHANGES + extra_lines {
                bail!("npay-order changes {flag:?} printed {lines} lines for {CHANGES} changes");
            }
            let last = stderr.lines().last().context("GNU time's line")?;
            figures.seconds.push(seconds);
            figures.peak_rss_kib.push(last.trim().parse().context("GNU time's max RSS")?);
        }
    }
    Ok(formats)
}

/// The report's lines, one per format.
pub fn render(formats: &[Format]) -> Vec<String> {
    formats
        .iter()
        .map(|f| {
            let seconds = median(&f.seconds).unwrap_or(f64::NAN);
            let low = f.seconds.iter().copied().fold(f64::INFINITY, f64::min);
            let high = f.seconds.iter().copied().fold(0.0, f64::max);
            let peak = f.peak_rss_kib.iter().copied().fold(0.0, f64::max) * 1024.0 / 1e6;
            format!(
                "- `npay-order changes` over {} changes, {}: {:.0} ms ({} changes/s; {:.0}–{:.0} ms in {ROUNDS} rounds), peak RSS {peak:.1} MB (the whole process).",
                thousands(CHANGES as f64),
                f.title,
                seconds * 1000.0,
                thousands(CHANGES as f64 / seconds),
                low * 1000.0,
                high * 1000.0,
            )
        })
        .collect()
}
