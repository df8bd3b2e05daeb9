//! `npay-order doctor`: checks, step by step, that this machine can use the API with these
//! credentials, and how the API's answers differ from the spec.
//!
//! The steps: the secret's format; the clock against the server's (the signature's timestamp has
//! a 5-minute window); token issuance, with what each failure means; then every read operation
//! over the last day, each answer checked against the spec, listing every deviation by path.
//! The report holds no value from an answer, no secret and no token, so it can be pasted into an
//! issue. The exit status is non-zero when something blocks use (a deviation does not: reads are
//! tolerant of it).

use std::process::ExitCode;
use std::time::Instant;

use anyhow::Result;
use chrono::{Duration, Utc};
use clap::Args;
use npay_order::{Client, Deviation, NpayError, Timestamp};
use serde::Serialize;
use serde_json::{Value, json};

use crate::api::ApiArgs;

/// Examples shown by `npay-order doctor --help`.
pub const EXAMPLES: &str = "Examples:
  npay-order doctor --sandbox                      # an embedded emulator: everything green
  NPAY_CLIENT_ID=… NPAY_CLIENT_SECRET=… npay-order doctor
  npay-order doctor --base-url http://127.0.0.1:41234/npay/partner --json";

/// The signature's timestamp must be within this of the server's clock.
const SIGNATURE_WINDOW_SECONDS: i64 = 300;
/// A skew above this is worth a warning (it eats into the window).
const SKEW_WARNING_SECONDS: i64 = 30;

/// `doctor`'s own flags (the credentials and `--base-url`/`--sandbox`/`--json` are global).
#[derive(Args, Debug)]
pub struct DoctorArgs {}

/// How one step went.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Fine.
    Ok,
    /// Works, but look at it.
    Warn,
    /// Blocks use.
    Fail,
    /// Not run, because an earlier step failed.
    Skipped,
}

/// One step of the report.
#[derive(Debug, Serialize)]
pub struct Check {
    name: String,
    status: Status,
    detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    deviations: Vec<Deviation>,
}

/// The whole report (what `--json` prints).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    base_url: String,
    checks: Vec<Check>,
    /// Whether nothing blocks use.
    usable: bool,
}

impl Check {
    fn new(name: impl Into<String>, status: Status, detail: impl Into<String>) -> Check {
        Check { name: name.into(), status, detail: detail.into(), deviations: Vec::new() }
    }
}

/// Runs the checks and prints the report.
pub async fn run(_args: DoctorArgs, api: &ApiArgs) -> Result<ExitCode> {
    let mut checks = Vec::new();
    if !api.sandbox {
        let format = secret_format(api.client_secret.as_deref());
        let usable = format.status == Status::Ok;
        checks.push(format);
        if !usable {
            return finish(api, api.base_url.clone().unwrap_or_default(), checks);
        }
    }
    let connection = match api.connect().await {
        Ok(connection) => connection,
        Err(error) => {
            checks.push(Check::new("configuration", Status::Fail, error.to_string()));
            return finish(api, api.base_url.clone().unwrap_or_default(), checks);
        }
    };
    let client = connection.client.clone();
    let base_url = client.config().base_url.clone();
    if let Some(sandbox) = &connection._sandbox {
        checks.push(Check::new("secret format", Status::Ok, "the embedded sandbox's (a bcrypt salt)"));
        // A few paid orders, so that every read has something to answer.
        if sandbox.control().paid_orders(3).await.is_err() {
            checks.push(Check::new("sandbox orders", Status::Warn, "the embedded sandbox made no orders"));
        }
    }
    checks.push(clock_skew(&base_url).await);
    let token = token_issuance(&client).await;
    let authenticated = token.status == Status::Ok;
    checks.push(token);
    if authenticated {
        checks.extend(reads(&client).await);
    } else {
        checks.push(Check::new("read operations", Status::Skipped, "no token: fix the step above first"));
    }
    finish(api, base_url, checks)
}

fn finish(api: &ApiArgs, base_url: String, checks: Vec<Check>) -> Result<ExitCode> {
    let usable = checks.iter().all(|c| c.status != Status::Fail);
    let report = Report { base_url, checks, usable };
    if api.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", human(&report));
    }
    Ok(if usable { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// The report as text: a line per step, its deviations below it.
pub fn human(report: &Report) -> String {
    let mut out = format!("npay-order doctor — {}\n\n", report.base_url);
    for check in &report.checks {
        let mark = match check.status {
            Status::Ok => "✔",
            Status::Warn => "!",
            Status::Fail => "✖",
            Status::Skipped => "-",
        };
        out.push_str(&format!("{mark} {:<28} {}\n", check.name, check.detail));
        for deviation in &check.deviations {
            out.push_str(&format!("      {deviation}\n"));
        }
    }
    let deviations: usize = report.checks.iter().map(|c| c.deviations.len()).sum();
    out.push('\n');
    out.push_str(&match (report.usable, deviations) {
        (true, 0) => "All green: the credentials work and every answer matches the spec.\n".to_owned(),
        (true, n) => format!(
            "Usable. {n} deviation(s) from the spec: reads survive them; please report them (this report holds no values).\n"
        ),
        (false, _) => "Something blocks use: see the ✖ lines above.\n".to_owned(),
    });
    out
}

/// Whether the secret has the format Naver issues (a bcrypt salt), checked by signing with it.
fn secret_format(secret: Option<&str>) -> Check {
    let name = "secret format";
    let Some(secret) = secret else {
        return Check::new(name, Status::Fail, "no secret: set NPAY_CLIENT_SECRET (or pass --client-secret)");
    };
    match npay_order::sign("doctor", secret, 0) {
        Ok(_) => Check::new(name, Status::Ok, "a bcrypt salt ($2a$…), as Naver issues them"),
        // The error names what is wrong with the format, never the secret.
        Err(error) => Check::new(name, Status::Fail, error.to_string()),
    }
}

/// The server's clock, from the `Date` header of an unauthenticated request (any answer has one).
async fn clock_skew(base_url: &str) -> Check {
    let name = "clock";
    let url = format!("{base_url}/v1/pay-order/mall/product-orders/last-changed-statuses");
    let sent = Instant::now();
    let local_before = Utc::now();
    let answer = match reqwest::Client::new().get(&url).timeout(std::time::Duration::from_secs(15)).send().await {
        Ok(answer) => answer,
        Err(error) => {
            let detail = if error.is_connect() || error.is_timeout() {
                format!("cannot reach the server ({})", if error.is_timeout() { "timed out" } else { "no connection" })
            } else {
                "the server did not answer".to_owned()
            };
            return Check::new(name, Status::Fail, detail);
        }
    };
    let round_trip = sent.elapsed();
    let server = answer
        .headers()
        .get(reqwest::header::DATE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| chrono::DateTime::parse_from_rfc2822(v).ok());
    let Some(server) = server else {
        return Check::new(name, Status::Warn, "the server sent no Date header: the clock could not be compared");
    };
    let local = local_before + Duration::from_std(round_trip / 2).unwrap_or_default();
    // The Date header has whole seconds: a skew under a second is noise.
    let skew = (local - server.with_timezone(&Utc)).num_seconds();
    let detail =
        format!("{} by {}s against the server's clock", if skew >= 0 { "ahead" } else { "behind" }, skew.abs());
    let status = match skew.abs() {
        s if s >= SIGNATURE_WINDOW_SECONDS => Status::Fail,
        s if s > SKEW_WARNING_SECONDS => Status::Warn,
        _ => Status::Ok,
    };
    let detail = match status {
        Status::Fail => format!("{detail}: signatures will be refused (the window is 5 minutes); fix the clock (NTP)"),
        Status::Warn => format!("{detail}: within the 5-minute window, but sync the clock (NTP)"),
        _ => detail,
    };
    Check::new(name, status, detail)
}

async fn token_issuance(client: &Client) -> Check {
    let name = "token";
    match client.authenticate().await {
        Ok(()) => Check::new(name, Status::Ok, "issued (signature accepted)"),
        Err(error) => Check::new(name, Status::Fail, token_failure(&error)),
    }
}

/// What a failed token request means, in words a merchant can act on.
fn token_failure(error: &NpayError) -> String {
    let code = error.code().unwrap_or("-");
    match error {
        NpayError::Authentication(_) => {
            format!("refused ({code}): the signature does not match — check the client id and secret (and the clock)")
        }
        NpayError::PermissionDenied(_) if code == "GW.IP_NOT_ALLOWED" => format!(
            "refused ({code}): this machine's IP address is not on the application's allow-list (네이버페이센터 → API 관리)"
        ),
        NpayError::PermissionDenied(_) => format!(
            "refused ({code}): the application may not get this kind of token — check the key type (SELF, or SELLER with the seller's account id)"
        ),
        NpayError::BadRequest(_) => format!("refused as invalid ({code}): {error}"),
        NpayError::RateLimit(_) => format!("rate-limited ({code}): too many token requests; wait and retry"),
        NpayError::Connection(_) | NpayError::Timeout(_) => "no answer from the server".to_owned(),
        other => format!("failed ({code}): {other}"),
    }
}

/// The parameters doctor reads an operation with: what a merchant would ask for the last day.
enum Params {
    /// Call it with these.
    Call(Value),
    /// It needs data the day may not have (ids from the changes); the reason when it has none.
    Skip(&'static str),
    /// Doctor does not know this read yet (a new operation of the spec).
    Unknown,
}

/// The dates of "the last day" in KST, as each operation's parameters want them.
struct Day {
    since: String,
    yesterday: String,
    today: String,
    last_month_start: String,
    last_month_end: String,
}

impl Day {
    fn now() -> Day {
        let now = Utc::now();
        let kst_day = |t: chrono::DateTime<Utc>| Timestamp::from_utc_in_kst(t).to_string()[..10].to_owned();
        let today = kst_day(now);
        let yesterday = kst_day(now - Duration::days(1));
        // VAT figures reach only the end of the previous month.
        let last_month_end = format!("{}-01", &today[..7])
            .parse::<chrono::NaiveDate>()
            .ok()
            .and_then(|d| d.pred_opt())
            .map_or_else(|| yesterday.clone(), |d| d.to_string());
        Day {
            since: Timestamp::from_utc_in_kst(now - Duration::hours(24) + Duration::minutes(1)).to_string(),
            last_month_start: format!("{}-01", &last_month_end[..7]),
            last_month_end,
            yesterday,
            today,
        }
    }
}

/// What the changes of the last day give the reads that need ids.
#[derive(Default)]
struct Seen {
    product_order_ids: Vec<Value>,
    order_id: Option<String>,
}

fn params(operation: &str, day: &Day, seen: &Seen) -> Params {
    let page = |range: Value| {
        let mut range = range;
        range["pageNumber"] = json!(1);
        range["pageSize"] = json!(100);
        Params::Call(range)
    };
    match operation {
        "listLastChangedStatuses" => Params::Call(json!({"lastChangedFrom": day.since})),
        "searchProductOrders" => Params::Call(json!({"from": day.since, "rangeType": "PAYED_DATETIME"})),
        "listReviews" => Params::Call(json!({"inquiryTimeFrom": day.since})),
        "listDailySettlements" => page(json!({"startDate": day.yesterday, "endDate": day.today})),
        "listSettlementsByCase" | "listCommissionDetails" => page(json!({"searchDate": day.yesterday})),
        "listVatByCase" | "listDailyVat" => {
            page(json!({"startDate": day.last_month_start, "endDate": day.last_month_end}))
        }
        "queryProductOrders" if seen.product_order_ids.is_empty() => {
            Params::Skip("no product order changed in the last day")
        }
        "queryProductOrders" => Params::Call(json!({"productOrderIds": seen.product_order_ids})),
        "listProductOrderIds" => match &seen.order_id {
            Some(order_id) => Params::Call(json!({"orderId": order_id})),
            None => Params::Skip("no order changed in the last day"),
        },
        _ => Params::Unknown,
    }
}

/// Every read operation of the spec (`OPERATIONS`, read-only), each answer checked against the
/// spec; the changes first, since the reads by id take their ids from them.
async fn reads(client: &Client) -> Vec<Check> {
    let day = Day::now();
    let mut seen = Seen::default();
    let mut operations: Vec<&str> = npay_order::OPERATIONS.iter().filter(|o| o.read_only).map(|o| o.id).collect();
    operations.sort_by_key(|id| *id != "listLastChangedStatuses");
    let mut checks = Vec::new();
    for operation in operations {
        match params(operation, &day, &seen) {
            Params::Call(params) => {
                let (check, data) = read(client, operation, params).await;
                if let (Some(data), "listLastChangedStatuses") = (&data, operation) {
                    let rows = data["lastChangeStatuses"].as_array().cloned().unwrap_or_default();
                    seen.product_order_ids =
                        rows.iter().filter_map(|r| r.get("productOrderId").cloned()).take(300).collect();
                    seen.order_id =
                        rows.iter().find_map(|r| r.get("orderId").and_then(Value::as_str).map(str::to_owned));
                }
                checks.push(check);
            }
            Params::Skip(why) => checks.push(Check::new(operation, Status::Skipped, why)),
            Params::Unknown => {
                checks.push(Check::new(operation, Status::Warn, "not checked: doctor does not know this read yet"))
            }
        }
    }
    checks
}

/// One read: its check, and its data when it succeeded.
async fn read(client: &Client, operation: &str, params: Value) -> (Check, Option<Value>) {
    match client.call_json(operation, params).await {
        Ok(response) => {
            let deviations = distinct(response.deviations());
            let (status, detail) = if deviations.is_empty() {
                (Status::Ok, "read; the answer matches the spec".to_owned())
            } else {
                (Status::Warn, format!("read; {} deviation(s) from the spec", deviations.len()))
            };
            let check = Check { name: operation.to_owned(), status, detail, deviations };
            (check, Some(response.into_data()))
        }
        Err(NpayError::UnexpectedResponse { message, .. }) => {
            (Check::new(operation, Status::Fail, format!("the answer has no usable shape: {message}")), None)
        }
        Err(error) => {
            let code = error.code().unwrap_or("-");
            (Check::new(operation, Status::Fail, format!("failed ({}, {code}): {error}", error.type_name())), None)
        }
    }
}

/// Each deviation once (an odd field in 300 orders is one line, not 300).
fn distinct(deviations: &[Deviation]) -> Vec<Deviation> {
    let mut out: Vec<Deviation> = Vec::new();
    for deviation in deviations {
        if !out.contains(deviation) {
            out.push(deviation.clone());
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doctor_knows_how_to_call_every_read_of_the_spec() {
        let day = Day::now();
        let seen = Seen { product_order_ids: vec![json!("1")], order_id: Some("1".into()) };
        for operation in npay_order::OPERATIONS.iter().filter(|o| o.read_only) {
            assert!(
                !matches!(params(operation.id, &day, &seen), Params::Unknown),
                "{}: a read of the spec that doctor does not check; add its parameters to `params`",
                operation.id
            );
        }
    }
}
