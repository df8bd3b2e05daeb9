//! `npay-order doctor`: all green against the sandbox; against a server whose answers deviate it
//! names every deviation by path (and still exits 0: reads survive them); a bad secret or a
//! refused signature blocks use (exit non-zero); the report never holds a secret or an answer's
//! value.

use std::process::{Command, Output};

use npay_sandbox::{DeviationConfig, DeviationKind, Sandbox, SandboxConfig};
use serde_json::{Value, json};

fn doctor(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_npay-order"));
    command.arg("doctor").args(args).env_remove("NPAY_CLIENT_ID").env_remove("NPAY_CLIENT_SECRET");
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().expect("npay-order runs")
}

fn text(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

#[test]
fn doctor_on_the_embedded_sandbox_is_all_green() {
    let output = doctor(&["--sandbox"], &[]);
    let shown = text(&output);
    assert!(output.status.success(), "{shown}");
    assert!(shown.contains("All green"), "{shown}");
    assert!(!shown.contains('✖') && !shown.contains("! "), "{shown}");
    for operation in ["listLastChangedStatuses", "queryProductOrders", "searchProductOrders", "listDailySettlements"] {
        assert!(shown.contains(operation), "{operation} is checked: {shown}");
    }
}

#[test]
fn doctor_json_is_one_document_with_every_check() {
    let output = doctor(&["--sandbox", "--json"], &[]);
    assert!(output.status.success(), "{}", text(&output));
    let report: Value = serde_json::from_slice(&output.stdout).expect("one JSON document");
    assert_eq!(report["usable"], true);
    let checks = report["checks"].as_array().expect("checks");
    assert!(checks.len() >= 10, "{checks:?}");
    assert!(checks.iter().all(|c| c["status"] == "ok"), "{checks:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn doctor_names_every_deviation_of_a_deviating_server_without_its_values() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.expect("sandbox");
    let ids = sandbox.control().paid_orders(4).await.expect("orders");
    // What the orders hold that must not be shown: the buyers' names and phones.
    let client = npay_order::Client::builder()
        .client_id(sandbox.client_id())
        .client_secret(sandbox.client_secret())
        .base_url(sandbox.base_url())
        .build()
        .unwrap();
    let orders = client.call_json("queryProductOrders", json!({"productOrderIds": ids})).await.expect("orders");
    let order = &orders.data()[0]["order"];
    let personal: Vec<String> =
        ["ordererName", "ordererTel"].iter().filter_map(|k| order[*k].as_str().map(str::to_owned)).collect();
    assert!(!personal.is_empty(), "{order}");
    let kinds = vec![DeviationKind::StringNumbers, DeviationKind::UnknownFields, DeviationKind::WrongTypes];
    sandbox.control().set_deviations(&DeviationConfig { rate: 0.3, kinds, seed: Some(4) }).await.expect("deviations");
    let base_url = sandbox.base_url().to_owned();
    let env = [
        ("NPAY_CLIENT_ID", sandbox.client_id().to_owned()),
        ("NPAY_CLIENT_SECRET", sandbox.client_secret().to_owned()),
    ];
    let output = tokio::task::spawn_blocking(move || {
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        doctor(&["--base-url", &base_url], &env)
    })
    .await
    .unwrap();
    let shown = text(&output);
    assert!(output.status.success(), "deviations do not block use: {shown}");
    assert!(shown.contains("deviation(s) from the spec"), "{shown}");
    assert!(shown.contains("unknownField") && shown.contains("data[]."), "{shown}");
    for value in &personal {
        assert!(!shown.contains(value.as_str()), "a buyer's value reached the report");
    }
    assert!(!shown.contains(sandbox.client_secret()), "the secret is never shown");
}

#[test]
fn a_secret_that_is_not_a_bcrypt_salt_blocks_use_and_is_not_echoed() {
    let output = doctor(
        &["--base-url", "http://127.0.0.1:9/npay/partner"],
        &[("NPAY_CLIENT_ID", "app"), ("NPAY_CLIENT_SECRET", "hunter2-plain")],
    );
    let shown = text(&output);
    assert!(!output.status.success(), "{shown}");
    assert!(shown.contains("secret format") && shown.contains('✖'), "{shown}");
    assert!(!shown.contains("hunter2"), "{shown}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_signature_is_explained_and_blocks_use() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.expect("sandbox");
    let base_url = sandbox.base_url().to_owned();
    let id = sandbox.client_id().to_owned();
    let output = tokio::task::spawn_blocking(move || {
        doctor(
            &["--base-url", &base_url],
            &[("NPAY_CLIENT_ID", &id), ("NPAY_CLIENT_SECRET", "$2a$04$abcdefghijklmnopqrstuu")],
        )
    })
    .await
    .unwrap();
    let shown = text(&output);
    assert!(!output.status.success(), "{shown}");
    assert!(shown.contains("signature does not match"), "{shown}");
    assert!(shown.contains("read operations") && shown.contains("no token"), "{shown}");
    assert!(!shown.contains("abcdefghijklmnopqrstuu"), "{shown}");
}
