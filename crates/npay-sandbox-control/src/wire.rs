//! The control API's requests and answers as the sandbox takes and gives them (JSON, camelCase
//! keys). The sandbox serialises its answers with these types and the client reads them back with
//! the same ones, so the two cannot drift apart. (The sandbox validates requests field by field,
//! to name every bad one in `invalidInputs`; these types are what a well-formed request is.)

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// How new orders start (`POST orders`, `status`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum InitialStatus {
    /// Paid: ready to confirm and dispatch.
    #[default]
    Payed,
    /// Waiting for the buyer's payment (the `pay` event pays it).
    PaymentWaiting,
}

impl InitialStatus {
    /// The wire name (`PAYED`, `PAYMENT_WAITING`).
    pub fn as_str(self) -> &'static str {
        match self {
            InitialStatus::Payed => "PAYED",
            InitialStatus::PaymentWaiting => "PAYMENT_WAITING",
        }
    }

    /// The status of a wire name, `None` for any other text.
    ///
    /// ```
    /// use npay_sandbox_control::InitialStatus;
    /// assert_eq!(InitialStatus::parse("PAYMENT_WAITING"), Some(InitialStatus::PaymentWaiting));
    /// assert_eq!(InitialStatus::parse("payed"), None);
    /// ```
    pub fn parse(text: &str) -> Option<InitialStatus> {
        [InitialStatus::Payed, InitialStatus::PaymentWaiting].into_iter().find(|s| s.as_str() == text)
    }
}

/// `POST orders`: new orders, made as if buyers had placed them.
///
/// ```
/// use npay_sandbox_control::{CreateOrders, InitialStatus};
/// let request = CreateOrders { count: 3, ..CreateOrders::default() };
/// assert_eq!(request.status, InitialStatus::Payed);
/// assert_eq!(
///     serde_json::to_string(&request).unwrap(),
///     r#"{"count":3,"status":"PAYED","productsPerOrder":1}"#
/// );
/// // Every field may be left out (a binding passes what its user gave).
/// assert_eq!(serde_json::from_str::<CreateOrders>(r#"{"count":3}"#).unwrap(), request);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct CreateOrders {
    /// How many orders (1–10,000).
    pub count: u32,
    /// How they start.
    pub status: InitialStatus,
    /// Product orders in each order (1–20).
    pub products_per_order: u32,
}

impl Default for CreateOrders {
    /// One paid order of one product.
    fn default() -> Self {
        CreateOrders { count: 1, status: InitialStatus::Payed, products_per_order: 1 }
    }
}

/// The answer of `POST orders`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatedOrders {
    /// The new orders, in creation order.
    pub order_ids: Vec<String>,
    /// Their product orders, order by order.
    pub product_order_ids: Vec<String>,
}

/// The optional body of `POST product-orders/{id}/events/{event}`: the buyer's reason, for the
/// events that open a claim (default: the sandbox picks one).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EventDetails {
    /// A claim reason code of the spec (e.g. `INTENT_CHANGED`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The buyer's words (at most 500 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detailed_reason: Option<String>,
}

/// The answer of an event: the product order as it is now.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventOutcome {
    /// The product order the event was applied to.
    pub product_order_id: String,
    /// The event (one of [`crate::EVENTS`]).
    pub event: String,
    /// Its `productOrderStatus` now.
    pub product_order_status: String,
    /// Every product order the event changed (paying an order pays all of its product orders).
    pub affected_product_order_ids: Vec<String>,
    /// The claim it shows, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim_type: Option<String>,
    /// That claim's status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim_status: Option<String>,
}

/// The answer of `GET clock` and `POST clock`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Clock {
    /// The sandbox's time in KST (`2026-11-27T10:00:00.000+09:00`).
    pub now: String,
    /// Its date in KST (`2026-11-27`).
    pub today: String,
    /// How far it is ahead of real time, in seconds.
    pub offset_seconds: f64,
}

/// The body of `POST clock`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AdvanceClock {
    /// Seconds to move the clock forward (0 to ten years).
    pub advance_seconds: f64,
}

/// `PUT faults` / `GET faults`: injected failures (rates between 0 and 1, adding up to at most 1;
/// all zero turns them off) and a delay for every API request.
///
/// ```
/// use npay_sandbox_control::Faults;
/// let faults = Faults { server_error_rate: 0.2, seed: Some(3), ..Faults::default() };
/// assert!(faults.is_active());
/// assert!(!Faults::default().is_active());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Faults {
    /// 503, 500 (before processing) or 504 (after processing: applied, answer lost).
    #[serde(default)]
    pub server_error_rate: f64,
    /// 429 before processing.
    #[serde(default)]
    pub rate_limit_rate: f64,
    /// The connection reset, before or after processing.
    #[serde(default)]
    pub reset_rate: f64,
    /// Delay of every API request, in milliseconds (at most 60,000).
    #[serde(default)]
    pub latency_ms: u64,
    /// Seed of the draws; the sandbox's own seed when `None` (an answer always has one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
}

impl Faults {
    /// Whether any failure is drawn (latency alone is not a failure).
    pub fn is_active(&self) -> bool {
        self.server_error_rate > 0.0 || self.rate_limit_rate > 0.0 || self.reset_rate > 0.0
    }
}

/// One way of deviating from the spec (`PUT deviations`, `kinds`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DeviationKind {
    /// An integer sent as an integral float (`15900` → `15900.0`).
    FloatIntegers,
    /// A number sent as a string (`15900` → `"15900"`).
    StringNumbers,
    /// A string of digits sent as a number (`"2026112514566031"` → `2026112514566031`).
    NumberStrings,
    /// A boolean sent as `"Y"` / `"N"`.
    YnBooleans,
    /// A date-time without its offset (`…09:00:00.000+09:00` → `…09:00:00.000`).
    NaiveDateTimes,
    /// A date without dashes (`2026-11-27` → `"20261127"`).
    CompactDates,
    /// A field sent as `null`.
    Nulls,
    /// A field left out.
    Missing,
    /// A value of a type nothing can be coerced from (an object for a string, a string for an object…).
    WrongTypes,
    /// A field the spec does not know, added to an object.
    UnknownFields,
}

impl DeviationKind {
    /// Every kind.
    pub const ALL: [DeviationKind; 10] = [
        DeviationKind::FloatIntegers,
        DeviationKind::StringNumbers,
        DeviationKind::NumberStrings,
        DeviationKind::YnBooleans,
        DeviationKind::NaiveDateTimes,
        DeviationKind::CompactDates,
        DeviationKind::Nulls,
        DeviationKind::Missing,
        DeviationKind::WrongTypes,
        DeviationKind::UnknownFields,
    ];
}

/// `PUT deviations` / `GET deviations`: answers that differ from the spec as a real API's may.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeviationConfig {
    /// Chance that one field (or, for unknown fields, one object) deviates; 0 turns the fault off.
    #[serde(default)]
    pub rate: f64,
    /// The kinds to draw from; empty means all of them.
    #[serde(default)]
    pub kinds: Vec<DeviationKind>,
    /// Seed of the draws (default: the sandbox's seed).
    #[serde(default)]
    pub seed: Option<u64>,
}

/// How an answer carries an optional field it has no value for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AbsentFields {
    /// Left out of the object.
    #[default]
    Omitted,
    /// Present, with the value `null`.
    Null,
}

/// `PUT absent-fields` / `GET absent-fields`: `{"as": "omitted" | "null"}`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AbsentFieldsConfig {
    /// How absent optional fields are sent.
    #[serde(rename = "as")]
    pub mode: AbsentFields,
}

/// `PUT traffic`: the traffic generator's rate and seed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrafficConfig {
    /// Actions per second of real time (0 = off, at most 10,000).
    pub rate_per_second: f64,
    /// Seed of the generator's choices.
    pub seed: u64,
}

/// The answer of `GET traffic` and `PUT traffic`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrafficState {
    /// The setting.
    #[serde(flatten)]
    pub config: TrafficConfig,
    /// Actions performed since it was set.
    pub actions: u64,
}

/// `PUT visibility` / `GET visibility`: how late changes become listable.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VisibilityConfig {
    /// Share of changes that are late, 0..=1.
    pub late_rate: f64,
    /// A late change becomes listable a uniformly drawn 1..=`max_delay_ms` ms after its
    /// `lastChangedDate`.
    pub max_delay_ms: i64,
    /// Seed of the draws.
    pub seed: u64,
}

/// The answer of `GET stats`: what the sandbox has seen since it started or was reset.
///
/// ```
/// use npay_sandbox_control::Stats;
/// let stats: Stats = serde_json::from_str(
///     r#"{"tokensIssued":1,"requests":{"issueToken":1,"confirmProductOrders":2},"mutationsApplied":{}}"#,
/// ).unwrap();
/// assert_eq!(stats.requests_of("confirmProductOrders"), 2);
/// assert_eq!(stats.applied("confirmProductOrders"), 0);
/// assert_eq!(stats.total_requests(), 3);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Stats {
    /// Tokens minted (an answer that repeats a live token does not count).
    pub tokens_issued: u64,
    /// Requests received per operationId (every operation, `issueToken` included), faulted,
    /// refused or not.
    pub requests: BTreeMap<String, u64>,
    /// Per mutating operationId, the product orders whose state really changed.
    pub mutations_applied: BTreeMap<String, u64>,
}

impl Stats {
    /// Requests of one operation (0 if none).
    pub fn requests_of(&self, operation_id: &str) -> u64 {
        self.requests.get(operation_id).copied().unwrap_or(0)
    }

    /// Product orders one operation really changed (0 if none).
    pub fn applied(&self, operation_id: &str) -> u64 {
        self.mutations_applied.get(operation_id).copied().unwrap_or(0)
    }

    /// Every request received, of any operation.
    pub fn total_requests(&self) -> u64 {
        self.requests.values().sum()
    }
}

/// The answer of `GET info`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Info {
    /// The first application's id.
    pub client_id: String,
    /// The seed of the generated data.
    pub seed: u64,
    /// The sandbox's time in KST.
    pub now: String,
    /// The gateway rate limit per application, if one is set.
    pub rate_limit_rps: Option<f64>,
    /// The events it knows ([`crate::EVENTS`]).
    pub events: Vec<String>,
}

/// The body of `POST apps`: more applications, each with its own orders, clock and stats.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewApps {
    /// How many (1–1,000).
    pub count: u32,
    /// Their ids are `<prefix>-<index>`.
    pub prefix: String,
    /// A traffic generator for each (its seed is offset by the application's index).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub traffic: Option<TrafficConfig>,
}

impl Default for NewApps {
    fn default() -> Self {
        NewApps { count: 1, prefix: "app".to_owned(), traffic: None }
    }
}

/// One application of the sandbox (`POST apps`, `GET apps`).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct App {
    /// Its application id.
    pub client_id: String,
    /// Its secret (a test value: a bcrypt salt the sandbox made up).
    pub client_secret: String,
    /// 0 for the application the sandbox starts with (`GET apps` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<usize>,
}

impl std::fmt::Debug for App {
    /// Leaves the secret out, as everything in the project does with secrets.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App").field("client_id", &self.client_id).field("index", &self.index).finish_non_exhaustive()
    }
}

/// The answers of `POST apps` and `GET apps`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Apps {
    /// The applications.
    pub apps: Vec<App>,
}
