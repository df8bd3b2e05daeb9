//! Token issuance, signature verification and bearer authentication.

mod common;

use base64::Engine as _;
use common::*;
use npay_sandbox::SandboxConfig;
use reqwest::StatusCode;

const VECTOR_ID: &str = "aaaabbbbcccc";
const VECTOR_SECRET: &str = "$2a$10$abcdefghijklmnopqrstuv";
const VECTOR_TS: i64 = 1_643_961_623_299;
const VECTOR_SIGN: &str = "JDJhJDEwJGFiY2RlZmdoaWprbG1ub3BxcnN0dXVCVldZSk42T0VPdEx1OFY0cDQxa2IuTnpVaUEzbmsy";

#[test]
fn published_signature_test_vector_is_reproduced_by_the_test_signer() {
    assert_eq!(
        bcrypt_with_secret(VECTOR_ID, VECTOR_SECRET, VECTOR_TS),
        "$2a$10$abcdefghijklmnopqrstuuBVWYJN6OEOtLu8V4p41kb.NzUiA3nk2"
    );
    assert_eq!(sign(VECTOR_ID, VECTOR_SECRET, VECTOR_TS), VECTOR_SIGN);
}

#[tokio::test]
async fn sandbox_with_the_vector_secret_accepts_signatures_made_with_the_non_canonical_salt() {
    let env = start_with(SandboxConfig {
        client_id: VECTOR_ID.into(),
        client_secret: VECTOR_SECRET.into(),
        ..SandboxConfig::default()
    })
    .await;
    assert!(env.token.starts_with("sbx"));
    // The vector's own timestamp is years old: rejected for the timestamp, not the signature.
    let mut form = env.token_params(VECTOR_TS);
    form[3].1 = VECTOR_SIGN.to_string();
    let r = env.token_form(&form).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.code(), "GW.AUTHN");
    assert!(r.body["message"].as_str().unwrap().contains("timestamp"), "{}", r.body);
}

#[tokio::test]
async fn token_is_a_bearer_token_valid_for_three_hours() {
    let env = start().await;
    let r = env.token_form(&env.token_params(now_ms())).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["token_type"], "Bearer");
    assert_eq!(r.body["access_token"], env.token.as_str(), "the first token is reused");
    let expires = r.body["expires_in"].as_i64().unwrap();
    assert!((10_790..=10_800).contains(&expires), "{expires}");
    assert!(r.body.get("data").is_none(), "the token answer has no envelope");
    assert!(r.header("gncp-gw-trace-id").is_some());
}

#[tokio::test]
async fn same_token_is_returned_while_at_least_30_minutes_remain() {
    let env = start().await;
    env.advance(2 * 3600).await;
    let r = env.token_form(&env.token_params(now_ms())).await;
    assert_eq!(r.body["access_token"], env.token.as_str());
    let left = r.body["expires_in"].as_i64().unwrap();
    assert!((3590..=3600).contains(&left), "{left}");
    assert_eq!(env.stats().await.tokens_issued, 1);
}

#[tokio::test]
async fn new_token_is_minted_after_two_and_a_half_hours_and_the_old_one_stays_valid() {
    let env = start().await;
    let old = env.token.clone();
    env.advance(9_001).await; // 2.5 h + 1 s: less than 30 min left
    let r = env.token_form(&env.token_params(now_ms())).await;
    let new = r.body["access_token"].as_str().unwrap().to_string();
    assert_ne!(new, old);
    assert_eq!(r.body["expires_in"], 10_800);
    assert_eq!(env.stats().await.tokens_issued, 2);
    // The old token still works until it expires.
    let q = [("lastChangedFrom", "2026-01-01T00:00:00.000+09:00")];
    env.get(&format!("{P}/product-orders/last-changed-statuses"), &q).await.ok();
    env.advance(1_800).await; // old token now past 3 h
    let r = env.get(&format!("{P}/product-orders/last-changed-statuses"), &q).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body["message"].as_str().unwrap().contains("expired"));
    let mut env = env;
    env.token = new;
    env.get(&format!("{P}/product-orders/last-changed-statuses"), &q).await.ok();
}

#[tokio::test]
async fn token_expires_after_three_hours_on_the_sandbox_clock() {
    let env = start().await;
    env.advance(10_800).await;
    let r = env.get(&format!("{P}/reviews"), &[("inquiryTimeFrom", "2026-01-01T00:00:00.000+09:00")]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.code(), "GW.AUTHN");
    // The signature window uses real time, so a fresh token is still obtainable.
    let fresh = env.issue_token().await;
    assert_ne!(fresh, env.token);
}

#[tokio::test]
async fn wrong_signature_unknown_client_and_stale_or_future_timestamp_are_401() {
    let env = start().await;
    let now = now_ms();
    let cases: Vec<(Vec<(&str, String)>, &str)> = vec![
        (
            {
                let mut f = env.token_params(now);
                f[3].1 = sign(env.sb.client_id(), "$2a$04$anothersecretanothersa", now);
                f
            },
            "client_secret_sign",
        ),
        (
            {
                let mut f = env.token_params(now);
                f[0].1 = "someone-else".into();
                f
            },
            "client_id",
        ),
        (env.token_params(now - 6 * 60_000), "timestamp"),
        (env.token_params(now + 2 * 60_000), "timestamp"),
        (
            {
                let mut f = env.token_params(now);
                f[3].1 = "not base64 at all!".into();
                f
            },
            "client_secret_sign",
        ),
    ];
    for (form, word) in cases {
        let r = env.token_form(&form).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
        assert_eq!(r.code(), "GW.AUTHN");
        assert!(r.body["message"].as_str().unwrap().contains(word), "{word}: {}", r.body);
        assert_eq!(r.body["traceId"].as_str(), r.header("gncp-gw-trace-id"));
        let text = r.body.to_string();
        assert!(!text.contains(env.sb.client_secret()) && !text.contains(&form[3].1), "{text}");
    }
    assert_eq!(env.stats().await.tokens_issued, 1);
}

#[tokio::test]
async fn url_safe_base64_without_padding_is_accepted() {
    let env = start().await;
    let now = now_ms();
    let raw = bcrypt_with_secret(env.sb.client_id(), env.sb.client_secret(), now);
    let mut form = env.token_params(now);
    form[3].1 = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw);
    let r = env.token_form(&form).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

#[tokio::test]
async fn missing_or_malformed_token_fields_are_400_with_invalid_inputs() {
    let env = start().await;
    let r = env.token_form(&[("client_id", env.sb.client_id().to_string())]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.code(), "4000");
    let names = r.invalid_names();
    for n in ["timestamp", "grant_type", "client_secret_sign", "type"] {
        assert!(names.contains(&n.to_string()), "{names:?}");
    }
    let mut f = env.token_params(now_ms());
    f[1].1 = "yesterday".into();
    f[2].1 = "password".into();
    f[4].1 = "ADMIN".into();
    let r = env.token_form(&f).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.invalid_names(), vec!["timestamp", "grant_type", "type"]);
    assert_eq!(r.body["invalidInputs"][0]["type"], "typeMismatch");
    // A JSON body is not a form: the fields are missing.
    let r = common::to_resp(
        env.http.post(env.url("/v1/oauth2/token")).json(&serde_json::json!({"client_id": "x"})).send().await.unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn seller_tokens_need_an_account_id_and_are_refused_with_403() {
    let env = start().await;
    let mut f = env.token_params(now_ms());
    f[4].1 = "SELLER".into();
    let r = env.token_form(&f).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.invalid_names(), vec!["account_id"]);
    // The sandbox application has no related sellers: a well-signed seller request is refused.
    f.push(("account_id", "ncp_seller_1".into()));
    let r = env.token_form(&f).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.code(), "RESOURCE_NOT_AVAILABLE");
    assert!(r.body.get("access_token").is_none());
    // ... but only once the signature is known to be good.
    let last = f.len() - 1;
    f[3].1 = "bm9wZQ==".into();
    f[last].1 = "ncp_seller_2".into();
    assert_eq!(env.token_form(&f).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(env.stats().await.tokens_issued, 1);
}

#[tokio::test]
async fn api_calls_without_a_valid_bearer_token_are_401_gateway_errors() {
    let env = start().await;
    let url = env.url(&format!("{P}/product-orders/query"));
    let body = serde_json::json!({"productOrderIds": ["1"]});
    for auth in [None, Some("Bearer nope"), Some("Basic abc"), Some("Bearer")] {
        let mut rb = env.http.post(&url).json(&body);
        if let Some(a) = auth {
            rb = rb.header("Authorization", a);
        }
        let r = common::to_resp(rb.send().await.unwrap()).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{auth:?}");
        assert_eq!(r.code(), "GW.AUTHN");
        assert!(r.body["timestamp"].as_str().is_some_and(is_kst));
        assert_eq!(r.body["traceId"].as_str(), r.header("gncp-gw-trace-id"));
    }
    let s = env.stats().await;
    assert_eq!(s.requests_of("queryProductOrders"), 4);
    assert_eq!(s.requests_of("issueToken"), 1);
}

#[tokio::test]
async fn a_token_request_with_query_parameters_or_no_content_type_is_415_as_the_gateway_answers() {
    let env = start().await;
    let form = env.token_params(now_ms());
    let encoded = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form.iter().map(|(k, v)| (*k, v.as_str())))
        .finish();
    // The RC-era shape: every parameter in the query string.
    let r = common::to_resp(env.http.post(env.url(&format!("/v1/oauth2/token?{encoded}"))).send().await.unwrap()).await;
    assert_eq!((r.status, r.code()), (StatusCode::UNSUPPORTED_MEDIA_TYPE, "GW.UNSUPPORTED_MEDIA_TYPE"));
    // A form body without a Content-Type header.
    let r =
        common::to_resp(env.http.post(env.url("/v1/oauth2/token")).body(encoded.clone()).send().await.unwrap()).await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // The same body with its form Content-Type is a token.
    let r = env.token_form(&form).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}
