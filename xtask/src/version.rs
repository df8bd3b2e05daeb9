//! One version for every package: `cargo xtask version` shows it and checks that every package
//! agrees; `cargo xtask version X.Y.Z` sets it everywhere (see RELEASING.md).

use std::path::Path;

use anyhow::{Context, Result, bail};

/// A file holding a package version, and how to find the version line in it.
struct Place {
    path: &'static str,
    /// The text just before the version on its line.
    prefix: &'static str,
    /// The text just after it.
    suffix: &'static str,
}

const PLACES: &[Place] = &[
    // The Rust crates inherit the workspace version, and so does the Python package (maturin
    // reads it from the binding crate: `dynamic = ["version"]`).
    Place { path: "Cargo.toml", prefix: "version = \"", suffix: "\"" },
    Place { path: "bindings/node/package.json", prefix: "\"version\": \"", suffix: "\"" },
    Place { path: "bindings/kotlin/pom.xml", prefix: "<version>", suffix: "</version>" },
];

/// The first version line of a file: (line index, version).
fn find(text: &str, place: &Place) -> Option<(usize, String)> {
    text.lines().enumerate().find_map(|(i, line)| {
        let rest = line.trim_start().strip_prefix(place.prefix)?;
        let version = rest.strip_suffix(place.suffix).or_else(|| rest.strip_suffix(&format!("{},", place.suffix)))?;
        let looks_like_version = version.split('.').count() >= 3 && version.starts_with(|c: char| c.is_ascii_digit());
        looks_like_version.then(|| (i, version.to_owned()))
    })
}

/// Every package's version; fails unless they agree.
pub fn check(root: &Path) -> Result<String> {
    let mut versions = Vec::new();
    for place in PLACES {
        let Ok(text) = std::fs::read_to_string(root.join(place.path)) else { continue };
        let (_, version) = find(&text, place).with_context(|| format!("no version in {}", place.path))?;
        versions.push((place.path.to_owned(), version));
    }
    // A published crate names the version of each workspace crate it depends on (crates.io needs
    // it): `{ path = "../npay-order-api", version = "X.Y.Z" }`.
    for (path, version) in path_dependency_versions(root)? {
        versions.push((path, version));
    }
    let first = versions.first().map(|(_, v)| v.clone()).context("no versioned package found")?;
    if versions.iter().any(|(_, v)| *v != first) {
        let list: Vec<String> = versions.iter().map(|(p, v)| format!("{p}: {v}")).collect();
        bail!("the packages disagree on the version:\n  {}", list.join("\n  "));
    }
    Ok(first)
}

/// Sets `version` in every package.
pub fn set(root: &Path, version: &str) -> Result<()> {
    let valid = version.split('.').count() == 3
        && version.split('.').all(|p| !p.is_empty())
        && version.split('.').take(2).all(|p| p.chars().all(|c| c.is_ascii_digit()));
    if !valid {
        bail!("{version:?} is not a semantic version (X.Y.Z)");
    }
    for place in PLACES {
        let path = root.join(place.path);
        let Ok(text) = std::fs::read_to_string(&path) else { continue };
        let (index, old) = find(&text, place).with_context(|| format!("no version in {}", place.path))?;
        let updated: Vec<String> = text
            .lines()
            .enumerate()
            .map(|(i, line)| if i == index { line.replacen(&old, version, 1) } else { line.to_owned() })
            .collect();
        let mut updated = updated.join("\n");
        if text.ends_with('\n') {
            updated.push('\n');
        }
        std::fs::write(&path, updated)?;
        println!("{}: {old} → {version}", place.path);
    }
    for (path, old) in path_dependency_versions(root)? {
        let file = root.join(&path);
        let text = std::fs::read_to_string(&file)?;
        let updated: Vec<String> = text
            .lines()
            .map(|line| {
                if path_dependency_version(line).as_deref() == Some(old.as_str()) {
                    line.replacen(&format!("version = \"{old}\""), &format!("version = \"{version}\""), 1)
                } else {
                    line.to_owned()
                }
            })
            .collect();
        std::fs::write(&file, updated.join("\n") + "\n")?;
    }
    check(root).map(|_| ())
}

/// The manifests whose path dependencies carry a version: the crates below `crates/`.
const CRATE_MANIFESTS: &str = "crates";

/// The version of a dependency line `name = { path = "…", version = "X.Y.Z" }`.
fn path_dependency_version(line: &str) -> Option<String> {
    if !line.contains("path = \"") {
        return None;
    }
    let rest = &line[line.find("version = \"")? + "version = \"".len()..];
    Some(rest[..rest.find('"')?].to_owned())
}

/// Every (manifest, version) of a path dependency with a version in the crates' manifests.
fn path_dependency_versions(root: &Path) -> Result<Vec<(String, String)>> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(root.join(CRATE_MANIFESTS)) else { return Ok(found) };
    let mut dirs: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.file_name())).collect();
    dirs.sort();
    for dir in dirs {
        let relative = format!("{CRATE_MANIFESTS}/{}/Cargo.toml", dir.to_string_lossy());
        let Ok(text) = std::fs::read_to_string(root.join(&relative)) else { continue };
        found.extend(text.lines().filter_map(path_dependency_version).map(|v| (relative.clone(), v)));
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_dependency_names_its_version_and_a_registry_one_does_not_count() {
        let line = r#"npay-order-api = { path = "../npay-order-api", version = "0.1.0" }"#;
        assert_eq!(path_dependency_version(line).as_deref(), Some("0.1.0"));
        assert_eq!(path_dependency_version(r#"npay-sandbox = { path = "../npay-sandbox" }"#), None);
        assert_eq!(path_dependency_version(r#"serde = { version = "1", features = ["derive"] }"#), None);
    }
}
