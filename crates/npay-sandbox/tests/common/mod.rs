//! Test support: start a sandbox in-process, sign, issue tokens and call the API over real HTTP.
#![allow(dead_code)]

use std::time::{SystemTime, UNIX_EPOCH};

use npay_sandbox::control_api::{ControlClient, CreateOrders, InitialStatus, Stats};
use npay_sandbox::{Sandbox, SandboxConfig};
use reqwest::{Method, StatusCode, header::HeaderMap};
use serde_json::{Value, json};

pub const P: &str = "/v1/pay-order/mall";

/// `client_secret_sign` = Base64(bcrypt(client_id + "_" + timestamp, salt = secret)), with the
/// secret's last salt character canonicalised (only its top 2 bits count): the client's own
/// `npay_order_api::signature::sign`.
pub fn sign(client_id: &str, secret: &str, timestamp: i64) -> String {
    npay_order_api::signature::sign(client_id, secret, timestamp).expect("a bcrypt-salt secret")
}

/// The raw bcrypt string of the signature.
pub fn bcrypt_with_secret(client_id: &str, secret: &str, timestamp: i64) -> String {
    npay_order_api::signature::bcrypt_of(client_id, secret, timestamp).expect("a bcrypt-salt secret")
}

pub fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis() as i64
}

/// One HTTP answer.
#[derive(Debug)]
pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Resp {
    pub fn data(&self) -> &Value {
        &self.body["data"]
    }
    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or("")
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
    #[track_caller]
    pub fn ok(&self) -> &Value {
        assert_eq!(self.status, StatusCode::OK, "body: {}", self.body);
        &self.body["data"]
    }
    /// Names of the invalidInputs entries.
    pub fn invalid_names(&self) -> Vec<String> {
        self.body["invalidInputs"]
            .as_array()
            .map(|a| a.iter().map(|i| i["name"].as_str().unwrap_or("").to_string()).collect())
            .unwrap_or_default()
    }
}

/// A running sandbox plus a client, and the typed client of its control API (the tests of the
/// control API's wire format itself use [`Env::ctl`]).
pub struct Env {
    pub sb: Sandbox,
    pub http: reqwest::Client,
    pub control: ControlClient,
    pub token: String,
}

pub async fn start() -> Env {
    start_with(SandboxConfig { seed: Some(7), ..SandboxConfig::default() }).await
}

pub async fn start_with(config: SandboxConfig) -> Env {
    let sb = Sandbox::start(config).await.expect("sandbox starts");
    let http = reqwest::Client::builder().build().unwrap();
    let control = ControlClient::new(sb.base_url()).unwrap();
    let mut env = Env { sb, http, control, token: String::new() };
    env.token = env.issue_token().await;
    env
}

impl Env {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.sb.base_url(), path)
    }

    pub async fn token_form(&self, form: &[(&str, String)]) -> Resp {
        let mut ser = form_urlencoded::Serializer::new(String::new());
        for (k, v) in form {
            ser.append_pair(k, v);
        }
        let r = self
            .http
            .post(self.url("/v1/oauth2/token"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(ser.finish())
            .send()
            .await
            .unwrap();
        to_resp(r).await
    }

    pub fn token_params(&self, timestamp: i64) -> Vec<(&'static str, String)> {
        vec![
            ("client_id", self.sb.client_id().to_string()),
            ("timestamp", timestamp.to_string()),
            ("grant_type", "client_credentials".to_string()),
            ("client_secret_sign", sign(self.sb.client_id(), self.sb.client_secret(), timestamp)),
            ("type", "SELF".to_string()),
        ]
    }

    pub async fn issue_token(&self) -> String {
        let r = self.token_form(&self.token_params(now_ms())).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        r.body["access_token"].as_str().unwrap().to_string()
    }

    pub async fn call(&self, method: Method, path: &str, query: &[(&str, &str)], body: Option<Value>) -> Resp {
        let mut rb = self.http.request(method, self.url(path)).bearer_auth(&self.token);
        if !query.is_empty() {
            rb = rb.query(query);
        }
        if let Some(b) = body {
            rb = rb.json(&b);
        }
        to_resp(rb.send().await.unwrap()).await
    }

    pub async fn get(&self, path: &str, query: &[(&str, &str)]) -> Resp {
        self.call(Method::GET, path, query, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Resp {
        self.call(Method::POST, path, &[], Some(body)).await
    }

    /// POST a single-item claim operation on a product order.
    pub async fn claim(&self, id: &str, tail: &str, body: Value) -> Resp {
        self.post(&format!("{P}/product-orders/{id}/{tail}"), body).await
    }

    pub async fn ctl(&self, method: Method, path: &str, body: Option<Value>) -> Resp {
        let mut rb = self.http.request(method, self.url(&format!("/_sandbox/{path}")));
        if let Some(b) = body {
            rb = rb.json(&b);
        }
        to_resp(rb.send().await.unwrap()).await
    }

    pub async fn create(&self, count: usize, status: &str, per: usize) -> (Vec<String>, Vec<String>) {
        let request = CreateOrders {
            count: count as u32,
            status: InitialStatus::parse(status).expect("PAYED or PAYMENT_WAITING"),
            products_per_order: per as u32,
        };
        let created = self.control.create_orders(&request).await.expect("orders are created");
        (created.order_ids, created.product_order_ids)
    }

    /// One new PAYED product order.
    pub async fn payed(&self) -> String {
        self.create(1, "PAYED", 1).await.1.remove(0)
    }

    pub async fn event(&self, id: &str, event: &str) -> Resp {
        self.ctl(Method::POST, &format!("product-orders/{id}/events/{event}"), None).await
    }

    pub async fn event_ok(&self, id: &str, event: &str) {
        if let Err(e) = self.control.event(id, event).await {
            panic!("event {event}: {e}");
        }
    }

    pub async fn advance(&self, seconds: i64) {
        self.control.advance_clock(seconds as f64).await.expect("the clock moves");
    }

    pub async fn stats(&self) -> Stats {
        self.control.stats().await.expect("stats")
    }

    /// The `productsOrdersInfo` of one product order.
    pub async fn detail(&self, id: &str) -> Value {
        let r = self.post(&format!("{P}/product-orders/query"), json!({"productOrderIds": [id]})).await;
        let d = r.ok();
        assert_eq!(d.as_array().unwrap().len(), 1, "{d}");
        d[0].clone()
    }

    pub async fn status_of(&self, id: &str) -> (String, Option<String>) {
        let d = self.detail(id).await;
        (
            d["productOrder"]["productOrderStatus"].as_str().unwrap().to_string(),
            d["productOrder"]["claimStatus"].as_str().map(str::to_string),
        )
    }

    pub async fn confirm(&self, ids: &[&str]) -> Resp {
        self.post(&format!("{P}/product-orders/confirm"), json!({"productOrderIds": ids})).await
    }

    /// The sandbox clock as a KST string.
    pub async fn now_kst(&self) -> String {
        self.control.clock().await.expect("clock").now
    }

    pub async fn dispatch_one(&self, id: &str, tracking: &str) -> Resp {
        let now = self.now_kst().await;
        self.post(
            &format!("{P}/product-orders/dispatch"),
            json!({"dispatchProductOrders": [{
                "productOrderId": id, "deliveryMethod": "DELIVERY", "deliveryCompanyCode": "CJGLS",
                "trackingNumber": tracking, "dispatchDate": now
            }]}),
        )
        .await
    }

    /// A product order that is PAYED, confirmed and dispatched (DELIVERING).
    pub async fn delivering(&self) -> String {
        let id = self.payed().await;
        self.confirm(&[&id]).await.ok();
        let tracking = format!("{}", 600_000_000_000u64 + id[8..].parse::<u64>().unwrap());
        let r = self.dispatch_one(&id, &tracking).await;
        assert_eq!(r.ok()["successProductOrderIds"][0], id.as_str(), "{}", r.body);
        id
    }

    /// A product order that was delivered (DELIVERED).
    pub async fn delivered(&self) -> String {
        let id = self.delivering().await;
        self.event_ok(&id, "deliver").await;
        id
    }
}

pub async fn to_resp(r: reqwest::Response) -> Resp {
    let status = r.status();
    let headers = r.headers().clone();
    let text = r.text().await.unwrap();
    let body = if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) };
    Resp { status, headers, body }
}

/// Asserts a single-item claim result: success for `id`.
#[track_caller]
pub fn assert_success(r: &Resp, id: &str) {
    let d = r.ok();
    assert_eq!(d["successProductOrderIds"], json!([id]), "{}", r.body);
    assert_eq!(d["failProductOrderInfos"], json!([]), "{}", r.body);
}

/// Asserts a single-item claim result: failure with `code`.
#[track_caller]
pub fn assert_fail(r: &Resp, id: &str, code: &str) {
    let d = r.ok();
    assert_eq!(d["successProductOrderIds"], json!([]), "{}", r.body);
    assert_eq!(d["failProductOrderInfos"][0]["productOrderId"], id, "{}", r.body);
    assert_eq!(d["failProductOrderInfos"][0]["code"], code, "{}", r.body);
}

/// KST date-time with exactly three fractional digits.
pub fn is_kst(s: &str) -> bool {
    let b = s.as_bytes();
    s.len() == 29 && s.ends_with("+09:00") && b[10] == b'T' && b[19] == b'.' && b[20..23].iter().all(u8::is_ascii_digit)
}

/// The KST string of an epoch-millisecond instant.
pub fn kst(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap()
        .with_timezone(&chrono::FixedOffset::east_opt(9 * 3600).unwrap())
        .format("%Y-%m-%dT%H:%M:%S%.3f+09:00")
        .to_string()
}
