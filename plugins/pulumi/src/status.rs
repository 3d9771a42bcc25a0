//! The component's errors as gRPC statuses the engine (and a person reading
//! its output) can act on. The component's messages never hold a secret;
//! nothing here adds one.

use component_host::wit::{ApiFailure, Error};
use tonic::{Code, Status};

/// The status for an error the component returned.
pub fn component_error(e: &Error) -> Status {
    match e {
        Error::InvalidInput(failures) => {
            let text: Vec<String> = failures.iter().map(|f| format!("{}: {}", f.property, f.reason)).collect();
            Status::invalid_argument(text.join("; "))
        }
        Error::Unauthorized(f) => Status::unauthenticated(api("authentication failed", f)),
        Error::Forbidden(f) => Status::permission_denied(api("not allowed", f)),
        Error::NotFound(f) => Status::not_found(api("not found", f)),
        Error::RateLimited(r) => {
            let after = r.retry_after_seconds.map(|s| format!(" (retry after {s} s)")).unwrap_or_default();
            Status::resource_exhausted(format!("Cloudflare rate limit{after}: {}", r.message))
        }
        Error::Api(f) => Status::new(api_code(f.status), api("Cloudflare API error", f)),
        Error::Transport(m) => Status::unavailable(format!("the request did not complete: {m}")),
        Error::Internal(m) => Status::internal(format!("internal error (please report): {m}")),
    }
}

fn api(what: &str, f: &ApiFailure) -> String {
    format!("{what}: {}", component_host::plugin::api_failure_text(f))
}

/// 5xx: Cloudflare is having trouble, try later; 4xx: the request was refused.
fn api_code(status: u16) -> Code {
    match status {
        500..=599 => Code::Unavailable,
        400 | 422 => Code::InvalidArgument,
        409 => Code::AlreadyExists,
        _ => Code::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use component_host::wit::{CheckFailure, RateLimit};

    fn failure(status: u16) -> ApiFailure {
        ApiFailure { status, code: Some(10000), message: "Authentication error".into() }
    }

    #[test]
    fn each_error_kind_has_the_code_a_caller_can_act_on() {
        let cases = [
            (Error::Unauthorized(failure(401)), Code::Unauthenticated),
            (Error::Forbidden(failure(403)), Code::PermissionDenied),
            (Error::NotFound(failure(404)), Code::NotFound),
            (Error::RateLimited(RateLimit { retry_after_seconds: Some(3), message: "slow down".into() }), Code::ResourceExhausted),
            (Error::Api(failure(502)), Code::Unavailable),
            (Error::Api(failure(400)), Code::InvalidArgument),
            (Error::Api(failure(422)), Code::InvalidArgument),
            (Error::Api(failure(409)), Code::AlreadyExists),
            (Error::Api(failure(418)), Code::Unknown),
            (Error::Api(failure(500)), Code::Unavailable),
            (Error::Transport("connection refused".into()), Code::Unavailable),
            (Error::Internal("bug".into()), Code::Internal),
            (Error::InvalidInput(vec![CheckFailure { property: "name".into(), reason: "required".into() }]), Code::InvalidArgument),
        ];
        for (error, code) in cases {
            assert_eq!(component_error(&error).code(), code, "{error:?}");
        }
    }

    #[test]
    fn messages_carry_the_cloudflare_code_and_the_retry_hint() {
        assert_eq!(component_error(&Error::Forbidden(failure(403))).message(), "not allowed: HTTP 403 (Cloudflare code 10000): Authentication error");
        let limited = component_error(&Error::RateLimited(RateLimit { retry_after_seconds: Some(3), message: "slow down".into() }));
        assert_eq!(limited.message(), "Cloudflare rate limit (retry after 3 s): slow down");
        let failures = vec![CheckFailure { property: "a".into(), reason: "x".into() }, CheckFailure { property: "b".into(), reason: "y".into() }];
        assert_eq!(component_error(&Error::InvalidInput(failures)).message(), "a: x; b: y");
    }
}
