//! A client-side token bucket: Cloudflare allows 1200 requests per 5 minutes
//! per user (4 per second sustained) and answers 429 for 5 minutes past it,
//! so the client paces itself instead of finding the limit. A bucket of rate
//! r and burst b admits at most b + r·w requests in any w seconds. Pure: the caller
//! passes a monotonic time in milliseconds and sleeps for the returned wait.

/// Requests per second, with a burst of as many.
#[derive(Clone, Debug)]
pub struct RateLimiter {
    per_ms: f64,
    burst: f64,
    tokens: f64,
    last_ms: Option<u64>,
}

impl RateLimiter {
    /// `requests_per_second` sustained, bursts up to the same number; 0 disables.
    pub fn new(requests_per_second: u32) -> Self {
        let rps = f64::from(requests_per_second);
        RateLimiter { per_ms: rps / 1000.0, burst: rps.max(1.0), tokens: rps.max(1.0), last_ms: None }
    }

    /// Takes one request's token at `now_ms`; returns how long to wait first.
    pub fn acquire(&mut self, now_ms: u64) -> u64 {
        if self.per_ms <= 0.0 {
            return 0;
        }
        if let Some(last) = self.last_ms {
            let elapsed = now_ms.saturating_sub(last) as f64;
            self.tokens = (self.tokens + elapsed * self.per_ms).min(self.burst);
        }
        self.last_ms = Some(now_ms.max(self.last_ms.unwrap_or(0)));
        self.tokens -= 1.0;
        if self.tokens >= 0.0 {
            0
        } else {
            // Borrow from the future: the wait pays the debt back.
            (-self.tokens / self.per_ms).ceil() as u64
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bursts_then_paces_at_the_rate() {
        let mut r = RateLimiter::new(4);
        let waits: Vec<u64> = (0..8).map(|_| r.acquire(0)).collect();
        assert_eq!(waits, [0, 0, 0, 0, 250, 500, 750, 1000]);
    }

    #[test]
    fn never_exceeds_the_rate_over_any_window() {
        // Simulate a client that sends as soon as allowed for 10 simulated seconds.
        let mut r = RateLimiter::new(4);
        let mut now = 0u64;
        let mut sent = Vec::new();
        while now < 10_000 {
            let wait = r.acquire(now);
            now += wait;
            sent.push(now);
        }
        // A bucket of rate r and burst b admits at most b + r·w requests in
        // any window of w seconds.
        for window_ms in [1_000u64, 2_500, 10_000] {
            let bound = 4 + (4 * window_ms).div_ceil(1000) as usize;
            for (i, t) in sent.iter().enumerate() {
                let in_window = sent[i..].iter().take_while(|s| **s < t + window_ms).count();
                assert!(in_window <= bound, "{in_window} requests within {window_ms} ms from {t} ms (bound {bound})");
            }
        }
    }

    #[test]
    fn refills_while_idle_but_not_past_the_burst() {
        let mut r = RateLimiter::new(2);
        assert_eq!((r.acquire(0), r.acquire(0)), (0, 0));
        assert_eq!(r.acquire(60_000), 0);
        assert_eq!(r.acquire(60_000), 0);
        assert_eq!(r.acquire(60_000), 500);
    }

    #[test]
    fn zero_disables() {
        let mut r = RateLimiter::new(0);
        assert!((0..100).all(|_| r.acquire(0) == 0));
    }
}
