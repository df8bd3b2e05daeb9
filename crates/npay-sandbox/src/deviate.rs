//! The deviation fault (`PUT _sandbox/deviations`): answers that differ from the spec the way a
//! real API's may — numbers as strings, integral floats, `"Y"`/`"N"` booleans, date-times without
//! offset, compact dates, `null`s, missing fields, values of the wrong type, unknown fields — at
//! any depth, seeded. It lets every language's suite prove that tolerant reads survive them and
//! report them, and that strict reads refuse them.
//!
//! Only successful API answers are perturbed, never the token answer (clients must keep working)
//! nor the control API; keys the spec marks essential are never touched, so every perturbed
//! answer is one a tolerant read must survive.

pub use npay_sandbox_control::{DeviationConfig, DeviationKind};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{Map, Value};

#[rustfmt::skip] // generated: formatted by its renderer
#[path = "generated/essential.rs"]
mod essential;

/// The setting plus its RNG.
pub struct DeviationState {
    pub config: DeviationConfig,
    rng: ChaCha8Rng,
}

impl DeviationState {
    pub fn new(config: DeviationConfig, default_seed: u64) -> DeviationState {
        let rng = ChaCha8Rng::seed_from_u64(config.seed.unwrap_or(default_seed));
        DeviationState { config, rng }
    }

    pub fn is_active(&self) -> bool {
        self.config.rate > 0.0
    }

    /// `body` (a JSON answer) with deviations drawn into it; unchanged if it is not JSON.
    pub fn perturb(&mut self, body: &[u8]) -> Vec<u8> {
        let Ok(mut value) = serde_json::from_slice::<Value>(body) else { return body.to_vec() };
        let kinds = if self.config.kinds.is_empty() { DeviationKind::ALL.to_vec() } else { self.config.kinds.clone() };
        let mut walk = Perturb { rate: self.config.rate, kinds, rng: &mut self.rng, added: 0 };
        walk.value(&mut value);
        serde_json::to_vec(&value).unwrap_or_else(|_| body.to_vec())
    }
}

struct Perturb<'a> {
    rate: f64,
    kinds: Vec<DeviationKind>,
    rng: &'a mut ChaCha8Rng,
    added: u64,
}

impl Perturb<'_> {
    fn value(&mut self, value: &mut Value) {
        match value {
            Value::Object(map) => self.object(map),
            Value::Array(items) => items.iter_mut().for_each(|item| self.value(item)),
            _ => {}
        }
    }

    fn object(&mut self, map: &mut Map<String, Value>) {
        let keys: Vec<String> = map.keys().cloned().collect();
        for key in keys {
            if essential::ESSENTIAL_KEYS.contains(&key.as_str()) || !self.rng.random_bool(self.rate) {
                if let Some(child) = map.get_mut(&key) {
                    self.value(child);
                }
                continue;
            }
            let Some(current) = map.get(&key) else { continue };
            let applicable: Vec<DeviationKind> = self
                .kinds
                .iter()
                .copied()
                .filter(|k| *k != DeviationKind::UnknownFields && applies(*k, current))
                .collect();
            if applicable.is_empty() {
                if let Some(child) = map.get_mut(&key) {
                    self.value(child);
                }
                continue;
            }
            let kind = applicable[self.rng.random_range(0..applicable.len())];
            match deviate(kind, current) {
                Some(new) => {
                    map.insert(key, new);
                }
                None => {
                    map.remove(&key);
                }
            }
        }
        if self.kinds.contains(&DeviationKind::UnknownFields) && self.rng.random_bool(self.rate) {
            self.added += 1;
            let extra = match self.rng.random_range(0..3) {
                0 => Value::String("sandbox".into()),
                1 => Value::from(self.added),
                _ => serde_json::json!({"nested": {"flag": true}}),
            };
            map.insert(format!("sandboxExtra{}", self.added), extra);
        }
    }
}

fn is_digits(s: &str) -> bool {
    // Up to 15 digits with no leading zero: exactly representable, and reads back as the same text.
    !s.is_empty() && s.len() <= 15 && s.bytes().all(|b| b.is_ascii_digit()) && !s.starts_with('0')
}

fn is_kst_date_time(s: &str) -> bool {
    s.len() > 19 && s.as_bytes()[10] == b'T' && s.ends_with("+09:00")
}

fn is_date(s: &str) -> bool {
    s.len() == 10 && s.as_bytes()[4] == b'-' && s.as_bytes()[7] == b'-'
}

fn applies(kind: DeviationKind, value: &Value) -> bool {
    use DeviationKind::*;
    match kind {
        FloatIntegers | StringNumbers => value.is_i64() || value.is_u64(),
        NumberStrings => value.as_str().is_some_and(is_digits),
        YnBooleans => value.is_boolean(),
        NaiveDateTimes => value.as_str().is_some_and(is_kst_date_time),
        CompactDates => value.as_str().is_some_and(is_date),
        Nulls | Missing | WrongTypes => !value.is_null(),
        UnknownFields => false,
    }
}

/// The deviant value (`None`: leave the field out).
fn deviate(kind: DeviationKind, value: &Value) -> Option<Value> {
    use DeviationKind::*;
    Some(match kind {
        FloatIntegers => Value::from(value.as_f64().unwrap_or_default()),
        StringNumbers => Value::String(value.to_string()),
        NumberStrings => value.as_str().and_then(|s| s.parse::<u64>().ok()).map(Value::from).unwrap_or(Value::Null),
        YnBooleans => Value::String(if value.as_bool() == Some(true) { "Y" } else { "N" }.into()),
        NaiveDateTimes => Value::String(value.as_str().unwrap_or_default().trim_end_matches("+09:00").to_owned()),
        CompactDates => Value::String(value.as_str().unwrap_or_default().replace('-', "")),
        Nulls => Value::Null,
        Missing => return None,
        WrongTypes => match value {
            Value::Object(_) | Value::Array(_) => Value::String("unexpected".into()),
            _ => serde_json::json!({"unexpected": true}),
        },
        UnknownFields => value.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn perturbed(kinds: Vec<DeviationKind>, body: Value) -> Value {
        let mut state = DeviationState::new(DeviationConfig { rate: 1.0, kinds, seed: Some(1) }, 0);
        serde_json::from_slice(&state.perturb(&serde_json::to_vec(&body).unwrap())).unwrap()
    }

    #[test]
    fn each_kind_changes_what_it_applies_to_and_spares_essential_keys() {
        let body = serde_json::json!({"data": {"productOrderId": "2026", "count": 3, "flag": true,
            "at": "2026-11-27T09:00:00.000+09:00", "day": "2026-11-27", "id": "12345"}});
        let out = perturbed(vec![DeviationKind::FloatIntegers], body.clone());
        assert_eq!(out["data"]["count"].as_f64(), Some(3.0));
        assert!(out["data"]["count"].is_f64());
        assert_eq!(perturbed(vec![DeviationKind::StringNumbers], body.clone())["data"]["count"], "3");
        assert_eq!(perturbed(vec![DeviationKind::NumberStrings], body.clone())["data"]["id"], 12345);
        assert_eq!(perturbed(vec![DeviationKind::YnBooleans], body.clone())["data"]["flag"], "Y");
        assert_eq!(
            perturbed(vec![DeviationKind::NaiveDateTimes], body.clone())["data"]["at"],
            "2026-11-27T09:00:00.000"
        );
        assert_eq!(perturbed(vec![DeviationKind::CompactDates], body.clone())["data"]["day"], "20261127");
        let missing = perturbed(vec![DeviationKind::Missing], body.clone());
        assert_eq!(missing["data"].as_object().unwrap().len(), 1, "only the essential key is left: {missing}");
        assert_eq!(missing["data"]["productOrderId"], "2026");
        let extra = perturbed(vec![DeviationKind::UnknownFields], body);
        assert!(extra["data"].as_object().unwrap().keys().any(|k| k.starts_with("sandboxExtra")));
    }

    #[test]
    fn the_same_seed_perturbs_the_same_way() {
        let body = serde_json::json!({"a": [1, 2, 3, {"b": true, "c": "x"}], "d": 4});
        let draw = || {
            let mut state = DeviationState::new(DeviationConfig { rate: 0.5, kinds: vec![], seed: Some(9) }, 0);
            state.perturb(&serde_json::to_vec(&body).unwrap())
        };
        assert_eq!(draw(), draw());
    }
}
