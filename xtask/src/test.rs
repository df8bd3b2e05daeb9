//! `cargo xtask test`: the one command that runs every check and test of the project, on a new
//! machine as on a developer's (CI's `.ci/run` calls it). Each step says what it proves; later
//! languages add their suites here, so there is always exactly one command.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};

use crate::{conformance, dist, fuzz, lint, outputs, spec, suites, uniffi, version};

/// Runs every step in order and stops at the first failure; with `only`, just the steps whose name
/// contains one of its words (e.g. `cargo xtask test Python Node`).
pub fn run(root: &Path, only: &[String]) -> Result<()> {
    let steps: [(&str, &dyn Fn() -> Result<()>); 14] = [
        ("one version for every package", &|| version::check(root).map(|v| println!("version {v}"))),
        ("Rust formatting and clippy (-D warnings)", &|| {
            cargo(root, &["fmt", "--all", "--check"])?;
            cargo(root, &["clippy", "--workspace", "--all-targets", "--quiet", "--", "-D", "warnings"])
        }),
        ("lint the spec", &|| lint::run(root)),
        ("generated files are current", &|| {
            let spec = spec::Spec::load(&root.join(spec::SPEC_PATH))?;
            outputs::check(root, &outputs::all(&spec)?)?;
            uniffi::check_swift(root)
        }),
        ("Rust tests (workspace)", &|| cargo(root, &["test", "--workspace", "--all-targets"])),
        ("Rust builds without warnings", &|| no_warnings(root)),
        ("Rust docs build without warnings", &|| rustdoc(root)),
        ("sandbox conformance (schemathesis)", &|| conformance::run(root)),
        ("Python package tests", &|| suites::python::test(root)),
        ("Node package tests", &|| suites::node::test(root)),
        ("Kotlin and Swift (uniffi) tests", &|| suites::kotlin::test(root)),
        ("release artifacts (dist/), installed and run without Rust", &|| {
            dist::run(root, &dist::Options::default())?;
            dist::install::run(root)
        }),
        ("every suite again through prism proxy --errors (contract traffic)", &|| prism_suites(root, &[])),
        ("fuzz response decoding and error parsing (30 s)", &|| fuzz::run(root, 30)),
    ];
    if let Some(word) = only.iter().find(|w| !steps.iter().any(|(name, _)| name.contains(w.as_str()))) {
        bail!("no step's name contains {word:?}");
    }
    for (name, step) in steps {
        if !only.is_empty() && !only.iter().any(|word| name.contains(word.as_str())) {
            continue;
        }
        let started = Instant::now();
        println!("==> {name}");
        step().with_context(|| format!("step failed: {name}"))?;
        println!("==> {name}: ok ({:.1} s)", started.elapsed().as_secs_f64());
    }
    Ok(())
}

/// The suites `conformance::through_prism` can run, by name; an empty `names` means all of them.
/// Each needs its package built first (the steps above build them).
pub fn prism_suites(root: &Path, names: &[String]) -> Result<()> {
    const ALL: [&str; 4] = ["rust", "python", "node", "kotlin"];
    if let Some(unknown) = names.iter().find(|n| !ALL.contains(&n.as_str())) {
        bail!("unknown suite {unknown:?}; the suites are {}", ALL.join(", "));
    }
    let mut suites = Vec::new();
    for name in ALL.into_iter().filter(|n| names.is_empty() || names.iter().any(|m| m == n)) {
        let command = match name {
            "rust" => {
                let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()));
                // One test at a time: every test shares the one external sandbox.
                command.current_dir(root).args(["test", "-q", "-p", "npay-order", "--tests", "--", "--test-threads=1"]);
                command
            }
            "python" => suites::python::suite(root),
            "node" => suites::node::suite(root, true)?,
            _ => suites::kotlin::suite(root),
        };
        suites.push(conformance::Suite { name, command });
    }
    conformance::through_prism(root, suites)
}

/// Runs cargo with `args` in the workspace.
pub fn cargo(root: &Path, args: &[&str]) -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let status = Command::new(cargo).current_dir(root).args(args).status().context("starting cargo")?;
    if !status.success() {
        bail!("cargo {} failed with {status}", args.join(" "));
    }
    Ok(())
}

/// Cargo replays the cached diagnostics of the build the tests just made: any warning fails.
fn no_warnings(root: &Path) -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .current_dir(root)
        .args(["build", "--workspace", "--all-targets", "--message-format", "short"])
        .output()
        .context("starting cargo")?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    let warnings: Vec<&str> = stderr.lines().filter(|l| l.contains("warning")).collect();
    if !output.status.success() || !warnings.is_empty() {
        bail!("the build has warnings or errors:\n{stderr}");
    }
    Ok(())
}

fn rustdoc(root: &Path) -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let status = Command::new(cargo)
        .current_dir(root)
        .env("RUSTDOCFLAGS", "-D warnings")
        .args([
            "doc",
            "--no-deps",
            "-p",
            "npay-order",
            "-p",
            "npay-order-api",
            "-p",
            "npay-sandbox-control",
            "-p",
            "npay-sandbox",
        ])
        .status()
        .context("starting cargo doc")?;
    if !status.success() {
        bail!("cargo doc reported warnings or errors");
    }
    Ok(())
}
