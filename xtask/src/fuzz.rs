//! `cargo xtask fuzz [SECONDS]`: runs the `decode` fuzz target (response decoding and error
//! parsing must never panic) for a fixed time. Stable Rust: `cargo fuzz run -s none`. Installs
//! cargo-fuzz (pinned) if missing. Seeds are the spec's response examples (`fuzz/seeds/decode`);
//! what the fuzzer finds goes to the git-ignored `fuzz/corpus/`.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

const CARGO_FUZZ: &str = "0.13.2";

/// Fuzzes for `seconds`.
pub fn run(root: &Path, seconds: u64) -> Result<()> {
    let installed =
        Command::new("cargo").args(["fuzz", "--version"]).output().map(|o| o.status.success()).unwrap_or(false);
    if !installed {
        let status =
            Command::new("cargo").args(["install", "cargo-fuzz", "--locked", "--version", CARGO_FUZZ]).status()?;
        if !status.success() {
            bail!("installing cargo-fuzz {CARGO_FUZZ} failed");
        }
    }
    let corpus = root.join("fuzz/corpus/decode");
    std::fs::create_dir_all(&corpus)?;
    let status = Command::new("cargo")
        .current_dir(root.join("fuzz"))
        .args(["fuzz", "run", "decode", "-s", "none"])
        .arg(&corpus)
        .arg(root.join("fuzz/seeds/decode"))
        .arg("--")
        .arg(format!("-max_total_time={seconds}"))
        .status()
        .context("running cargo fuzz")?;
    if !status.success() {
        bail!("the fuzzer found a failing input (see fuzz/artifacts/decode)");
    }
    Ok(())
}
