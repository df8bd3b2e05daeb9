//! The `npay-order` verbs against the sandbox, as a user runs them.

use std::io::{BufRead, BufReader};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use npay_sandbox::{Sandbox, SandboxConfig};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_npay-order");

async fn sandbox_with_orders(count: usize) -> Sandbox {
    let sandbox = Sandbox::start(SandboxConfig { seed: Some(5), ..SandboxConfig::default() }).await.unwrap();
    sandbox.control().paid_orders(count as u32).await.unwrap();
    sandbox
}

fn cli(sandbox: &Sandbox) -> Command {
    let mut command = Command::new(BIN);
    command
        .args(["--base-url", sandbox.base_url(), "--client-id", sandbox.client_id()])
        .env("NPAY_CLIENT_SECRET", sandbox.client_secret());
    command
}

fn run(command: &mut Command) -> Output {
    let output = command.output().expect("the CLI runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    output
}

fn json_lines(output: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON per line"))
        .collect()
}

fn temp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("npay-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Every verb, and every subcommand of the verbs that have them.
const VERBS: &[&str] = &[
    "watch",
    "events",
    "events list",
    "events show",
    "events resend",
    "cursor",
    "cursor show",
    "cursor reset",
    "changes",
    "sandbox",
    "completions",
    "doctor",
    "orders",
    "orders get",
    "confirm",
    "dispatch",
    "delay",
    "cancel",
    "cancel approve",
    "cancel request",
    "return",
    "return approve",
    "return reject",
    "return hold",
    "return release",
    "return request",
    "exchange",
    "exchange collect",
    "exchange redeliver",
    "exchange reject",
    "exchange hold",
    "exchange release",
];

#[test]
fn every_verb_has_help_with_an_example() {
    for verb in VERBS {
        let output = run(Command::new(BIN).args(verb.split(' ')).arg("--help"));
        let help = String::from_utf8_lossy(&output.stdout);
        let examples = help.split_once("Examples:").map(|(_, e)| e).unwrap_or_default();
        assert!(examples.contains(&format!("npay-order {verb}")), "{verb} has no example:\n{help}");
    }
    let output = run(Command::new(BIN).arg("--help"));
    let help = String::from_utf8_lossy(&output.stdout);
    for verb in VERBS.iter().filter(|v| !v.contains(' ')) {
        assert!(help.contains(verb), "{verb} missing from --help");
    }
    let script = run(Command::new(BIN).args(["completions", "bash"]));
    let script = String::from_utf8_lossy(&script.stdout);
    assert!(script.contains("npay-order") && script.contains("watch") && script.contains("--forward-to"));
}

#[test]
fn the_sandbox_verb_prints_where_it_listens_and_generates_traffic() {
    let mut child = Command::new(BIN)
        .args(["sandbox", "--traffic", "20/s", "--seed", "1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let result = std::panic::catch_unwind(|| {
        let url = line.trim().strip_prefix("npay-order sandbox listening on ").expect("the listening line").to_owned();
        assert!(url.starts_with("http://127.0.0.1:") && url.ends_with("/npay/partner"), "{url}");
        url
    });
    let url = match result {
        Ok(url) => url,
        Err(e) => {
            let _ = child.kill();
            std::panic::resume_unwind(e);
        }
    };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let traffic = runtime.block_on(async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        npay_sandbox::ControlClient::new(&url).unwrap().traffic().await
    });
    let _ = child.kill();
    let _ = child.wait();
    let traffic = traffic.expect("the binary's control API answers");
    assert_eq!(traffic.config.rate_per_second, 20.0);
    assert!(traffic.actions >= 1, "{traffic:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_lists_every_change_of_a_range_as_json_lines_or_a_table() {
    let sandbox = sandbox_with_orders(7).await;
    let output = run(cli(&sandbox).args(["changes", "--from", "10m", "--json"]));
    let rows = json_lines(&output);
    assert_eq!(rows.len(), 7);
    assert!(rows.iter().all(|r| r["lastChangedType"] == "PAYED" && r["productOrderId"].is_string()));
    let output = run(cli(&sandbox).args(["changes", "--from", "10m"]));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("product order") && text.trim_end().ends_with("7 changes"), "{text}");
    let output = run(cli(&sandbox).args(["changes", "--from", "10m", "--csv"]));
    let mut reader = csv::Reader::from_reader(output.stdout.as_slice());
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(header[..4], ["lastChangedDate", "productOrderId", "orderId", "lastChangedType"]);
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 7);
    for (record, row) in records.iter().zip(&rows) {
        assert_eq!(&record[1], row["productOrderId"].as_str().unwrap());
        assert_eq!(&record[3], "PAYED");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_hands_over_json_events_stops_on_ctrl_c_and_events_and_cursor_read_its_store() {
    let sandbox = sandbox_with_orders(5).await;
    let dir = temp("watch");
    let store = dir.join("store.sqlite");
    let store = store.to_str().unwrap();
    let mut child = cli(&sandbox)
        .args(["watch", "--json", "--store", store, "--since", "10m"])
        .args(["--settle-lag", "200ms", "--poll-interval", "100ms"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut events = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    while events.len() < 5 && Instant::now() < deadline {
        let mut line = String::new();
        if stdout.read_line(&mut line).unwrap() == 0 {
            break;
        }
        events.push(serde_json::from_str::<Value>(&line).unwrap());
    }
    // Ctrl-C: the watcher finishes what it does and exits 0.
    Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "{status}");
    assert_eq!(events.len(), 5);
    for event in &events {
        let keys: Vec<&str> = event.as_object().unwrap().keys().map(String::as_str).collect();
        for key in
            ["id", "account", "productOrderId", "lastChangedType", "lastChangedDate", "change", "detail", "attempt"]
        {
            assert!(keys.contains(&key), "{key} missing from {keys:?}");
        }
        assert!(event["id"].as_str().unwrap().starts_with("evt_"));
        assert_eq!(event["account"], sandbox.client_id());
        assert_eq!(event["attempt"], 1);
    }
    let listed = json_lines(&run(cli(&sandbox).args(["events", "list", "--json", "--store", store])));
    assert_eq!(listed.len(), 5);
    assert!(listed.iter().all(|e| e["status"] == "done" && e["attempts"] == 1), "{listed:?}");
    let csv_output = run(cli(&sandbox).args(["events", "list", "--csv", "--store", store]));
    let mut reader = csv::Reader::from_reader(csv_output.stdout.as_slice());
    let header: Vec<&str> = reader.headers().unwrap().iter().take(3).collect::<Vec<_>>();
    assert_eq!(header, ["seq", "id", "status"]);
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 5);
    for (record, event) in records.iter().zip(&listed) {
        assert_eq!(&record[1], event["id"].as_str().unwrap());
        assert_eq!(&record[2], "done");
    }
    let id = events[0]["id"].as_str().unwrap();
    let shown = json_lines(&run(cli(&sandbox).args(["events", "show", "--json", "--store", store, id])));
    assert_eq!(shown[0]["event"]["id"], id);
    assert_eq!(shown[0]["status"], "done");
    run(cli(&sandbox).args(["events", "resend", "--store", store, id]));
    let pending =
        json_lines(&run(cli(&sandbox).args(["events", "list", "--json", "--store", store, "--status", "pending"])));
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0]["id"], id);
    let cursor = json_lines(&run(cli(&sandbox).args(["cursor", "show", "--json", "--store", store])));
    assert_eq!(cursor[0]["account"], sandbox.client_id());
    assert!(cursor[0]["cursor"]["watermark"].is_string());
    let reset = json_lines(&run(cli(&sandbox).args(["cursor", "reset", "--json", "--store", store, "--to", "2h"])));
    let watermark: npay_order::Timestamp = reset[0]["cursor"]["watermark"].as_str().unwrap().parse().unwrap();
    let ago = chrono::Utc::now() - watermark.to_utc();
    assert!((ago.num_minutes() - 120).abs() <= 1, "{ago:?}");
    let human = run(cli(&sandbox).args(["cursor", "show", "--store", store]));
    assert!(String::from_utf8_lossy(&human.stdout).contains("watermark"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_secret_fails_without_printing_it() {
    let sandbox = sandbox_with_orders(1).await;
    let secret = "$2a$04$wrongwrongwrongwrongwr";
    let output = Command::new(BIN)
        .args(["changes", "--from", "10m", "--base-url", sandbox.base_url(), "--client-id", sandbox.client_id()])
        .env("NPAY_CLIENT_SECRET", secret)
        .output()
        .unwrap();
    assert!(!output.status.success());
    let all = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(all.contains("npay-order:"), "{all}");
    assert!(!all.contains("wrongwrong"), "the secret was printed: {all}");
    let watch = Command::new(BIN)
        .args(["watch", "--store", "/nonexistent-dir/x.sqlite"])
        .env_remove("NPAY_CLIENT_ID")
        .output()
        .unwrap();
    assert!(!watch.status.success());
}
