//! The uniffi binding's generated surface (filled in by the uniffi binding's issue).

use std::path::Path;

use anyhow::Result;

use crate::outputs::Output;
use crate::spec::Spec;

/// The uniffi binding's generated files.
pub fn outputs(_spec: &Spec) -> Result<Vec<Output>> {
    Ok(Vec::new())
}

/// Builds the uniffi package and runs its test suite.
pub fn test(_root: &Path) -> Result<()> {
    Ok(())
}
