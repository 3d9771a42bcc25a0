//! The provider's own configuration (`apiToken`, `apiKey`, `email`,
//! `baseUrl`, `requestsPerSecond`, `requestTimeoutMs`), from the program's
//! config with the CLI's environment variables as fallback, turned into the
//! component's `connection`. This is the host's edge: the sandbox has no
//! environment, so the plugin reads it and hands the result in.

pub use component_host::connect::ProviderConfig;
use serde_json::{Map, Value};

/// The package name: config keys may arrive as `<package>:config:<key>`.
pub const PACKAGE: &str = "cloudflare-access-service-token";
const SECRET_SIG: &str = "4dabf18193072939515e22adb298388d";
const UNKNOWN: &str = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/// Keys the engine itself may add to a provider's inputs.
const RESERVED: [&str; 3] = ["version", "pluginDownloadURL", "pluginChecksums"];
const KEYS: [&str; 6] = ["apiToken", "apiKey", "email", "baseUrl", "requestsPerSecond", "requestTimeoutMs"];

/// One reason the configuration is not acceptable.
#[derive(Clone, Debug, PartialEq)]
pub struct Failure {
    pub property: String,
    pub reason: String,
}

/// The connection for the component; see [`component_host::connect::connection`].
pub fn connection(config: &ProviderConfig, env: impl Fn(&str) -> Option<String>) -> Result<component_host::wit::Connection, String> {
    let how = format!("set {PACKAGE}:apiToken (`pulumi config set --secret {PACKAGE}:apiToken …`) or CLOUDFLARE_API_TOKEN, or apiKey and email (CLOUDFLARE_API_KEY and CLOUDFLARE_EMAIL)");
    component_host::connect::connection(config, env, &how)
}

/// Reads a config bag (`CheckConfig` news, `Configure` args, or the older
/// `variables` map as strings), reporting every failure at once.
pub fn parse(bag: &Map<String, Value>) -> Result<ProviderConfig, Vec<Failure>> {
    let mut config = ProviderConfig::default();
    let mut failures = Vec::new();
    for (raw_key, raw) in bag {
        let key = raw_key.strip_prefix(PACKAGE).and_then(|k| k.strip_prefix(":config:")).unwrap_or(raw_key);
        if RESERVED.contains(&key) || key.starts_with("__") {
            continue;
        }
        let value = unwrap_secret(raw);
        if value.is_null() {
            continue;
        }
        if value.as_str() == Some(UNKNOWN) {
            config.unknown.push(key.to_string());
            continue;
        }
        let mut fail = |reason: String| failures.push(Failure { property: key.to_string(), reason });
        match key {
            "apiToken" | "apiKey" | "email" | "baseUrl" => match value.as_str() {
                Some(s) if !s.is_empty() => {
                    let slot = match key {
                        "apiToken" => &mut config.api_token,
                        "apiKey" => &mut config.api_key,
                        "email" => &mut config.email,
                        _ => &mut config.base_url,
                    };
                    *slot = Some(s.to_string());
                }
                Some(_) => fail("must not be empty".into()),
                None => fail(format!("must be a string, found {}", crate::structs::kind_name(value))),
            },
            "requestsPerSecond" | "requestTimeoutMs" => match positive(value) {
                Some(n) if key == "requestsPerSecond" => config.requests_per_second = Some(n),
                Some(n) => config.request_timeout_ms = Some(n),
                None => fail(format!("must be a whole number from 1 to {}, found {}", u32::MAX, shown(value))),
            },
            _ => fail(format!("unknown configuration key; this provider takes {}", KEYS.join(", "))),
        }
    }
    if let Some((missing, reason)) = config.unpaired("apiKey") {
        failures.push(Failure { property: missing.into(), reason });
    }
    if failures.is_empty() {
        Ok(config)
    } else {
        Err(failures)
    }
}

fn unwrap_secret(v: &Value) -> &Value {
    match v.as_object() {
        Some(o) if o.get(SECRET_SIG).is_some() => o.get("value").unwrap_or(&Value::Null),
        _ => v,
    }
}

/// A positive u32 from a number or a numeric string (SDKs send provider
/// config as strings).
fn positive(v: &Value) -> Option<u32> {
    let n = match v {
        Value::Number(n) => n.as_u64().or_else(|| n.as_f64().filter(|f| f.fract() == 0.0 && *f >= 0.0).map(|f| f as u64))?,
        Value::String(s) => s.trim().parse::<u64>().ok()?,
        _ => return None,
    };
    u32::try_from(n).ok().filter(|n| *n > 0)
}

fn shown(v: &Value) -> String {
    let text = v.to_string();
    if text.chars().count() > 40 {
        format!("{}…", text.chars().take(40).collect::<String>())
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use component_host::wit;
    use serde_json::json;

    fn bag(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn secrets_numeric_strings_and_prefixed_keys_are_read() {
        let c = parse(&bag(json!({
            "apiToken": {SECRET_SIG: "1b47061264138c4ac30d75fd1eb44270", "value": "s3cr3t-api-value"},
            "cloudflare-access-service-token:config:requestsPerSecond": "8",
            "requestTimeoutMs": 1500,
            "baseUrl": "http://127.0.0.1:9/client/v4",
            "version": "0.1.0"
        })))
        .unwrap();
        assert_eq!(c.api_token.as_deref(), Some("s3cr3t-api-value"));
        assert_eq!((c.requests_per_second, c.request_timeout_ms), (Some(8), Some(1500)));
        assert!(!format!("{c:?}").contains("s3cr3t"), "Debug hides the token");
    }

    #[test]
    fn every_failure_is_reported_with_its_key() {
        let f = parse(&bag(json!({"apiTokn": "x", "requestsPerSecond": 0, "apiKey": "k", "email": 3}))).unwrap_err();
        let props: Vec<_> = f.iter().map(|f| f.property.as_str()).collect();
        assert_eq!(props, ["apiTokn", "email", "requestsPerSecond", "email"]);
        assert!(f.iter().any(|f| f.reason.contains("unknown configuration key")));
    }

    #[test]
    fn config_beats_the_environment_and_the_environment_fills_gaps() {
        let env = |k: &str| match k {
            "CLOUDFLARE_API_TOKEN" => Some("from-env".to_string()),
            "CLOUDFLARE_BASE_URL" => Some("http://127.0.0.1:1/client/v4".to_string()),
            "CLOUDFLARE_REQUESTS_PER_SECOND" => Some("2".to_string()),
            _ => None,
        };
        let from_config = connection(&ProviderConfig { api_key: Some("k".into()), email: Some("e@x".into()), ..Default::default() }, env).unwrap();
        assert_eq!(from_config.credentials, wit::Credentials::ApiKey(wit::ApiKeyCredentials { email: "e@x".into(), key: "k".into() }));
        assert_eq!(from_config.base_url.as_deref(), Some("http://127.0.0.1:1/client/v4"));
        assert_eq!(from_config.requests_per_second, Some(2));
        let from_env = connection(&ProviderConfig::default(), env).unwrap();
        assert_eq!(from_env.credentials, wit::Credentials::ApiToken("from-env".into()));
        let none = connection(&ProviderConfig::default(), |_| None).unwrap_err();
        assert!(none.contains("no Cloudflare credentials"), "{none}");
    }

    #[test]
    fn values_of_the_wrong_kind_are_named_and_long_ones_cut() {
        let f = parse(&bag(json!({
            "apiToken": "",
            "email": 7,
            "baseUrl": {"value": "not a secret wrapper"},
            "requestTimeoutMs": 1.5,
            "requestsPerSecond": "x".repeat(100),
        })))
        .unwrap_err();
        let reason = |p: &str| f.iter().find(|f| f.property == p).map(|f| f.reason.clone()).unwrap_or_default();
        assert_eq!(reason("apiToken"), "must not be empty");
        assert_eq!(reason("email"), "must be a string, found a number");
        assert_eq!(reason("baseUrl"), "must be a string, found an object");
        assert!(reason("requestTimeoutMs").ends_with("found 1.5"), "{}", reason("requestTimeoutMs"));
        let long = reason("requestsPerSecond");
        assert!(long.ends_with(&format!("found \"{}…", "x".repeat(39))), "{long}");
        let exactly_40 = parse(&bag(json!({"requestsPerSecond": "y".repeat(38)}))).unwrap_err();
        assert!(exactly_40[0].reason.ends_with(&format!("found \"{}\"", "y".repeat(38))), "40 characters are shown whole: {}", exactly_40[0].reason);
        assert_eq!(parse(&bag(json!({"requestTimeoutMs": -3}))).unwrap_err()[0].property, "requestTimeoutMs");
        assert_eq!(parse(&bag(json!({"requestTimeoutMs": 2.0}))).unwrap().request_timeout_ms, Some(2));
    }

    #[test]
    fn email_and_key_pair_up_unless_one_is_still_unknown() {
        let c = parse(&bag(json!({"apiKey": "k", "email": "e@x"}))).unwrap();
        assert_eq!((c.api_key.as_deref(), c.email.as_deref()), (Some("k"), Some("e@x")));
        assert!(parse(&bag(json!({"apiKey": "k", "email": UNKNOWN}))).is_ok(), "the email is not known yet");
        let missing = parse(&bag(json!({"email": "e@x"}))).unwrap_err();
        assert_eq!(missing[0].property, "apiKey");
    }

    #[test]
    fn a_configured_token_wins_and_the_environment_key_pair_and_numbers_are_read() {
        let env = |k: &str| match k {
            "CLOUDFLARE_EMAIL" => Some("env@x".to_string()),
            "CLOUDFLARE_API_KEY" => Some("env-key".to_string()),
            "CLOUDFLARE_REQUESTS_PER_SECOND" => Some("0".to_string()),
            "CLOUDFLARE_REQUEST_TIMEOUT_MS" => Some("2500".to_string()),
            _ => None,
        };
        let token = connection(&ProviderConfig { api_token: Some("cfg".into()), ..Default::default() }, env).unwrap();
        assert_eq!(token.credentials, wit::Credentials::ApiToken("cfg".into()));
        let from_env = connection(&ProviderConfig::default(), env).unwrap();
        assert_eq!(from_env.credentials, wit::Credentials::ApiKey(wit::ApiKeyCredentials { email: "env@x".into(), key: "env-key".into() }));
        assert_eq!((from_env.requests_per_second, from_env.request_timeout_ms), (None, Some(2500)), "a rate of 0 is no rate");
        let debug = format!("{:?}", ProviderConfig { api_token: Some("cfg".into()), email: Some("e@x".into()), ..Default::default() });
        assert!(debug.contains("api_token: Some(\"[secret]\")") && debug.contains("e@x"), "{debug}");
    }

    #[test]
    fn unknown_values_are_not_failures() {
        let c = parse(&bag(json!({"apiKey": UNKNOWN, "email": "e@x"}))).unwrap();
        assert_eq!(c.unknown, ["apiKey"]);
    }
}
