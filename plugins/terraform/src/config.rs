//! The provider block: `api_token`, `api_key` + `email`, `base_url`,
//! `requests_per_second`, `request_timeout_ms`, each falling back to the
//! environment variable the CLI reads (see [`component_host::connect`]).

use crate::diagnostics;
use crate::values::{self, Invalid};
use component_host::connect::ProviderConfig;
use tfplugin6::cty::Value;
use tfplugin6::proto::Diagnostic;

/// How to give credentials, in Terraform's words.
pub const HOW_TO_SET: &str = "set api_token in the provider \"cfaccess\" block or CLOUDFLARE_API_TOKEN, or api_key and email (CLOUDFLARE_API_KEY and CLOUDFLARE_EMAIL)";

/// Reads the provider block; values not known yet are listed, not refused
/// (`terraform validate` sends them).
pub fn parse(config: &Value) -> Result<ProviderConfig, Vec<Diagnostic>> {
    let mut parsed = ProviderConfig::default();
    let mut problems: Vec<Invalid> = Vec::new();
    for name in ["api_token", "api_key", "email", "base_url", "requests_per_second", "request_timeout_ms"] {
        if values::unknown(config, name) {
            parsed.unknown.push(name.to_string());
        }
    }
    let text = |name: &'static str, problems: &mut Vec<Invalid>| match values::text(config, name) {
        Some(s) if s.is_empty() => {
            problems.push(Invalid { attribute: name, reason: "must not be empty".into() });
            None
        }
        other => other,
    };
    parsed.api_token = text("api_token", &mut problems);
    parsed.api_key = text("api_key", &mut problems);
    parsed.email = text("email", &mut problems);
    parsed.base_url = text("base_url", &mut problems);
    for (name, slot) in [("requests_per_second", &mut parsed.requests_per_second), ("request_timeout_ms", &mut parsed.request_timeout_ms)] {
        match values::whole(config, name, 1, i64::from(u32::MAX)) {
            Ok(n) => *slot = n.map(|n| n as u32),
            Err(e) => problems.push(e),
        }
    }
    if let Some((attribute, reason)) = parsed.unpaired("api_key") {
        problems.push(Invalid { attribute, reason });
    }
    if problems.is_empty() {
        Ok(parsed)
    } else {
        Err(diagnostics::invalid(problems))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tfplugin6::cty::Number;

    #[test]
    fn a_key_needs_its_email_unless_the_email_is_not_known_yet() {
        let d = parse(&Value::object([("api_key", Value::from("k"))])).unwrap_err();
        assert_eq!(d[0].summary, "Invalid email");
        assert!(parse(&Value::object([("api_key", Value::from("k")), ("email", Value::Unknown)])).is_ok());
    }

    #[test]
    fn numbers_are_positive_and_secrets_never_reach_a_message() {
        let d = parse(&Value::object([("api_token", Value::from("s3cr3t-token")), ("requests_per_second", Value::Number(Number::from(0i64)))])).unwrap_err();
        assert_eq!(d.len(), 1);
        assert!(!format!("{d:?}").contains("s3cr3t"));
        let ok = parse(&Value::object([("api_token", Value::from("s3cr3t-token")), ("request_timeout_ms", Value::Number(Number::from(1500i64)))])).unwrap();
        assert_eq!(ok.request_timeout_ms, Some(1500));
        assert!(!format!("{ok:?}").contains("s3cr3t"), "Debug hides the token");
    }
}
