//! The state of one application the sandbox serves ([`Shared`]): its store, clock, tokens,
//! counters, faults, traffic generator and rate-limit bucket, and what every handler asks of it
//! (authentication, the rate check, trace ids). The connection code (`server.rs`) and the
//! handlers (`api.rs`, `control.rs`, `settle.rs`) both depend on this module; it depends on
//! neither.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

use http::header::AUTHORIZATION;

use crate::auth::{TokenCheck, TokenStore};
use crate::deviate::{DeviationConfig, DeviationState};
use crate::faults::{Bucket, FaultState, Faults};
use crate::reply::Reply;
use crate::router::Op;
use crate::store::Store;
use crate::time::{Clock, Millis, real_now_ms};

/// Request and mutation counters.
pub struct Stats {
    pub tokens_issued: AtomicU64,
    pub requests: [AtomicU64; Op::ALL.len()],
    pub mutations: [AtomicU64; Op::ALL.len()],
}

impl Stats {
    fn new() -> Stats {
        Stats {
            tokens_issued: AtomicU64::new(0),
            requests: std::array::from_fn(|_| AtomicU64::new(0)),
            mutations: std::array::from_fn(|_| AtomicU64::new(0)),
        }
    }

    pub fn reset(&self) {
        self.tokens_issued.store(0, Ordering::Relaxed);
        for c in self.requests.iter().chain(self.mutations.iter()) {
            c.store(0, Ordering::Relaxed);
        }
    }

    pub fn mutated(&self, op: Op, n: u64) {
        if n > 0 {
            self.mutations[op.index()].fetch_add(n, Ordering::Relaxed);
        }
    }
}

/// Everything the handlers share.
pub struct Shared {
    /// 0 for the application the sandbox starts with, N for the N-th one `POST _sandbox/apps` made.
    pub index: usize,
    pub client_id: String,
    /// The application secret (a bcrypt salt, checked at start).
    pub client_secret: String,
    pub seed: u64,
    pub rate_limit: Option<f64>,
    pub clock: Clock,
    pub stats: Stats,
    pub tokens: Mutex<TokenStore>,
    pub store: Mutex<Store>,
    pub faults: Mutex<FaultState>,
    pub faults_active: AtomicBool,
    /// The deviation fault (`PUT _sandbox/deviations`).
    pub deviations: Mutex<DeviationState>,
    pub deviations_active: AtomicBool,
    /// Absent optional fields sent as `null` (`PUT _sandbox/absent-fields`).
    pub absent_as_null: AtomicBool,
    pub latency_ms: AtomicU64,
    /// How many times [`Shared::reset`] ran: a request that began before a reset must not touch
    /// the state after it (see [`Shared::resets`]).
    resets: AtomicU64,
    /// The traffic generator (`PUT _sandbox/traffic`).
    pub traffic: Mutex<crate::traffic::Traffic>,
    bucket: Mutex<Option<Bucket>>,
    /// API requests attributed to this application, per second of real time (Unix seconds).
    pub request_log: Mutex<std::collections::BTreeMap<i64, u64>>,
    trace_seq: AtomicU64,
    trace_node: String,
}

/// Locks a mutex, recovering from poisoning (handlers never leave state half-written on panic paths).
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Rate-limit headers to attach to a response.
#[derive(Clone, Copy)]
pub struct RateHeaders {
    /// Tokens replenished per second.
    pub rate: f64,
    /// The bucket's capacity.
    pub burst: f64,
    /// Tokens left after this request.
    pub remaining: u64,
}

impl Shared {
    pub fn new(client_id: String, client_secret: String, seed: u64, rate_limit: Option<f64>) -> Shared {
        Shared::application(0, client_id, client_secret, seed, rate_limit)
    }

    /// The `index`-th application (0 = the one the sandbox starts with): its own store, clock,
    /// tokens, stats, faults, traffic and rate-limit bucket.
    pub fn application(
        index: usize,
        client_id: String,
        client_secret: String,
        seed: u64,
        rate_limit: Option<f64>,
    ) -> Shared {
        let mut tokens = TokenStore::default();
        if index > 0 {
            tokens.prefix = format!("sbx{index}.");
        }
        Shared {
            index,
            client_id,
            client_secret,
            seed,
            rate_limit,
            clock: Clock::default(),
            stats: Stats::new(),
            tokens: Mutex::new(tokens),
            store: Mutex::new(Store::new(seed)),
            faults: Mutex::new(FaultState::new(Faults { seed: Some(seed), ..Faults::default() })),
            faults_active: AtomicBool::new(false),
            deviations: Mutex::new(DeviationState::new(DeviationConfig::default(), seed)),
            deviations_active: AtomicBool::new(false),
            absent_as_null: AtomicBool::new(false),
            latency_ms: AtomicU64::new(0),
            resets: AtomicU64::new(0),
            traffic: Mutex::new(crate::traffic::Traffic::new(crate::traffic::TrafficConfig::default())),
            bucket: Mutex::new(rate_limit.map(Bucket::new)),
            request_log: Mutex::new(std::collections::BTreeMap::new()),
            trace_seq: AtomicU64::new(0),
            trace_node: format!("sbx-{:06x}", seed & 0xff_ffff),
        }
    }

    /// Starts, changes or (rate 0) stops the traffic generator.
    pub fn set_traffic(&self, config: crate::traffic::TrafficConfig) {
        *lock(&self.traffic) = crate::traffic::Traffic::new(config);
    }

    /// Sets how late changes become visible (changes made from now on).
    pub fn set_visibility(&self, config: crate::changes::VisibilityConfig) {
        lock(&self.store).visibility = crate::changes::Visibility::new(config);
    }

    /// Counts one API request in [`Shared::request_log`].
    pub fn log_request(&self) {
        *lock(&self.request_log).entry(real_now_ms().div_euclid(1000)).or_insert(0) += 1;
    }

    pub fn now(&self) -> Millis {
        self.clock.now()
    }

    /// A trace id in the gateway's `node^epochMillis^sequence` shape.
    pub fn next_trace(&self) -> String {
        let n = self.trace_seq.fetch_add(1, Ordering::Relaxed) + 1;
        format!("{}^{}^{}", self.trace_node, real_now_ms(), n)
    }

    /// Takes a token from the application's bucket (when a limit is configured).
    pub fn rate_check(&self) -> Option<(bool, RateHeaders)> {
        let mut b = lock(&self.bucket);
        let bucket = b.as_mut()?;
        let (ok, remaining) = bucket.take();
        Some((ok, RateHeaders { rate: bucket.rate, burst: bucket.burst, remaining }))
    }

    /// How many resets there have been, read when a request begins and again before it touches anything. A
    /// request delayed past a reset (by `latencyMs`, a slow signature check, or a proxy that
    /// keeps forwarding a request its client gave up on) would otherwise issue a token or count
    /// a mutation in the next test's fresh state.
    pub fn resets(&self) -> u64 {
        self.resets.load(Ordering::SeqCst)
    }

    /// Back to the seeded initial state.
    pub fn reset(&self) {
        // First, so that a request that reads the count after this sees the new state whole.
        self.resets.fetch_add(1, Ordering::SeqCst);
        *lock(&self.store) = Store::new(self.seed);
        *lock(&self.traffic) = crate::traffic::Traffic::new(crate::traffic::TrafficConfig::default());
        lock(&self.tokens).clear();
        *lock(&self.faults) = FaultState::new(Faults { seed: Some(self.seed), ..Faults::default() });
        self.faults_active.store(false, Ordering::Relaxed);
        *lock(&self.deviations) = DeviationState::new(DeviationConfig::default(), self.seed);
        self.deviations_active.store(false, Ordering::Relaxed);
        self.absent_as_null.store(false, Ordering::Relaxed);
        self.latency_ms.store(0, Ordering::Relaxed);
        *lock(&self.bucket) = self.rate_limit.map(Bucket::new);
        self.stats.reset();
        lock(&self.request_log).clear();
        self.clock.reset();
    }

    /// Checks `Authorization: Bearer <token>`.
    pub fn authenticate(&self, headers: &http::HeaderMap, trace: &str, now: Millis) -> Result<(), Reply> {
        let Some(v) = headers.get(AUTHORIZATION) else {
            return Err(Reply::authn("Authorization header is missing", trace, now));
        };
        let v = v.to_str().unwrap_or("");
        let token = match v.split_once(' ') {
            Some((scheme, t)) if scheme.eq_ignore_ascii_case("bearer") => t.trim(),
            _ => {
                return Err(Reply::authn("Authorization must be 'Bearer <access_token>'", trace, now));
            }
        };
        match lock(&self.tokens).check(token, now) {
            TokenCheck::Valid => Ok(()),
            TokenCheck::Expired => Err(Reply::authn("the access token has expired", trace, now)),
            TokenCheck::Unknown => Err(Reply::authn("the access token is not valid", trace, now)),
        }
    }
}

impl Shared {
    /// One tick of the traffic generator: the actions due since the last tick (none while the
    /// rate is 0), all stamped with the sandbox's current instant.
    pub fn traffic_tick(&self) {
        let mut traffic = lock(&self.traffic);
        let due = traffic.due(real_now_ms());
        if due == 0 {
            return;
        }
        let now = self.now();
        let mut store = lock(&self.store);
        traffic.perform(&mut store, now, due);
    }
}
