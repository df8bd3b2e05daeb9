//! Connection handling (hyper 1 over tokio, one task per connection), request dispatch, faults,
//! authentication and rate limiting.

use std::convert::Infallible;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::header::{ALLOW, AUTHORIZATION, CONTENT_TYPE, HeaderName, HeaderValue};
use http::{Request, Response, StatusCode};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, watch};

use crate::api;
use crate::auth::{TokenCheck, TokenStore};
use crate::deviate::{DeviationConfig, DeviationState};
use crate::faults::{Bucket, Fault, FaultConfig, FaultState};
use crate::reply::Reply;
use crate::router::{Op, Route, route};
use crate::store::Store;
use crate::time::{Clock, Millis, real_now_ms};

/// Path prefix of everything the sandbox serves.
pub const BASE_PATH: &str = "/npay/partner";
const MAX_BODY: usize = 1 << 20;

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
    rate: f64,
    burst: f64,
    remaining: u64,
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
            faults: Mutex::new(FaultState::new(FaultConfig { seed, ..FaultConfig::default() })),
            faults_active: AtomicBool::new(false),
            deviations: Mutex::new(DeviationState::new(DeviationConfig::default(), seed)),
            deviations_active: AtomicBool::new(false),
            absent_as_null: AtomicBool::new(false),
            latency_ms: AtomicU64::new(0),
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

    /// Back to the seeded initial state.
    pub fn reset(&self) {
        *lock(&self.store) = Store::new(self.seed);
        *lock(&self.traffic) = crate::traffic::Traffic::new(crate::traffic::TrafficConfig::default());
        lock(&self.tokens).clear();
        *lock(&self.faults) = FaultState::new(FaultConfig { seed: self.seed, ..FaultConfig::default() });
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

/// Per-connection control: a handler asks for the connection to be reset.
struct ConnCtl {
    reset: Notify,
}

/// Accepts connections until `shutdown` turns true.
pub async fn serve(listener: TcpListener, shared: Arc<Shared>, mut shutdown: watch::Receiver<bool>) {
    tokio::spawn(crate::traffic::run(shared.clone(), shutdown.clone()));
    let hub = Arc::new(Hub::new(shared, shutdown.clone()));
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    tokio::spawn(connection(stream, hub.clone(), shutdown.clone()));
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(5)).await,
            },
            _ = shutdown.changed() => break,
        }
        if *shutdown.borrow() {
            break;
        }
    }
}

#[cfg(unix)]
type DupSocket = std::os::fd::OwnedFd;
#[cfg(windows)]
type DupSocket = std::os::windows::io::OwnedSocket;
#[cfg(not(any(unix, windows)))]
type DupSocket = ();

/// A second handle on the socket, so it can be closed with RST after hyper's handle is dropped.
fn dup_socket(stream: &TcpStream) -> Option<DupSocket> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        stream.as_fd().try_clone_to_owned().ok()
    }
    #[cfg(windows)]
    {
        use std::os::windows::io::AsSocket;
        stream.as_socket().try_clone_to_owned().ok()
    }
    #[cfg(not(any(unix, windows)))]
    {
        let _ = stream;
        None
    }
}

fn arm_reset(dup: &Option<DupSocket>) {
    #[cfg(any(unix, windows))]
    if let Some(s) = dup {
        let _ = socket2::SockRef::from(s).set_linger(Some(Duration::ZERO));
    }
    #[cfg(not(any(unix, windows)))]
    let _ = dup;
}

async fn connection(stream: TcpStream, hub: Arc<Hub>, mut shutdown: watch::Receiver<bool>) {
    let _ = stream.set_nodelay(true);
    let dup = dup_socket(&stream);
    let ctl = Arc::new(ConnCtl { reset: Notify::new() });
    let svc_ctl = ctl.clone();
    let service = service_fn(move |req| {
        let hub = hub.clone();
        let ctl = svc_ctl.clone();
        async move { Ok::<_, Infallible>(handle(hub, ctl, req).await) }
    });
    let mut conn = Box::pin(http1::Builder::new().keep_alive(true).serve_connection(TokioIo::new(stream), service));
    tokio::select! {
        _ = conn.as_mut() => {}
        _ = ctl.reset.notified() => {
            // SO_LINGER 0: the last close sends RST instead of FIN, and no response is written.
            arm_reset(&dup);
        }
        _ = shutdown.changed() => {}
    }
    // `conn` (hyper's handle) is dropped before `dup`, so closing `dup` is the last close.
    drop(conn);
    drop(dup);
}

/// Never returns: the connection task resets the connection meanwhile.
async fn reset_connection(ctl: &ConnCtl) -> Response<Full<Bytes>> {
    ctl.reset.notify_one();
    std::future::pending().await
}

async fn read_body(body: Incoming) -> Result<Bytes, bool> {
    match Limited::new(body, MAX_BODY).collect().await {
        Ok(c) => Ok(c.to_bytes()),
        Err(e) => Err(e.downcast_ref::<http_body_util::LengthLimitError>().is_some()),
    }
}

const TRACE_HEADER: HeaderName = HeaderName::from_static("gncp-gw-trace-id");
const RL_RATE: HeaderName = HeaderName::from_static("gncp-gw-ratelimit-replenish-rate");
const RL_BURST: HeaderName = HeaderName::from_static("gncp-gw-ratelimit-burst-capacity");
const RL_REMAINING: HeaderName = HeaderName::from_static("gncp-gw-ratelimit-remaining");
const RESPONSE_TIME: HeaderName = HeaderName::from_static("gncp-gw-httpclient-responsetime");

fn finish(reply: Reply, trace: &str, rate: Option<RateHeaders>) -> Response<Full<Bytes>> {
    finish_timed(reply, trace, rate, None)
}

fn finish_timed(
    reply: Reply,
    trace: &str,
    rate: Option<RateHeaders>,
    started: Option<Instant>,
) -> Response<Full<Bytes>> {
    let mut resp = Response::new(Full::new(Bytes::from(reply.body)));
    *resp.status_mut() = reply.status;
    let h = resp.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_static("application/json;charset=UTF-8"));
    if let Ok(v) = HeaderValue::from_str(trace) {
        h.insert(TRACE_HEADER.clone(), v);
    }
    if let Some(m) = reply.allow
        && let Ok(v) = HeaderValue::from_str(m.as_str())
    {
        h.insert(ALLOW, v);
    }
    if let Some(r) = rate {
        let fmt = |x: f64| {
            if x.fract() == 0.0 { format!("{}", x as u64) } else { format!("{x}") }
        };
        if let Ok(v) = HeaderValue::from_str(&fmt(r.rate)) {
            h.insert(RL_RATE.clone(), v);
        }
        if let Ok(v) = HeaderValue::from_str(&fmt(r.burst)) {
            h.insert(RL_BURST.clone(), v);
        }
        h.insert(RL_REMAINING.clone(), HeaderValue::from(r.remaining));
    }
    if let Some(t) = started {
        h.insert(RESPONSE_TIME.clone(), HeaderValue::from(t.elapsed().as_millis() as u64));
    }
    resp
}

async fn handle(hub: Arc<Hub>, ctl: Arc<ConnCtl>, req: Request<Incoming>) -> Response<Full<Bytes>> {
    let started = Instant::now();
    let primary = hub.primary();
    let trace = primary.next_trace();
    let (parts, body) = req.into_parts();
    let path = parts.uri.path();
    let Some(rest) = path.strip_prefix(BASE_PATH) else {
        return finish(Reply::gw_not_found(&trace, primary.now()), &trace, None);
    };
    if let Some(ctrl_path) = rest.strip_prefix("/_sandbox/") {
        let body = match read_body(body).await {
            Ok(b) => b,
            Err(_) => Bytes::new(),
        };
        let reply = crate::apps::control(&hub, &parts.method, ctrl_path, &body, &trace);
        return finish(reply, &trace, None);
    }
    let (op, param) = match route(&parts.method, rest) {
        Route::Found(op, p) => (op, p.map(str::to_owned)),
        Route::MethodNotAllowed(m) => {
            return finish(Reply::method_not_allowed(m, &trace, primary.now()), &trace, None);
        }
        Route::NotFound => return finish(Reply::gw_not_found(&trace, primary.now()), &trace, None),
    };
    // Which application the request is for: the token names it, the token call's client_id
    // does (its body is read first then, only when there is more than one application).
    let (shared, mut body, early) = if hub.is_single() {
        (primary, Some(body), None)
    } else if op == Op::IssueToken {
        let bytes = match read_body(body).await {
            Ok(b) => b,
            Err(_) => Bytes::new(),
        };
        (hub.by_token_call(parts.uri.query(), &bytes), None, Some(bytes))
    } else {
        (hub.by_authorization(&parts.headers), Some(body), None)
    };
    shared.stats.requests[op.index()].fetch_add(1, Ordering::Relaxed);
    shared.log_request();

    let latency = shared.latency_ms.load(Ordering::Relaxed);
    if latency > 0 {
        tokio::time::sleep(Duration::from_millis(latency)).await;
    }
    let fault = if shared.faults_active.load(Ordering::Relaxed) { lock(&shared.faults).draw() } else { Fault::None };
    match fault {
        Fault::RateLimit => return finish(Reply::rate_limited(&trace, shared.now()), &trace, None),
        Fault::Block => return finish(Reply::blocked(&trace, shared.now()), &trace, None),
        Fault::Internal => return finish(Reply::internal(&trace, shared.now()), &trace, None),
        Fault::ResetBefore => return reset_connection(&ctl).await,
        _ => {}
    }

    let read = match (early, body.take()) {
        (Some(bytes), _) => Ok(bytes),
        (None, Some(body)) => read_body(body).await,
        (None, None) => Ok(Bytes::new()),
    };
    let body = match read {
        Ok(b) => b,
        Err(true) => {
            let r = Reply::error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "4000",
                "요청 본문이 너무 큽니다. (request body over 1 MiB)",
                &trace,
                shared.now(),
            );
            return finish(r, &trace, None);
        }
        // The client went away mid-body: nothing to answer.
        Err(false) => return reset_connection(&ctl).await,
    };

    let (reply, rate) = if op == Op::IssueToken {
        api::issue_token(&shared, &trace, parts.uri.query(), &parts.headers, body).await
    } else {
        let (mut reply, rate) =
            api::handle(&shared, op, param.as_deref(), parts.uri.query(), &parts.headers, &body, &trace);
        // Nulls first, so that the deviation fault may perturb them too.
        if reply.status.is_success() && shared.absent_as_null.load(Ordering::Relaxed) {
            reply.body = crate::absent::with_nulls(op.id(), &reply.body);
        }
        if reply.status.is_success() && shared.deviations_active.load(Ordering::Relaxed) {
            reply.body = lock(&shared.deviations).perturb(&reply.body);
        }
        (reply, rate)
    };

    match fault {
        Fault::TimeoutAfter => finish(Reply::gateway_timeout(&trace, shared.now()), &trace, rate),
        Fault::ResetAfter => reset_connection(&ctl).await,
        _ => finish_timed(reply, &trace, rate, Some(started)),
    }
}

/// Every application the sandbox serves: the one it started with and those `POST _sandbox/apps`
/// added. Each is a whole [`Shared`] of its own; a request finds its application by its token
/// (`sbx<N>.…`) or, for the token call, by its `client_id`.
pub struct Hub {
    apps: std::sync::RwLock<Vec<Arc<Shared>>>,
    shutdown: watch::Receiver<bool>,
}

impl Hub {
    pub fn new(primary: Arc<Shared>, shutdown: watch::Receiver<bool>) -> Hub {
        Hub { apps: std::sync::RwLock::new(vec![primary]), shutdown }
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Vec<Arc<Shared>>> {
        self.apps.read().unwrap_or_else(|e| e.into_inner())
    }

    /// The application the sandbox started with.
    pub fn primary(&self) -> Arc<Shared> {
        self.read()[0].clone()
    }

    fn is_single(&self) -> bool {
        self.read().len() == 1
    }

    /// Every application, the primary first.
    pub fn all(&self) -> Vec<Arc<Shared>> {
        self.read().clone()
    }

    /// The application with this client id.
    pub fn by_client_id(&self, client_id: &str) -> Option<Arc<Shared>> {
        self.read().iter().find(|a| a.client_id == client_id).cloned()
    }

    /// Adds applications (their traffic generators start at once, idle until given a rate).
    pub fn add(&self, make: impl Fn(usize) -> Shared, count: usize) -> Vec<Arc<Shared>> {
        let mut apps = self.apps.write().unwrap_or_else(|e| e.into_inner());
        let mut added = Vec::with_capacity(count);
        for _ in 0..count {
            let app = Arc::new(make(apps.len()));
            tokio::spawn(crate::traffic::run(app.clone(), self.shutdown.clone()));
            apps.push(app.clone());
            added.push(app);
        }
        added
    }

    fn by_token_call(&self, query: Option<&str>, body: &[u8]) -> Arc<Shared> {
        let fields = form_urlencoded::parse(body).chain(form_urlencoded::parse(query.unwrap_or("").as_bytes()));
        for (k, v) in fields {
            if k == "client_id" {
                return self.by_client_id(&v).unwrap_or_else(|| self.primary());
            }
        }
        self.primary()
    }

    fn by_authorization(&self, headers: &http::HeaderMap) -> Arc<Shared> {
        let token = headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.split_once(' '));
        let index = token
            .and_then(|(_, t)| t.trim().strip_prefix("sbx"))
            .and_then(|t| t.split_once('.'))
            .and_then(|(n, _)| n.parse::<usize>().ok());
        let apps = self.read();
        index.and_then(|i| apps.get(i)).unwrap_or(&apps[0]).clone()
    }
}
