//! The sandbox's conformance to the spec, checked by two tools nobody here wrote (issue 3, item 7):
//!
//! 1. **Schemathesis** (`st run`, every check, all four phases) against a freshly started sandbox
//!    binary that holds product orders in every state, with a token signed by the client's own
//!    `npay_order_api::signature::sign` (the sandbox's `sign` example). Configuration, and why
//!    some operations may answer 400 to schema-valid data: `openapi/schemathesis.toml`.
//! 2. **Prism** (`prism proxy --errors`) in front of another fresh sandbox, with every language's
//!    test suite sent through it ([`through_prism`], the test command's last-but-one step, after
//!    the packages are built): every request and response of those runs is validated against the
//!    spec; prism's log must show no violation.
//!
//! Both tools are installed pinned into the git-ignored `.tools/` (the venv `lint` creates, and
//! `.tools/prism` with its own `package.json`). Prism serves the spec's paths at its root: the
//! server's base path `/npay/partner` is not part of what it matches, and it appends the request
//! path to the upstream URL. So the client's base URL is `http://127.0.0.1:PORT` and the upstream
//! is the sandbox's own base URL (`…/npay/partner`).

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, bail};
use npay_sandbox_control::{ControlClient, ControlError, CreateOrders, InitialStatus};
use serde_json::{Value, json};

/// Pinned tool versions.
const SCHEMATHESIS: &str = "schemathesis==4.32.5";
const PRISM: &str = "@stoplight/prism-cli@5.14.2";

/// Fixed seeds: the sandbox's data and schemathesis's generation. (The counts still vary a little
/// between runs: answers carry the time, and the stateful phase follows them.)
const SANDBOX_SEED: &str = "20261127";
const SCHEMATHESIS_SEED: &str = "7345";

/// The schemathesis configuration, relative to the workspace root.
const CONFIG: &str = "openapi/schemathesis.toml";
/// Where the run's id dictionaries are written; `CONFIG` reads them from there.
const WORK_DIR: &str = "target/conformance";

/// Runs schemathesis; fails on any failure it finds.
pub fn run(root: &Path) -> Result<()> {
    let st = install_schemathesis(root)?;
    // Everything is built first, so that the timing below is the tool's own.
    crate::test::cargo(root, &["build", "-q", "-p", "npay-sandbox", "--bin", "npay-sandbox", "--example", "sign"])?;
    let work = root.join(WORK_DIR);
    std::fs::create_dir_all(&work)?;
    let started = Instant::now();
    schemathesis(root, &st, &work)?;
    println!("schemathesis: {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Tools.

fn install_schemathesis(root: &Path) -> Result<PathBuf> {
    let venv = root.join(".tools/venv");
    let python = venv.join("bin/python");
    if !python.exists() {
        status(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
    }
    let st = venv.join("bin/st");
    let wanted = SCHEMATHESIS.trim_start_matches("schemathesis==");
    let current = Command::new(&st).arg("--version").output().map(|o| String::from_utf8_lossy(&o.stdout).into_owned());
    if !current.is_ok_and(|v| v.split_whitespace().any(|w| w == wanted)) {
        status(Command::new(&python).args([
            "-m",
            "pip",
            "install",
            "-q",
            "--disable-pip-version-check",
            SCHEMATHESIS,
        ]))?;
    }
    Ok(st)
}

fn install_prism(root: &Path) -> Result<PathBuf> {
    let dir = root.join(".tools/prism");
    let bin = dir.join("node_modules/.bin/prism");
    let wanted = PRISM.rsplit('@').next().unwrap_or_default();
    let installed = std::fs::read_to_string(dir.join("node_modules/@stoplight/prism-cli/package.json"))
        .ok()
        .and_then(|text| serde_json::from_str::<Value>(&text).ok())
        .is_some_and(|p| p["version"] == wanted);
    if !bin.exists() || !installed {
        std::fs::create_dir_all(&dir)?;
        if !dir.join("package.json").exists() {
            std::fs::write(dir.join("package.json"), "{\"name\": \"npay-order-prism\", \"private\": true}\n")?;
        }
        status(Command::new("npm").current_dir(&dir).args([
            "install",
            "--silent",
            "--no-audit",
            "--no-fund",
            "--save-exact",
            PRISM,
        ]))?;
    }
    Ok(bin)
}

fn status(cmd: &mut Command) -> Result<()> {
    let status = cmd.status().with_context(|| format!("starting {cmd:?}"))?;
    if !status.success() {
        bail!("{cmd:?} failed with {status}");
    }
    Ok(())
}

fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root.join("target"))
}

// ---------------------------------------------------------------------------------------------
// Processes that must not outlive the step.

/// A child process killed (by its own id) when dropped.
struct Running {
    name: &'static str,
    child: Child,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Running {
    fn check_alive(&mut self) -> Result<()> {
        if let Some(exit) = self.child.try_wait()? {
            bail!("{} exited early with {exit}", self.name);
        }
        Ok(())
    }
}

/// A sandbox binary on a free port, with its typed control client.
struct Sandbox {
    process: Running,
    base_url: String,
    control: ControlClient,
    http: reqwest::Client,
    /// For the control client and the few API calls of the setup (this program is otherwise
    /// synchronous).
    runtime: tokio::runtime::Runtime,
}

impl Sandbox {
    fn start(root: &Path) -> Result<Sandbox> {
        let bin = target_dir(root).join("debug/npay-sandbox");
        let mut child = Command::new(&bin)
            .args(["--port", "0", "--seed", SANDBOX_SEED])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("starting {}", bin.display()))?;
        let stdout = child.stdout.take().context("sandbox stdout")?;
        let process = Running { name: "npay-sandbox", child };
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        let base_url = line
            .trim()
            .strip_prefix("npay-sandbox listening on ")
            .with_context(|| format!("unexpected first line from the sandbox: {line:?}"))?
            .to_owned();
        let control = ControlClient::new(&base_url)?;
        let http = reqwest::Client::builder().no_proxy().timeout(Duration::from_secs(30)).build()?;
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        Ok(Sandbox { process, base_url, control, http, runtime })
    }

    /// Runs one control call to its end.
    fn wait<T>(&self, call: impl std::future::Future<Output = Result<T, ControlError>>) -> Result<T> {
        Ok(self.runtime.block_on(call)?)
    }

    /// One API call of the setup (`POST`, JSON), which must answer 200.
    fn api(&self, token: &str, path: &str, body: Value) -> Result<Value> {
        let url = format!("{}{path}", self.base_url);
        self.runtime.block_on(async {
            let response = self.http.post(&url).bearer_auth(token).json(&body).send().await?;
            let status = response.status();
            let text = response.text().await?;
            if status != reqwest::StatusCode::OK {
                bail!("POST {path} answered {status}: {text}");
            }
            Ok(serde_json::from_str(&text)?)
        })
    }

    fn client_id(&self) -> Result<String> {
        Ok(self.wait(self.control.info())?.client_id)
    }

    /// Signs with the client's own code and exchanges the signature for a token.
    fn token(&self, root: &Path) -> Result<String> {
        let client_id = self.client_id()?;
        let (timestamp, sign) = sign(root, &client_id)?;
        let form = format!(
            "client_id={client_id}&timestamp={timestamp}&grant_type=client_credentials&client_secret_sign={}&type=SELF",
            form_encode(&sign)
        );
        let url = format!("{}/v1/oauth2/token", self.base_url);
        self.runtime.block_on(async {
            let response = self
                .http
                .post(&url)
                .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(form)
                .send()
                .await?;
            let status = response.status();
            let body: Value = serde_json::from_str(&response.text().await?)?;
            if status != reqwest::StatusCode::OK {
                bail!("the token request answered {status}: {body}");
            }
            Ok(body["access_token"].as_str().context("access_token")?.to_owned())
        })
    }
}

/// The sandbox's default application secret (`npay_sandbox::DEFAULT_CLIENT_SECRET`).
const DEFAULT_SECRET: &str = "$2a$04$sandboxsecretsandboxse";

/// A `(timestamp, client_secret_sign)` pair for now, made by `npay_order_api::signature::sign`
/// (through the sandbox's `sign` example). Valid for five minutes.
fn sign(root: &Path, client_id: &str) -> Result<(i64, String)> {
    let timestamp = now_ms() - 2_000;
    let output = Command::new(target_dir(root).join("debug/examples/sign"))
        .args([client_id, DEFAULT_SECRET, &timestamp.to_string()])
        .output()
        .context("running the sign example")?;
    if !output.status.success() {
        bail!("the sign example failed: {}", String::from_utf8_lossy(&output.stderr));
    }
    let printed = String::from_utf8(output.stdout)?;
    let sign = printed.split_whitespace().nth(1).context("sign prints `<timestamp> <sign>`")?;
    Ok((timestamp, sign.to_owned()))
}

fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or_default()
}

fn form_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Schemathesis.

/// Product orders of one state (a schemathesis dictionary of the same name).
struct Group {
    name: &'static str,
    ids: Vec<String>,
}

/// How many product orders each state gets.
const PER_STATE: usize = 3;

/// Product orders in every state the operations care about, made the way a shop's would be:
/// orders through the control API, confirm and dispatch through the API, buyers and couriers
/// through control events. Returns the groups by state and every order id.
fn fill(sandbox: &Sandbox, token: &str) -> Result<(Vec<Group>, Vec<String>)> {
    const P: &str = "/v1/pay-order/mall/product-orders";
    const STATES: [&str; 11] = [
        "not-yet",
        "confirmed",
        "cancel-requested",
        "delivering",
        "delivered",
        "return-requested",
        "return-collected",
        "exchange-requested",
        "exchange-collected",
        "decided",
        "canceled",
    ];
    let create = |count: usize, status: InitialStatus, products_per_order: u32| {
        sandbox.wait(sandbox.control.create_orders(&CreateOrders { count: count as u32, status, products_per_order }))
    };
    let created = create(STATES.len() * PER_STATE, InitialStatus::Payed, 1)?;
    let mut order_ids = created.order_ids;
    let ids = created.product_order_ids;
    let mut groups: Vec<Group> =
        STATES.iter().zip(ids.chunks(PER_STATE)).map(|(name, ids)| Group { name, ids: ids.to_vec() }).collect();
    let group = |name: &str| groups.iter().find(|g| g.name == name).map(|g| g.ids.clone()).unwrap_or_default();
    let of = |names: &[&str]| names.iter().flat_map(|n| group(n)).collect::<Vec<_>>();
    let event = |ids: &[String], name: &str| {
        ids.iter().try_for_each(|id| sandbox.wait(sandbox.control.event(id, name)).map(drop))
    };
    let after_confirm = of(&STATES[1..10]);
    sandbox.api(token, &format!("{P}/confirm"), json!({ "productOrderIds": after_confirm }))?;
    event(&group("cancel-requested"), "request-cancel")?;
    let shipped = of(&STATES[3..10]);
    for chunk in shipped.chunks(30) {
        let entries: Vec<Value> = chunk
            .iter()
            .map(|id| {
                json!({"productOrderId": id, "deliveryMethod": "DELIVERY", "deliveryCompanyCode": "CJGLS",
                       "trackingNumber": format!("7{}", &id[id.len() - 10..]), "dispatchDate": "2026-01-01T09:00:00.000+09:00"})
            })
            .collect();
        sandbox.api(token, &format!("{P}/dispatch"), json!({ "dispatchProductOrders": entries }))?;
    }
    event(&of(&STATES[4..10]), "deliver")?;
    event(&of(&["return-requested", "return-collected"]), "request-return")?;
    event(&of(&["exchange-requested", "exchange-collected"]), "request-exchange")?;
    event(&of(&["return-collected", "exchange-collected"]), "collect-done")?;
    event(&group("decided"), "decide-purchase")?;
    event(&group("canceled"), "request-cancel")?;
    // Orders of several product orders (listProductOrderIds) and unpaid ones.
    let multi = create(2, InitialStatus::Payed, 3)?;
    let waiting = create(PER_STATE, InitialStatus::PaymentWaiting, 1)?;
    for (created, name) in [(multi, "not-yet"), (waiting, "waiting")] {
        order_ids.extend(created.order_ids);
        let more = created.product_order_ids;
        match groups.iter_mut().find(|g| g.name == name) {
            Some(g) => g.ids.extend(more),
            None => groups.push(Group { name, ids: more }),
        }
    }
    Ok((groups, order_ids))
}

/// A libFuzzer-style dictionary, the format schemathesis's `from-file` reads.
fn write_dictionary(path: &Path, values: &[String]) -> Result<()> {
    let text: String = values.iter().map(|v| format!("\"{v}\"\n")).collect();
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}

/// A KST date-time `days` from now (`yyyy-MM-ddTHH:mm:ss.SSS+09:00`), computed without a date
/// library: civil-from-days (H. Hinnant).
fn kst_in_days(days: i64) -> String {
    let ms = now_ms() + days * 86_400_000 + 9 * 3_600_000;
    let (day, ms_of_day) = (ms.div_euclid(86_400_000), ms.rem_euclid(86_400_000));
    let z = day + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    let (h, min, sec, milli) =
        (ms_of_day / 3_600_000, ms_of_day / 60_000 % 60, ms_of_day / 1_000 % 60, ms_of_day % 1_000);
    format!("{y:04}-{m:02}-{d:02}T{h:02}:{min:02}:{sec:02}.{milli:03}+09:00")
}

/// Writes the run's dictionaries (see `CONFIG`): product order ids by state and all of them,
/// order ids, valid tracking numbers and dispatch due dates the sandbox accepts.
fn write_dictionaries(work: &Path, groups: &[Group], order_ids: &[String]) -> Result<usize> {
    let mut all = Vec::new();
    for g in groups {
        write_dictionary(&work.join(format!("{}.dict", g.name)), &g.ids)?;
        all.extend(g.ids.iter().cloned());
    }
    let union = |names: &[&str]| -> Vec<String> {
        groups.iter().filter(|g| names.contains(&g.name)).flat_map(|g| g.ids.iter().cloned()).collect()
    };
    write_dictionary(&work.join("payed.dict"), &union(&["not-yet", "confirmed"]))?;
    write_dictionary(&work.join("shipped.dict"), &union(&["delivering", "delivered"]))?;
    write_dictionary(&work.join("returns.dict"), &union(&["return-requested", "return-collected"]))?;
    write_dictionary(&work.join("exchanges.dict"), &union(&["exchange-requested", "exchange-collected"]))?;
    write_dictionary(&work.join("product-order-ids.dict"), &all)?;
    write_dictionary(&work.join("order-ids.dict"), order_ids)?;
    let tracking: Vec<String> = (0..60).map(|i| format!("5{:011}", 31_337 * (i + 1))).collect();
    write_dictionary(&work.join("tracking-numbers.dict"), &tracking)?;
    write_dictionary(&work.join("due-dates.dict"), &[kst_in_days(2), kst_in_days(30), kst_in_days(89)])?;
    Ok(all.len())
}

fn schemathesis(root: &Path, st: &Path, work: &Path) -> Result<()> {
    let sandbox = Sandbox::start(root)?;
    let token = sandbox.token(root)?;
    let (groups, order_ids) = fill(&sandbox, &token)?;
    let count = write_dictionaries(work, &groups, &order_ids)?;
    println!("sandbox {}: {count} product orders in {} states", sandbox.base_url, groups.len());
    // Generated token requests carry a real signature, so that they reach the token logic.
    let client_id = sandbox.client_id()?;
    let (timestamp, sign) = sign(root, &client_id)?;
    let report = work.join("schemathesis-junit.xml");
    let status = Command::new(st)
        .current_dir(root)
        .env("NPAY_TOKEN", &token)
        .env("NPAY_CLIENT_ID", &client_id)
        .env("NPAY_TIMESTAMP", timestamp.to_string())
        .env("NPAY_SIGN", &sign)
        .env("NO_COLOR", "1")
        // Hypothesis's own caches go to the work folder, not the working tree.
        .env("HYPOTHESIS_STORAGE_DIRECTORY", work.join("hypothesis"))
        .args(["--config-file", CONFIG, "run", "openapi/npay-order.yaml", "--url", &sandbox.base_url])
        .args(["--checks", "all", "--seed", SCHEMATHESIS_SEED, "--report", "junit", "--report-junit-path"])
        .arg(&report)
        .status()
        .context("starting schemathesis")?;
    let mut sandbox = sandbox;
    sandbox.process.check_alive().context("the sandbox died during the schemathesis run")?;
    let stats = sandbox.wait(sandbox.control.stats())?;
    let untouched: Vec<&str> =
        stats.mutations_applied.iter().filter(|(_, n)| **n == 0).map(|(op, _)| op.as_str()).collect();
    println!(
        "the sandbox answered {} requests; {} product orders changed state; mutations never applied: {}",
        stats.total_requests(),
        stats.mutations_applied.values().sum::<u64>(),
        if untouched.is_empty() { "none".to_owned() } else { untouched.join(", ") }
    );
    if !status.success() {
        bail!("schemathesis reported failures against the sandbox (seed {SCHEMATHESIS_SEED})");
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Prism.

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// One test suite sent through prism: a name for the report and the command that runs it. The
/// command is given `NPAY_TEST_SANDBOX_URL` (the sandbox, for its control API) and
/// `NPAY_TEST_API_URL` (prism, for every API call); each suite's test harness honours both.
pub struct Suite {
    /// What the report calls it (`rust`, `python`, …).
    pub name: &'static str,
    /// The suite's command, ready to run but for the two variables.
    pub command: Command,
}

/// Runs `suites` one after the other through one `prism proxy --errors` in front of one sandbox
/// binary (reset before each suite), and fails if any suite fails, if prism reports any request or
/// response violation, or if a suite sent nothing through it.
pub fn through_prism(root: &Path, suites: Vec<Suite>) -> Result<()> {
    let prism = install_prism(root)?;
    crate::test::cargo(root, &["build", "-q", "-p", "npay-sandbox", "--bin", "npay-sandbox"])?;
    let work = root.join(WORK_DIR);
    std::fs::create_dir_all(&work)?;
    let mut sandbox = Sandbox::start(root)?;
    let port = free_port()?.to_string();
    let log_path = work.join("prism.log");
    let log = std::fs::File::create(&log_path)?;
    let child = Command::new(&prism)
        .current_dir(root)
        .args([
            "proxy",
            "openapi/npay-order.yaml",
            &sandbox.base_url,
            "--errors",
            "--host",
            "127.0.0.1",
            "--port",
            &port,
        ])
        .env("NO_COLOR", "1")
        .env("FORCE_COLOR", "0")
        .stdout(log.try_clone()?)
        .stderr(log)
        .spawn()
        .context("starting prism")?;
    let mut proxy = Running { name: "prism", child };
    let deadline = Instant::now() + Duration::from_secs(60);
    while !std::fs::read_to_string(&log_path)?.contains("Prism is listening") {
        proxy.check_alive()?;
        if Instant::now() > deadline {
            bail!("prism did not start within 60 s; see {}", log_path.display());
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let api_url = format!("http://127.0.0.1:{port}");
    let mut report = Vec::new();
    for mut suite in suites {
        sandbox.wait(sandbox.control.reset())?;
        let before = std::fs::read_to_string(&log_path)?.len();
        let started = Instant::now();
        println!("--> {} suite through prism", suite.name);
        let child = suite
            .command
            .env("NPAY_TEST_SANDBOX_URL", &sandbox.base_url)
            .env("NPAY_TEST_API_URL", &api_url)
            .spawn()
            .with_context(|| format!("starting the {} suite", suite.name))?;
        let status =
            wait_at_most(child, SUITE_TIME_LIMIT).with_context(|| format!("the {} suite through prism", suite.name))?;
        sandbox.process.check_alive()?;
        proxy.check_alive()?;
        // An answer the client gave up on (a timeout test) is logged a little after the suite ends.
        let settled = Instant::now() + Duration::from_secs(5);
        let traffic = loop {
            let traffic = PrismTraffic::read(&std::fs::read_to_string(&log_path)?[before..]);
            if traffic.requests == traffic.validated || Instant::now() > settled {
                break traffic;
            }
            std::thread::sleep(Duration::from_millis(200));
        };
        println!("--> {}: {traffic} ({:.1} s)", suite.name, started.elapsed().as_secs_f64());
        if !status.success() {
            bail!("the {} suite failed through prism (log: {})", suite.name, log_path.display());
        }
        traffic.check(suite.name, &log_path)?;
        report.push(format!("{}: {traffic}", suite.name));
    }
    drop(proxy);
    println!("prism: {}", report.join("; "));
    Ok(())
}

/// How long one suite may take through prism before it is stopped (a hang must not eat CI's time).
const SUITE_TIME_LIMIT: Duration = Duration::from_secs(15 * 60);

/// Waits for `child`, killing it after `limit`.
fn wait_at_most(mut child: Child, limit: Duration) -> Result<std::process::ExitStatus> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(status);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            bail!("stopped after {} s", limit.as_secs());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// What prism's log says about one stretch of traffic.
struct PrismTraffic {
    requests: usize,
    validated: usize,
    violations: Vec<String>,
}

impl PrismTraffic {
    fn read(log: &str) -> PrismTraffic {
        let count = |needle: &str| log.lines().filter(|l| l.contains(needle)).count();
        let violations = log
            .lines()
            .filter(|l| {
                l.contains('✖')
                    || l.contains('⚠')
                    || l.contains("Violation")
                    || l.contains("VIOLATIONS")
                    || l.contains("error")
            })
            .map(str::to_owned)
            .collect();
        PrismTraffic { requests: count("Request received"), validated: count("Received forward response"), violations }
    }

    fn check(&self, suite: &str, log_path: &Path) -> Result<()> {
        if !self.violations.is_empty() {
            bail!(
                "prism found violations in the {suite} suite (log: {}):\n{}",
                log_path.display(),
                self.violations.join("\n")
            );
        }
        if self.requests == 0 || self.requests != self.validated {
            bail!(
                "the {suite} suite sent {} requests through prism and {} answers were validated (log: {})",
                self.requests,
                self.validated,
                log_path.display()
            );
        }
        Ok(())
    }
}

impl std::fmt::Display for PrismTraffic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} requests proxied, {} answers validated, {} violations",
            self.requests,
            self.validated,
            self.violations.len()
        )
    }
}
