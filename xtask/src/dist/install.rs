//! `cargo xtask install-test`: the artifacts in `dist/` installed the way users install them, in
//! new environments below `target/install-tests/`, and each language's quickstart run against the
//! embedded sandbox. The wheel, the npm tarballs and the jar are installed and run with **no
//! `cargo` or `rustc` on `PATH`** (checked); only the sdist is built from source, with Rust.
//! Each test prints its artifact's size; the wheel and the npm package also print their import
//! (require) time, for BENCHMARKS.md.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};

use super::{dist_dir, files_ending, megabytes, target_dir};

/// The environment of a user without Rust: `PATH` minus every folder holding `cargo`, `rustc` or
/// `rustup`, and none of the `CARGO*`/`RUST*` variables cargo gives this process.
pub struct UserEnv {
    path: OsString,
}

impl UserEnv {
    /// A user with Rust: this process's `PATH` (still without cargo's variables).
    pub fn with_rust() -> UserEnv {
        UserEnv { path: std::env::var_os("PATH").unwrap_or_default() }
    }

    /// A user without Rust, checked: `command -v cargo` and `command -v rustc` fail there.
    pub fn without_rust() -> Result<UserEnv> {
        let current = std::env::var_os("PATH").unwrap_or_default();
        let kept: Vec<PathBuf> = std::env::split_paths(&current)
            .filter(|dir| !["cargo", "rustc", "rustup"].iter().any(|tool| dir.join(tool).exists()))
            .collect();
        let path = std::env::join_paths(kept).context("joining PATH")?;
        let no_rust = UserEnv { path };
        let found = no_rust.command("sh").args(["-c", "command -v cargo || command -v rustc"]).output()?;
        if found.status.success() {
            bail!(
                "the PATH without Rust still finds {}",
                String::from_utf8_lossy(&found.stdout).trim().replace('\n', " and ")
            );
        }
        println!("    no cargo or rustc on the PATH of the installs (`command -v cargo` fails there)");
        Ok(no_rust)
    }

    /// `program` run with this environment (looked up on its `PATH`).
    pub fn command(&self, program: &str) -> Command {
        let mut command = Command::new(program);
        for (key, _) in std::env::vars_os() {
            let key = key.to_string_lossy();
            let rust = ["CARGO", "RUST", "MATURIN", "PYO3"].iter().any(|p| key.starts_with(p));
            if rust || key == "VIRTUAL_ENV" {
                command.env_remove(key.as_ref());
            }
        }
        command.env("PATH", &self.path);
        command
    }
}

/// Runs `command` and returns its stdout (also echoed); fails on a non-zero exit, with stderr.
fn output(command: &mut Command) -> Result<String> {
    let shown = format!("{:?} {:?}", command.get_program(), command.get_args().collect::<Vec<_>>());
    println!("+ {shown}");
    let out = command.output().with_context(|| format!("starting {shown}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.status.success() {
        bail!("{shown} failed with {}:\n{stdout}\n{}", out.status, String::from_utf8_lossy(&out.stderr));
    }
    for line in stdout.lines() {
        println!("    | {line}");
    }
    Ok(stdout)
}

/// Fails unless `stdout` has a line containing `expected`.
fn expect_line(stdout: &str, expected: &str) -> Result<()> {
    if !stdout.lines().any(|l| l.contains(expected)) {
        bail!("expected a line with {expected:?} in the output:\n{stdout}");
    }
    Ok(())
}

/// A new, empty folder `target/install-tests/<name>`.
fn fresh(root: &Path, name: &str) -> Result<PathBuf> {
    let dir = target_dir(root).join("install-tests").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// The one file in `dir` ending with `suffix` whose name contains every one of `parts`.
pub(super) fn artifact(dir: &Path, suffix: &str, parts: &[&str]) -> Result<PathBuf> {
    let found: Vec<PathBuf> = files_ending(dir, suffix)?
        .into_iter()
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| parts.iter().all(|part| n.contains(part))))
        .collect();
    match found.as_slice() {
        [one] => Ok(one.clone()),
        [] => bail!("no {suffix} for {parts:?} in {}: run `cargo xtask dist` first", dir.display()),
        _ => bail!("several {suffix} for {parts:?} in {}: {found:?}", dir.display()),
    }
}

/// The median of `runs` timings (ms) that `command()` prints, one number each.
fn median_ms(runs: usize, mut command: impl FnMut() -> Command) -> Result<f64> {
    let mut times = Vec::new();
    for _ in 0..runs {
        let out = command().output()?;
        if !out.status.success() {
            bail!("a timing run failed: {}", String::from_utf8_lossy(&out.stderr));
        }
        let text = String::from_utf8_lossy(&out.stdout);
        times.push(text.trim().parse::<f64>().with_context(|| format!("not a time: {text:?}"))?);
    }
    times.sort_by(f64::total_cmp);
    Ok(times[times.len() / 2])
}

/// How many times each import / require time is taken (the median is reported).
const TIMING_RUNS: usize = 7;

/// Every install test, in order, timing each.
pub fn run(root: &Path) -> Result<()> {
    let version = crate::version::check(root)?;
    let no_rust = UserEnv::without_rust()?;
    let tests: [(&str, &dyn Fn() -> Result<()>); 4] = [
        ("Python wheel, no Rust", &|| python_wheel(root, &no_rust)),
        ("npm tarballs (CommonJS and ESM), no Rust", &|| node(root, &no_rust, &version)),
        ("Kotlin jar from a Maven repository, no Rust", &|| kotlin(root, &no_rust, &version)),
        ("Python sdist, built from source with Rust", &|| python_sdist(root, &version)),
    ];
    for (name, test) in tests {
        let started = Instant::now();
        println!("--> install test: {name}");
        test().with_context(|| format!("install test: {name}"))?;
        println!("--> install test: {name}: ok ({:.1} s)", started.elapsed().as_secs_f64());
    }
    Ok(())
}

/// The venv's Python, after making the venv with `python3` from the environment's PATH.
fn new_venv(no_rust: &UserEnv, dir: &Path) -> Result<PathBuf> {
    output(no_rust.command("python3").args(["-m", "venv"]).arg(dir.join("venv")))?;
    Ok(dir.join("venv/bin/python"))
}

/// Runs the README's Python quickstart (bindings/python/examples) from `dir`, outside the
/// checkout, so that `npay_order` can only come from the venv.
fn python_quickstart(root: &Path, no_rust: &UserEnv, python: &Path, dir: &Path) -> Result<()> {
    std::fs::copy(root.join("bindings/python/examples/quickstart.py"), dir.join("quickstart.py"))?;
    let whence =
        output(no_rust.command(&python.to_string_lossy()).current_dir(dir).args([
            "-c",
            "import npay_order, sys; print(npay_order.__file__); assert sys.prefix in npay_order.__file__",
        ]))?;
    println!("    npay_order imported from {}", whence.trim());
    let out = output(no_rust.command(&python.to_string_lossy()).current_dir(dir).arg("quickstart.py"))?;
    expect_line(&out, "dispatched 3 product orders")?;
    expect_line(&out, "not found: HTTP 404")?;
    expect_line(&out, "async: 3 product orders read concurrently")
}

fn python_wheel(root: &Path, no_rust: &UserEnv) -> Result<()> {
    let wheel = super::host_wheel(root)?;
    println!("    wheel {}: {:.2} MB", wheel.display(), megabytes(&wheel)?);
    let dir = fresh(root, "python-wheel")?;
    let python = new_venv(no_rust, &dir)?;
    // --no-index: the wheel needs nothing else, and pip may not fall back to building anything.
    output(
        no_rust.command(&python.to_string_lossy()).args(["-m", "pip", "install", "--quiet", "--no-index"]).arg(&wheel),
    )?;
    python_quickstart(root, no_rust, &python, &dir)?;
    let ms = median_ms(TIMING_RUNS, || {
        let mut c = no_rust.command(&python.to_string_lossy());
        c.current_dir(&dir).args([
            "-c",
            "import time; t = time.perf_counter(); import npay_order; print((time.perf_counter() - t) * 1000)",
        ]);
        c
    })?;
    println!("    import npay_order: {ms:.1} ms (median of {TIMING_RUNS}, installed wheel)");
    Ok(())
}

/// The workspace crates the sdist carries: each must be compiled from the unpacked sdist.
const SDIST_CRATES: &[&str] =
    &["npay-order-api", "npay-sandbox-control", "npay-sandbox", "npay-order", "npay-order-python"];

fn python_sdist(root: &Path, version: &str) -> Result<()> {
    let sdist = artifact(&dist_dir(root).join("python"), ".tar.gz", &[version])?;
    println!("    sdist {}: {:.2} MB", sdist.display(), megabytes(&sdist)?);
    let dir = fresh(root, "python-sdist")?;
    // This user has Rust. pip builds in isolation (maturin from PyPI), with the dev profile (the
    // cheapest build) into a target folder of its own, new each run: a shared one would take
    // the workspace crates as built already (cargo hashes them by their path relative to the
    // workspace, and the sdist keeps their old timestamps), and prove nothing of the sdist.
    let pep517 = ["--profile", "dev"];
    let with_rust = UserEnv::with_rust();
    let python = new_venv(&with_rust, &dir)?;
    let mut command = with_rust.command(&python.to_string_lossy());
    command
        .env("CARGO_TARGET_DIR", dir.join("cargo-target"))
        .env("MATURIN_PEP517_ARGS", pep517.join(" "))
        .args(["-m", "pip", "install", "-v", "--no-cache-dir"])
        .arg(&sdist);
    println!("+ {command:?}");
    let out = command.output().context("starting pip")?;
    let log = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    if !out.status.success() {
        bail!("pip install of the sdist failed with {}:\n{log}", out.status);
    }
    for name in SDIST_CRATES {
        let compiled = log
            .lines()
            .find(|l| l.contains(&format!("Compiling {name} v{version} (")))
            .with_context(|| format!("the sdist's build did not compile {name} from the unpacked sdist:\n{log}"))?;
        println!("    |{}", compiled.trim_start_matches(|c: char| c.is_whitespace()));
    }
    python_quickstart(root, &with_rust, &python, &dir)
}

/// Every file below `dir` whose name ends with `.node`.
fn addons_below(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            found.extend(addons_below(&path)?);
        } else if path.extension().is_some_and(|e| e == "node") {
            found.push(path);
        }
    }
    Ok(found)
}

fn node(root: &Path, no_rust: &UserEnv, version: &str) -> Result<()> {
    let npm = dist_dir(root).join("npm");
    let platform = super::Platform::of(&super::host_triple()?)?;
    let main = npm.join(format!("npay-order-{version}.tgz"));
    let addon = npm.join(format!("npay-order-{}-{version}.tgz", platform.npm));
    for tarball in [&main, &addon] {
        println!("    {}: {:.2} MB", tarball.display(), megabytes(tarball)?);
    }
    let dir = fresh(root, "node")?;
    std::fs::write(dir.join("package.json"), "{ \"name\": \"shop\", \"version\": \"1.0.0\", \"private\": true }\n")?;
    // --offline: everything comes from the two tarballs; the main package's optional dependency
    // on the platform package is met by the second one.
    output(
        no_rust
            .command("npm")
            .current_dir(&dir)
            .args(["install", "--offline", "--no-audit", "--no-fund", "--loglevel=error"])
            .arg(&main)
            .arg(&addon),
    )?;
    let in_main = addons_below(&dir.join("node_modules/npay-order"))?;
    if !in_main.is_empty() {
        bail!("the main npm package carries addons: {in_main:?}");
    }
    let installed = dir.join(format!("node_modules/npay-order-{0}/npay-order.{0}.node", platform.npm));
    if !installed.exists() {
        bail!("the platform package did not install {}", installed.display());
    }
    for file in ["quickstart.cjs", "quickstart.mjs"] {
        std::fs::copy(root.join("tests/install/node").join(file), dir.join(file))?;
    }
    expect_line(
        &output(no_rust.command("node").current_dir(&dir).arg("quickstart.cjs"))?,
        "cjs quickstart: confirmed and dispatched 3",
    )?;
    expect_line(
        &output(no_rust.command("node").current_dir(&dir).arg("quickstart.mjs"))?,
        "esm quickstart: confirmed 2",
    )?;
    let require = median_ms(TIMING_RUNS, || {
        let mut c = no_rust.command("node");
        c.current_dir(&dir).args([
            "-e",
            "const t = process.hrtime.bigint(); require('npay-order'); console.log(Number(process.hrtime.bigint() - t) / 1e6)",
        ]);
        c
    })?;
    let import = median_ms(TIMING_RUNS, || {
        let mut c = no_rust.command("node");
        c.current_dir(&dir).args([
            "--input-type=module",
            "-e",
            "const t = process.hrtime.bigint(); await import('npay-order'); console.log(Number(process.hrtime.bigint() - t) / 1e6)",
        ]);
        c
    })?;
    println!(
        "    require('npay-order'): {require:.1} ms, import: {import:.1} ms (medians of {TIMING_RUNS}, installed tarballs)"
    );
    Ok(())
}

fn kotlin(root: &Path, no_rust: &UserEnv, version: &str) -> Result<()> {
    let repository = dist_dir(root).join("maven");
    let jar = repository.join(format!("npay/order/npay-order/{version}/npay-order-{version}.jar"));
    println!("    {}: {:.2} MB", jar.display(), megabytes(&jar)?);
    let dir = fresh(root, "kotlin")?;
    super::copy_tree(&root.join("tests/install/kotlin"), &dir)?;
    // Maven keeps what it downloaded: drop an earlier copy of this version, so that the jar under
    // test is the one in dist/maven.
    if let Some(home) = std::env::var_os("HOME") {
        let _ = std::fs::remove_dir_all(PathBuf::from(home).join(".m2/repository/npay/order/npay-order").join(version));
    }
    let url = format!("file://{}", repository.canonicalize()?.display());
    let out = output(
        no_rust
            .command("mvn")
            .current_dir(&dir)
            .args(["-B", "-ntp", "-q", "compile", "exec:java"])
            .arg(format!("-Dnpay.repository={url}"))
            .arg(format!("-Dnpay.version={version}")),
    )?;
    expect_line(&out, "kotlin quickstart: confirmed and dispatched 3")
}
