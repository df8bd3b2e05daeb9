//! The access token: issued once, shared by every call of a client, renewed before it runs out.
//!
//! Naver's rules: a token lives 3 h; asking again while ≥ 30 min remain returns the same token;
//! below that a new one is issued and the old one stays valid until it expires. Issuing too
//! often gets an application throttled, so issuance is single-flight (however many calls find
//! the cache empty at once, one request is made) and renewal starts 25 min before expiry — where
//! the server is sure to issue a new token. If it still answers with the old one (clocks
//! disagree), the next attempt waits 5 minutes instead of storming.

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use npay_order_api::enums::{GrantType, TokenType};
use npay_order_api::types::TokenRequest;
use reqwest::header::HeaderValue;

use crate::config::{Config, Secret, TokenScope};
use crate::error::{NpayError, Result};
use crate::retry::Effect;
use crate::transport::{CallOptions, Transport};

const RENEW_BEFORE_EXPIRY: Duration = Duration::from_secs(25 * 60);
const RETRY_SAME_TOKEN_AFTER: Duration = Duration::from_secs(5 * 60);
/// Signing a little in the past keeps a server whose clock is slightly behind from seeing a
/// timestamp from its future; the signature stays valid for 5 minutes.
const SIGN_IN_THE_PAST_MS: i64 = 1_000;

/// A token as calls use it: its text, to forget it when the server refuses it, and its
/// `Authorization` value, built once per token (formatting and checking it on every call cost
/// four allocations). `None` if the token cannot be a header value: kept like a good one, so
/// that calls fail with that error instead of issuing anew each time.
#[derive(Clone)]
pub(crate) struct Token {
    pub(crate) text: Arc<str>,
    pub(crate) authorization: Option<HeaderValue>,
}

impl Token {
    fn new(text: String) -> Self {
        let authorization = npay_order_api::bearer_value(&text).ok();
        Token { text: Arc::from(text), authorization }
    }
}

#[derive(Clone)]
struct Cached {
    token: Token,
    expires_at: Instant,
    renew_at: Instant,
}

/// The token cache of one client identity (client id, scope), with what it needs to ask for a
/// token: the credentials and the transport (the token request carries no token itself).
pub(crate) struct TokenManager {
    client_id: String,
    client_secret: Secret,
    scope: TokenScope,
    transport: Arc<Transport>,
    cached: RwLock<Option<Cached>>,
    issuing: tokio::sync::Mutex<()>,
}

impl TokenManager {
    pub(crate) fn new(config: &Config, transport: Arc<Transport>) -> Self {
        TokenManager {
            client_id: config.client_id.clone(),
            client_secret: config.client_secret.clone(),
            scope: config.scope.clone(),
            transport,
            cached: RwLock::new(None),
            issuing: tokio::sync::Mutex::new(()),
        }
    }

    fn current(&self, usable: impl Fn(&Cached) -> bool) -> Option<Token> {
        let cached = self.cached.read().unwrap_or_else(|e| e.into_inner());
        cached.as_ref().filter(|c| usable(c)).map(|c| c.token.clone())
    }

    /// A token to call with: the cached one while it is fresh, otherwise a newly issued one.
    pub(crate) async fn get(&self) -> Result<Token> {
        let fresh = |c: &Cached| Instant::now() < c.renew_at;
        if let Some(token) = self.current(fresh) {
            return Ok(token);
        }
        let _single_flight = self.issuing.lock().await;
        if let Some(token) = self.current(fresh) {
            return Ok(token);
        }
        let previous = self.cached.read().unwrap_or_else(|e| e.into_inner()).clone();
        match self.issue().await {
            Ok(mut issued) => {
                if previous.as_ref().is_some_and(|p| p.token.text == issued.token.text) {
                    issued.renew_at = Instant::now() + RETRY_SAME_TOKEN_AFTER;
                }
                let token = issued.token.clone();
                *self.cached.write().unwrap_or_else(|e| e.into_inner()) = Some(issued);
                Ok(token)
            }
            // A failed renewal is no reason to stop while the old token is still valid.
            Err(error) => match previous.filter(|p| Instant::now() + Duration::from_secs(60) < p.expires_at) {
                Some(previous) => {
                    tracing::warn!(error = %error, "token renewal failed; using the current token until it expires");
                    Ok(previous.token)
                }
                None => Err(error),
            },
        }
    }

    /// Forgets `token` after the server refused it, so that the next [`Self::get`] issues anew.
    pub(crate) fn invalidate(&self, token: &str) {
        let mut cached = self.cached.write().unwrap_or_else(|e| e.into_inner());
        if cached.as_ref().is_some_and(|c| &*c.token.text == token) {
            *cached = None;
        }
    }

    async fn issue(&self) -> Result<Cached> {
        let (type_, account_id) = match &self.scope {
            TokenScope::OwnResources => (TokenType::Self_, None),
            TokenScope::Seller { account_id } => (TokenType::Seller, Some(account_id.clone())),
        };
        let started = Instant::now();
        let call = |api: Arc<npay_order_api::Client>| {
            // A fresh timestamp and signature for every attempt.
            let timestamp = chrono::Utc::now().timestamp_millis() - SIGN_IN_THE_PAST_MS;
            let sign = npay_order_api::signature::sign(&self.client_id, self.client_secret.expose(), timestamp);
            let body = sign.map(|client_secret_sign| TokenRequest {
                account_id: account_id.clone(),
                client_id: self.client_id.clone(),
                client_secret_sign,
                grant_type: GrantType::ClientCredentials,
                timestamp,
                type_: type_.clone(),
            });
            async move {
                let body = body.map_err(|e| npay_order_api::Error::InvalidRequest(e.to_string()))?;
                api.issue_token().body(body).send().await
            }
        };
        let context = npay_order_api::CallContext::default();
        // Boxed: this future lives inside every call's future (a token may be needed), and inline
        // it would make each of them several kilobytes larger — too large for the small stacks
        // of some host threads that poll our futures (the JVM's, through uniffi).
        let response =
            Box::pin(self.transport.send("issueToken", Effect::Read, context, CallOptions::default(), &call)).await?;
        let body = response.into_data();
        if body.access_token.is_empty() || body.expires_in <= 0 {
            return Err(NpayError::UnexpectedResponse {
                operation: "issueToken",
                status: 200,
                message: "the token response has no token or no lifetime".to_owned(),
                trace_id: None,
            });
        }
        let expires_at = started + Duration::from_secs(body.expires_in as u64);
        tracing::debug!(expires_in = body.expires_in, "issued an access token");
        Ok(Cached {
            token: Token::new(body.access_token),
            expires_at,
            renew_at: expires_at.checked_sub(RENEW_BEFORE_EXPIRY).unwrap_or(started),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_carries_its_authorization_value_built_once_and_marked_sensitive() {
        let token = Token::new("abc.def".to_owned());
        let value = token.authorization.clone().expect("a valid header value");
        assert_eq!(value.as_bytes(), b"Bearer abc.def");
        assert!(value.is_sensitive());
        assert!(!format!("{value:?}").contains("abc"), "redacted in Debug");
        assert_eq!(&*token.text, "abc.def");
    }

    #[test]
    fn a_token_that_cannot_be_a_header_value_is_kept_without_one() {
        // Kept (not refused at issuance) so that calls fail with a clear error instead of
        // issuing a new token on every call.
        let token = Token::new("abc\r\nX-Injected: 1".to_owned());
        assert!(token.authorization.is_none());
        assert_eq!(&*token.text, "abc\r\nX-Injected: 1");
    }
}
