//! Several applications in one sandbox (`POST _sandbox/apps`), for integrators that watch many
//! merchant accounts: each application has its own id and secret, orders, changes, clock,
//! tokens, stats, faults, traffic and rate-limit bucket, and the sandbox keeps a log of the API
//! requests of each per second, so that a test can check a rate budget against the server's own
//! record.
//!
//! * `POST apps {count (1..=1000), prefix = "app", traffic: {ratePerSecond, seed}?}` →
//!   `{apps: [{clientId, clientSecret}]}`: client ids `<prefix>-<N>` (N = the application's
//!   index, 1 for the first one added), secrets derived from the sandbox seed and N; the rate
//!   limit is the sandbox's (`--rate-limit`), per application.
//! * `GET apps` → `{apps: [{clientId, clientSecret, index}]}`, the one the sandbox started with
//!   first (index 0).
//! * `<verb> apps/{clientId}/<path>` → the control call `<path>` (`orders`, `traffic`, `changes`,
//!   `stats`, `clock`, …) for that application; `_sandbox/<path>` stays the first application's.
//! * `GET requests` → `{rateLimitRps, apps: {clientId: {"<unix second>": requests}}}`: every API
//!   request attributed to an application (by its token, or the token call's `client_id`),
//!   counted by the second of real time it arrived in.

use http::{Method, StatusCode};
use serde_json::{Map, Value, json};

use npay_sandbox_control::wire::{App, Apps};

use crate::control::{number_in, seed_field};
use crate::hub::Hub;
use crate::input::{Invalid, json_object};
use crate::reply::Reply;
use crate::state::{Shared, lock};

/// bcrypt's Base64 alphabet, in its order.
const BCRYPT_ALPHABET: &[u8] = b"./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// Routes a control call: the `apps` and `requests` paths here, everything else to the
/// application it names (or the first one).
pub fn control(hub: &Hub, method: &Method, path: &str, body: &[u8], trace: &str) -> Reply {
    let primary = hub.primary();
    let now = primary.now();
    match path.split_once('/').map_or((path, ""), |(a, b)| (a, b)) {
        ("apps", "") if *method == Method::GET => list(hub),
        ("apps", "") if *method == Method::POST => add(hub, &primary, body, trace).unwrap_or_else(|r| r),
        ("apps", "") => Reply::method_not_allowed(Method::POST, trace, now),
        ("apps", rest) => {
            let (client_id, inner) = rest.split_once('/').unwrap_or((rest, ""));
            match hub.by_client_id(client_id) {
                Some(app) => crate::control::handle(&app, method, inner, body, trace),
                None => Reply::error(
                    StatusCode::NOT_FOUND,
                    "GW.NOT_FOUND",
                    "요청하신 리소스를 찾을 수 없습니다. (unknown application)",
                    trace,
                    now,
                ),
            }
        }
        ("requests", "") if *method == Method::GET => requests(hub, &primary),
        ("requests", "") => Reply::method_not_allowed(Method::GET, trace, now),
        _ => crate::control::handle(&primary, method, path, body, trace),
    }
}

fn list(hub: &Hub) -> Reply {
    let apps: Vec<App> = hub
        .all()
        .iter()
        .map(|a| App { client_id: a.client_id.clone(), client_secret: a.client_secret.clone(), index: Some(a.index) })
        .collect();
    Reply::json(StatusCode::OK, &Apps { apps })
}

fn add(hub: &Hub, primary: &Shared, body: &[u8], trace: &str) -> Result<Reply, Reply> {
    let now = primary.now();
    let map = if body.iter().all(u8::is_ascii_whitespace) {
        Map::new()
    } else {
        json_object(body).map_err(|inv| Reply::invalid(&inv, trace, now))?
    };
    let mut inv = Invalid::default();
    let count = number_in(&map, &mut inv, "count", 1.0, 1000.0, 1.0) as usize;
    let prefix = match map.get("prefix") {
        None | Some(Value::Null) => "app".to_owned(),
        Some(Value::String(p)) if !p.is_empty() && p.len() <= 64 => p.clone(),
        Some(_) => {
            inv.push("prefix", "typeMismatch", "prefix must be a string of 1–64 characters");
            String::new()
        }
    };
    let traffic = match map.get("traffic") {
        None | Some(Value::Null) => None,
        Some(Value::Object(t)) => {
            let rate_per_second = number_in(t, &mut inv, "ratePerSecond", 0.0, 10_000.0, 0.0);
            let seed = seed_field(t, &mut inv, primary.seed);
            Some((rate_per_second, seed))
        }
        Some(_) => {
            inv.push("traffic", "typeMismatch", "traffic must be an object {ratePerSecond, seed}");
            None
        }
    };
    if !inv.is_empty() {
        return Err(Reply::invalid(&inv, trace, now));
    }
    let taken: Vec<String> = hub.all().iter().map(|a| a.client_id.clone()).collect();
    let seed = primary.seed;
    let rate_limit = primary.rate_limit;
    let added = hub.add(
        |index| {
            let mut client_id = format!("{prefix}-{index}");
            while taken.contains(&client_id) {
                client_id.push('x');
            }
            let app_seed = seed.wrapping_add(index as u64);
            Shared::application(index, client_id, secret_for(seed, index), app_seed, rate_limit)
        },
        count,
    );
    let apps: Vec<App> = added
        .iter()
        .map(|app| {
            if let Some((rate_per_second, seed)) = traffic {
                let seed = seed.wrapping_add(app.index as u64);
                app.set_traffic(crate::traffic::TrafficConfig { rate_per_second, seed });
            }
            App { client_id: app.client_id.clone(), client_secret: app.client_secret.clone(), index: None }
        })
        .collect();
    Ok(Reply::json(StatusCode::OK, &Apps { apps }))
}

/// A canonical cost-4 bcrypt salt for the `index`-th application: 21 characters from a
/// splitmix64 stream of (seed, index), then `e` (a last salt character whose low bits are zero).
fn secret_for(seed: u64, index: usize) -> String {
    let mut state = seed ^ (index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let mut salt = String::from("$2a$04$");
    for _ in 0..21 {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        salt.push(BCRYPT_ALPHABET[(z % 64) as usize] as char);
    }
    salt.push('e');
    salt
}

fn requests(hub: &Hub, primary: &Shared) -> Reply {
    let mut apps = Map::new();
    for app in hub.all() {
        let log = lock(&app.request_log);
        let seconds: Map<String, Value> = log.iter().map(|(s, n)| (s.to_string(), json!(n))).collect();
        apps.insert(app.client_id.clone(), Value::Object(seconds));
    }
    Reply::json(StatusCode::OK, &json!({ "rateLimitRps": primary.rate_limit, "apps": apps }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn application_secrets_are_canonical_bcrypt_salts() {
        for index in 1..50 {
            let secret = secret_for(7, index);
            assert!(npay_order_api::signature::check_secret(&secret).is_ok(), "{secret}");
            assert_ne!(secret, secret_for(7, index + 1));
        }
    }
}
