//! Spec validation with tools nobody here wrote, installed pinned into `.tools/` (git-ignored)
//! so that a new machine gets exactly the versions this project was checked with.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::spec::SPEC_PATH;

const SPEC_VALIDATOR: &str = "openapi-spec-validator==0.9.0";
const REDOCLY: &str = "@redocly/cli@2.77.0";

/// Runs both validators; fails if either reports a problem.
pub fn run(root: &Path) -> Result<()> {
    let tools = root.join(".tools");
    let venv = tools.join("venv");
    let python = venv.join("bin/python");
    if !python.exists() {
        run_cmd(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
    }
    run_cmd(Command::new(&python).args(["-m", "pip", "install", "-q", "--disable-pip-version-check", SPEC_VALIDATOR]))?;
    let redocly = tools.join("node_modules/.bin/redocly");
    if !redocly.exists() {
        std::fs::create_dir_all(&tools)?;
        run_cmd(
            Command::new("npm")
                .current_dir(&tools)
                .args(["install", "--silent", "--no-audit", "--no-fund", "--prefix", "."])
                .arg(REDOCLY),
        )?;
    }
    let spec = root.join(SPEC_PATH);
    println!("openapi-spec-validator:");
    run_cmd(Command::new(venv.join("bin/openapi-spec-validator")).arg(&spec))?;
    println!("redocly lint:");
    run_cmd(
        Command::new(&redocly)
            .current_dir(root)
            .args(["lint", "--config", "openapi/redocly.yaml", "--format", "stylish"])
            .arg(&spec),
    )?;
    Ok(())
}

fn run_cmd(cmd: &mut Command) -> Result<()> {
    let status = cmd.status().with_context(|| format!("starting {cmd:?}"))?;
    if !status.success() {
        bail!("{cmd:?} failed with {status}");
    }
    Ok(())
}
