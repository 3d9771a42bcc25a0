//! The schemas Terraform gets, from one table of the resource's attributes:
//! name, type, how it is set, secrecy, replacement, description. Validation
//! hints (`requires_replace`), the data source and the docs read the same
//! table, so a fact about an attribute is written once.

use tfplugin6::cty::Type;
use tfplugin6::proto::{schema, Schema, StringKind};

/// The provider type: `terraform-provider-cfaccess`, resources `cfaccess_…`.
/// Short, without `_`, and not `cloudflare`, so it sits beside the
/// Cloudflare provider and Terraform infers it from the resource names.
pub const PROVIDER_TYPE: &str = "cfaccess";
/// The resource type, and the data source of the same name.
pub const SERVICE_TOKEN: &str = "cfaccess_service_token";
/// The state's schema version (`UpgradeResourceState` gets it back).
pub const SCHEMA_VERSION: i64 = 0;

/// How an attribute is set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Required,
    Optional,
    /// Optional; when the configuration leaves it out, the plan fills it in.
    OptionalComputed,
    Computed,
}

/// One attribute of the resource.
#[derive(Clone, Copy, Debug)]
pub struct Attribute {
    pub name: &'static str,
    /// The component's (camelCase) name for it, in its messages.
    pub property: &'static str,
    pub number: bool,
    pub mode: Mode,
    pub sensitive: bool,
    /// Changing it replaces the token.
    pub replaces: bool,
    pub description: &'static str,
}

const fn attr(name: &'static str, property: &'static str, number: bool, mode: Mode, description: &'static str) -> Attribute {
    Attribute { name, property, number, mode, sensitive: false, replaces: false, description }
}

/// The resource's attributes, in the order Terraform shows them.
pub const RESOURCE: [Attribute; 11] = [
    attr("id", "id", false, Mode::Computed, "The token's id (a UUID)."),
    Attribute {
        replaces: true,
        ..attr("account_id", "accountId", false, Mode::Optional, "The account the token belongs to (32 hexadecimal characters). Exactly one of `account_id` and `zone_id`; changing it replaces the token.")
    },
    Attribute {
        replaces: true,
        ..attr("zone_id", "zoneId", false, Mode::Optional, "The zone the token belongs to (32 hexadecimal characters). Exactly one of `account_id` and `zone_id`; changing it replaces the token.")
    },
    attr("name", "name", false, Mode::Required, "The token's name; renamed in place."),
    attr("min_days_for_renewal", "minDaysForRenewal", true, Mode::OptionalComputed, "Renew the token in place (same client id and secret) when it expires within this many days; the plan shows the renewal with its reason. 0 (the default) never renews."),
    attr("duration", "duration", false, Mode::OptionalComputed, "How long the token is valid: a Go duration such as `8760h`, or `forever`. Cloudflare's default is `8760h`."),
    attr("client_secret_version", "clientSecretVersion", true, Mode::OptionalComputed, "Increase it to rotate the client secret; the client id stays."),
    attr("previous_client_secret_expires_at", "previousClientSecretExpiresAt", false, Mode::Optional, "After a rotation, until when (RFC 3339) the previous secret keeps working."),
    attr("client_id", "clientId", false, Mode::Computed, "The client id (`<32 hex>.access`), sent as `CF-Access-Client-Id`."),
    Attribute { sensitive: true, ..attr("client_secret", "clientSecret", false, Mode::Computed, "The client secret, sent as `CF-Access-Client-Secret`. Cloudflare returns it only on create and rotation; it is kept in state from then on, and is null for an imported token until it is rotated.") },
    attr("expires_at", "expiresAt", false, Mode::Computed, "When the token expires (RFC 3339)."),
];

/// Optional+computed attributes with a default: left out of the
/// configuration, they are planned at it (the others keep what Cloudflare
/// chose).
pub const DEFAULTS: [(&str, i64); 1] = [("min_days_for_renewal", 0)];

/// The data source's attributes: a token looked up by id, never its secret.
pub const DATA_SOURCE: [Attribute; 8] = [
    attr("token_id", "tokenId", false, Mode::Required, "The id (UUID) of the token to look up."),
    attr("account_id", "accountId", false, Mode::Optional, "The account of the token. Exactly one of `account_id` and `zone_id`."),
    attr("zone_id", "zoneId", false, Mode::Optional, "The zone of the token. Exactly one of `account_id` and `zone_id`."),
    attr("id", "id", false, Mode::Computed, "The token's id."),
    attr("name", "name", false, Mode::Computed, "The token's name."),
    attr("client_id", "clientId", false, Mode::Computed, "The client id."),
    attr("duration", "duration", false, Mode::Computed, "How long the token is valid."),
    attr("expires_at", "expiresAt", false, Mode::Computed, "When the token expires (RFC 3339)."),
];

/// The provider's configuration, each falling back to the environment
/// variable the CLI reads.
pub const PROVIDER: [Attribute; 6] = [
    Attribute { sensitive: true, ..attr("api_token", "apiToken", false, Mode::Optional, "A Cloudflare API token with Access: Service Tokens edit rights. Default: `CLOUDFLARE_API_TOKEN`.") },
    Attribute { sensitive: true, ..attr("api_key", "apiKey", false, Mode::Optional, "A global API key, with `email`, instead of `api_token`. Default: `CLOUDFLARE_API_KEY`.") },
    attr("email", "email", false, Mode::Optional, "The account email that goes with `api_key`. Default: `CLOUDFLARE_EMAIL`."),
    attr("base_url", "baseUrl", false, Mode::Optional, "The API's base URL. Default: `CLOUDFLARE_BASE_URL`, else `https://api.cloudflare.com/client/v4`."),
    attr("requests_per_second", "requestsPerSecond", true, Mode::Optional, "Client-side rate limit shared by every call of the provider. Default: `CLOUDFLARE_REQUESTS_PER_SECOND`, else 4."),
    attr("request_timeout_ms", "requestTimeoutMs", true, Mode::Optional, "How long to wait for a response before the attempt is retried. Default: `CLOUDFLARE_REQUEST_TIMEOUT_MS`, else 30000."),
];

/// The cty object type of a table.
pub fn object_type(table: &[Attribute]) -> Type {
    Type::object(table.iter().map(|a| (a.name, if a.number { Type::Number } else { Type::String })))
}

/// The attribute of `table` the component calls `property`.
pub fn by_property<'a>(table: &'a [Attribute], property: &str) -> Option<&'a Attribute> {
    table.iter().find(|a| a.property == property)
}

/// A table as a protocol-6 schema.
pub fn schema(table: &[Attribute], description: &str) -> Schema {
    let attributes = table
        .iter()
        .map(|a| schema::Attribute {
            name: a.name.to_string(),
            r#type: if a.number { Type::Number } else { Type::String }.to_json(),
            description: a.description.to_string(),
            description_kind: StringKind::Markdown as i32,
            required: a.mode == Mode::Required,
            optional: matches!(a.mode, Mode::Optional | Mode::OptionalComputed),
            computed: matches!(a.mode, Mode::Computed | Mode::OptionalComputed),
            sensitive: a.sensitive,
            ..Default::default()
        })
        .collect();
    let block = schema::Block { attributes, description: description.to_string(), description_kind: StringKind::Markdown as i32, ..Default::default() };
    Schema { version: SCHEMA_VERSION, block: Some(block) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_attribute_is_set_one_way_with_a_description_and_a_terraform_name() {
        for a in RESOURCE.iter().chain(&DATA_SOURCE).chain(&PROVIDER) {
            assert!(a.name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'), "{}", a.name);
            assert!(!a.description.is_empty(), "{}", a.name);
        }
        let s = schema(&RESOURCE, "x");
        for a in &s.block.as_ref().unwrap().attributes {
            assert!(a.required || a.optional || a.computed, "{}", a.name);
            assert!(!(a.required && a.computed), "{}", a.name);
        }
        let secret: Vec<_> = s.block.unwrap().attributes.into_iter().filter(|a| a.sensitive).map(|a| a.name).collect();
        assert_eq!(secret, ["client_secret"]);
    }

    #[test]
    fn types_travel_as_cty_type_json() {
        let s = schema(&RESOURCE, "x");
        let ty = |n: &str| s.block.as_ref().unwrap().attributes.iter().find(|a| a.name == n).unwrap().r#type.clone();
        assert_eq!(ty("name"), b"\"string\"");
        assert_eq!(ty("min_days_for_renewal"), b"\"number\"");
        let replaced: Vec<_> = RESOURCE.iter().filter(|a| a.replaces).map(|a| a.name).collect();
        assert_eq!(replaced, ["account_id", "zone_id"]);
    }
}
