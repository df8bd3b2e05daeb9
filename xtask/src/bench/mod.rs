//! `cargo xtask bench`: the same workloads against the same sandbox from every client, in
//! alternating rounds, with release builds; prints a table of absolute figures and ratios against
//! named peers, the CLI's `changes` over 10,000 changes ([`cli`]) and the watcher's rows
//! ([`watcher`]), and writes them to BENCHMARKS.md. Not part of the tests: figures are
//! reported, never asserted.
//!
//! `--only clients` / `--only watcher` runs one part. Each part owns one marked section of
//! BENCHMARKS.md ([`sections`]) and replaces only that; the rest of the file is written by hand
//! and kept.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use anyhow::{Context, Result, bail};
use serde_json::Value;

mod cli;
mod rounds;
mod sections;
mod watcher;

/// The parts of the benchmark, each its own section of BENCHMARKS.md.
pub const PARTS: &[&str] = &["clients", "watcher"];

const ROUNDS: usize = 5;
const PY_PEERS: &[&str] =
    &["httpx==0.28.1", "requests==2.34.2", "bcrypt==5.0.0", "openapi-python-client==0.29.1", "maturin==1.16.*"];
const WORKLOADS: &[(&str, &str)] = &[
    ("a_seq", "(a) last-changed, 10 items — sequential"),
    ("b_seq", "(b) query, 300 full orders — sequential"),
    ("c_seq", "(c) confirm, 30 ids — sequential"),
    ("a_64", "(a) — 64 in flight"),
    ("b_64", "(b) — 64 in flight"),
    ("c_64", "(c) — 64 in flight"),
];

/// The row of the no-parse limit ([`wrk_limits`]).
const LIMIT: &str = "wrk (no-parse limit)";

/// The rows whose share of the no-parse limit the report gives.
const OURS: &[&str] = &[
    "rust npay-order",
    RUST_CURRENT_THREAD,
    RUST_MIMALLOC,
    "python npay_order (sync)",
    "python npay_order (AsyncClient)",
    "node npay-order",
];

/// The Rust core's row on a `current_thread` runtime (`bench run … current-thread`): the runtime
/// is the application's choice, and on 2 cores it moves the Rust figures more than most changes
/// of the core, so the report gives both. The targets are judged on the default runtime's row.
const RUST_CURRENT_THREAD: &str = "rust npay-order (current_thread runtime)";

/// The Rust core's row with mimalloc as the global allocator (the example `bench_mimalloc`), on
/// the default runtime: the allocator is the application's choice too, and a large answer's
/// decode is mostly small allocations. The targets are judged on the system allocator's row.
const RUST_MIMALLOC: &str = "rust npay-order (mimalloc)";

/// A sandbox binary running for the benchmark; killed on drop.
struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_sandbox(root: &Path) -> Result<Server> {
    let mut child = Command::new(root.join("target/release/npay-sandbox"))
        .args(["--port", "0", "--seed", "1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .context("starting the sandbox")?;
    let mut line = String::new();
    BufReader::new(child.stdout.take().context("stdout")?).read_line(&mut line)?;
    let base = line.trim().strip_prefix("npay-sandbox listening on ").context("the sandbox's first line")?.to_owned();
    Ok(Server { child, base })
}

fn output(cmd: &mut Command) -> Result<String> {
    let out = cmd.stderr(Stdio::inherit()).output().with_context(|| format!("starting {cmd:?}"))?;
    if !out.status.success() {
        bail!("{cmd:?} failed with {}", out.status);
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn run(cmd: &mut Command) -> Result<()> {
    let status = cmd.status().with_context(|| format!("starting {cmd:?}"))?;
    if !status.success() {
        bail!("{cmd:?} failed with {status}");
    }
    Ok(())
}

/// Builds, in release, the sandbox binary and the core's `examples` (what a part runs).
fn build_release(root: &Path, examples: &[&str]) -> Result<()> {
    let mut cargo = Command::new("cargo");
    cargo.current_dir(root).args([
        "build",
        "--release",
        "-q",
        "-p",
        "npay-sandbox",
        "--bin",
        "npay-sandbox",
        "-p",
        "npay-order",
    ]);
    for example in examples {
        cargo.args(["--example", example]);
    }
    run(&mut cargo)
}

/// Installs every peer, pinned, and builds every client in release.
fn prepare(root: &Path) -> Result<(PathBuf, PathBuf)> {
    if Command::new("wrk").arg("--version").output().is_err() {
        run(Command::new("apt-get").args(["install", "-y", "-qq", "wrk"]))?;
    }
    build_release(root, &["bench", "bench_mimalloc"])?;
    cli::prepare(root)?;
    let venv = root.join(".tools/bench-venv");
    let python = venv.join("bin/python");
    if !python.exists() {
        run(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
    }
    run(Command::new(&python).args(["-m", "pip", "install", "-q", "--disable-pip-version-check"]).args(PY_PEERS))?;
    let wheels = root.join(".tools/bench/wheels");
    let _ = std::fs::remove_dir_all(&wheels);
    run(Command::new(venv.join("bin/maturin"))
        .current_dir(root)
        .args(["build", "--release", "-q", "-m", "bindings/python/Cargo.toml", "-o"])
        .arg(&wheels))?;
    let wheel = std::fs::read_dir(&wheels)?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "whl"))
        .context("no wheel")?;
    run(Command::new(&python).args(["-m", "pip", "install", "-q", "--force-reinstall", "--no-deps"]).arg(&wheel))?;
    let generated = root.join(".tools/bench/pyclient");
    let _ = std::fs::remove_dir_all(&generated);
    run(Command::new(venv.join("bin/openapi-python-client"))
        .current_dir(root)
        .args(["generate", "--path", "openapi/npay-order.yaml", "--meta", "none", "--output-path"])
        .arg(generated.join("npay_generated")))?;
    run(Command::new("npm").current_dir(root.join("bench/node")).args(["ci", "--no-audit", "--no-fund", "--silent"]))?;
    run(Command::new("npx").current_dir(root.join("bench/node")).args([
        "openapi-typescript",
        "../../openapi/npay-order.yaml",
        "-o",
        "schema.d.ts",
    ]))?;
    run(Command::new("npm").current_dir(root.join("bindings/node")).args([
        "install",
        "--no-audit",
        "--no-fund",
        "--silent",
    ]))?;
    run(Command::new("npm").current_dir(root.join("bindings/node")).args(["run", "build", "--silent"]))?;
    Ok((python, generated))
}

type Results = BTreeMap<String, BTreeMap<String, Vec<f64>>>;

fn record(results: &mut Results, line: &str) {
    let Ok(value) = serde_json::from_str::<Value>(line) else { return };
    let peer = value["peer"].as_str().unwrap_or("rust npay-order").to_owned();
    if let Some(error) = value.get("error") {
        eprintln!("{peer}: could not run: {error}");
        return;
    }
    for (workload, _) in WORKLOADS {
        if let Some(rate) = value.get(*workload).and_then(Value::as_f64) {
            results.entry(peer.clone()).or_default().entry((*workload).to_owned()).or_default().push(rate);
        }
    }
}

fn median(values: &[f64]) -> Option<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(|a, b| a.total_cmp(b));
    sorted.get(sorted.len() / 2).copied()
}

/// The no-parse limit: wrk (a client that reads answers without parsing them) on each workload,
/// one connection for the sequential ones and 64 for the others; (b) and (c) post their bodies
/// from a Lua script. What a client reaches of it is the share of the wire it gets.
fn wrk_limits(root: &Path, base: &str, token: &str, data: &Value) -> Result<Vec<(&'static str, f64)>> {
    let from = data["from"].as_str().unwrap_or_default().replace('+', "%2B").replace(':', "%3A");
    let small =
        format!("{base}/v1/pay-order/mall/product-orders/last-changed-statuses?lastChangedFrom={from}&limitCount=10");
    let script = |name: &str, ids: &Value| -> Result<PathBuf> {
        let body = serde_json::json!({ "productOrderIds": ids }).to_string();
        let lua = format!(
            "wrk.method = \"POST\"\nwrk.body = {body:?}\nwrk.headers[\"Content-Type\"] = \"application/json\"\n"
        );
        let path = root.join(format!(".tools/bench/{name}.lua"));
        std::fs::write(&path, lua)?;
        Ok(path)
    };
    let query = script("query", &data["queryIds"])?;
    let confirm = script("confirm", &data["confirmIds"])?;
    let big = format!("{base}/v1/pay-order/mall/product-orders/query");
    let mutation = format!("{base}/v1/pay-order/mall/product-orders/confirm");
    let runs: [(&str, &str, Option<&Path>, &[&str]); 6] = [
        ("a_seq", &small, None, &["-t1", "-c1"]),
        ("b_seq", &big, Some(&query), &["-t1", "-c1"]),
        ("c_seq", &mutation, Some(&confirm), &["-t1", "-c1"]),
        ("a_64", &small, None, &["-t2", "-c64"]),
        ("b_64", &big, Some(&query), &["-t2", "-c64"]),
        ("c_64", &mutation, Some(&confirm), &["-t2", "-c64"]),
    ];
    let mut rates = Vec::new();
    for (workload, url, lua, connections) in runs {
        let mut command = Command::new("wrk");
        command.args(connections).args(["-d5s", "-H"]).arg(format!("Authorization: Bearer {token}"));
        if let Some(lua) = lua {
            command.arg("-s").arg(lua);
        }
        let out = output(command.arg(url))?;
        let line = out.lines().find(|l| l.starts_with("Requests/sec:")).context("wrk's Requests/sec")?;
        rates.push((workload, line.split_whitespace().nth(1).context("rate")?.parse()?));
    }
    Ok(rates)
}

/// Seconds of `import npay_order` / `require('npay-order')` in a fresh process, median of 9.
fn import_times(root: &Path, python: &Path) -> Result<(f64, f64)> {
    let mut py = Vec::new();
    let mut node = Vec::new();
    let node_dir = root.join("bindings/node");
    for _ in 0..9 {
        let out = output(
            Command::new(python)
                .args(["-c", "import time; t=time.perf_counter(); import npay_order; print(time.perf_counter()-t)"]),
        )?;
        py.push(out.trim().parse::<f64>()?);
        let script = format!(
            "const t=performance.now(); require({:?}); console.log((performance.now()-t)/1000)",
            node_dir.display().to_string()
        );
        let out = output(Command::new("node").args(["-e", &script]))?;
        node.push(out.trim().parse::<f64>()?);
    }
    Ok((median(&py).unwrap_or(f64::NAN), median(&node).unwrap_or(f64::NAN)))
}

const PY_COLD: &str = r#"
import asyncio, json, sys, urllib.request, npay_order
base = sys.argv[1]
stats = lambda: json.load(urllib.request.urlopen(base + "/_sandbox/stats"))["requests"].get("issueToken", 0)
async def main():
    client = npay_order.AsyncClient("sandbox-client-id", "$2a$04$sandboxsecretsandboxse", base_url=base)
    await asyncio.gather(*(client.list_last_changed_statuses(last_changed_from="2026-01-01T00:00:00.000+09:00", limit_count=1) for _ in range(1000)))
before = stats(); asyncio.run(main()); print(stats() - before)
"#;

const PY_ITERATE: &str = r#"
import json, resource, sys, time, npay_order
base, since = sys.argv[1], sys.argv[2]
client = npay_order.Client("sandbox-client-id", "$2a$04$sandboxsecretsandboxse", base_url=base)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
n = sum(1 for _ in client.iter_last_changed_statuses(last_changed_from=since))
print(json.dumps({"items": n, "peakRssGrowthMiB": (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024}))
"#;

const NODE_COLD: &str = r#"
const [base, dir] = process.argv.slice(1);
const { Client } = require(dir);
const stats = async () => (await (await fetch(base + '/_sandbox/stats')).json()).requests.issueToken ?? 0;
(async () => {
  const client = new Client({ clientId: 'sandbox-client-id', clientSecret: '$2a$04$sandboxsecretsandboxse', baseUrl: base });
  const before = await stats();
  await Promise.all(Array.from({ length: 1000 }, () => client.listLastChangedStatuses({ lastChangedFrom: '2026-01-01T00:00:00.000+09:00', limitCount: 1 })));
  console.log((await stats()) - before);
  process.exit(0);
})();
"#;

const NODE_ITERATE: &str = r#"
const [base, dir, since] = process.argv.slice(1);
const { Client } = require(dir);
(async () => {
  const client = new Client({ clientId: 'sandbox-client-id', clientSecret: '$2a$04$sandboxsecretsandboxse', baseUrl: base });
  const before = process.resourceUsage().maxRSS;
  let n = 0;
  for await (const _ of client.iterLastChangedStatuses({ lastChangedFrom: since })) n++;
  console.log(JSON.stringify({ items: n, peakRssGrowthMiB: (process.resourceUsage().maxRSS - before) / 1024 }));
  process.exit(0);
})();
"#;

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpu
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split(':').nth(1))
        .unwrap_or("?")
        .trim()
        .to_owned();
    let cores = cpu.lines().filter(|l| l.starts_with("processor")).count();
    let mem = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let total =
        mem.lines().next().and_then(|l| l.split_whitespace().nth(1)).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0)
            / 1024.0
            / 1024.0;
    format!("{cores} cores ({model}), {total:.0} GiB RAM, Linux")
}

/// Runs the parts named in `only` (every part when empty) and replaces their sections of
/// BENCHMARKS.md, keeping the rest of the file.
pub fn bench(root: &Path, only: &[String]) -> Result<()> {
    if let Some(unknown) = only.iter().find(|p| !PARTS.contains(&p.as_str())) {
        bail!("no bench part {unknown:?}; the parts are {}", PARTS.join(", "));
    }
    let wanted = |part: &str| only.is_empty() || only.iter().any(|p| p == part);
    let path = root.join("BENCHMARKS.md");
    let write = |name: &str, body: &str, at_top: bool| -> Result<()> {
        let document = std::fs::read_to_string(&path).unwrap_or_default();
        let document = sections::splice(&document, name, body, at_top).map_err(anyhow::Error::msg)?;
        std::fs::write(&path, document).context("writing BENCHMARKS.md")
    };
    if wanted("clients") {
        let report = clients(root)?;
        print!("{report}");
        write("clients", &report, true)?;
    }
    if wanted("watcher") {
        watcher::build(root)?;
        let report = watcher::render(&watcher::measure(root)?);
        print!("{report}");
        write("watcher", &report, false)?;
    }
    Ok(())
}

/// Every client against its peers; the text of the `clients` section.
fn clients(root: &Path) -> Result<String> {
    let (python, generated) = prepare(root)?;
    let bench_bin = root.join("target/release/examples/bench");
    let bench_mimalloc = root.join("target/release/examples/bench_mimalloc");
    let node_dir = root.join("bindings/node");
    let server = start_sandbox(root)?;
    let data_path = root.join(".tools/bench/data.json");
    std::fs::write(&data_path, output(Command::new(&bench_bin).args(["prepare", &server.base]))?)?;
    let data: Value = serde_json::from_str(&std::fs::read_to_string(&data_path)?)?;
    let token = output(Command::new(&bench_bin).args(["token", &server.base]))?.trim().to_owned();

    let mut results = Results::new();
    for round in 1..=ROUNDS {
        eprintln!("round {round}/{ROUNDS}");
        let rust = output(Command::new(&bench_bin).arg("run").arg(&server.base).arg(&data_path))?;
        rust.lines().for_each(|l| record(&mut results, l));
        let rust = output(Command::new(&bench_bin).arg("run").arg(&server.base).arg(&data_path).arg("current-thread"))?;
        rust.lines().for_each(|l| record(&mut results, l));
        let rust = output(Command::new(&bench_mimalloc).arg("run").arg(&server.base).arg(&data_path))?;
        rust.lines().for_each(|l| record(&mut results, l));
        let py = output(
            Command::new(&python)
                .arg(root.join("bench/python/peers.py"))
                .arg(&server.base)
                .arg(&data_path)
                .arg(&generated),
        )?;
        py.lines().for_each(|l| record(&mut results, l));
        let node = output(
            Command::new("node")
                .arg(root.join("bench/node/peers.mjs"))
                .arg(&server.base)
                .arg(&data_path)
                .arg(&node_dir),
        )?;
        node.lines().for_each(|l| record(&mut results, l));
        for (workload, rate) in wrk_limits(root, &server.base, &token, &data)? {
            results.entry(LIMIT.into()).or_default().entry(workload.into()).or_default().push(rate);
        }
    }

    let cold_rust: Value = serde_json::from_str(&output(Command::new(&bench_bin).args(["cold", &server.base]))?)?;
    let cold_py = output(Command::new(&python).args(["-c", PY_COLD, &server.base]))?.trim().to_owned();
    let cold_node =
        output(Command::new("node").args(["-e", NODE_COLD, &server.base, &node_dir.display().to_string()]))?
            .trim()
            .to_owned();
    drop(server);
    // Every round's figures, for whoever writes the prose of BENCHMARKS.md (the report has medians).
    std::fs::write(root.join(".tools/bench/rounds.json"), serde_json::to_string_pretty(&results)?)?;

    // 100,000 changes on a sandbox of their own, iterated by each language.
    let big = start_sandbox(root)?;
    let rust_iter: Value =
        serde_json::from_str(&output(Command::new(&bench_bin).args(["iterate", &big.base, "100000"]))?)?;
    let since = "2020-01-01T00:00:00.000+09:00";
    let py_iter = output(Command::new(&python).args(["-c", PY_ITERATE, &big.base, since]))?.trim().to_owned();
    let node_iter =
        output(Command::new("node").args(["-e", NODE_ITERATE, &big.base, &node_dir.display().to_string(), since]))?
            .trim()
            .to_owned();
    drop(big);
    let cli = cli::measure(root, &bench_bin)?;
    let (import_py, import_node) = import_times(root, &python)?;

    Ok(render(
        &results,
        &Extra {
            cold: [("Rust", cold_rust["tokenRequests"].to_string()), ("Python", cold_py), ("Node", cold_node)],
            iterate: [("Rust", rust_iter.to_string()), ("Python", py_iter), ("Node", node_iter)],
            import_py,
            import_node,
            cli: cli::render(&cli),
        },
    ))
}

struct Extra {
    cold: [(&'static str, String); 3],
    iterate: [(&'static str, String); 3],
    import_py: f64,
    import_node: f64,
    /// The CLI's lines ([`cli::render`]).
    cli: Vec<String>,
}

/// A target's ratio of the medians, and the same ratio taken in each round ([`rounds`]).
type Measured = (Option<f64>, Vec<f64>);

fn render(results: &Results, extra: &Extra) -> String {
    let get = |peer: &str, workload: &str| results.get(peer).and_then(|w| w.get(workload)).and_then(|v| median(v));
    let mut out = String::new();
    let date = chrono_free_date();
    let _ = writeln!(out, "# Benchmarks\n\nMeasured {date} by `cargo xtask bench` on {}.", machine());
    let _ = writeln!(
        out,
        "Release builds; every client against the same `npay-sandbox` (release) on loopback, in {ROUNDS} alternating rounds; medians. Requests per second (higher is better). Peers sign with bcrypt and reuse their token.\n"
    );
    let _ = write!(out, "| client |");
    for (_, title) in WORKLOADS {
        let _ = write!(out, " {title} |");
    }
    let _ = writeln!(out, "\n|---|{}", "---:|".repeat(WORKLOADS.len()));
    for peer in results.keys() {
        let _ = write!(out, "| {peer} |");
        for (workload, _) in WORKLOADS {
            match get(peer, workload) {
                Some(v) => {
                    let _ = write!(out, " {v:.0} |");
                }
                None => {
                    let _ = write!(out, " – |");
                }
            }
        }
        out.push('\n');
    }
    let ratio = |ours: &str, peer: &str, workload: &str| match (get(ours, workload), get(peer, workload)) {
        (Some(a), Some(b)) if b > 0.0 => Some(a / b),
        _ => None,
    };
    let _ = writeln!(out, "\n## Share of the no-parse limit\n");
    let _ = write!(out, "| client |");
    for (_, title) in WORKLOADS {
        let _ = write!(out, " {title} |");
    }
    let _ = writeln!(out, "\n|---|{}", "---:|".repeat(WORKLOADS.len()));
    for ours in OURS {
        let _ = write!(out, "| {ours} |");
        for (workload, _) in WORKLOADS {
            match ratio(ours, LIMIT, workload) {
                Some(v) => {
                    let _ = write!(out, " {v:.2}× |");
                }
                None => {
                    let _ = write!(out, " – |");
                }
            }
        }
        out.push('\n');
    }
    // Each binding against the fastest hand-written peer of its language, on every workload that
    // both ran (Python's sync clients run the sequential ones, its async clients the others).
    let language = |row: &str| row.split(' ').next().unwrap_or_default().to_owned();
    let peers_of = |ours: &str| -> Vec<&str> {
        results
            .keys()
            .filter(|peer| language(peer) == language(ours) && !OURS.contains(&peer.as_str()))
            .map(String::as_str)
            .collect()
    };
    let fastest =
        |ours: &str, workload: &str| peers_of(ours).into_iter().filter_map(|peer| get(peer, workload)).reduce(f64::max);
    let worst_against_peers = |ours: &str| {
        WORKLOADS
            .iter()
            .filter_map(|(workload, _)| Some(get(ours, workload)? / fastest(ours, workload)?))
            .reduce(f64::min)
    };
    let workload_keys: Vec<&str> = WORKLOADS.iter().map(|(workload, _)| *workload).collect();
    let per_round = |ours: &str, peer: &str, workload: &str| rounds::ratio(results, ours, peer, workload, ROUNDS);
    let worst_per_round = |ours: &str| rounds::worst_against(results, ours, &peers_of(ours), &workload_keys, ROUNDS);
    let _ = writeln!(
        out,
        "\n## Targets\n\nJudged on the medians; beside them, the same ratio taken within each round (the clients \
         alternate within a round), its range over the {ROUNDS} rounds, and in how many rounds it reached the target.\n\n\
         | target | measured (medians) | range over the rounds | rounds that meet it | met |\n|---|---:|---:|---:|:---:|"
    );
    let against =
        |ours: &str, peer: &str, workload: &str| (ratio(ours, peer, workload), per_round(ours, peer, workload));
    let worst = |ours: &str| (worst_against_peers(ours), worst_per_round(ours));
    let targets: [(&str, Measured, f64); 17] = [
        ("Rust core ≥ 0.5× the no-parse limit on (b), sequential", against("rust npay-order", LIMIT, "b_seq"), 0.5),
        ("Rust core ≥ 0.6× the no-parse limit on (a), 64 in flight", against("rust npay-order", LIMIT, "a_64"), 0.6),
        ("Python sync ≥ 1.0× its fastest sync peer, worst of three workloads", worst("python npay_order (sync)"), 1.0),
        (
            "Python async ≥ 1.0× its fastest async peer, worst of three workloads",
            worst("python npay_order (AsyncClient)"),
            1.0,
        ),
        ("Node ≥ 1.0× its fastest peer, worst of six workloads", worst("node npay-order"), 1.0),
        ("Python sync ≥ 3× httpx on (c)", against("python npay_order (sync)", "python httpx", "c_seq"), 3.0),
        ("Python sync ≥ 3× httpx on (a)", against("python npay_order (sync)", "python httpx", "a_seq"), 3.0),
        ("Python sync ≥ 3× httpx on (b)", against("python npay_order (sync)", "python httpx", "b_seq"), 3.0),
        (
            "Python async ≥ 3× httpx.AsyncClient at 64 in flight on (a)",
            against("python npay_order (AsyncClient)", "python httpx.AsyncClient", "a_64"),
            3.0,
        ),
        (
            "Node ≥ 1.0× undici.request on (a), 64 in flight",
            against("node npay-order", "node undici.request", "a_64"),
            1.0,
        ),
        ("Node ≥ 2× openapi-fetch on (a), 64 in flight", against("node npay-order", "node openapi-fetch", "a_64"), 2.0),
        ("Rust core ≥ 0.8× wrk on (a), 64 in flight", against("rust npay-order", LIMIT, "a_64"), 0.8),
        (
            "Node ≥ 1.0× undici.request on (b), 64 in flight",
            against("node npay-order", "node undici.request", "b_64"),
            1.0,
        ),
        (
            "(for comparison) the same Rust (b) target on a current_thread runtime",
            against(RUST_CURRENT_THREAD, LIMIT, "b_seq"),
            0.5,
        ),
        (
            "(for comparison) the same Rust (a) target on a current_thread runtime",
            against(RUST_CURRENT_THREAD, LIMIT, "a_64"),
            0.6,
        ),
        ("(for comparison) the same Rust (b) target with mimalloc", against(RUST_MIMALLOC, LIMIT, "b_seq"), 0.5),
        ("(for comparison) the same Rust (a) target with mimalloc", against(RUST_MIMALLOC, LIMIT, "a_64"), 0.6),
    ];
    for (name, (value, each_round), goal) in targets {
        let spread = match rounds::Spread::of(&each_round, goal) {
            Some(s) => format!("{:.2}–{:.2}× | {} of {}", s.low, s.high, s.meeting, s.rounds),
            None => "– | –".to_owned(),
        };
        match value {
            Some(v) => {
                let _ = writeln!(out, "| {name} | {v:.2}× | {spread} | {} |", if v >= goal { "yes" } else { "no" });
            }
            None => {
                let _ = writeln!(out, "| {name} | not measured | {spread} | – |");
            }
        }
    }
    let _ = writeln!(out, "\n## Tokens, memory, start-up\n");
    for (language, count) in &extra.cold {
        let _ = writeln!(
            out,
            "- 1,000 concurrent cold calls, {language}: **{count}** token request(s) (target: exactly 1)."
        );
    }
    for (language, figures) in &extra.iterate {
        let _ = writeln!(out, "- Iterating 100,000 changes, {language}: {figures} (target: < 30 MB peak RSS growth).");
    }
    let _ = writeln!(
        out,
        "- `import npay_order`: {:.1} ms; `require('npay-order')`: {:.1} ms (median of 9 fresh processes; target < 50 ms).",
        extra.import_py * 1000.0,
        extra.import_node * 1000.0
    );
    for line in &extra.cli {
        let _ = writeln!(out, "{line}");
    }
    out
}

/// Today's date (UTC) from `date`, so that xtask needs no date crate.
fn chrono_free_date() -> String {
    Command::new("date")
        .args(["-u", "+%Y-%m-%d"])
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default()
}
