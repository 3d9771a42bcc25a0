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
    /// Another run holds the state lock (its holder, age and how to clear
    /// it are in the message); nothing was done. Wait for that run to end,
    /// or clear a lock left by a killed run with `--force-unlock`.
    Locked(String),
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
            Error::Locked(m) => write!(f, "state locked: {m}"),
            Error::Internal(m) => write!(f, "internal error (please report): {m}"),
        }
    }
}

impl std::error::Error for Error {}

/// How many characters of an input a message quotes before cutting it.
pub const QUOTE_LIMIT: usize = 80;

/// Quotes input for a message the way `{:?}` does, cut to [`QUOTE_LIMIT`]
/// characters with `…` and the full length noted, so a 20 MB id makes a
/// message of a line, not of 20 MB: `"ffff…"… (20971520 bytes)`.
pub fn quote(s: &str) -> String {
    quote_up_to(s, QUOTE_LIMIT)
}

/// [`quote`] with another cut, for input that only identifies something
/// whole: a Pulumi URN's type alone is 70 characters, its name comes last.
pub fn quote_up_to(s: &str, limit: usize) -> String {
    match s.char_indices().nth(limit) {
        None => format!("{s:?}"),
        Some((cut, _)) => format!("{:?}… ({} bytes)", &s[..cut], s.len()),
    }
}

/// Why bytes read from `path` are not text: the offset of the first invalid
/// byte, and a hint when the file looks like UTF-16 (a byte-order mark).
pub fn not_utf8(path: &str, bytes: &[u8]) -> String {
    let offset = std::str::from_utf8(bytes).err().map_or(0, |e| e.valid_up_to());
    let hint = if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) { " (it looks like UTF-16: save it as UTF-8)" } else { "" };
    format!("{path} is not UTF-8 text: invalid byte at offset {offset}{hint}")
}

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

    #[test]
    fn quotes_are_bounded_and_say_how_long_the_input_was() {
        assert_eq!(quote("1y"), "\"1y\"");
        assert_eq!(quote("a\"b"), "\"a\\\"b\"");
        let long = "f".repeat(20 << 20);
        assert_eq!(quote(&long), format!("\"{}\"… (20971520 bytes)", "f".repeat(QUOTE_LIMIT)));
        let exact = "é".repeat(QUOTE_LIMIT);
        assert_eq!(quote(&exact), format!("{exact:?}"), "80 characters are quoted whole");
        let over = "é".repeat(QUOTE_LIMIT + 1);
        assert_eq!(quote(&over), format!("{:?}… ({} bytes)", "é".repeat(QUOTE_LIMIT), over.len()), "cut on a character boundary");
    }

    #[test]
    fn not_utf8_names_the_offset() {
        assert_eq!(not_utf8("Pulumi.yaml", b"name: \xff"), "Pulumi.yaml is not UTF-8 text: invalid byte at offset 6");
        assert!(not_utf8("p", &[0xff, 0xfe, b'a', 0]).ends_with("offset 0 (it looks like UTF-16: save it as UTF-8)"));
    }
}
