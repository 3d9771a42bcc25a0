//! Errors as Terraform diagnostics: a summary a person can act on, the
//! detail, and the attribute it is about. The component's messages never
//! hold a secret; nothing here adds one.

use crate::schema::{self, RESOURCE};
use crate::values::Invalid;
use component_host::plugin::CallError;
use component_host::wit;
use tfplugin6::cty::{Path, PathStep};
use tfplugin6::proto::{diagnostic::Severity, AttributePath, Diagnostic};

/// An error diagnostic, about `attribute` when given.
pub fn error(summary: impl Into<String>, detail: impl Into<String>, attribute: Option<&str>) -> Diagnostic {
    Diagnostic { severity: Severity::Error as i32, summary: summary.into(), detail: detail.into(), attribute: attribute.map(path) }
}

/// A warning diagnostic.
pub fn warning(summary: impl Into<String>, detail: impl Into<String>, attribute: Option<&str>) -> Diagnostic {
    Diagnostic { severity: Severity::Warning as i32, summary: summary.into(), detail: detail.into(), attribute: attribute.map(path) }
}

/// The path of a top-level attribute.
pub fn path(attribute: &str) -> AttributePath {
    Path::root().join(PathStep::Attr(attribute.to_string())).to_proto()
}

/// The attribute the component means by `property` (its camelCase name).
pub fn attribute_of(property: &str) -> Option<&'static str> {
    schema::by_property(&RESOURCE, property).or_else(|| schema::by_property(&schema::DATA_SOURCE, property)).map(|a| a.name)
}

/// A component message in Terraform's words: the component names properties
/// in camelCase (`zoneId`), a Terraform user knows them as `zone_id`, so
/// every whole word that is a property of the resource or the data source
/// becomes its attribute name.
pub fn terraform_words(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        out.push_str(attribute_of(word).unwrap_or(word));
        word.clear();
    };
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// `Invalid <name>` / `<name>: <reason>`, on `attribute` when known.
fn invalid_value(name: &str, reason: &str, attribute: Option<&str>) -> Diagnostic {
    error(format!("Invalid {name}"), format!("{name}: {reason}"), attribute)
}

/// Invalid configuration, one diagnostic per failure, each on its attribute.
pub fn failures(list: &[wit::CheckFailure]) -> Vec<Diagnostic> {
    list.iter()
        .map(|f| {
            let attribute = attribute_of(&f.property);
            invalid_value(attribute.unwrap_or(f.property.as_str()), &terraform_words(&f.reason), attribute)
        })
        .collect()
}

/// Values this provider could not read, one diagnostic each, on its attribute.
pub fn invalid(list: Vec<Invalid>) -> Vec<Diagnostic> {
    list.into_iter().map(|p| invalid_value(p.attribute, &p.reason, Some(p.attribute))).collect()
}

fn api(f: &wit::ApiFailure) -> String {
    component_host::plugin::api_failure_text(f)
}

/// What `rpc` got back from the component, as diagnostics.
pub fn call_error(rpc: &str, e: &CallError) -> Vec<Diagnostic> {
    let e = match e {
        CallError::Component(e) => e,
        CallError::Failed(why) => return vec![error(format!("{rpc}: internal error (please report)"), why.clone(), None)],
    };
    let one = |summary: &str, detail: String| vec![error(summary, detail, None)];
    match e {
        wit::Error::InvalidInput(list) => failures(list),
        wit::Error::Unauthorized(f) => one("Cloudflare refused the credentials", format!("{}. Check api_token (or api_key and email) in the provider block, or CLOUDFLARE_API_TOKEN.", api(f))),
        wit::Error::Forbidden(f) => one("Not allowed by Cloudflare", format!("{}. The API token needs Access: Service Tokens edit rights on this account or zone.", api(f))),
        wit::Error::NotFound(f) => one("Not found at Cloudflare", api(f)),
        wit::Error::RateLimited(r) => {
            let after = r.retry_after_seconds.map(|s| format!(" (retry after {s} s)")).unwrap_or_default();
            one("Cloudflare rate limit", format!("{}{after}; lower requests_per_second or try again later", r.message))
        }
        wit::Error::Api(f) => one("Cloudflare API error", api(f)),
        wit::Error::Transport(m) => one("The request did not complete", m.clone()),
        wit::Error::Internal(m) => one(&format!("{rpc}: internal error (please report)"), m.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_points_at_its_attribute_by_its_terraform_name() {
        let d = failures(&[wit::CheckFailure { property: "accountId".into(), reason: "expected 32 hexadecimal characters".into() }]);
        assert_eq!(d[0].attribute, Some(path("account_id")));
        assert_eq!(d[0].summary, "Invalid account_id");
        assert_eq!(d[0].severity, Severity::Error as i32);
    }

    #[test]
    fn messages_name_attributes_as_terraform_does() {
        assert_eq!(terraform_words("conflicts with zoneId: set exactly one of accountId or zoneId"), "conflicts with zone_id: set exactly one of account_id or zone_id");
        assert_eq!(terraform_words("clientSecretVersion 1 → 2 (clientSecret)"), "client_secret_version 1 → 2 (client_secret)");
        assert_eq!(terraform_words("zoneIds, myzoneId and id stay"), "zoneIds, myzoneId and id stay");
        let d = failures(&[wit::CheckFailure { property: "zoneId".into(), reason: "conflicts with accountId".into() }]);
        assert_eq!(d[0].detail, "zone_id: conflicts with account_id");
    }

    #[test]
    fn api_errors_say_what_to_do() {
        let f = wit::ApiFailure { status: 403, code: Some(10000), message: "Authentication error".into() };
        let d = call_error("ReadResource", &CallError::Component(wit::Error::Unauthorized(f)));
        assert!(d[0].detail.contains("HTTP 403 (Cloudflare code 10000)") && d[0].detail.contains("api_token"), "{d:?}");
    }
}
