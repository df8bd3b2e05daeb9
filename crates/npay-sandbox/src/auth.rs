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

/// The alphabet bcrypt writes salts and hashes in.
const BCRYPT_ALPHABET: &[u8] = b"./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// Whether `decoded` (a decoded `client_secret_sign`) is `bcrypt(client_id + "_" + timestamp,
/// salt = secret)`. Verified with the `bcrypt` crate directly — not with the client's signing
/// code, so that a signing bug in the client cannot hide behind the same bug here.
///
/// The bcrypt string must carry the secret's own salt. Its last salt character is compared by its
/// top two bits only: 22 characters carry 132 bits for a 16-byte salt, so secrets such as the
/// published test vector's `…uv` stand for the same salt as `…uu` (jBCrypt and node-bcrypt accept
/// them the same way).
pub fn sign_matches(secret: &str, client_id: &str, timestamp_ms: i64, decoded: &[u8]) -> bool {
    let (Ok(hash), secret) = (std::str::from_utf8(decoded), secret.as_bytes()) else { return false };
    let (Some(prefix), true) = (hash.as_bytes().get(..29), secret.len() == 29) else { return false };
    let top_bits = |c: u8| BCRYPT_ALPHABET.iter().position(|&a| a == c).map(|i| i & 0b11_0000);
    if prefix[..28] != secret[..28] || top_bits(prefix[28]).is_none() || top_bits(prefix[28]) != top_bits(secret[28]) {
        return false;
    }
    bcrypt::verify(format!("{client_id}_{timestamp_ms}"), hash).unwrap_or(false)
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

/// A token the sandbox has issued.
#[derive(Clone, Debug)]
pub struct TokenRecord {
    pub expires_at: Millis,
}

/// Issued tokens and the latest token per resource (`type`, `account_id`).
#[derive(Default)]
pub struct TokenStore {
    /// What every token of this application starts with (`sbx`, or `sbx<N>.` for the N-th
    /// application made by `POST _sandbox/apps`, so that a token names its application).
    pub prefix: String,
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
        let token = new_token(&self.prefix);
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

fn new_token(prefix: &str) -> String {
    let mut bytes = [0u8; 24];
    rand::rng().fill(&mut bytes[..]);
    let prefix = if prefix.is_empty() { "sbx" } else { prefix };
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_published_test_vector_verifies_with_its_non_canonical_salt() {
        let sign = "JDJhJDEwJGFiY2RlZmdoaWprbG1ub3BxcnN0dXVCVldZSk42T0VPdEx1OFY0cDQxa2IuTnpVaUEzbmsy";
        let decoded = decode_sign(sign).unwrap();
        assert!(sign_matches("$2a$10$abcdefghijklmnopqrstuv", "aaaabbbbcccc", 1643961623299, &decoded));
        assert!(!sign_matches("$2a$10$abcdefghijklmnopqrstuv", "aaaabbbbcccc", 1643961623300, &decoded));
        assert!(!sign_matches("$2a$10$abcdefghijklmnopqrstuv", "other", 1643961623299, &decoded));
    }

    #[test]
    fn a_sign_made_with_another_salt_is_refused() {
        let other = bcrypt::hash_with_salt("id_1", 4, *b"0123456789abcdef").unwrap().to_string();
        assert!(!sign_matches("$2a$04$sandboxsecretsandboxse", "id", 1, other.as_bytes()));
        for secret in ["secret", "$2a$04$short", ""] {
            assert!(!sign_matches(secret, "id", 1, other.as_bytes()), "{secret}");
        }
        assert!(!sign_matches("$2a$04$sandboxsecretsandboxse", "id", 1, b"not a bcrypt string"));
    }
}
