//! The one error type of the crate. Each kind is something a caller can act
//! on (fix the input, fix credentials, retry later, report a bug); each
//! message is something a person can act on. No message carries a secret:
//! errors are built from Cloudflare's codes and messages, HTTP statuses and
//! our own text, never from request headers or secret fields.

use std::fmt;

/// One reason why inputs are not acceptable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckFailure {
    /// camelCase property name (`accountId`).
    pub property: String,
    /// What was expected and what was found.
    pub reason: String,
}

impl CheckFailure {
    /// A failure of `property`.
    pub fn new(property: impl Into<String>, reason: impl Into<String>) -> Self {
        CheckFailure { property: property.into(), reason: reason.into() }
    }
}

/// A failure the API reported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiFailure {
    /// HTTP status.
    pub status: u16,
    /// Cloudflare's first error code; `None` when the body was not the envelope.
    pub code: Option<u32>,
    /// Cloudflare's messages joined with `; `, or a description of the body.
    pub message: String,
}

impl fmt::Display for ApiFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.code {
            Some(code) => write!(f, "HTTP {}, Cloudflare error {code}: {}", self.status, self.message),
            None => write!(f, "HTTP {}: {}", self.status, self.message),
        }
    }
}

/// Every error of this crate.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// Inputs are not acceptable; nothing was sent.
    InvalidInput(Vec<CheckFailure>),
    /// Authentication failed.
    Unauthorized(ApiFailure),
    /// Authenticated but not allowed.
    Forbidden(ApiFailure),
    /// The token or its scope does not exist.
    NotFound(ApiFailure),
    /// HTTP 429.
    RateLimited {
        /// From the `retry-after` header, when present.
        retry_after_seconds: Option<u64>,
        /// Cloudflare's message.
        message: String,
    },
    /// Any other API failure.
    Api(ApiFailure),
    /// The request did not complete.
    Transport(String),
    /// A bug or an impossible response.
    Internal(String),
}

impl Error {
    /// An `InvalidInput` with a single failure.
    pub fn invalid(property: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::InvalidInput(vec![CheckFailure::new(property, reason)])
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidInput(failures) => {
                f.write_str("invalid input: ")?;
                for (i, fail) in failures.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    write!(f, "{}: {}", fail.property, fail.reason)?;
                }
                Ok(())
            }
            Error::Unauthorized(a) => write!(
                f,
                "authentication failed ({a}); check CLOUDFLARE_API_TOKEN, or CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY"
            ),
            Error::Forbidden(a) => {
                write!(f, "forbidden ({a}); the credentials lack Access: Service Tokens permission on this account or zone")
            }
            Error::NotFound(a) => write!(f, "not found ({a})"),
            Error::RateLimited { retry_after_seconds: Some(s), message } => {
                write!(f, "rate limited by Cloudflare ({message}); retry after {s} s")
            }
            Error::RateLimited { retry_after_seconds: None, message } => {
                write!(f, "rate limited by Cloudflare ({message}); retry later")
            }
            Error::Api(a) => write!(f, "Cloudflare API error ({a})"),
            Error::Transport(m) => write!(f, "request failed: {m}"),
            Error::Internal(m) => write!(f, "internal error (please report): {m}"),
        }
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_say_what_to_do() {
        let e = Error::Unauthorized(ApiFailure { status: 403, code: Some(9109), message: "Invalid access token".into() });
        let s = e.to_string();
        assert!(s.contains("9109") && s.contains("Invalid access token") && s.contains("CLOUDFLARE_API_TOKEN"), "{s}");
        let e = Error::InvalidInput(vec![
            CheckFailure::new("accountId", "conflicts with zoneId"),
            CheckFailure::new("zoneId", "conflicts with accountId"),
        ]);
        assert_eq!(e.to_string(), "invalid input: accountId: conflicts with zoneId; zoneId: conflicts with accountId");
        let e = Error::RateLimited { retry_after_seconds: Some(30), message: "slow down".into() };
        assert!(e.to_string().contains("retry after 30 s"));
    }
}
