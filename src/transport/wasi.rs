//! The component's transport: an [`ApiRequest`] sent over wasi-http through
//! the waki client. The only code that touches HTTP. Errors describe what
//! happened without repeating a header or a body.

use super::{RawResponse, Transport, TransportFailure};
use crate::ratelimit::RateLimiter;
use crate::requests::{ApiRequest, Method};
use std::sync::Mutex;
use std::time::Duration;
use waki::header::{HeaderName, HeaderValue};
use waki::{Client, ErrorCode};

/// Sends over `wasi:http/outgoing-handler`, paced by the client-side rate limiter.
pub struct WasiTransport {
    connect_timeout: Duration,
    requests_per_second: u32,
}

/// One bucket per component instance: an instance keeps its memory between
/// export calls, so pacing holds across the calls an engine makes, not just
/// within one. Created (or re-created) at the rate the connection asks for.
static LIMITER: Mutex<Option<(u32, std::time::Instant, RateLimiter)>> = Mutex::new(None);

impl WasiTransport {
    /// A transport allowing `requests_per_second` (0: unpaced).
    pub fn new(requests_per_second: u32) -> Self {
        WasiTransport { connect_timeout: Duration::from_secs(10), requests_per_second }
    }

    fn pace(&mut self) {
        let wait = {
            let mut guard = LIMITER.lock().unwrap_or_else(|e| e.into_inner());
            if guard.as_ref().is_none_or(|(rps, _, _)| *rps != self.requests_per_second) {
                *guard = Some((self.requests_per_second, std::time::Instant::now(), RateLimiter::new(self.requests_per_second)));
            }
            match guard.as_mut() {
                Some((_, start, limiter)) => limiter.acquire(start.elapsed().as_millis() as u64),
                None => 0,
            }
        };
        if wait > 0 {
            self.sleep_ms(wait);
        }
    }
}

impl Default for WasiTransport {
    fn default() -> Self {
        WasiTransport::new(4)
    }
}

impl Transport for WasiTransport {
    fn random_u64(&mut self) -> u64 {
        wasi::random::random::get_random_u64()
    }

    fn now(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        Some(chrono::Utc::now())
    }

    fn send(&mut self, base_url: &str, request: &ApiRequest) -> Result<RawResponse, TransportFailure> {
        self.pace();
        let method = match request.method {
            Method::Get => waki::Method::Get,
            Method::Post => waki::Method::Post,
            Method::Put => waki::Method::Put,
            Method::Delete => waki::Method::Delete,
        };
        let url = request.url(base_url);
        let mut builder = Client::new().request(method, &url).connect_timeout(self.connect_timeout);
        for (name, value) in &request.headers {
            let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| not_sent(format!("invalid header name {name:?}")))?;
            let value = HeaderValue::from_str(value.expose())
                .map_err(|_| not_sent(format!("the {name} header holds characters HTTP does not allow")))?;
            builder = builder.header(name, value);
        }
        if let Some(body) = &request.body {
            builder = builder.body(body.to_string());
        }
        let response = builder.send().map_err(|e| failure(e, request))?;
        let status = response.status_code();
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_ascii_lowercase(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect();
        let body = response.body().map_err(|_| TransportFailure {
            message: format!("{} {}: the connection closed while reading the response body", request.method.as_str(), request.path),
            maybe_sent: true,
            retryable: true,
        })?;
        Ok(RawResponse { status, headers, body })
    }

    fn sleep_ms(&mut self, ms: u64) {
        // std's sleep on wasip2 blocks on a wasi:clocks pollable, not a busy loop.
        std::thread::sleep(Duration::from_millis(ms));
    }
}

fn not_sent(message: String) -> TransportFailure {
    TransportFailure { message, maybe_sent: false, retryable: false }
}

/// Whether the request may have reached the server decides if a create can
/// be retried; only failures before any byte left count as "not sent".
fn failure(error: anyhow::Error, request: &ApiRequest) -> TransportFailure {
    let what = format!("{} {}", request.method.as_str(), request.path);
    match error.downcast_ref::<ErrorCode>() {
        Some(code) => {
            let maybe_sent = !matches!(
                code,
                ErrorCode::DnsTimeout
                    | ErrorCode::DnsError(_)
                    | ErrorCode::DestinationNotFound
                    | ErrorCode::DestinationUnavailable
                    | ErrorCode::DestinationIpProhibited
                    | ErrorCode::DestinationIpUnroutable
                    | ErrorCode::ConnectionRefused
                    | ErrorCode::ConnectionTimeout
                    | ErrorCode::TlsProtocolError
                    | ErrorCode::TlsCertificateError
                    | ErrorCode::HttpRequestDenied
                    | ErrorCode::HttpRequestUriInvalid
            );
            let why = match code {
                ErrorCode::HttpRequestDenied => "refused by the host's outgoing-request policy".to_string(),
                ErrorCode::ConnectionRefused => "connection refused".to_string(),
                ErrorCode::ConnectionTerminated => "the connection was closed before a response".to_string(),
                ErrorCode::HttpResponseIncomplete => "the response was incomplete".to_string(),
                other => format!("{other:?}"),
            };
            let retryable = !matches!(code, ErrorCode::HttpRequestDenied | ErrorCode::HttpRequestUriInvalid);
            TransportFailure { message: format!("{what}: {why}"), maybe_sent, retryable }
        }
        // Not an HTTP error code: a local stream failure while writing the
        // request; the server may have seen part of it.
        None => TransportFailure { message: format!("{what}: {error}"), maybe_sent: true, retryable: true },
    }
}
