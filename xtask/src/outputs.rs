//! The list of generated files and the two ways of using it: write them, or check them.
//!
//! Every generator contributes [`Output`]s here, so `generate --check` covers all of them and a
//! new language only adds an entry to [`all`].

use std::path::Path;

use anyhow::{Context, Result, bail};
use similar::TextDiff;

use crate::output::Output;
use crate::spec::Spec;
use crate::{core_ops, enums, node, python, rust_client, sandbox_ops, schema_registry, shapes, uniffi};

/// Every generated file of the project, rendered from the spec.
pub fn all(spec: &Spec) -> Result<Vec<Output>> {
    let mut outputs = vec![
        Output { path: "crates/npay-order-api/src/generated/client.rs".into(), contents: rust_client::generate(spec)? },
        Output { path: "crates/npay-order-api/src/generated/enums.rs".into(), contents: enums::generate(spec)? },
        Output { path: "crates/npay-order/src/generated/operations.rs".into(), contents: core_ops::generate(spec)? },
        Output { path: "crates/npay-order-api/src/generated/shapes.rs".into(), contents: shapes::generate(spec)? },
        Output {
            path: "crates/npay-sandbox/src/generated/essential.rs".into(),
            contents: shapes::sandbox_essential(spec)?,
        },
        Output { path: "crates/npay-sandbox/src/generated/enums.rs".into(), contents: enums::generate_sandbox(spec)? },
        Output {
            path: "crates/npay-sandbox/src/generated/operations.rs".into(),
            contents: sandbox_ops::generate(spec)?,
        },
        Output {
            path: "crates/npay-sandbox/src/generated/limits.rs".into(),
            contents: sandbox_ops::generate_limits(spec)?,
        },
        Output {
            path: "crates/npay-order-api/tests/generated/schemas.rs".into(),
            contents: schema_registry::generate(spec)?,
        },
    ];
    outputs.extend(python::outputs(spec)?);
    outputs.extend(node::outputs(spec)?);
    outputs.extend(uniffi::outputs(spec)?);
    Ok(outputs)
}

/// Writes every output, creating folders as needed; leaves unchanged files untouched.
pub fn write(root: &Path, outputs: &[Output]) -> Result<()> {
    for output in outputs {
        let path = root.join(&output.path);
        if std::fs::read_to_string(&path).ok().as_deref() == Some(output.contents.as_str()) {
            continue;
        }
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        std::fs::write(&path, &output.contents).with_context(|| format!("writing {}", path.display()))?;
        println!("wrote {}", output.path);
    }
    Ok(())
}

/// Compares every output with the checked-in file; prints a unified diff per stale file.
pub fn check(root: &Path, outputs: &[Output]) -> Result<()> {
    let mut stale = Vec::new();
    for output in outputs {
        let current = std::fs::read_to_string(root.join(&output.path)).unwrap_or_default();
        if current != output.contents {
            let diff = TextDiff::from_lines(&current, &output.contents);
            print!(
                "{}",
                diff.unified_diff()
                    .context_radius(3)
                    .header(&format!("a/{}", output.path), &format!("b/{}", output.path))
            );
            stale.push(output.path.as_str());
        }
    }
    if stale.is_empty() {
        println!("generated files are current ({} checked)", outputs.len());
        Ok(())
    } else {
        bail!(
            "{} generated file(s) are stale: {}. Run `cargo xtask generate` and commit the result.",
            stale.len(),
            stale.join(", ")
        )
    }
}
