//! What may leave the sandbox: requests to the one configured API origin,
//! no faster than the process-wide rate. Everything else is refused before a
//! connection is made, and recorded, so a test can show that it was tried.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use wasmtime_wasi_http::{RequestOptions, WasiBody, WasiHttpHooks};

/// `scheme://authority` of a URL, lower-cased, with the default port made
/// explicit and any user information dropped.
pub fn origin_of(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("https", url));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let authority = authority.rsplit('@').next().unwrap_or(authority).to_ascii_lowercase();
    let scheme = scheme.to_ascii_lowercase();
    let has_port = authority.rsplit_once(':').is_some_and(|(_, p)| p.chars().all(|c| c.is_ascii_digit()) && !authority.ends_with(']'));
    if has_port {
        format!("{scheme}://{authority}")
    } else {
        let port = if scheme == "http" { 80 } else { 443 };
        format!("{scheme}://{authority}:{port}")
    }
}

/// Spaces requests evenly at `per_second` across every session that shares
/// it. Each component instance limits its own requests too, but a host that
/// runs calls in parallel (Pulumi creates independent resources at once)
/// needs one limit over all of them, or ten instances would make ten times
/// the calls Cloudflare allows.
#[derive(Debug)]
pub struct RateLimiter {
    interval: Duration,
    next_free: Mutex<Option<Instant>>,
}

impl RateLimiter {
    /// A limiter allowing `per_second` requests a second (at least 1).
    pub fn new(per_second: u32) -> RateLimiter {
        RateLimiter { interval: Duration::from_secs(1) / per_second.max(1), next_free: Mutex::new(None) }
    }

    /// Reserves the first free slot at or after `now` and returns when it starts.
    pub fn reserve_at(&self, now: Instant) -> Instant {
        let mut next = self.next_free.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let slot = next.map_or(now, |n| n.max(now));
        *next = Some(slot + self.interval);
        slot
    }

    /// Waits for a slot.
    pub async fn acquire(&self) {
        let slot = self.reserve_at(Instant::now());
        tokio::time::sleep_until(tokio::time::Instant::from_std(slot)).await;
    }
}

/// The egress policy of one session.
pub struct EgressPolicy {
    allowed_origin: String,
    refused: Arc<Mutex<Vec<String>>>,
    limiter: Option<Arc<RateLimiter>>,
}

impl EgressPolicy {
    /// Lets requests reach `allowed` (any URL: its origin is taken), paced by
    /// `limiter` when given; refusals are appended to `refused`.
    pub fn new(allowed: &str, refused: Arc<Mutex<Vec<String>>>, limiter: Option<Arc<RateLimiter>>) -> EgressPolicy {
        EgressPolicy { allowed_origin: origin_of(allowed), refused, limiter }
    }
}

type SendResult = wasmtime_wasi_http::Result<(http::Response<WasiBody>, Box<dyn Future<Output = wasmtime_wasi_http::Result<()>> + Send>)>;

impl WasiHttpHooks for EgressPolicy {
    fn send_request(
        &mut self,
        request: http::Request<WasiBody>,
        options: Option<RequestOptions>,
        fut: Box<dyn Future<Output = wasmtime_wasi_http::Result<()>> + Send>,
    ) -> Box<dyn Future<Output = SendResult> + Send> {
        let origin = origin_of(&request.uri().to_string());
        if origin != self.allowed_origin {
            if let Ok(mut r) = self.refused.lock() {
                r.push(origin);
            }
            // Drain the (small, bounded) body first, so the guest's write
            // succeeds and it sees the real reason: `http-request-denied`.
            let body = http_body_util::Limited::new(request.into_body(), 1 << 20);
            return Box::new(async move {
                use http_body_util::BodyExt;
                let _ = body.collect().await;
                Err(wasmtime_wasi_http::Error::HttpRequestDenied)
            });
        }
        let _ = fut;
        let limiter = self.limiter.clone();
        Box::new(async move {
            use http_body_util::BodyExt;
            if let Some(limiter) = limiter {
                limiter.acquire().await;
            }
            let (res, io) = wasmtime_wasi_http::default_send_request(request, options).await?;
            Ok((res.map(BodyExt::boxed_unsync), Box::new(io) as Box<dyn Future<Output = _> + Send>))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_normalised_and_user_information_dropped() {
        assert_eq!(origin_of("http://127.0.0.1:8080/client/v4"), "http://127.0.0.1:8080");
        assert_eq!(origin_of("HTTPS://API.Cloudflare.com/client/v4"), "https://api.cloudflare.com:443");
        assert_eq!(origin_of("http://user:pw@example.com/x"), "http://example.com:80");
    }

    #[test]
    fn the_limiter_spaces_reservations_evenly_and_does_not_bank_idle_time() {
        let limiter = RateLimiter::new(4);
        let t0 = Instant::now();
        let slots: Vec<_> = (0..3).map(|_| limiter.reserve_at(t0) - t0).collect();
        assert_eq!(slots, [Duration::ZERO, Duration::from_millis(250), Duration::from_millis(500)]);
        // After a long pause the next request goes at once, and the one after
        // waits a full interval: idle time is not saved up into a burst.
        let later = t0 + Duration::from_secs(10);
        assert_eq!(limiter.reserve_at(later), later);
        assert_eq!(limiter.reserve_at(later), later + Duration::from_millis(250));
    }
}
