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

/// Everything a call needs besides the operation. Its `Debug` shows the base
/// URL without user information (see [`redact_url`]).
#[derive(Clone, PartialEq, Eq)]
pub struct Connection {
    /// Without a trailing slash, e.g. `https://api.cloudflare.com/client/v4`.
    pub base_url: String,
    /// Credentials.
    pub credentials: Credentials,
    /// Retry policy.
    pub retry: RetrySettings,
    /// Client-side rate limit.
    pub requests_per_second: u32,
    /// How long a request may wait for its response (first byte, or between
    /// bytes) before it fails and is retried.
    pub request_timeout_ms: u32,
}

impl Connection {
    /// A connection with default base URL, retry and rate settings.
    pub fn new(credentials: Credentials) -> Self {
        Connection {
            base_url: DEFAULT_BASE_URL.to_string(),
            credentials,
            retry: RetrySettings::default(),
            requests_per_second: 4,
            request_timeout_ms: 30_000,
        }
    }

    /// Overrides the base URL (a trailing `/` is dropped).
    pub fn with_base_url(mut self, base_url: &str) -> Self {
        self.base_url = base_url.trim_end_matches('/').to_string();
        self
    }
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("base_url", &redact_url(&self.base_url))
            .field("credentials", &self.credentials)
            .field("retry", &self.retry)
            .field("requests_per_second", &self.requests_per_second)
            .field("request_timeout_ms", &self.request_timeout_ms)
            .finish()
    }
}

/// A URL as a message may show it: user information (`user:password@`)
/// replaced by `[redacted]@`, so a password written into a base URL never
/// reaches a terminal or a log. Every message that quotes a URL uses this.
pub fn redact_url(url: &str) -> String {
    let (scheme, rest) = match url.find("://") {
        Some(i) => url.split_at(i + 3),
        None => ("", url),
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}[redacted]{}", &rest[at..]),
        None => url.to_string(),
    }
}

/// Credentials go only to an `https` base URL, or `http` on a loopback
/// address (the local emulator). Anything else is refused before any call.
pub fn check_egress(base_url: &str) -> Result<(), crate::Error> {
    let refuse = |why: &str| {
        crate::Error::invalid(
            "baseUrl",
            format!("{why}: credentials are sent only to https URLs, or to http on a loopback address (127.0.0.0/8, ::1, localhost); found {}", crate::error::quote(&redact_url(base_url))),
        )
    };
    let (scheme, rest) = base_url.split_once("://").ok_or_else(|| refuse("not a URL"))?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.is_empty() || authority.contains('@') {
        return Err(refuse("no host, or user information in the URL"));
    }
    match scheme.to_ascii_lowercase().as_str() {
        "https" => Ok(()),
        "http" if is_loopback(authority) => Ok(()),
        "http" => Err(refuse("plain http to a host that is not loopback")),
        _ => Err(refuse("unsupported scheme")),
    }
}

fn is_loopback(authority: &str) -> bool {
    let host = if let Some(rest) = authority.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        authority.rsplit_once(':').map_or(authority, |(h, port)| if port.chars().all(|c| c.is_ascii_digit()) { h } else { authority })
    };
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::{check_egress, redact_url};

    #[test]
    fn https_anywhere_http_only_on_loopback() {
        for ok in [
            "https://api.cloudflare.com/client/v4",
            "http://127.0.0.1:8787/client/v4",
            "http://127.1.2.3/client/v4",
            "http://localhost:9/x",
            "http://[::1]:8787/client/v4",
        ] {
            assert!(check_egress(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://api.cloudflare.com/client/v4",
            "http://10.0.0.1/client/v4",
            "http://127.0.0.1.evil.example/x",
            "http://localhost.evil.example/x",
            "ftp://127.0.0.1/x",
            "https://user:pass@api.cloudflare.com/",
            "api.cloudflare.com/client/v4",
            "http:///x",
        ] {
            let err = check_egress(bad).unwrap_err().to_string();
            assert!(err.contains("credentials are sent only to https URLs"), "{bad}: {err}");
        }
    }

    #[test]
    fn user_information_never_reaches_a_message() {
        let err = check_egress("https://user:hunter2@api.cloudflare.com/client/v4").unwrap_err().to_string();
        assert!(err.ends_with("found \"https://[redacted]@api.cloudflare.com/client/v4\""), "{err}");
        assert!(!err.contains("hunter2") && !err.contains("user:"), "{err}");
        let err = check_egress("ftp://me:pw@127.0.0.1/x").unwrap_err().to_string();
        assert!(err.ends_with("found \"ftp://[redacted]@127.0.0.1/x\""), "{err}");
        let err = check_egress("me:pw@example.com/x").unwrap_err().to_string();
        assert!(err.ends_with("found \"[redacted]@example.com/x\""), "{err}");
        assert_eq!(redact_url("https://a:b@c@host:8443/p@q?x=@#@"), "https://[redacted]@host:8443/p@q?x=@#@");
        assert_eq!(redact_url("https://api.cloudflare.com/client/v4"), "https://api.cloudflare.com/client/v4");
        let conn = super::Connection::new(super::Credentials::ApiToken(crate::secret::Secret::new("t"))).with_base_url("https://u:hunter2@h/x");
        let debug = format!("{conn:?}");
        assert!(!debug.contains("hunter2") && debug.contains("[redacted]@h/x"), "{debug}");
    }
}
