//! Shared by the CLI's tests: a Standard Webhooks receiver.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use rand::{Rng, SeedableRng};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The signing secret the tests give the watcher (24 bytes).
pub const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// What the receiver saw.
#[derive(Default)]
pub struct Received {
    /// Ids of the deliveries it accepted (verified), in order; tests may push markers in between.
    pub verified: Vec<String>,
    /// Requests answered 500.
    pub refused: usize,
    /// Requests whose signature did not verify.
    pub bad_signatures: usize,
}

/// A receiver answering 500 to 20 % of requests (before verifying) and 204 to the others,
/// or 410 to everything when `gone`.
pub async fn receiver(gone: bool) -> (String, Arc<Mutex<Received>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let received = Arc::new(Mutex::new(Received::default()));
    let state = received.clone();
    let rng = Arc::new(Mutex::new(rand::rngs::StdRng::seed_from_u64(20)));
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else { return };
            let (state, rng) = (state.clone(), rng.clone());
            tokio::spawn(async move {
                loop {
                    let mut data = Vec::new();
                    let mut buffer = [0u8; 8192];
                    let head_end = loop {
                        if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
                            break i + 4;
                        }
                        match socket.read(&mut buffer).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => data.extend_from_slice(&buffer[..n]),
                        }
                    };
                    let head = String::from_utf8_lossy(&data[..head_end]).to_string();
                    let mut headers = http::HeaderMap::new();
                    for line in head.lines().skip(1) {
                        if let Some((k, v)) = line.split_once(':')
                            && let (Ok(k), Ok(v)) =
                                (k.trim().to_ascii_lowercase().parse::<http::HeaderName>(), v.trim().parse())
                        {
                            headers.insert(k, v);
                        }
                    }
                    let length: usize =
                        headers.get("content-length").and_then(|v| v.to_str().ok()?.parse().ok()).unwrap_or(0);
                    while data.len() < head_end + length {
                        match socket.read(&mut buffer).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => data.extend_from_slice(&buffer[..n]),
                        }
                    }
                    let body = &data[head_end..head_end + length];
                    let status = if gone {
                        "410 Gone"
                    } else if rng.lock().unwrap().random_bool(0.2) {
                        state.lock().unwrap().refused += 1;
                        "500 Internal Server Error"
                    } else {
                        let verifier = standardwebhooks::Webhook::new(SECRET).unwrap();
                        let mut state = state.lock().unwrap();
                        match verifier.verify(body, &headers) {
                            Ok(()) => {
                                let event: Value = serde_json::from_slice(body).unwrap();
                                assert_eq!(headers["webhook-id"].to_str().unwrap(), event["id"].as_str().unwrap());
                                state.verified.push(event["id"].as_str().unwrap().to_owned());
                                "204 No Content"
                            }
                            Err(_) => {
                                state.bad_signatures += 1;
                                "400 Bad Request"
                            }
                        }
                    };
                    let reply = format!("HTTP/1.1 {status}\r\nContent-Length: 0\r\n\r\n");
                    if socket.write_all(reply.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (url, received)
}
