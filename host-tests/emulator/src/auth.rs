//! Authentication as the API does it: an API token (`Authorization: Bearer`)
//! or a global API key (`X-Auth-Email` + `X-Auth-Key`), with the same error
//! codes and statuses, so a client's credential handling can be tested.

use crate::envelope::ApiError;
use crate::log::AuthUsed;
use hyper::header::HeaderMap;
use std::fmt;

/// The credentials the emulator accepts.
#[derive(Clone, Default)]
pub struct Credentials {
    /// Accepted API tokens (`Authorization: Bearer <token>`).
    pub api_tokens: Vec<String>,
    /// Accepted `(email, global API key)` pairs.
    pub api_keys: Vec<(String, String)>,
}

impl fmt::Debug for Credentials {
    /// Counts only: credentials must never reach logs or panic messages.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("api_tokens", &self.api_tokens.len())
            .field("api_keys", &self.api_keys.len())
            .finish()
    }
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).map(|v| v.to_str().unwrap_or(""))
}

/// Which scheme the request presented, valid or not (for the request log).
pub fn presented(headers: &HeaderMap) -> AuthUsed {
    if headers.contains_key("authorization") {
        AuthUsed::Bearer
    } else if headers.contains_key("x-auth-email") || headers.contains_key("x-auth-key") {
        AuthUsed::ApiKey
    } else {
        AuthUsed::None
    }
}

/// Checks the request's credentials. An `Authorization` header takes
/// precedence over `X-Auth-*` headers when both are sent.
pub fn check(credentials: &Credentials, headers: &HeaderMap) -> Result<(), ApiError> {
    if let Some(value) = header(headers, "authorization") {
        let mut parts = value.trim().splitn(2, ' ');
        let scheme = parts.next().unwrap_or("");
        let token = parts.next().unwrap_or("").trim();
        if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() {
            return Err(ApiError::bad_authorization_header());
        }
        return if credentials.api_tokens.iter().any(|t| t == token) {
            Ok(())
        } else {
            Err(ApiError::invalid_token())
        };
    }
    match (
        header(headers, "x-auth-email"),
        header(headers, "x-auth-key"),
    ) {
        (None, None) => Err(ApiError::missing_auth()),
        (Some(email), Some(key))
            if credentials
                .api_keys
                .iter()
                .any(|(e, k)| e.eq_ignore_ascii_case(email) && k == key) =>
        {
            Ok(())
        }
        _ => Err(ApiError::authentication_error()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds() -> Credentials {
        Credentials {
            api_tokens: vec!["tok-secret".into()],
            api_keys: vec![("a@example.com".into(), "key-secret".into())],
        }
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, v.parse().unwrap());
        }
        map
    }

    #[test]
    fn codes_follow_the_api() {
        let c = creds();
        assert_eq!(check(&c, &headers(&[])).unwrap_err().code, 9106);
        assert_eq!(
            check(&c, &headers(&[("authorization", "Bearer tok-secret")])),
            Ok(())
        );
        assert_eq!(
            check(&c, &headers(&[("authorization", "Bearer nope")]))
                .unwrap_err()
                .code,
            9109
        );
        assert_eq!(
            check(&c, &headers(&[("authorization", "Basic abc")]))
                .unwrap_err()
                .code,
            6003
        );
        assert_eq!(
            check(
                &c,
                &headers(&[
                    ("x-auth-email", "a@example.com"),
                    ("x-auth-key", "key-secret")
                ])
            ),
            Ok(())
        );
        assert_eq!(
            check(&c, &headers(&[("x-auth-email", "a@example.com")]))
                .unwrap_err()
                .code,
            10000
        );
        assert_eq!(
            check(
                &c,
                &headers(&[("x-auth-email", "a@example.com"), ("x-auth-key", "x")])
            )
            .unwrap_err()
            .code,
            10000
        );
    }

    #[test]
    fn debug_shows_no_credentials() {
        let shown = format!("{:?}", creds());
        assert!(
            !shown.contains("secret") && !shown.contains("example.com"),
            "{shown}"
        );
    }
}
