//! The python binding's generated surface (filled in by the python binding's issue).

use std::path::Path;

use anyhow::Result;

use crate::outputs::Output;
use crate::spec::Spec;

/// The python binding's generated files.
pub fn outputs(_spec: &Spec) -> Result<Vec<Output>> {
    Ok(Vec::new())
}

/// Builds the python package and runs its test suite.
pub fn test(_root: &Path) -> Result<()> {
    Ok(())
}
