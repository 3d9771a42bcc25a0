//! The connection settings every engine plugin reads — `apiToken`, `apiKey`
//! + `email`, `baseUrl`, `requestsPerSecond`, `requestTimeoutMs`, however the
//! engine spells them — with the CLI's environment variables as fallback,
//! turned into the component's `connection` and the egress its calls get.
//! This is the host's edge: the sandbox has no environment.

use crate::plugin::Egress;
use crate::{origin_of, wit, RateLimiter};
use std::fmt;
use std::sync::Arc;

/// The default API origin when no base URL is set.
pub const DEFAULT_BASE_URL: &str = "https://api.cloudflare.com/client/v4";

/// The rate when none is set: Cloudflare's 1200 requests per 5 minutes.
pub const DEFAULT_REQUESTS_PER_SECOND: u32 = 4;

/// The configuration as the engine gave it. `Debug` hides the secrets.
#[derive(Clone, Default, PartialEq)]
pub struct ProviderConfig {
    pub api_token: Option<String>,
    pub api_key: Option<String>,
    pub email: Option<String>,
    pub base_url: Option<String>,
    pub requests_per_second: Option<u32>,
    pub request_timeout_ms: Option<u32>,
    /// Keys whose value is not known yet (a preview before their source exists).
    pub unknown: Vec<String>,
}

impl fmt::Debug for ProviderConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hidden = |v: &Option<String>| v.as_ref().map(|_| "[secret]");
        f.debug_struct("ProviderConfig")
            .field("api_token", &hidden(&self.api_token))
            .field("api_key", &hidden(&self.api_key))
            .field("email", &self.email)
            .field("base_url", &self.base_url)
            .field("requests_per_second", &self.requests_per_second)
            .field("request_timeout_ms", &self.request_timeout_ms)
            .field("unknown", &self.unknown)
            .finish()
    }
}

impl ProviderConfig {
    /// A global API key without its email, or an email without its key:
    /// the one missing (`email`, or the key as the engine spells it,
    /// `key_setting`) and why, unless either is not known yet.
    pub fn unpaired(&self, key_setting: &'static str) -> Option<(&'static str, String)> {
        let pending = self.unknown.iter().any(|k| k == key_setting || k == "email");
        if self.api_key.is_some() == self.email.is_some() || pending {
            return None;
        }
        let missing = if self.api_key.is_some() { "email" } else { key_setting };
        Some((missing, format!("{key_setting} and email go together (Cloudflare's global API key needs the account's email)")))
    }
}

/// The connection for the component: the engine's configuration first; where it
/// gives no credentials, the environment the CLI reads
/// (`CLOUDFLARE_API_TOKEN`, or `CLOUDFLARE_EMAIL` and `CLOUDFLARE_API_KEY`);
/// likewise `CLOUDFLARE_BASE_URL`, `CLOUDFLARE_REQUESTS_PER_SECOND` and
/// `CLOUDFLARE_REQUEST_TIMEOUT_MS`. Without credentials anywhere, the error
/// says "no Cloudflare credentials: " and `how_to_set` (in the engine's words).
pub fn connection(config: &ProviderConfig, env: impl Fn(&str) -> Option<String>, how_to_set: &str) -> Result<wit::Connection, String> {
    let env = |k: &str| env(k).filter(|v| !v.is_empty());
    let credentials = match (&config.api_token, &config.api_key, &config.email) {
        (Some(token), _, _) => wit::Credentials::ApiToken(token.clone()),
        (None, Some(key), Some(email)) => wit::Credentials::ApiKey(wit::ApiKeyCredentials { email: email.clone(), key: key.clone() }),
        _ => match (env("CLOUDFLARE_API_TOKEN"), env("CLOUDFLARE_EMAIL"), env("CLOUDFLARE_API_KEY")) {
            (Some(token), _, _) => wit::Credentials::ApiToken(token),
            (None, Some(email), Some(key)) => wit::Credentials::ApiKey(wit::ApiKeyCredentials { email, key }),
            _ => {
                return Err(format!("no Cloudflare credentials: {how_to_set}"))
            }
        },
    };
    let number = |k: &str| env(k).and_then(|v| v.parse::<u32>().ok()).filter(|n| *n > 0);
    Ok(wit::Connection {
        base_url: config.base_url.clone().or_else(|| env("CLOUDFLARE_BASE_URL")),
        credentials,
        retry: None,
        requests_per_second: config.requests_per_second.or_else(|| number("CLOUDFLARE_REQUESTS_PER_SECOND")),
        request_timeout_ms: config.request_timeout_ms.or_else(|| number("CLOUDFLARE_REQUEST_TIMEOUT_MS")),
    })
}


/// Where a configured connection's calls may go: its API origin, at its
/// rate, shared by every call of the process.
pub fn egress(conn: &Result<wit::Connection, String>) -> Egress {
    let base = conn.as_ref().ok().and_then(|c| c.base_url.clone()).unwrap_or_else(|| DEFAULT_BASE_URL.to_string());
    let rate = conn.as_ref().ok().and_then(|c| c.requests_per_second).unwrap_or(DEFAULT_REQUESTS_PER_SECOND);
    Egress { origin: origin_of(&base), limiter: Some(Arc::new(RateLimiter::new(rate))) }
}

/// The connection of a call that makes no request (a preview or plan, which
/// may run before any credentials are configured): no credentials, and the
/// caller gives it [`Egress::none`], so nothing could leave anyway.
pub fn offline() -> wit::Connection {
    wit::Connection { base_url: None, credentials: wit::Credentials::ApiToken(String::new()), retry: None, requests_per_second: None, request_timeout_ms: None }
}
