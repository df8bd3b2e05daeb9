//! Response bodies: the success envelope, API-server errors and gateway errors.

use http::{Method, StatusCode};
use serde::Serialize;

use crate::input::{Invalid, InvalidInput};
use crate::time::{Millis, Ts};

/// A response before it becomes an HTTP response.
pub struct Reply {
    pub status: StatusCode,
    pub body: Vec<u8>,
    pub allow: Option<Method>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Envelope<'a, T: Serialize> {
    timestamp: Ts,
    trace_id: &'a str,
    data: T,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ErrorBody<'a> {
    code: &'a str,
    message: &'a str,
    timestamp: Ts,
    trace_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    invalid_inputs: Option<&'a [InvalidInput]>,
}

impl Reply {
    /// 200 with `{timestamp, traceId, data}`.
    pub fn ok<T: Serialize>(trace: &str, now: Millis, data: T) -> Reply {
        Reply::json(StatusCode::OK, &Envelope { timestamp: Ts(now), trace_id: trace, data })
    }

    /// Any status with a plain JSON body (token answer, control API).
    pub fn json<T: Serialize + ?Sized>(status: StatusCode, body: &T) -> Reply {
        let mut buf = Vec::with_capacity(1024);
        match serde_json::to_writer(&mut buf, body) {
            Ok(()) => Reply { status, body: buf, allow: None },
            Err(_) => Reply {
                status: StatusCode::INTERNAL_SERVER_ERROR,
                body: br#"{"code":"9999","message":"serialisation failed"}"#.to_vec(),
                allow: None,
            },
        }
    }

    /// An error body `{code, message, timestamp, traceId[, invalidInputs]}`.
    pub fn error(status: StatusCode, code: &str, message: &str, trace: &str, now: Millis) -> Reply {
        Reply::json(status, &ErrorBody { code, message, timestamp: Ts(now), trace_id: trace, invalid_inputs: None })
    }

    /// 400 code 4000 with `invalidInputs`.
    pub fn invalid(inv: &Invalid, trace: &str, now: Millis) -> Reply {
        Reply::json(
            StatusCode::BAD_REQUEST,
            &ErrorBody {
                code: "4000",
                message: "잘못된 요청 파라미터입니다. (invalid request parameters)",
                timestamp: Ts(now),
                trace_id: trace,
                invalid_inputs: Some(&inv.0),
            },
        )
    }

    /// 400 with `code` and `invalidInputs` (the settlement operations answer `BAD_REQUEST`).
    pub fn invalid_coded(code: &str, message: &str, inv: &Invalid, trace: &str, now: Millis) -> Reply {
        Reply::json(
            StatusCode::BAD_REQUEST,
            &ErrorBody { code, message, timestamp: Ts(now), trace_id: trace, invalid_inputs: Some(&inv.0) },
        )
    }

    /// 400 with a specific code and one invalid input.
    pub fn invalid_with_code(
        code: &str,
        message: &str,
        name: &str,
        typ: &'static str,
        trace: &str,
        now: Millis,
    ) -> Reply {
        let mut inv = Invalid::default();
        inv.push(name, typ, message);
        Reply::json(
            StatusCode::BAD_REQUEST,
            &ErrorBody { code, message, timestamp: Ts(now), trace_id: trace, invalid_inputs: Some(&inv.0) },
        )
    }

    pub fn authn(detail: &str, trace: &str, now: Millis) -> Reply {
        let msg = format!("요청을 보낼 권한이 없습니다. ({detail})");
        Reply::error(StatusCode::UNAUTHORIZED, "GW.AUTHN", &msg, trace, now)
    }

    pub fn gw_not_found(trace: &str, now: Millis) -> Reply {
        Reply::error(StatusCode::NOT_FOUND, "GW.NOT_FOUND", "요청하신 리소스를 찾을 수 없습니다.", trace, now)
    }

    pub fn method_not_allowed(allow: Method, trace: &str, now: Millis) -> Reply {
        let msg = format!("허용되지 않은 메서드입니다. (use {allow})");
        let mut r = Reply::error(StatusCode::METHOD_NOT_ALLOWED, "GW.METHOD_NOT_ALLOWED", &msg, trace, now);
        r.allow = Some(allow);
        r
    }

    pub fn rate_limited(trace: &str, now: Millis) -> Reply {
        Reply::error(
            StatusCode::TOO_MANY_REQUESTS,
            "GW.RATE_LIMIT",
            "요청이 많아 서비스를 일시적으로 사용할 수 없습니다.",
            trace,
            now,
        )
    }

    pub fn blocked(trace: &str, now: Millis) -> Reply {
        Reply::error(
            StatusCode::SERVICE_UNAVAILABLE,
            "GW.BLOCK.01",
            "서비스를 일시적으로 사용할 수 없습니다.",
            trace,
            now,
        )
    }

    pub fn internal(trace: &str, now: Millis) -> Reply {
        Reply::error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "GW.INTERNAL_SERVER_ERROR",
            "작업 중 오류가 발생하였습니다.",
            trace,
            now,
        )
    }

    /// 500, as before processing: the sandbox was reset while this request waited (on
    /// `latencyMs`, or the signature check), so it is answered without touching the new state.
    /// An answer rather than a dropped connection: a proxy in front (prism) must see one.
    pub fn reset_meanwhile(trace: &str, now: Millis) -> Reply {
        Reply::error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "GW.INTERNAL_SERVER_ERROR",
            "작업 중 오류가 발생하였습니다. (the sandbox was reset while this request waited; nothing was done)",
            trace,
            now,
        )
    }

    /// 415 from the gateway: a token request with parameters in the query string or no
    /// `Content-Type` (reported live; the code is our guess, Naver's is not public).
    pub fn unsupported_media_type(trace: &str, now: Millis) -> Reply {
        Reply::error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "GW.UNSUPPORTED_MEDIA_TYPE",
            "지원하지 않는 요청 형식입니다.",
            trace,
            now,
        )
    }

    pub fn gateway_timeout(trace: &str, now: Millis) -> Reply {
        Reply::error(StatusCode::GATEWAY_TIMEOUT, "GW.TIMEOUT.01", "요청 대기 시간이 초과되었습니다.", trace, now)
    }
}
