//! The `npay-sandbox` binary: contract line on stdout, flags, serving.

mod common;

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_npay-sandbox");

#[tokio::test]
async fn binary_prints_the_contract_line_and_serves_tokens() {
    let secret = "$2a$04$abcdefghijklmnopqrstuu";
    let mut child = Command::new(BIN)
        .args(["--port", "0", "--seed", "42", "--client-id", "bin-client", "--client-secret", secret])
        .args(["--rate-limit", "50"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn npay-sandbox");
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let line = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
        .await
        .expect("the line comes promptly")
        .unwrap()
        .expect("one line");
    let base = line.strip_prefix("npay-sandbox listening on ").expect(&line).to_string();
    assert!(base.starts_with("http://127.0.0.1:") && base.ends_with("/npay/partner"), "{base}");

    let ts = common::now_ms();
    let form = format!(
        "client_id=bin-client&timestamp={ts}&grant_type=client_credentials&type=SELF&client_secret_sign={}",
        form_urlencoded::byte_serialize(common::sign("bin-client", secret, ts).as_bytes()).collect::<String>()
    );
    let http = reqwest::Client::new();
    let r = http
        .post(format!("{base}/v1/oauth2/token"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["gncp-gw-ratelimit-burst-capacity"], "100");
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["token_type"], "Bearer");
    let info: serde_json::Value = http.get(format!("{base}/_sandbox/info")).send().await.unwrap().json().await.unwrap();
    assert_eq!(info["seed"], 42);
    assert_eq!(info["clientId"], "bin-client");
    // Nothing else is printed on stdout.
    child.start_kill().unwrap();
    let rest = tokio::time::timeout(Duration::from_secs(10), lines.next_line()).await.unwrap().unwrap();
    assert_eq!(rest, None);
}

#[tokio::test]
async fn binary_refuses_a_secret_that_is_not_a_bcrypt_salt() {
    let out = Command::new(BIN).args(["--client-secret", "plain-secret"]).output().await.unwrap();
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("bcrypt salt"));
}
