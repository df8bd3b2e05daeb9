//! The control API under `/npay/partner/_sandbox/` (JSON in and out, no auth, never faulted).

use std::sync::atomic::Ordering;

use http::{Method, StatusCode};
use serde_json::{Map, Value, json};

use crate::absent::{AbsentFields, AbsentFieldsConfig};
use crate::deviate::{DeviationConfig, DeviationState};
use crate::enums::{ClaimReason, ClaimType, DeliveryMethod};
use crate::faults::{FaultState, Faults};
use crate::input::{Fields, Invalid, json_object};
use crate::reply::Reply;
use crate::router::Op;
use crate::state::{Shared, lock};
use crate::store::{Actor, Shipment};
use crate::time::{kst_date, kst_string};

use npay_sandbox_control::{Clock, CreatedOrders, EVENTS, EventOutcome, Info, Stats, TrafficState, event_names};

/// Handles one control request; `path` is relative to `/_sandbox/`.
pub fn handle(shared: &Shared, method: &Method, path: &str, body: &[u8], trace: &str) -> Reply {
    let now = shared.now();
    let segs: Vec<&str> = path.split('/').collect();
    let expect = |m: Method| -> Result<(), Reply> {
        if *method == m { Ok(()) } else { Err(Reply::method_not_allowed(m, trace, now)) }
    };
    let result = match segs.as_slice() {
        ["orders"] => expect(Method::POST).and_then(|_| create_orders(shared, body, trace)),
        ["product-orders", id, "events", event] => {
            expect(Method::POST).and_then(|_| event_handler(shared, id, event, body, trace))
        }
        ["clock"] if *method == Method::GET => Ok(clock_reply(shared)),
        ["clock"] => expect(Method::POST).and_then(|_| advance_clock(shared, body, trace)),
        ["faults"] if *method == Method::GET => Ok(faults_reply(&lock(&shared.faults).config)),
        ["faults"] => expect(Method::PUT).and_then(|_| put_faults(shared, body, trace)),
        ["deviations"] if *method == Method::GET => Ok(Reply::json(StatusCode::OK, &lock(&shared.deviations).config)),
        ["deviations"] => expect(Method::PUT).and_then(|_| put_deviations(shared, body, trace)),
        ["absent-fields"] if *method == Method::GET => Ok(absent_fields_reply(shared)),
        ["absent-fields"] => expect(Method::PUT).and_then(|_| put_absent_fields(shared, body, trace)),
        ["stats"] => expect(Method::GET).map(|_| stats(shared)),
        ["traffic"] if *method == Method::GET => Ok(traffic_reply(shared)),
        ["traffic"] => expect(Method::PUT).and_then(|_| put_traffic(shared, body, trace)),
        ["visibility"] if *method == Method::GET => {
            Ok(Reply::json(StatusCode::OK, &lock(&shared.store).visibility.config))
        }
        ["visibility"] => expect(Method::PUT).and_then(|_| put_visibility(shared, body, trace)),
        ["changes"] => expect(Method::GET).map(|_| changes_reply(shared)),
        ["reset"] => expect(Method::POST).map(|_| {
            shared.reset();
            Reply::json(StatusCode::OK, &json!({ "reset": true }))
        }),
        ["info"] => expect(Method::GET).map(|_| {
            let info = Info {
                client_id: shared.client_id.clone(),
                seed: shared.seed,
                now: kst_string(shared.now()),
                rate_limit_rps: shared.rate_limit,
                events: event_names().into_iter().map(str::to_owned).collect(),
            };
            Reply::json(StatusCode::OK, &info)
        }),
        _ => Err(Reply::error(
            StatusCode::NOT_FOUND,
            "GW.NOT_FOUND",
            "요청하신 리소스를 찾을 수 없습니다. (unknown control path)",
            trace,
            now,
        )),
    };
    result.unwrap_or_else(|r| r)
}

/// Parses an optional JSON object body (empty = `{}`).
fn optional_object(body: &[u8], shared: &Shared, trace: &str) -> Result<Map<String, Value>, Reply> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    json_object(body).map_err(|inv| Reply::invalid(&inv, trace, shared.now()))
}

fn create_orders(shared: &Shared, body: &[u8], trace: &str) -> Result<Reply, Reply> {
    let map = optional_object(body, shared, trace)?;
    let f = Fields::new(&map);
    let mut inv = Invalid::default();
    let count = f.opt_int(&mut inv, "count", 1, 10_000).unwrap_or(1) as usize;
    let per = f.opt_int(&mut inv, "productsPerOrder", 1, 20).unwrap_or(1) as usize;
    let status = f.opt_str(&mut inv, "status", 40);
    let paid = match status.as_deref() {
        None | Some("PAYED") => true,
        Some("PAYMENT_WAITING") => false,
        Some(_) => {
            inv.push("status", "typeMismatch", "status must be PAYED or PAYMENT_WAITING");
            true
        }
    };
    if !inv.is_empty() {
        return Err(Reply::invalid(&inv, trace, shared.now()));
    }
    let mut store = lock(&shared.store);
    let now = shared.now();
    let (order_ids, po_ids) = store.create_orders(now, count, paid, per);
    drop(store);
    Ok(Reply::json(StatusCode::OK, &CreatedOrders { order_ids, product_order_ids: po_ids }))
}

fn event_handler(shared: &Shared, id: &str, event: &str, body: &[u8], trace: &str) -> Result<Reply, Reply> {
    let now = shared.now();
    if !EVENTS.iter().any(|(name, _)| *name == event) {
        let msg = format!("unknown event '{}'; use one of {}", crate::input::clip(event), event_names().join(", "));
        return Err(Reply::error(StatusCode::NOT_FOUND, "SANDBOX.UNKNOWN_EVENT", &msg, trace, now));
    }
    let map = optional_object(body, shared, trace)?;
    let f = Fields::new(&map);
    let mut inv = Invalid::default();
    let any = |_: ClaimReason| true;
    let reason = f.opt_enum(&mut inv, "reason", ClaimReason::parse, any);
    let detailed = f.opt_str(&mut inv, "detailedReason", 500);
    if !inv.is_empty() {
        return Err(Reply::invalid(&inv, trace, now));
    }
    let mut store = lock(&shared.store);
    let Some(idx) = store.po_index(id) else {
        return Err(Reply::error(StatusCode::NOT_FOUND, "100001", crate::store::NOT_FOUND.message, trace, now));
    };
    let collect = || Shipment {
        method: DeliveryMethod::ReturnDesignated,
        company: Some("CJGLS".to_string()),
        tracking_number: None,
    };
    let mut affected = vec![idx];
    let result = match event {
        "pay" => store.pay(idx, now).map(|v| affected = v),
        "deliver" => store.deliver(idx, now),
        "decide-purchase" => store.decide_purchase(idx, now),
        "request-cancel" => {
            store.request_cancel(idx, now, Actor::Buyer, reason.unwrap_or(ClaimReason::IntentChanged), detailed)
        }
        "request-return" => store.request_collect_claim(
            idx,
            now,
            ClaimType::Return,
            Actor::Buyer,
            reason.unwrap_or(ClaimReason::IntentChanged),
            detailed,
            collect(),
        ),
        "request-exchange" => store.request_collect_claim(
            idx,
            now,
            ClaimType::Exchange,
            Actor::Buyer,
            reason.unwrap_or(ClaimReason::ColorAndSize),
            detailed,
            collect(),
        ),
        "collect-done" => store.collect_done(idx, now, None),
        _ => store.withdraw_claim(idx, now),
    };
    if let Err(e) = result {
        let po = &store.pos[idx];
        let msg = format!(
            "{} (event '{}' is not possible in productOrderStatus {}{})",
            e.message,
            event,
            po.status.as_str(),
            po.shown_claim().map(|c| format!(", claimStatus {}", c.status.as_str())).unwrap_or_default()
        );
        return Err(Reply::error(StatusCode::CONFLICT, e.code, &msg, trace, now));
    }
    let po = &store.pos[idx];
    let claim = po.shown_claim();
    let outcome = EventOutcome {
        product_order_id: po.id.clone(),
        event: event.to_owned(),
        product_order_status: po.status.as_str().to_owned(),
        affected_product_order_ids: affected.iter().map(|&i| store.pos[i].id.clone()).collect(),
        claim_type: claim.map(|c| c.claim_type.as_str().to_owned()),
        claim_status: claim.map(|c| c.status.as_str().to_owned()),
    };
    Ok(Reply::json(StatusCode::OK, &outcome))
}

fn clock_reply(shared: &Shared) -> Reply {
    let now = shared.now();
    let clock = Clock {
        now: kst_string(now),
        today: kst_date(now).format("%Y-%m-%d").to_string(),
        offset_seconds: shared.clock.offset_ms() as f64 / 1000.0,
    };
    Reply::json(StatusCode::OK, &clock)
}

fn advance_clock(shared: &Shared, body: &[u8], trace: &str) -> Result<Reply, Reply> {
    let map = json_object(body).map_err(|inv| Reply::invalid(&inv, trace, shared.now()))?;
    let mut inv = Invalid::default();
    let secs = match map.get("advanceSeconds") {
        Some(Value::Number(n)) => match n.as_f64() {
            Some(s) if (0.0..=10.0 * 365.0 * 86_400.0).contains(&s) => Some(s),
            _ => {
                inv.push("advanceSeconds", "Range", "advanceSeconds must be between 0 and ten years");
                None
            }
        },
        None | Some(Value::Null) => {
            inv.required("advanceSeconds");
            None
        }
        Some(_) => {
            inv.push("advanceSeconds", "typeMismatch", "advanceSeconds must be a number");
            None
        }
    };
    let Some(secs) = secs else {
        return Err(Reply::invalid(&inv, trace, shared.now()));
    };
    shared.clock.advance((secs * 1000.0).round() as i64);
    Ok(clock_reply(shared))
}

fn faults_reply(c: &Faults) -> Reply {
    Reply::json(StatusCode::OK, c)
}

fn put_faults(shared: &Shared, body: &[u8], trace: &str) -> Result<Reply, Reply> {
    let map = json_object(body).map_err(|inv| Reply::invalid(&inv, trace, shared.now()))?;
    let mut inv = Invalid::default();
    let rate = |inv: &mut Invalid, n: &str| -> f64 {
        match map.get(n) {
            None | Some(Value::Null) => 0.0,
            Some(Value::Number(x)) => match x.as_f64() {
                Some(r) if (0.0..=1.0).contains(&r) => r,
                _ => {
                    inv.push(n, "Range", format!("{n} must be between 0 and 1"));
                    0.0
                }
            },
            Some(_) => {
                inv.push(n, "typeMismatch", format!("{n} must be a number"));
                0.0
            }
        }
    };
    let server_error_rate = rate(&mut inv, "serverErrorRate");
    let rate_limit_rate = rate(&mut inv, "rateLimitRate");
    let reset_rate = rate(&mut inv, "resetRate");
    let f = Fields::new(&map);
    let latency_ms = f.opt_int(&mut inv, "latencyMs", 0, 60_000).unwrap_or(0) as u64;
    let seed = match map.get("seed") {
        None | Some(Value::Null) => shared.seed,
        Some(Value::Number(n)) if n.as_u64().is_some() => n.as_u64().unwrap_or(0),
        Some(_) => {
            inv.push("seed", "typeMismatch", "seed must be a non-negative integer");
            0
        }
    };
    if server_error_rate + rate_limit_rate + reset_rate > 1.0 + 1e-9 {
        inv.push("serverErrorRate", "Range", "the three rates must add up to at most 1");
    }
    if !inv.is_empty() {
        return Err(Reply::invalid(&inv, trace, shared.now()));
    }
    let config = Faults { server_error_rate, rate_limit_rate, reset_rate, latency_ms, seed: Some(seed) };
    let active = config.is_active();
    let reply = faults_reply(&config);
    *lock(&shared.faults) = FaultState::new(config);
    shared.faults_active.store(active, Ordering::Relaxed);
    shared.latency_ms.store(latency_ms, Ordering::Relaxed);
    Ok(reply)
}

/// `GET absent-fields` → `{"as": "omitted" | "null"}`.
fn absent_fields_reply(shared: &Shared) -> Reply {
    let mode = if shared.absent_as_null.load(Ordering::Relaxed) { AbsentFields::Null } else { AbsentFields::Omitted };
    Reply::json(StatusCode::OK, &AbsentFieldsConfig { mode })
}

/// `PUT absent-fields {"as": "omitted" | "null"}`: see `absent.rs`.
fn put_absent_fields(shared: &Shared, body: &[u8], trace: &str) -> Result<Reply, Reply> {
    let config: AbsentFieldsConfig = serde_json::from_slice(body).map_err(|e| {
        let mut inv = Invalid::default();
        inv.push(
            "as",
            "typeMismatch",
            format!("not an absent-fields setting ({{\"as\": \"omitted\" | \"null\"}}): {e}"),
        );
        Reply::invalid(&inv, trace, shared.now())
    })?;
    shared.absent_as_null.store(config.mode == AbsentFields::Null, Ordering::Relaxed);
    Ok(absent_fields_reply(shared))
}

/// `PUT deviations {"rate": 0.2, "kinds": ["stringNumbers", …], "seed": 1}`: see `deviate.rs`.
fn put_deviations(shared: &Shared, body: &[u8], trace: &str) -> Result<Reply, Reply> {
    let config: DeviationConfig = serde_json::from_slice(body).map_err(|e| {
        let mut inv = Invalid::default();
        inv.push("deviations", "typeMismatch", format!("not a deviation setting: {e}"));
        Reply::invalid(&inv, trace, shared.now())
    })?;
    if !(0.0..=1.0).contains(&config.rate) {
        let mut inv = Invalid::default();
        inv.push("rate", "Range", "rate must be between 0 and 1");
        return Err(Reply::invalid(&inv, trace, shared.now()));
    }
    let reply = Reply::json(StatusCode::OK, &config);
    let state = DeviationState::new(config, shared.seed);
    shared.deviations_active.store(state.is_active(), Ordering::Relaxed);
    *lock(&shared.deviations) = state;
    Ok(reply)
}

fn stats(shared: &Shared) -> Reply {
    let mut stats = Stats { tokens_issued: shared.stats.tokens_issued.load(Ordering::Relaxed), ..Stats::default() };
    for op in Op::ALL {
        stats.requests.insert(op.id().to_string(), shared.stats.requests[op.index()].load(Ordering::Relaxed));
        if op.is_mutation() {
            stats
                .mutations_applied
                .insert(op.id().to_string(), shared.stats.mutations[op.index()].load(Ordering::Relaxed));
        }
    }
    Reply::json(StatusCode::OK, &stats)
}

fn traffic_reply(shared: &Shared) -> Reply {
    let traffic = lock(&shared.traffic);
    Reply::json(StatusCode::OK, &TrafficState { config: traffic.config, actions: traffic.actions })
}

/// A number field in `lo..=hi`; `default` when absent.
pub(crate) fn number_in(
    map: &Map<String, Value>,
    inv: &mut Invalid,
    name: &str,
    lo: f64,
    hi: f64,
    default: f64,
) -> f64 {
    match map.get(name) {
        None | Some(Value::Null) => default,
        Some(Value::Number(n)) => match n.as_f64() {
            Some(x) if (lo..=hi).contains(&x) => x,
            _ => {
                inv.push(name, "Range", format!("{name} must be between {lo} and {hi}"));
                default
            }
        },
        Some(_) => {
            inv.push(name, "typeMismatch", format!("{name} must be a number"));
            default
        }
    }
}

pub(crate) fn seed_field(map: &Map<String, Value>, inv: &mut Invalid, default: u64) -> u64 {
    match map.get("seed") {
        None | Some(Value::Null) => default,
        Some(Value::Number(n)) if n.as_u64().is_some() => n.as_u64().unwrap_or(0),
        Some(_) => {
            inv.push("seed", "typeMismatch", "seed must be a non-negative integer");
            0
        }
    }
}

fn put_traffic(shared: &Shared, body: &[u8], trace: &str) -> Result<Reply, Reply> {
    let map = json_object(body).map_err(|inv| Reply::invalid(&inv, trace, shared.now()))?;
    let mut inv = Invalid::default();
    let rate_per_second = number_in(&map, &mut inv, "ratePerSecond", 0.0, 10_000.0, 0.0);
    let seed = seed_field(&map, &mut inv, shared.seed);
    if !inv.is_empty() {
        return Err(Reply::invalid(&inv, trace, shared.now()));
    }
    shared.set_traffic(crate::traffic::TrafficConfig { rate_per_second, seed });
    Ok(traffic_reply(shared))
}

fn put_visibility(shared: &Shared, body: &[u8], trace: &str) -> Result<Reply, Reply> {
    let map = json_object(body).map_err(|inv| Reply::invalid(&inv, trace, shared.now()))?;
    let mut inv = Invalid::default();
    let late_rate = number_in(&map, &mut inv, "lateRate", 0.0, 1.0, 0.0);
    let max_delay_ms = number_in(&map, &mut inv, "maxDelayMs", 0.0, 86_400_000.0, 0.0) as i64;
    let seed = seed_field(&map, &mut inv, shared.seed);
    if !inv.is_empty() {
        return Err(Reply::invalid(&inv, trace, shared.now()));
    }
    let config = crate::changes::VisibilityConfig { late_rate, max_delay_ms, seed };
    shared.set_visibility(config);
    Ok(Reply::json(StatusCode::OK, &config))
}

fn changes_reply(shared: &Shared) -> Reply {
    let store = lock(&shared.store);
    Reply::json(StatusCode::OK, &json!({ "count": store.change_log.len(), "changes": store.change_log }))
}
