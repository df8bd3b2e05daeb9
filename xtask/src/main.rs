//! `cargo xtask …`: the project's automation.
//!
//! * `generate [--check]` turns `openapi/npay-order.yaml` into every checked-in generated file;
//!   with `--check` it writes nothing and fails with a diff when a file is stale.
//! * `lint` runs the two spec validators nobody here wrote (openapi-spec-validator, Redocly).
//! * `fuzz [SECONDS]` fuzzes response decoding and error parsing.
//! * `bench [--only clients|watcher]` measures every client against its peers, and the watcher's
//!   events and webhook deliveries per second, and writes their sections of BENCHMARKS.md.
//! * `regen` regenerates every output, then runs `test`.
//! * `version [X.Y.Z]` checks (or sets) the one version of every package.
//! * `diff OLD NEW` reports what a spec change does to every language's surface.
//! * `prism [SUITE…]` runs test suites (rust, python, node, kotlin; all by default) through
//!   `prism proxy --errors` in front of one sandbox; their packages must be built (`test` does).
//! * `dist [--only PART…]` builds every release artifact into `dist/` (RELEASING.md);
//!   `install-test` installs them in new environments without Rust and runs each quickstart.
//! * `test` runs every check and test of the project: the README's test command, and CI's.

mod bench;
mod conformance;
mod core_ops;
mod diff;
mod dist;
mod enums;
mod fuzz;
mod lint;
mod model;
mod node;
mod output;
mod outputs;
mod python;
mod rust_client;
mod sandbox_ops;
mod schema_registry;
mod shapes;
mod spec;
mod suites;
mod test;
mod uniffi;
mod version;

use std::path::PathBuf;

use anyhow::Result;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "xtask", about = "npay-order project automation")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate every generated file from the spec (or check that they are current).
    Generate {
        /// Write nothing; exit non-zero with a diff if any generated file is stale.
        #[arg(long)]
        check: bool,
        /// Read this spec instead of `openapi/npay-order.yaml`.
        #[arg(long)]
        spec: Option<PathBuf>,
        /// Write (or check) below this folder instead of the workspace root.
        #[arg(long)]
        root: Option<PathBuf>,
    },
    /// Validate the spec with openapi-spec-validator and @redocly/cli (installed into `.tools/`).
    Lint,
    /// Run every check and test of the project (what CI runs).
    Test {
        /// Only the steps whose name contains one of these words (all steps when none is given).
        only: Vec<String>,
    },
    /// Show the one version of every package, or set it everywhere.
    Version {
        /// The new version (X.Y.Z); without it, the current one is checked and shown.
        new: Option<String>,
    },
    /// Benchmark every client against its peers and the watcher (release builds); writes their
    /// sections of BENCHMARKS.md and keeps the hand-written rest.
    Bench {
        /// Only these parts (clients, watcher); all by default.
        #[arg(long)]
        only: Vec<String>,
    },
    /// Fuzz response decoding and error parsing for a fixed time.
    Fuzz {
        /// How long, in seconds.
        #[arg(default_value_t = 60)]
        seconds: u64,
    },
    /// Run test suites through `prism proxy --errors` in front of one sandbox (packages built first).
    Prism {
        /// rust, python, node, kotlin; all of them when none is given.
        suites: Vec<String>,
    },
    /// Regenerate every output from the spec, then build and run every test.
    Regen,
    /// Build the release artifacts into `dist/`: wheel, sdist, npm packages, Maven repository, crates.
    Dist {
        /// Only these parts (wheel, sdist, node-addon, node, native, kotlin, crates); all by default.
        #[arg(long)]
        only: Vec<String>,
        /// Build for this Rust target instead of this machine (the release workflow's cross builds).
        #[arg(long)]
        target: Option<String>,
        /// Link the wheel through zig (PyPI `ziglang`): another Linux architecture or libc.
        #[arg(long)]
        zig: bool,
        /// The wheel's platform tag policy, e.g. manylinux_2_28 or musllinux_1_2 (maturin --compatibility).
        #[arg(long)]
        compatibility: Option<String>,
        /// Let `cargo package` build each crate from its packed sources (minutes per crate).
        #[arg(long)]
        verify_crates: bool,
    },
    /// Install the artifacts in `dist/` in new environments (no Rust on PATH) and run each quickstart.
    InstallTest,
    /// Compare two specs: breaking and non-breaking changes and the SDK surface each touches.
    Diff {
        /// The spec before the change.
        old: PathBuf,
        /// The spec after the change.
        new: PathBuf,
    },
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    let root = project_root();
    match cli.command {
        Command::Generate { check, spec, root: out_root } => {
            let spec = spec::Spec::load(&spec.unwrap_or_else(|| root.join(spec::SPEC_PATH)))?;
            let root = out_root.unwrap_or(root);
            let outputs = outputs::all(&spec)?;
            if check {
                outputs::check(&root, &outputs)?;
                uniffi::check_swift(&root)
            } else {
                outputs::write(&root, &outputs)?;
                for id in sandbox_ops::unhandled(&root, &spec)? {
                    println!("sandbox: no handler for {id} yet; it answers 501 (not emulated)");
                }
                uniffi::write_swift(&root)
            }
        }
        Command::Lint => lint::run(&root),
        Command::Test { only } => test::run(&root, &only),
        Command::Bench { only } => bench::bench(&root, &only),
        Command::Fuzz { seconds } => fuzz::run(&root, seconds),
        Command::Prism { suites } => test::prism_suites(&root, &suites),
        Command::Dist { only, target, zig, compatibility, verify_crates } => {
            dist::run(&root, &dist::Options { only, target, zig, compatibility, verify_crates })
        }
        Command::InstallTest => dist::install::run(&root),
        Command::Regen => {
            let spec = spec::Spec::load(&root.join(spec::SPEC_PATH))?;
            outputs::write(&root, &outputs::all(&spec)?)?;
            for id in sandbox_ops::unhandled(&root, &spec)? {
                println!("sandbox: no handler for {id} yet; it answers 501 (not emulated)");
            }
            uniffi::write_swift(&root)?;
            test::run(&root, &[])
        }
        Command::Version { new: Some(new) } => version::set(&root, &new),
        Command::Version { new: None } => version::check(&root).map(|v| println!("{v}")),
        Command::Diff { old, new } => diff::run(&root, &old, &new),
    }
}

/// The workspace root: the parent of this crate's manifest directory.
fn project_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}
