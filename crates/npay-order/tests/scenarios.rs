//! Runs every cross-language scenario of `tests/scenarios/` against the embedded sandbox, through
//! the core's JSON path (`Client::call_json`), which parses into the generated `…Params` types
//! and calls the generated typed methods. The same files are run by every binding's suite.
//! With `NPAY_TEST_SANDBOX_URL` / `NPAY_TEST_API_URL` (see `support`) it runs against an external
//! sandbox through a proxy instead: `cargo xtask test` runs it through `prism proxy --errors`.

mod support;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use futures::TryStreamExt;
use npay_order::{Client, NpayError, Timestamp};
use serde_json::{Value, json};
use support::Env;

fn scenario_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/scenarios exists")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

struct Runner {
    vars: HashMap<String, Value>,
    now: Timestamp,
}

impl Runner {
    fn resolve_str(&self, text: &str) -> Value {
        let Some(name) = text.strip_prefix('$') else { return Value::String(text.to_owned()) };
        if let Some(relative) = name.strip_prefix("now") {
            let hours: i64 = match relative {
                "" => 0,
                r => r.trim_end_matches('h').parse().expect("$now±Nh"),
            };
            let t = Timestamp::from_millis_kst(self.now.timestamp_millis() + hours * 3_600_000).expect("time");
            return Value::String(t.to_string());
        }
        if let Some((var, index)) = name.strip_suffix(']').and_then(|n| n.split_once('[')) {
            let index: usize = index.parse().expect("index");
            return self.vars[var][index].clone();
        }
        self.vars.get(name).cloned().unwrap_or_else(|| panic!("unknown variable ${name}"))
    }

    fn resolve(&self, value: &Value) -> Value {
        match value {
            Value::String(s) => self.resolve_str(s),
            Value::Array(items) => Value::Array(items.iter().map(|v| self.resolve(v)).collect()),
            Value::Object(map) => Value::Object(map.iter().map(|(k, v)| (k.clone(), self.resolve(v))).collect()),
            other => other.clone(),
        }
    }

    fn save(&mut self, step: &Value, answer: &Value) {
        for (var, field) in step["save"].as_object().into_iter().flatten() {
            let field = field.as_str().expect("save names a field");
            self.vars.insert(var.clone(), answer[field].clone());
        }
    }
}

/// `expected` matches `actual` (see tests/README.md); returns why not.
fn matches(expected: &Value, actual: &Value, at: &str) -> Result<(), String> {
    match expected {
        Value::Object(map) if map.contains_key("$len") => {
            let len = actual.as_array().map(Vec::len);
            if len == map["$len"].as_u64().map(|n| n as usize) {
                Ok(())
            } else {
                Err(format!("{at}: expected {} items, got {actual}", map["$len"]))
            }
        }
        Value::Object(map) if map.contains_key("$contains") => {
            let found =
                actual.as_array().into_iter().flatten().any(|item| matches(&map["$contains"], item, at).is_ok());
            if found { Ok(()) } else { Err(format!("{at}: no element matches {}", map["$contains"])) }
        }
        Value::Object(map) => {
            for (key, value) in map {
                matches(value, actual.get(key).unwrap_or(&Value::Null), &format!("{at}.{key}"))?;
            }
            Ok(())
        }
        Value::Array(items) => {
            let actual_items = actual.as_array().ok_or_else(|| format!("{at}: expected a list, got {actual}"))?;
            if actual_items.len() != items.len() {
                return Err(format!("{at}: expected {} items, got {actual}", items.len()));
            }
            items.iter().zip(actual_items).enumerate().try_for_each(|(i, (e, a))| matches(e, a, &format!("{at}[{i}]")))
        }
        other if other == actual => Ok(()),
        other => Err(format!("{at}: expected {other}, got {actual}")),
    }
}

async fn run_step(env: &Env, client: &Client, runner: &mut Runner, step: &Value, label: &str) {
    if let Some(control) = step["sandbox"].as_str() {
        let (method, path) = control.split_once(' ').expect("sandbox: METHOD path");
        let path = path
            .split('/')
            .map(|part| match runner.resolve_str(part) {
                Value::String(s) => s,
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join("/");
        let body = step.get("body").map(|b| runner.resolve(b));
        let answer = env.control(method, &path, body).await;
        runner.save(step, &answer);
        if let Some(expected) = step.get("expect") {
            matches(&runner.resolve(expected), &answer, label).unwrap_or_else(|e| panic!("{e}"));
        }
        return;
    }
    let params = runner.resolve(step.get("params").unwrap_or(&json!({})));
    let outcome: Result<Value, NpayError> = if let Some(iterator) = step["iterate"].as_str() {
        match iterator {
            "iterLastChangedStatuses" => match npay_order::json::params("listLastChangedStatuses", params) {
                Ok(p) => client
                    .iter_last_changed_statuses(p)
                    .try_collect::<Vec<_>>()
                    .await
                    .map(|v| serde_json::to_value(v).unwrap()),
                Err(e) => Err(e),
            },
            "iterSearchProductOrders" => match npay_order::json::params("searchProductOrders", params) {
                Ok(p) => client
                    .iter_search_product_orders(p)
                    .try_collect::<Vec<_>>()
                    .await
                    .map(|v| serde_json::to_value(v).unwrap()),
                Err(e) => Err(e),
            },
            other => panic!("{label}: unknown iterator {other}"),
        }
    } else {
        let operation =
            step["call"].as_str().unwrap_or_else(|| panic!("{label}: a step needs sandbox, call or iterate"));
        client.call_json(operation, params).await.map(|r| r.into_data())
    };
    match (outcome, step.get("expectError")) {
        (Ok(data), None) => {
            runner.save(step, &data);
            if let Some(expected) = step.get("expect") {
                matches(&runner.resolve(expected), &data, label).unwrap_or_else(|e| panic!("{e}"));
            }
        }
        (Ok(data), Some(expected)) => panic!("{label}: expected {expected}, got success {data}"),
        (Err(error), None) => panic!("{label}: failed: {error}"),
        (Err(error), Some(expected)) => {
            let actual = json!({
                "type": error.type_name(),
                "status": error.status(),
                "code": error.code(),
            });
            matches(&runner.resolve(expected), &actual, label).unwrap_or_else(|e| panic!("{e} ({error})"));
        }
    }
}

#[tokio::test]
async fn every_shared_scenario_passes() {
    let env = Env::start().await;
    let files = scenario_files();
    assert!(files.len() >= 4, "expected the shared scenarios, found {files:?}");
    for file in files {
        let scenario: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let name = scenario["name"].as_str().unwrap_or("?").to_owned();
        env.reset().await;
        let client = env.client();
        let mut runner = Runner { vars: HashMap::new(), now: Timestamp::from_utc_in_kst(chrono::Utc::now()) };
        for (i, step) in scenario["steps"].as_array().expect("steps").iter().enumerate() {
            let label = format!("{} step {}", file.file_name().unwrap().to_string_lossy(), i + 1);
            run_step(&env, &client, &mut runner, step, &label).await;
        }
        println!("scenario ok: {name}");
    }
}
