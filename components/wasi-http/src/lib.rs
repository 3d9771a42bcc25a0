//! The components' transport: an [`ApiRequest`] sent over
//! `wasi:http/outgoing-handler` with the `wasi` crate's bindings. The only
//! code that touches HTTP. It sets all three wasi-http timeouts (connect,
//! first byte, between bytes) — the reason it talks to wasi-http directly
//! rather than through waki 0.5, which exposes only the connect timeout — and
//! it paces requests with the client-side rate limiter. Errors describe what
//! happened without repeating a header or a body.
#![cfg(target_arch = "wasm32")]
#![deny(missing_docs)]

use access_service_token::ratelimit::RateLimiter;
use access_service_token::requests::{ApiRequest, Method};
use access_service_token::transport::{RawResponse, Transport, TransportFailure};
use std::sync::Mutex;
use std::time::Duration;
use wasi::http::outgoing_handler;
use wasi::http::types::{ErrorCode, Fields, IncomingBody, Method as WasiMethod, OutgoingBody, OutgoingRequest, RequestOptions, Scheme};
use wasi::io::streams::StreamError;

/// Sends over `wasi:http/outgoing-handler`, paced by the client-side rate limiter.
pub struct WasiTransport {
    connect_timeout: Duration,
    request_timeout: Duration,
    requests_per_second: u32,
}

/// One bucket per component instance: an instance keeps its memory between
/// export calls, so pacing holds across the calls an engine makes, not just
/// within one. Created (or re-created) at the rate the connection asks for.
static LIMITER: Mutex<Option<(u32, std::time::Instant, RateLimiter)>> = Mutex::new(None);

impl WasiTransport {
    /// A transport allowing `requests_per_second` (0: unpaced), giving up on
    /// a response that has not started (or stalls) for `request_timeout`.
    pub fn new(requests_per_second: u32, request_timeout: Duration) -> Self {
        WasiTransport { connect_timeout: Duration::from_secs(10).min(request_timeout), request_timeout, requests_per_second }
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
        WasiTransport::new(4, Duration::from_secs(30))
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
        let in_flight = self.start(base_url, request)?;
        receive(in_flight)
    }

    fn send_all(&mut self, base_url: &str, requests: &[ApiRequest], on_answer: &mut dyn FnMut(usize, Result<RawResponse, TransportFailure>)) {
        let mut slots: Vec<Option<InFlight>> = Vec::with_capacity(requests.len());
        for (i, request) in requests.iter().enumerate() {
            match self.start(base_url, request) {
                Ok(f) => slots.push(Some(f)),
                Err(e) => {
                    slots.push(None);
                    on_answer(i, Err(e));
                }
            }
        }
        // Every request is on its way; hand over each answer as it arrives.
        loop {
            let waiting: Vec<usize> = (0..slots.len()).filter(|i| slots[*i].is_some()).collect();
            if waiting.is_empty() {
                break;
            }
            let ready = {
                let pollables: Vec<_> = waiting.iter().filter_map(|i| slots[*i].as_ref().map(|f| f.future.subscribe())).collect();
                let refs: Vec<&wasi::io::poll::Pollable> = pollables.iter().collect();
                wasi::io::poll::poll(&refs)
            };
            for r in ready {
                let i = waiting[r as usize];
                if let Some(f) = slots[i].take() {
                    on_answer(i, receive(f));
                }
            }
        }
    }

    fn sleep_ms(&mut self, ms: u64) {
        // Blocks on a wasi:clocks pollable (std's sleep on wasip2), not a busy loop.
        std::thread::sleep(Duration::from_millis(ms));
    }
}

/// A request on its way.
struct InFlight {
    what: String,
    future: wasi::http::types::FutureIncomingResponse,
}

impl WasiTransport {
    /// Paces, then sends the request and its body; the answer is awaited later.
    fn start(&mut self, base_url: &str, request: &ApiRequest) -> Result<InFlight, TransportFailure> {
        self.pace();
        let what = format!("{} {}", request.method.as_str(), request.path);
        let not_sent = |why: &str| TransportFailure { message: format!("{what}: {why}"), maybe_sent: false, retryable: false };
        let url = request.url(base_url);
        let (scheme, rest) = url.split_once("://").ok_or_else(|| not_sent("the base URL has no scheme"))?;
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        // One known-length body, as the official SDKs send it (no chunked
        // transfer-encoding); a POST, PUT or DELETE without a body says so with 0.
        let body_bytes: Option<Vec<u8>> = match (&request.body, request.method) {
            (Some(json), _) => Some(json.to_string().into_bytes()),
            (None, Method::Post | Method::Put | Method::Delete) => Some(Vec::new()),
            (None, Method::Get) => None,
        };
        let mut headers: Vec<(String, Vec<u8>)> = request.headers.iter().map(|(k, v)| (k.to_ascii_lowercase(), v.expose().as_bytes().to_vec())).collect();
        if let Some(bytes) = &body_bytes {
            headers.push(("content-length".into(), bytes.len().to_string().into_bytes()));
        }
        let fields = Fields::from_list(&headers).map_err(|_| not_sent("a header holds characters HTTP does not allow"))?;
        let outgoing = OutgoingRequest::new(fields);
        let method = match request.method {
            Method::Get => WasiMethod::Get,
            Method::Post => WasiMethod::Post,
            Method::Put => WasiMethod::Put,
            Method::Delete => WasiMethod::Delete,
        };
        let scheme = match scheme {
            "https" => Scheme::Https,
            "http" => Scheme::Http,
            _ => return Err(not_sent("unsupported URL scheme")),
        };
        let set = outgoing.set_method(&method).is_ok()
            && outgoing.set_scheme(Some(&scheme)).is_ok()
            && outgoing.set_authority(Some(authority)).is_ok()
            && outgoing.set_path_with_query(Some(path)).is_ok();
        if !set {
            return Err(not_sent("the URL is not valid"));
        }
        let body = outgoing.body().map_err(|_| not_sent("no request body"))?;
        let options = RequestOptions::new();
        let nanos = |d: Duration| d.as_nanos().min(u128::from(u64::MAX)) as u64;
        let _ = options.set_connect_timeout(Some(nanos(self.connect_timeout)));
        let _ = options.set_first_byte_timeout(Some(nanos(self.request_timeout)));
        let _ = options.set_between_bytes_timeout(Some(nanos(self.request_timeout)));
        let future = outgoing_handler::handle(outgoing, Some(options)).map_err(|code| failure(&what, &code))?;
        if let Some(bytes) = body_bytes.filter(|b| !b.is_empty()) {
            let stream = body.write().map_err(|_| not_sent("the request body could not be opened"))?;
            // blocking-write-and-flush takes at most 4096 bytes a call; the
            // length is declared up front either way.
            for chunk in bytes.chunks(4096) {
                if stream.blocking_write_and_flush(chunk).is_err() {
                    drop(stream);
                    return Err(self.settle(&what, future));
                }
            }
            drop(stream);
        }
        if OutgoingBody::finish(body, None).is_err() {
            return Err(self.settle(&what, future));
        }
        Ok(InFlight { what, future })
    }
}

/// Waits for the answer of a request on its way and reads its body.
fn receive(in_flight: InFlight) -> Result<RawResponse, TransportFailure> {
    let InFlight { what, future } = in_flight;
    {
        let response = match wait(&future) {
            Ok(r) => r,
            Err(code) => return Err(failure(&what, &code)),
        };
        let status = response.status();
        let headers = response
            .headers()
            .entries()
            .into_iter()
            .map(|(k, v)| (k.to_ascii_lowercase(), String::from_utf8_lossy(&v).into_owned()))
            .collect();
        let lost = || TransportFailure { message: format!("{what}: the connection closed while reading the response body"), maybe_sent: true, retryable: true };
        let incoming = response.consume().map_err(|_| lost())?;
        let stream = incoming.stream().map_err(|_| lost())?;
        let mut bytes = Vec::new();
        loop {
            match stream.blocking_read(64 * 1024) {
                Ok(chunk) => bytes.extend_from_slice(&chunk),
                Err(StreamError::Closed) => break,
                Err(StreamError::LastOperationFailed(_)) => {
                    drop(stream);
                    return Err(lost());
                }
            }
        }
        drop(stream);
        let _ = IncomingBody::finish(incoming);
        Ok(RawResponse { status, headers, body: bytes })
    }
}

impl WasiTransport {
    /// After a failed body write: the response future carries the real reason.
    fn settle(&self, what: &str, future: wasi::http::types::FutureIncomingResponse) -> TransportFailure {
        match wait(&future) {
            Err(code) => failure(what, &code),
            Ok(_) => TransportFailure { message: format!("{what}: the request body could not be sent"), maybe_sent: true, retryable: true },
        }
    }
}

/// Blocks on the response future's pollable until it resolves.
fn wait(future: &wasi::http::types::FutureIncomingResponse) -> Result<wasi::http::types::IncomingResponse, ErrorCode> {
    loop {
        match future.get() {
            Some(Ok(result)) => return result,
            Some(Err(())) => return Err(ErrorCode::InternalError(Some("the response was already taken".into()))),
            None => future.subscribe().block(),
        }
    }
}

/// Whether the request may have reached the server decides if a create can
/// be retried; only failures before any byte left count as "not sent".
fn failure(what: &str, code: &ErrorCode) -> TransportFailure {
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
    let retryable = !matches!(code, ErrorCode::HttpRequestDenied | ErrorCode::HttpRequestUriInvalid);
    let why = match code {
        ErrorCode::HttpRequestDenied => "refused by the host's outgoing-request policy".to_string(),
        ErrorCode::ConnectionRefused => "connection refused".to_string(),
        ErrorCode::ConnectionTerminated => "the connection was closed before a response".to_string(),
        ErrorCode::HttpResponseIncomplete => "the response was incomplete".to_string(),
        ErrorCode::HttpProtocolError => "the connection closed without a valid HTTP response".to_string(),
        ErrorCode::ConnectionReadTimeout => "timed out waiting for the response".to_string(),
        ErrorCode::ConnectionTimeout => "timed out connecting".to_string(),
        other => format!("{other:?}"),
    };
    TransportFailure { message: format!("{what}: {why}"), maybe_sent, retryable }
}
