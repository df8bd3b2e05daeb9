//! Signature verification (bcrypt with the secret as salt) and the token store.

use std::collections::HashMap;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use rand::Rng;

use crate::time::Millis;

/// Token lifetime: 3 hours.
pub const TOKEN_LIFETIME_MS: i64 = 10_800_000;
/// A token with at least this much left is handed out again.
pub const TOKEN_REUSE_MIN_MS: i64 = 1_800_000;

/// The bcrypt string `bcrypt(client_id + "_" + timestamp, salt = secret)` a valid sign decodes
/// to (the client's own [`npay_order_api::signature::bcrypt_of`]; the secret's last salt character
/// is canonicalised, as jBCrypt and node-bcrypt do).
pub fn expected_hash(secret: &str, client_id: &str, timestamp_ms: i64) -> Option<String> {
    npay_order_api::signature::bcrypt_of(client_id, secret, timestamp_ms).ok()
}

/// Decodes a `client_secret_sign`: standard or URL-safe Base64, padding optional.
pub fn decode_sign(sign: &str) -> Option<Vec<u8>> {
    let s = sign.trim();
    for engine in [&STANDARD, &URL_SAFE, &STANDARD_NO_PAD, &URL_SAFE_NO_PAD] {
        if let Ok(v) = engine.decode(s) {
            return Some(v);
        }
    }
    None
}

/// Constant-time equality of two byte strings.
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A token the sandbox has issued.
#[derive(Clone, Debug)]
pub struct TokenRecord {
    pub expires_at: Millis,
}

/// Issued tokens and the latest token per resource (`type`, `account_id`).
#[derive(Default)]
pub struct TokenStore {
    tokens: HashMap<String, TokenRecord>,
    latest: HashMap<(String, Option<String>), String>,
}

/// Outcome of a token lookup.
pub enum TokenCheck {
    Valid,
    Expired,
    Unknown,
}

impl TokenStore {
    /// Returns `(token, expires_in seconds, newly minted)`.
    pub fn issue(&mut self, typ: &str, account: Option<&str>, now: Millis) -> (String, i64, bool) {
        let key = (typ.to_string(), account.map(str::to_string));
        if let Some(tok) = self.latest.get(&key)
            && let Some(rec) = self.tokens.get(tok)
            && rec.expires_at - now >= TOKEN_REUSE_MIN_MS
        {
            return (tok.clone(), (rec.expires_at - now) / 1000, false);
        }
        self.tokens.retain(|_, r| r.expires_at > now);
        let token = new_token();
        self.tokens.insert(token.clone(), TokenRecord { expires_at: now + TOKEN_LIFETIME_MS });
        self.latest.insert(key, token.clone());
        (token, TOKEN_LIFETIME_MS / 1000, true)
    }

    pub fn check(&self, token: &str, now: Millis) -> TokenCheck {
        match self.tokens.get(token) {
            Some(r) if r.expires_at > now => TokenCheck::Valid,
            Some(_) => TokenCheck::Expired,
            None => TokenCheck::Unknown,
        }
    }

    pub fn clear(&mut self) {
        self.tokens.clear();
        self.latest.clear();
    }
}

fn new_token() -> String {
    let mut bytes = [0u8; 24];
    rand::rng().fill(&mut bytes[..]);
    format!("sbx{}", URL_SAFE_NO_PAD.encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_test_vector_verifies_with_canonicalised_salt() {
        let h = expected_hash("$2a$10$abcdefghijklmnopqrstuv", "aaaabbbbcccc", 1643961623299).unwrap();
        assert_eq!(h, "$2a$10$abcdefghijklmnopqrstuuBVWYJN6OEOtLu8V4p41kb.NzUiA3nk2");
        let sign = "JDJhJDEwJGFiY2RlZmdoaWprbG1ub3BxcnN0dXVCVldZSk42T0VPdEx1OFY0cDQxa2IuTnpVaUEzbmsy";
        assert_eq!(decode_sign(sign).unwrap(), h.as_bytes());
    }

    #[test]
    fn rejects_malformed_secrets() {
        for secret in ["secret", "$2a$04$short", "$3a$04$sandboxsecretsandboxse"] {
            assert!(expected_hash(secret, "id", 1).is_none(), "{secret}");
        }
        assert!(expected_hash("$2a$04$sandboxsecretsandboxse", "id", 1).is_some());
    }
}
