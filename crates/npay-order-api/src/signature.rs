//! The token request's signature (`client_secret_sign`), shared by the client and the sandbox.
//!
//! Naver's scheme: `base64(bcrypt(client_id + "_" + timestamp_ms, salt = client_secret))`, where
//! the application secret *is* a bcrypt salt string (`$2a$NN$` + 22 characters) and the whole
//! 60-character bcrypt output is Base64-encoded (standard alphabet, with padding).

use std::fmt;

use base64::Engine;
use base64::alphabet::Alphabet;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};

/// The alphabet bcrypt writes its salt and hash in.
const BCRYPT_ALPHABET: &str = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// Why a secret cannot be used as a bcrypt salt. It never contains the secret itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignError {
    /// The secret is not of the form `$2a$NN$` followed by 22 salt characters.
    NotABcryptSalt,
    /// The cost factor is outside 4..=31.
    BadCost(u32),
}

impl fmt::Display for SignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignError::NotABcryptSalt => write!(
                f,
                "the client secret is not a bcrypt salt: Naver application secrets look like `$2a$04$` \
                 followed by 22 characters of [./A-Za-z0-9] (is this the 주문형 API secret, and did \
                 the shell keep the `$` signs?)"
            ),
            SignError::BadCost(cost) => write!(f, "the client secret's bcrypt cost {cost} is outside 4..=31"),
        }
    }
}

impl std::error::Error for SignError {}

/// A parsed application secret: bcrypt version, cost and the 16 salt bytes.
struct Salt {
    version: bcrypt::Version,
    cost: u32,
    bytes: [u8; 16],
}

fn parse_salt(secret: &str) -> Result<Salt, SignError> {
    let rest = secret.strip_prefix('$').ok_or(SignError::NotABcryptSalt)?;
    let (version, rest) = rest.split_once('$').ok_or(SignError::NotABcryptSalt)?;
    let version = match version {
        "2a" => bcrypt::Version::TwoA,
        "2b" => bcrypt::Version::TwoB,
        "2x" => bcrypt::Version::TwoX,
        "2y" => bcrypt::Version::TwoY,
        _ => return Err(SignError::NotABcryptSalt),
    };
    let (cost, salt) = rest.split_once('$').ok_or(SignError::NotABcryptSalt)?;
    if cost.len() != 2 || salt.len() != 22 || !salt.bytes().all(|b| BCRYPT_ALPHABET.as_bytes().contains(&b)) {
        return Err(SignError::NotABcryptSalt);
    }
    let cost: u32 = cost.parse().map_err(|_| SignError::NotABcryptSalt)?;
    if !(4..=31).contains(&cost) {
        return Err(SignError::BadCost(cost));
    }
    // 22 characters carry 132 bits for a 16-byte salt; the last character's low 4 bits are
    // dropped, which canonicalises salts such as the published test vector's `…uv` (a strict
    // parser rejects them; Naver's Java and Node examples accept them).
    let alphabet = Alphabet::new(BCRYPT_ALPHABET).expect("the bcrypt alphabet is valid");
    let engine = GeneralPurpose::new(
        &alphabet,
        GeneralPurposeConfig::new()
            .with_encode_padding(false)
            .with_decode_padding_mode(DecodePaddingMode::RequireNone)
            .with_decode_allow_trailing_bits(true),
    );
    let decoded = engine.decode(salt).map_err(|_| SignError::NotABcryptSalt)?;
    let bytes: [u8; 16] = decoded.try_into().map_err(|_| SignError::NotABcryptSalt)?;
    Ok(Salt { version, cost, bytes })
}

/// Checks that `secret` can sign, without signing anything.
pub fn check_secret(secret: &str) -> Result<(), SignError> {
    parse_salt(secret).map(|_| ())
}

/// The bcrypt string (60 characters) of `client_id + "_" + timestamp_ms` salted with the secret.
pub fn bcrypt_of(client_id: &str, client_secret: &str, timestamp_ms: i64) -> Result<String, SignError> {
    let salt = parse_salt(client_secret)?;
    let password = format!("{client_id}_{timestamp_ms}");
    let parts = bcrypt::hash_with_salt(password, salt.cost, salt.bytes).map_err(|_| SignError::NotABcryptSalt)?;
    Ok(parts.format_for_version(salt.version))
}

/// The `client_secret_sign` of a token request.
///
/// ```
/// // The test vector published with Naver's signature documentation.
/// let sign = npay_order_api::signature::sign("aaaabbbbcccc", "$2a$10$abcdefghijklmnopqrstuv", 1643961623299).unwrap();
/// assert_eq!(sign, "JDJhJDEwJGFiY2RlZmdoaWprbG1ub3BxcnN0dXVCVldZSk42T0VPdEx1OFY0cDQxa2IuTnpVaUEzbmsy");
/// ```
pub fn sign(client_id: &str, client_secret: &str, timestamp_ms: i64) -> Result<String, SignError> {
    Ok(STANDARD.encode(bcrypt_of(client_id, client_secret, timestamp_ms)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    const VECTOR_SIGN: &str = "JDJhJDEwJGFiY2RlZmdoaWprbG1ub3BxcnN0dXVCVldZSk42T0VPdEx1OFY0cDQxa2IuTnpVaUEzbmsy";

    #[test]
    fn reproduces_the_published_test_vector() {
        let hash = bcrypt_of("aaaabbbbcccc", "$2a$10$abcdefghijklmnopqrstuv", 1643961623299).unwrap();
        assert_eq!(hash, "$2a$10$abcdefghijklmnopqrstuuBVWYJN6OEOtLu8V4p41kb.NzUiA3nk2");
        assert_eq!(sign("aaaabbbbcccc", "$2a$10$abcdefghijklmnopqrstuv", 1643961623299).unwrap(), VECTOR_SIGN);
    }

    #[test]
    fn the_canonical_salt_gives_the_same_signature() {
        assert_eq!(sign("aaaabbbbcccc", "$2a$10$abcdefghijklmnopqrstuu", 1643961623299).unwrap(), VECTOR_SIGN);
    }

    #[test]
    fn a_secret_that_is_not_a_bcrypt_salt_is_refused_without_echoing_it() {
        for secret in
            ["", "plain-secret", "$2a$10$short", "$3a$10$abcdefghijklmnopqrstuv", "$2a$10$abcdefghijklmnopqrst!v"]
        {
            let err = sign("id", secret, 1).unwrap_err();
            assert_eq!(err, SignError::NotABcryptSalt, "{secret:?}");
            if !secret.is_empty() {
                assert!(!err.to_string().contains(secret));
            }
        }
        assert_eq!(sign("id", "$2a$99$abcdefghijklmnopqrstuu", 1).unwrap_err(), SignError::BadCost(99));
    }

    #[test]
    fn the_timestamp_changes_the_signature() {
        let a = sign("id", "$2a$04$sandboxsecretsandboxse", 1).unwrap();
        let b = sign("id", "$2a$04$sandboxsecretsandboxse", 2).unwrap();
        assert_ne!(a, b);
    }
}
