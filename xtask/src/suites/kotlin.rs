//! The Kotlin and Swift step: the uniffi library, the checked-in Swift sources, the Maven suite.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};

/// The Kotlin suite (`mvn -B -ntp test` in `bindings/kotlin`); `conformance::through_prism` runs it
/// a second time through prism.
pub fn suite(root: &Path) -> Command {
    let mut command = Command::new("mvn");
    command.current_dir(root.join("bindings/kotlin")).args(["-B", "-ntp", "test"]);
    command
}

/// Builds the library, checks that the checked-in Swift sources are what `uniffi-bindgen` makes
/// of it (no Swift toolchain is needed for that), and runs the Kotlin suite with Maven, which
/// builds the library and generates the Kotlin on its own. Maven runs without `-q` so that
/// Surefire's "Tests run: …" lines reach the log; `-ntp` keeps downloads out of it.
pub fn test(root: &Path) -> Result<()> {
    let started = Instant::now();
    crate::test::cargo(root, &["build", "-p", "npay-order-uniffi", "--lib", "--bins"])?;
    crate::test::cargo(
        root,
        &["run", "--quiet", "-p", "npay-order-uniffi", "--bin", "swift-sources", "--", "--check"],
    )?;
    println!("    uniffi library built, Swift sources current ({:.1} s)", started.elapsed().as_secs_f64());
    let started = Instant::now();
    let status = suite(root).status().context("starting mvn (Maven and a JDK 17+ must be installed)")?;
    if !status.success() {
        bail!("`mvn -B -ntp test` in bindings/kotlin failed with {status}");
    }
    println!("    Kotlin tests passed ({:.1} s)", started.elapsed().as_secs_f64());
    Ok(())
}
