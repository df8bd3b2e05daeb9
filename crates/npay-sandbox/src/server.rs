//! Connection handling (hyper 1 over tokio, one task per connection), request dispatch, faults
//! and the response headers. The state it dispatches to is `state.rs` and `hub.rs`.

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::header::{ALLOW, CONTENT_TYPE, HeaderName, HeaderValue};
use http::{Request, Response, StatusCode};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, watch};

use crate::api;
use crate::faults::Fault;
use crate::hub::Hub;
use crate::reply::Reply;
use crate::router::{Op, Route, route};
use crate::state::{RateHeaders, Shared, lock};

/// Path prefix of everything the sandbox serves.
pub const BASE_PATH: &str = "/npay/partner";
const MAX_BODY: usize = 1 << 20;

/// Per-connection control: a handler asks for the connection to be reset.
struct ConnCtl {
    reset: Notify,
}

/// Accepts connections until `shutdown` turns true.
pub async fn serve(listener: TcpListener, shared: Arc<Shared>, mut shutdown: watch::Receiver<bool>) {
    tokio::spawn(crate::hub::run_traffic(shared.clone(), shutdown.clone()));
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
    let resets = shared.resets();
    shared.stats.requests[op.index()].fetch_add(1, Ordering::Relaxed);
    shared.log_request();

    let latency = shared.latency_ms.load(Ordering::Relaxed);
    if latency > 0 {
        tokio::time::sleep(Duration::from_millis(latency)).await;
    }
    if shared.resets() != resets {
        // Reset while it waited: it belongs to a state that no longer exists.
        return finish(Reply::reset_meanwhile(&trace, shared.now()), &trace, None);
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
