//! `cargo xtask dist`: every release artifact, built into the git-ignored `dist/` — the only way
//! they are made, here and in `.github/workflows/release.yml`.
//!
//! | part | what lands in `dist/` |
//! |---|---|
//! | `wheel` | `python/npay_order-V-cp39-abi3-<platform>.whl` (maturin, profile `dist`) |
//! | `sdist` | `python/npay_order-V.tar.gz`: builds from source where no wheel fits |
//! | `node-addon` | `npm/npay-order-<platform>-V.tgz`: one platform package with the addon |
//! | `node` | `npm/npay-order-V.tgz`: JS and `.d.ts`, no binary; `optionalDependencies` on every platform package in `dist/npm/` |
//! | `native` | `native/<jna-platform>/<library>`: the uniffi library for the Kotlin jar |
//! | `kotlin` | `maven/`: a Maven repository holding the jar (every library in `dist/native/`), POM, sources and javadoc jars |
//! | `crates` | `crates/*.crate`: `cargo package` of every published crate |
//!
//! One release-profile build serves everything: the three native libraries are built with the
//! `dist` profile (release + fat LTO + stripped symbols, see the workspace `Cargo.toml`) into the
//! workspace's `target/dist/`, and the install tests (`install.rs`) install what lands here.

pub mod install;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

/// The crates published to crates.io, in dependency order (the workspace's `publish = false` is
/// inherited only by the crates that say `publish.workspace = true`; the bindings and xtask set it
/// themselves).
pub const PUBLISHED_CRATES: &[&str] = &["npay-order-api", "npay-sandbox-control", "npay-sandbox", "npay-order"];

/// The parts `cargo xtask dist --only` accepts, in the order they are built.
pub const PARTS: &[&str] = &["wheel", "sdist", "node-addon", "node", "native", "kotlin", "crates"];

/// How `cargo xtask dist` was asked to run.
#[derive(Debug, Default)]
pub struct Options {
    /// The parts to build; empty means all of them.
    pub only: Vec<String>,
    /// A Rust target triple other than this machine's (the release workflow's cross builds).
    pub target: Option<String>,
    /// Link through zig (PyPI's `ziglang`, installed into the tools venv): wheels for another
    /// Linux architecture or libc, or an older glibc.
    pub zig: bool,
    /// A maturin `--compatibility` tag (e.g. `manylinux_2_28`, `musllinux_1_2`).
    pub compatibility: Option<String>,
    /// Let `cargo package` build every crate from its packed sources. Each builds as a workspace of
    /// its own (its own features, debug info on): minutes per crate on two cores, so
    /// `cargo xtask test` packs without it and the release workflow verifies.
    pub verify_crates: bool,
}

/// Where a target's artifacts go and what they are called.
#[derive(Debug, Clone, PartialEq)]
pub struct Platform {
    pub triple: String,
    /// napi-rs's suffix: `linux-x64-gnu`, `darwin-arm64`, `win32-x64-msvc`.
    pub npm: &'static str,
    /// npm's `os`, `cpu` and (on Linux) `libc` fields.
    pub os: &'static str,
    pub cpu: &'static str,
    pub libc: Option<&'static str>,
    /// JNA's resource folder (`linux-x86-64`), or None where the jar carries no library (musl).
    pub jna: Option<&'static str>,
}

impl Platform {
    pub fn of(triple: &str) -> Result<Platform> {
        let (npm, os, cpu, libc, jna) = match triple {
            "x86_64-unknown-linux-gnu" => ("linux-x64-gnu", "linux", "x64", Some("glibc"), Some("linux-x86-64")),
            "aarch64-unknown-linux-gnu" => ("linux-arm64-gnu", "linux", "arm64", Some("glibc"), Some("linux-aarch64")),
            "x86_64-unknown-linux-musl" => ("linux-x64-musl", "linux", "x64", Some("musl"), None),
            "aarch64-unknown-linux-musl" => ("linux-arm64-musl", "linux", "arm64", Some("musl"), None),
            "x86_64-apple-darwin" => ("darwin-x64", "darwin", "x64", None, Some("darwin-x86-64")),
            "aarch64-apple-darwin" => ("darwin-arm64", "darwin", "arm64", None, Some("darwin-aarch64")),
            "x86_64-pc-windows-msvc" => ("win32-x64-msvc", "win32", "x64", None, Some("win32-x86-64")),
            other => bail!("no release platform for the target {other}"),
        };
        Ok(Platform { triple: triple.to_owned(), npm, os, cpu, libc, jna })
    }

    /// The file cargo writes for the cdylib named `lib_name` (`npay_order_node`).
    pub fn cdylib(&self, lib_name: &str) -> String {
        match self.os {
            "win32" => format!("{lib_name}.dll"),
            "darwin" => format!("lib{lib_name}.dylib"),
            _ => format!("lib{lib_name}.so"),
        }
    }
}

/// This machine's target triple, as rustc reports it.
pub fn host_triple() -> Result<String> {
    let out = Command::new("rustc").arg("-vV").output().context("starting rustc -vV")?;
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines().find_map(|l| l.strip_prefix("host: ")).map(str::to_owned).context("rustc -vV named no host")
}

pub fn dist_dir(root: &Path) -> PathBuf {
    root.join("dist")
}

/// One part of the build, run in order.
type Step<'a> = Box<dyn Fn() -> Result<()> + 'a>;

/// Builds the parts `options` asks for into `dist/`, timing each.
pub fn run(root: &Path, options: &Options) -> Result<()> {
    if let Some(unknown) = options.only.iter().find(|p| !PARTS.contains(&p.as_str())) {
        bail!("unknown part {unknown:?}; the parts are {}", PARTS.join(", "));
    }
    let version = crate::version::check(root)?;
    let host = host_triple()?;
    let platform = Platform::of(options.target.as_deref().unwrap_or(&host))?;
    let dist = dist_dir(root);
    std::fs::create_dir_all(&dist)?;
    let wanted = |part: &str| options.only.is_empty() || options.only.iter().any(|p| p == part);
    let mut steps: Vec<(&str, Step<'_>)> = Vec::new();
    // The addon and the JVM library in one cargo build: built apart, cargo would resolve the
    // shared crates' features differently and compile the core twice.
    let mut libraries = Vec::new();
    if wanted("node-addon") {
        libraries.push("npay-order-node");
    }
    if wanted("native") && platform.jna.is_some() {
        libraries.push("npay-order-uniffi");
    }
    if !libraries.is_empty() {
        steps.push(("native libraries", Box::new(move || build_libraries(root, options, &libraries))));
    }
    if wanted("wheel") {
        steps.push(("wheel", Box::new(|| wheel(root, options, &platform, &version))));
    }
    if wanted("sdist") {
        steps.push(("sdist", Box::new(|| sdist(root))));
    }
    if wanted("node-addon") {
        steps.push(("node-addon", Box::new(|| node_addon(root, options, &platform, &version))));
    }
    if wanted("node") {
        steps.push(("node", Box::new(|| node_main(root, &version))));
    }
    if wanted("native") {
        steps.push(("native", Box::new(|| native(root, options, &platform))));
    }
    if wanted("kotlin") {
        steps.push(("kotlin", Box::new(|| kotlin(root, &version))));
    }
    if wanted("crates") {
        steps.push(("crates", Box::new(|| crates(root, options.verify_crates))));
    }
    for (name, step) in steps {
        let started = Instant::now();
        println!("--> dist {name}");
        step().with_context(|| format!("dist {name}"))?;
        println!("--> dist {name}: ok ({:.1} s)", started.elapsed().as_secs_f64());
    }
    Ok(())
}

/// Runs a command, echoing it; fails on a non-zero exit.
pub fn run_cmd(command: &mut Command) -> Result<()> {
    let shown = format!("{command:?}");
    println!("+ {shown}");
    let status = command.status().with_context(|| format!("starting {shown}"))?;
    if !status.success() {
        bail!("{shown} failed with {status}");
    }
    Ok(())
}

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
}

/// The workspace's target folder (a `CARGO_TARGET_DIR` wins, as cargo would have it).
fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root.join("target"))
}

/// `target/[<triple>/]dist`: where the `dist` profile's libraries land.
fn profile_dir(root: &Path, options: &Options) -> PathBuf {
    match &options.target {
        Some(triple) => target_dir(root).join(triple).join("dist"),
        None => target_dir(root).join("dist"),
    }
}

/// The files directly inside `dir` whose name ends with `suffix`, sorted.
pub fn files_ending(dir: &Path, suffix: &str) -> Result<Vec<PathBuf>> {
    let mut found: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.ends_with(suffix)))
            .collect(),
        Err(_) => Vec::new(),
    };
    found.sort();
    Ok(found)
}

/// Removes the files of `dir` ending with `suffix` (an artifact of an earlier build).
fn remove_ending(dir: &Path, suffix: &str) -> Result<()> {
    for path in files_ending(dir, suffix)? {
        std::fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))?;
    }
    Ok(())
}

/// A size in MB (10^6 bytes), for the logs and BENCHMARKS.md.
pub fn megabytes(path: &Path) -> Result<f64> {
    Ok(std::fs::metadata(path).with_context(|| format!("reading {}", path.display()))?.len() as f64 / 1e6)
}

// ---------------------------------------------------------------------------------------------
// Python

fn maturin(root: &Path, options: &Options) -> Result<Command> {
    let venv = crate::suites::python::tools_venv(root)?;
    if options.zig {
        run_cmd(
            Command::new(crate::suites::python::venv_bin(&venv, "python"))
                .args(["-m", "pip", "install", "--quiet", ZIGLANG]),
        )?;
    }
    let mut command = Command::new(crate::suites::python::venv_bin(&venv, "maturin"));
    command.current_dir(root.join("bindings/python")).env("VIRTUAL_ENV", &venv);
    Ok(command)
}

/// The zig that maturin's `--zig` links with (PyPI's `ziglang`), pinned.
const ZIGLANG: &str = "ziglang==0.15.*";

fn wheel(root: &Path, options: &Options, platform: &Platform, version: &str) -> Result<()> {
    let out = dist_dir(root).join("python");
    std::fs::create_dir_all(&out)?;
    // Wheels of other versions are stale.
    for old in files_ending(&out, ".whl")? {
        if old.file_name().and_then(|n| n.to_str()).is_some_and(|n| !n.starts_with(&format!("npay_order-{version}-"))) {
            std::fs::remove_file(&old)?;
        }
    }
    let mut command = maturin(root, options)?;
    command.args(["build", "--profile", "dist", "--out"]).arg(&out);
    if let Some(target) = &options.target {
        command.args(["--target", target]);
    }
    if options.zig {
        command.arg("--zig");
    }
    if let Some(tag) = &options.compatibility {
        command.args(["--compatibility", tag]);
    }
    run_cmd(&mut command)?;
    for wheel in files_ending(&out, ".whl")? {
        println!("    {}: {:.2} MB ({})", wheel.display(), megabytes(&wheel)?, platform.triple);
    }
    Ok(())
}

fn sdist(root: &Path) -> Result<()> {
    let out = dist_dir(root).join("python");
    std::fs::create_dir_all(&out)?;
    remove_ending(&out, ".tar.gz")?;
    run_cmd(maturin(root, &Options::default())?.args(["sdist", "--out"]).arg(&out))?;
    for sdist in files_ending(&out, ".tar.gz")? {
        println!("    {}: {:.2} MB", sdist.display(), megabytes(&sdist)?);
    }
    Ok(())
}

/// This machine's manylinux wheel in `dist/python` (other platforms' wheels may be there too, in
/// the release workflow).
pub fn host_wheel(root: &Path) -> Result<PathBuf> {
    install::artifact(&dist_dir(root).join("python"), ".whl", &["manylinux", std::env::consts::ARCH])
}

// ---------------------------------------------------------------------------------------------
// Node

/// Builds this machine's addon (with the JVM library: one cargo build, as `cargo xtask dist`
/// makes it) and copies it beside `bindings/node/package.json`, where the Node suite loads it.
pub fn host_addon_for_tests(root: &Path) -> Result<()> {
    let options = Options { only: vec!["node-addon".to_owned(), "native".to_owned()], ..Default::default() };
    run(root, &options)?;
    let platform = Platform::of(&host_triple()?)?;
    let built = profile_dir(root, &options).join(platform.cdylib("npay_order_node"));
    let to = root.join("bindings/node").join(format!("npay-order.{}.node", platform.npm));
    std::fs::copy(&built, &to).with_context(|| format!("copying {} to {}", built.display(), to.display()))?;
    Ok(())
}

/// `npm pack` of the folder `dir` into `dist/npm`; returns the tarball.
fn npm_pack(root: &Path, dir: &Path) -> Result<PathBuf> {
    let out = dist_dir(root).join("npm");
    std::fs::create_dir_all(&out)?;
    let output = Command::new("npm")
        .current_dir(dir)
        .args(["pack", "--json", "--pack-destination"])
        .arg(&out)
        .output()
        .context("starting npm pack")?;
    if !output.status.success() {
        bail!("npm pack in {} failed: {}", dir.display(), String::from_utf8_lossy(&output.stderr));
    }
    let report: Value = serde_json::from_slice(&output.stdout).context("reading npm pack --json")?;
    let name = report[0]["filename"].as_str().context("npm pack named no file")?;
    Ok(out.join(name))
}

/// A new, empty staging folder below `target/dist-staging`.
fn staging(root: &Path, name: &str) -> Result<PathBuf> {
    let dir = target_dir(root).join("dist-staging").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

fn node_package_json(root: &Path) -> Result<Value> {
    let path = root.join("bindings/node/package.json");
    serde_json::from_str(&std::fs::read_to_string(&path)?).with_context(|| format!("reading {}", path.display()))
}

/// The fields every published package shares with the main one.
fn shared_fields(main: &Value) -> serde_json::Map<String, Value> {
    let mut fields = serde_json::Map::new();
    for key in ["version", "license", "repository", "homepage", "engines"] {
        if let Some(value) = main.get(key) {
            fields.insert(key.to_owned(), value.clone());
        }
    }
    fields
}

/// `cargo build --profile dist` of the binding crates `packages`, together.
fn build_libraries(root: &Path, options: &Options, packages: &[&str]) -> Result<()> {
    let mut command = cargo();
    command.current_dir(root).args(["build", "--profile", "dist", "--lib"]);
    for package in packages {
        command.args(["-p", package]);
    }
    if let Some(target) = &options.target {
        command.args(["--target", target]);
    }
    run_cmd(&mut command)
}

/// The platform package `npay-order-<platform>`: the addon alone, with `os`/`cpu`/`libc` so that
/// npm installs it only where it loads.
fn node_addon(root: &Path, options: &Options, platform: &Platform, version: &str) -> Result<()> {
    let built = profile_dir(root, options).join(platform.cdylib("npay_order_node"));
    let dir = staging(root, &format!("npm-{}", platform.npm))?;
    let addon = format!("npay-order.{}.node", platform.npm);
    std::fs::copy(&built, dir.join(&addon)).with_context(|| format!("copying {}", built.display()))?;
    let main = node_package_json(root)?;
    let mut manifest = serde_json::Map::new();
    manifest.insert("name".to_owned(), json!(format!("npay-order-{}", platform.npm)));
    manifest.insert(
        "description".to_owned(),
        json!(format!("The {} native addon of npay-order; installed by `npm install npay-order`.", platform.triple)),
    );
    manifest.extend(shared_fields(&main));
    manifest.insert("version".to_owned(), json!(version));
    manifest.insert("os".to_owned(), json!([platform.os]));
    manifest.insert("cpu".to_owned(), json!([platform.cpu]));
    if let Some(libc) = platform.libc {
        manifest.insert("libc".to_owned(), json!([libc]));
    }
    manifest.insert("main".to_owned(), json!(addon));
    manifest.insert("files".to_owned(), json!([addon]));
    std::fs::write(dir.join("package.json"), serde_json::to_string_pretty(&Value::Object(manifest))? + "\n")?;
    std::fs::write(
        dir.join("README.md"),
        format!(
            "# npay-order-{}\n\nThe prebuilt native addon of [`npay-order`](https://www.npmjs.com/package/npay-order) \
             for {}. Install `npay-order`; npm picks this package for you.\n",
            platform.npm, platform.triple
        ),
    )?;
    let out = dist_dir(root).join("npm");
    std::fs::create_dir_all(&out)?;
    remove_ending(&out, &format!("npay-order-{}-{version}.tgz", platform.npm))?;
    let tarball = npm_pack(root, &dir)?;
    println!("    {}: {:.2} MB (addon {:.2} MB)", tarball.display(), megabytes(&tarball)?, megabytes(&built)?);
    Ok(())
}

/// The platform packages already packed into `dist/npm` for `version`, by name.
fn platform_packages(root: &Path, version: &str) -> Result<Vec<String>> {
    let suffix = format!("-{version}.tgz");
    let mut names: Vec<String> = files_ending(&dist_dir(root).join("npm"), &suffix)?
        .iter()
        .filter_map(|p| p.file_name()?.to_str()?.strip_suffix(&suffix).map(str::to_owned))
        .filter(|n| n.starts_with("npay-order-"))
        .collect();
    names.sort();
    Ok(names)
}

/// The main package: the JS, the `.d.ts` and README, no addon, and one optional dependency per
/// platform package packed so far (the release workflow packs them all before this).
fn node_main(root: &Path, version: &str) -> Result<()> {
    let package = root.join("bindings/node");
    let platforms = platform_packages(root, version)?;
    if platforms.is_empty() {
        bail!("no platform package in dist/npm for {version}: build the part node-addon first");
    }
    let mut manifest = node_package_json(root)?;
    let object = manifest.as_object_mut().context("package.json is not an object")?;
    object.remove("devDependencies");
    object.remove("scripts");
    let files: Vec<Value> = object
        .get("files")
        .and_then(Value::as_array)
        .context("package.json has no files list")?
        .iter()
        .filter(|f| !f.as_str().is_some_and(|f| f.ends_with(".node")))
        .cloned()
        .collect();
    let optional: serde_json::Map<String, Value> = platforms.iter().map(|n| (n.clone(), json!(version))).collect();
    object.insert("optionalDependencies".to_owned(), Value::Object(optional));
    let dir = staging(root, "npm-main")?;
    for file in &files {
        let name = file.as_str().context("a files entry is not a string")?.trim_end_matches('/');
        copy_tree(&package.join(name), &dir.join(name))?;
    }
    object.insert("files".to_owned(), Value::Array(files));
    std::fs::write(dir.join("package.json"), serde_json::to_string_pretty(&manifest)? + "\n")?;
    let tarball = npm_pack(root, &dir)?;
    println!(
        "    {}: {:.2} MB, optional dependencies: {}",
        tarball.display(),
        megabytes(&tarball)?,
        platforms.join(", ")
    );
    Ok(())
}

/// Copies a file or a folder (recursively).
fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    if from.is_dir() {
        std::fs::create_dir_all(to)?;
        for entry in std::fs::read_dir(from)? {
            let entry = entry?;
            copy_tree(&entry.path(), &to.join(entry.file_name()))?;
        }
    } else {
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::copy(from, to).with_context(|| format!("copying {}", from.display()))?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Kotlin

fn native(root: &Path, options: &Options, platform: &Platform) -> Result<()> {
    let Some(jna) = platform.jna else {
        println!("    no JVM library for {} (JNA has no musl folder)", platform.triple);
        return Ok(());
    };
    let name = platform.cdylib("npay_order_uniffi");
    let built = profile_dir(root, options).join(&name);
    let dir = dist_dir(root).join("native").join(jna);
    std::fs::create_dir_all(&dir)?;
    std::fs::copy(&built, dir.join(&name)).with_context(|| format!("copying {}", built.display()))?;
    println!("    {}: {:.2} MB", dir.join(&name).display(), megabytes(&built)?);
    Ok(())
}

/// A `<name>…</name>` property of the build POM.
fn pom_property(pom: &str, name: &str) -> Result<String> {
    let open = format!("<{name}>");
    let start = pom.find(&open).with_context(|| format!("no <{name}> in bindings/kotlin/pom.xml"))? + open.len();
    let end = pom[start..].find('<').context("an unclosed POM property")? + start;
    Ok(pom[start..end].trim().to_owned())
}

/// The POM users' builds read: coordinates, what the jar needs at run time, licence and source.
/// (The build POM in bindings/kotlin also drives cargo and uniffi-bindgen; none of that is theirs.)
pub fn consumer_pom(build_pom: &str, version: &str) -> Result<String> {
    let group = pom_property(build_pom, "groupId")?;
    let description = pom_property(build_pom, "description")?;
    let kotlin = pom_property(build_pom, "kotlin.version")?;
    let coroutines = pom_property(build_pom, "coroutines.version")?;
    let jna = pom_property(build_pom, "jna.version")?;
    Ok(format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0"
         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
         xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd">
  <modelVersion>4.0.0</modelVersion>
  <groupId>{group}</groupId>
  <artifactId>npay-order</artifactId>
  <version>{version}</version>
  <packaging>jar</packaging>
  <name>npay-order</name>
  <description>{description}</description>
  <url>https://example.invalid/npay-order</url>
  <licenses>
    <license><name>MIT</name><url>https://opensource.org/licenses/MIT</url></license>
    <license><name>Apache-2.0</name><url>https://www.apache.org/licenses/LICENSE-2.0</url></license>
  </licenses>
  <developers>
    <developer><name>npay-order contributors</name></developer>
  </developers>
  <scm>
    <url>https://example.invalid/npay-order</url>
  </scm>
  <dependencies>
    <dependency>
      <groupId>org.jetbrains.kotlin</groupId>
      <artifactId>kotlin-stdlib</artifactId>
      <version>{kotlin}</version>
    </dependency>
    <dependency>
      <groupId>org.jetbrains.kotlinx</groupId>
      <artifactId>kotlinx-coroutines-core</artifactId>
      <version>{coroutines}</version>
    </dependency>
    <dependency>
      <groupId>net.java.dev.jna</groupId>
      <artifactId>jna</artifactId>
      <version>{jna}</version>
    </dependency>
  </dependencies>
</project>
"#
    ))
}

/// The Maven plugin that writes `dist/maven` as a remote repository (checksums, metadata).
const DEPLOY_PLUGIN: &str = "org.apache.maven.plugins:maven-deploy-plugin:3.1.4:deploy-file";

/// The jar: the Kotlin classes (compiled by the build POM, which also generates the uniffi
/// Kotlin from the workspace's debug library: the generated code does not depend on the profile)
/// plus every library in `dist/native/<jna-platform>/`; then POM, sources and javadoc jars, all
/// deployed into the Maven repository `dist/maven`.
fn kotlin(root: &Path, version: &str) -> Result<()> {
    let natives = dist_dir(root).join("native");
    let platforms: Vec<String> = match std::fs::read_dir(&natives) {
        Ok(entries) => entries.filter_map(|e| e.ok()?.file_name().into_string().ok()).collect(),
        Err(_) => Vec::new(),
    };
    if platforms.is_empty() {
        bail!("no library in dist/native: build the part native first");
    }
    let project = root.join("bindings/kotlin");
    // Compile only: the tests are `cargo xtask test`'s; the library copied into target/classes
    // by the build is left out of the jar below.
    run_cmd(Command::new("mvn").current_dir(&project).args(["-B", "-ntp", "-q", "compile"]))?;
    let classes = project.join("target/classes");
    let work = staging(root, "kotlin")?;
    let jar = work.join(format!("npay-order-{version}.jar"));
    let mut command = Command::new("jar");
    command.args(["--create", "--file"]).arg(&jar);
    for entry in ["npay", "META-INF"] {
        if classes.join(entry).exists() {
            command.arg("-C").arg(&classes).arg(entry);
        }
    }
    let mut sorted = platforms.clone();
    sorted.sort();
    for platform in &sorted {
        command.arg("-C").arg(&natives).arg(platform);
    }
    run_cmd(&mut command)?;
    let sources = work.join(format!("npay-order-{version}-sources.jar"));
    run_cmd(
        Command::new("jar")
            .args(["--create", "--file"])
            .arg(&sources)
            .arg("-C")
            .arg(project.join("src/main/kotlin"))
            .arg(".")
            .arg("-C")
            .arg(project.join("target/generated-sources/uniffi"))
            .arg("."),
    )?;
    // No Dokka here (it is heavy for two cores): the javadoc jar Maven Central requires carries
    // the README, which documents the API; the sources jar has every KDoc comment.
    let docs = staging(root, "kotlin-docs")?;
    std::fs::copy(project.join("README.md"), docs.join("README.md"))?;
    let javadoc = work.join(format!("npay-order-{version}-javadoc.jar"));
    run_cmd(Command::new("jar").args(["--create", "--file"]).arg(&javadoc).arg("-C").arg(&docs).arg("README.md"))?;
    let pom = work.join(format!("npay-order-{version}.pom"));
    std::fs::write(&pom, consumer_pom(&std::fs::read_to_string(project.join("pom.xml"))?, version)?)?;
    let repository = dist_dir(root).join("maven");
    let _ = std::fs::remove_dir_all(&repository);
    std::fs::create_dir_all(&repository)?;
    let url = format!("file://{}", repository.canonicalize()?.display());
    run_cmd(
        Command::new("mvn")
            .current_dir(&work)
            .args(["-B", "-ntp", "-q", DEPLOY_PLUGIN])
            .arg(format!("-Dfile={}", jar.display()))
            .arg(format!("-DpomFile={}", pom.display()))
            .arg(format!("-Dsources={}", sources.display()))
            .arg(format!("-Djavadoc={}", javadoc.display()))
            .arg(format!("-Durl={url}"))
            .arg("-DrepositoryId=npay-order-dist"),
    )?;
    println!("    {}: {:.2} MB, libraries for {}", jar.display(), megabytes(&jar)?, sorted.join(", "));
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Rust

/// `cargo package` of every published crate, together (cargo resolves each one's dependencies on
/// the others from the packages it just made), into `dist/crates`. With `verify`, each package is
/// built from its packed sources, which proves it is self-contained; without, cargo still checks
/// the manifests (metadata, versioned dependencies, the files the package carries).
fn crates(root: &Path, verify: bool) -> Result<()> {
    let mut command = cargo();
    command.current_dir(root).args(["package", "--allow-dirty"]);
    if !verify {
        command.arg("--no-verify");
    }
    for name in PUBLISHED_CRATES {
        command.args(["-p", name]);
    }
    run_cmd(&mut command)?;
    let out = dist_dir(root).join("crates");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out)?;
    let version = crate::version::check(root)?;
    for name in PUBLISHED_CRATES {
        let file = format!("{name}-{version}.crate");
        let from = target_dir(root).join("package").join(&file);
        std::fs::copy(&from, out.join(&file)).with_context(|| format!("copying {}", from.display()))?;
        println!("    dist/crates/{file}: {:.2} MB", megabytes(&from)?);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_consumer_pom_takes_coordinates_and_dependency_versions_from_the_build_pom() {
        let build = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../bindings/kotlin/pom.xml"))
            .expect("the build POM");
        let pom = consumer_pom(&build, "9.8.7").expect("a consumer POM");
        assert!(pom.contains("<version>9.8.7</version>"));
        assert!(pom.contains(&format!("<version>{}</version>", pom_property(&build, "jna.version").unwrap())));
        assert!(!pom.contains("exec-maven-plugin") && !pom.contains("junit"), "no build plugins or test deps");
    }

    #[test]
    fn platforms_name_their_packages_and_libraries_as_npm_napi_and_jna_expect() {
        let linux = Platform::of("x86_64-unknown-linux-gnu").unwrap();
        assert_eq!(
            (linux.npm, linux.jna, linux.cdylib("x").as_str()),
            ("linux-x64-gnu", Some("linux-x86-64"), "libx.so")
        );
        let mac = Platform::of("aarch64-apple-darwin").unwrap();
        assert_eq!(
            (mac.npm, mac.jna, mac.cdylib("x").as_str()),
            ("darwin-arm64", Some("darwin-aarch64"), "libx.dylib")
        );
        assert_eq!(Platform::of("x86_64-pc-windows-msvc").unwrap().cdylib("x"), "x.dll");
        assert!(Platform::of("riscv64gc-unknown-linux-gnu").is_err());
    }
}
