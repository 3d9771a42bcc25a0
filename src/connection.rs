//! Where and how to call the API: base URL, credentials, retry and rate
//! settings, with the defaults the official SDKs use.

use crate::secret::Secret;

/// The production API.
pub const DEFAULT_BASE_URL: &str = "https://api.cloudflare.com/client/v4";

/// How to authenticate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Credentials {
    /// `Authorization: Bearer …`.
    ApiToken(Secret),
    /// `X-Auth-Email` + `X-Auth-Key`.
    ApiKey {
        /// Account email.
        email: String,
        /// Global API key.
        key: Secret,
    },
}

/// Retry policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetrySettings {
    /// Attempts per request, including the first.
    pub max_attempts: u32,
    /// First backoff in milliseconds; doubles per attempt.
    pub initial_backoff_ms: u32,
    /// Backoff cap in milliseconds.
    pub max_backoff_ms: u32,
}

impl Default for RetrySettings {
    fn default() -> Self {
        RetrySettings { max_attempts: 3, initial_backoff_ms: 500, max_backoff_ms: 30_000 }
    }
}

/// Everything a call needs besides the operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Connection {
    /// Without a trailing slash, e.g. `https://api.cloudflare.com/client/v4`.
    pub base_url: String,
    /// Credentials.
    pub credentials: Credentials,
    /// Retry policy.
    pub retry: RetrySettings,
    /// Client-side rate limit.
    pub requests_per_second: u32,
}

impl Connection {
    /// A connection with default base URL, retry and rate settings.
    pub fn new(credentials: Credentials) -> Self {
        Connection { base_url: DEFAULT_BASE_URL.to_string(), credentials, retry: RetrySettings::default(), requests_per_second: 4 }
    }

    /// Overrides the base URL (a trailing `/` is dropped).
    pub fn with_base_url(mut self, base_url: &str) -> Self {
        self.base_url = base_url.trim_end_matches('/').to_string();
        self
    }
}
