//! Properties of the signature: any client id and timestamp give a Base64 of a bcrypt hash that
//! bcrypt itself verifies, and the same inputs always give the same signature.

use base64::Engine;
use proptest::prelude::*;

const SECRET: &str = "$2a$04$sandboxsecretsandboxse";

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn a_signature_is_a_verifiable_bcrypt_hash(client_id in "[A-Za-z0-9_가-힣-]{1,40}", timestamp in 0i64..4_000_000_000_000) {
        let sign = npay_order::sign(&client_id, SECRET, timestamp).unwrap();
        let hash = String::from_utf8(base64::engine::general_purpose::STANDARD.decode(&sign).unwrap()).unwrap();
        prop_assert_eq!(hash.len(), 60);
        prop_assert!(hash.starts_with("$2a$04$sandboxsecretsandboxse"));
        let password = format!("{}_{}", client_id, timestamp);
        prop_assert!(bcrypt::verify(password, &hash).unwrap());
        prop_assert_eq!(npay_order::sign(&client_id, SECRET, timestamp).unwrap(), sign);
    }
}
