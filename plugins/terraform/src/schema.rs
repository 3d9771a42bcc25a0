//! The schemas Terraform gets. The resource's facts — each attribute's name,
//! type, how it is set, secrecy, replacement and default — come from the
//! core's property table ([`access_service_token::schema::PROPERTIES`]),
//! where they are written once for every engine. What is Terraform's own is
//! written here: the order Terraform lists the attributes in (the id first),
//! the descriptions (which name other attributes in Terraform's spelling),
//! the rule that turns the core's roles into Terraform's modes ([`mode_of`]),
//! the data source and the provider block. Validation hints
//! (`requires_replace`), the plan's defaults and the docs read these tables.

use access_service_token::schema::{Default as PropertyDefault, Property, Role, Type as PropertyType, PROPERTIES};
use tfplugin6::cty::{Number, Type, Value};
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

/// An attribute's cty type: all of them are primitives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Primitive {
    String,
    Number,
    Bool,
}

impl Primitive {
    /// The cty type.
    pub fn cty(self) -> Type {
        match self {
            Primitive::String => Type::String,
            Primitive::Number => Type::Number,
            Primitive::Bool => Type::Bool,
        }
    }

    /// The Terraform type of a core property's type (a whole number is a
    /// cty number; [`crate::values::whole`] holds it to whole values).
    pub const fn of(ty: PropertyType) -> Primitive {
        match ty {
            PropertyType::String => Primitive::String,
            PropertyType::Integer => Primitive::Number,
            PropertyType::Boolean => Primitive::Bool,
        }
    }
}

/// One attribute of the resource, the data source or the provider block.
#[derive(Clone, Copy, Debug)]
pub struct Attribute {
    pub name: &'static str,
    /// The component's (camelCase) name for it, in its messages.
    pub property: &'static str,
    pub ty: Primitive,
    pub mode: Mode,
    pub sensitive: bool,
    /// Changing it replaces the token.
    pub replaces: bool,
    /// What the plan sets when the configuration leaves it out.
    pub default: Option<PropertyDefault>,
    pub description: &'static str,
}

const fn attr(name: &'static str, property: &'static str, ty: Primitive, mode: Mode, description: &'static str) -> Attribute {
    Attribute { name, property, ty, mode, sensitive: false, replaces: false, default: None, description }
}

/// How Terraform sets a property of the core: a required input is required;
/// an optional one is optional+computed when it has a default (the plan
/// fills it in) or Cloudflare fills it (`Property::cloudflare_fills`: the
/// state keeps what Cloudflare chose), and plain optional otherwise (null
/// when left out); an output is computed.
pub const fn mode_of(p: &Property) -> Mode {
    match p.role {
        Role::Required => Mode::Required,
        Role::Optional if p.default.is_some() || p.cloudflare_fills => Mode::OptionalComputed,
        Role::Optional => Mode::Optional,
        Role::Output => Mode::Computed,
    }
}

/// `a == b`, in a `const fn`.
const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The core's property Terraform calls `snake`; a name that is none fails the build.
const fn property(snake: &str) -> Property {
    let mut i = 0;
    while i < PROPERTIES.len() {
        if same(PROPERTIES[i].snake, snake) {
            return PROPERTIES[i];
        }
        i += 1;
    }
    panic!("a resource attribute that is not a property of the core (access_service_token::schema::PROPERTIES)")
}

/// A resource attribute: the core's facts about `snake`, and its description.
const fn from_core(snake: &str, description: &'static str) -> Attribute {
    let p = property(snake);
    Attribute { name: p.snake, property: p.name, ty: Primitive::of(p.ty), mode: mode_of(&p), sensitive: p.secret, replaces: p.replaces, default: p.default, description }
}

/// What a Terraform user reads about each resource attribute, in the order
/// Terraform lists them; everything else about them is the core's.
const RESOURCE_TEXT: [(&str, &str); 14] = [
    ("id", "The token's id (a UUID)."),
    ("account_id", "The account the token belongs to (32 hexadecimal characters). Exactly one of `account_id` and `zone_id`; changing it replaces the token."),
    ("zone_id", "The zone the token belongs to (32 hexadecimal characters). Exactly one of `account_id` and `zone_id`; changing it replaces the token."),
    ("name", "The token's name; renamed in place."),
    ("min_days_for_renewal", "Renew the token in place (same client id and secret) when it expires within this many days; the plan shows the renewal with its reason. 0 (the default) never renews."),
    ("duration", "How long the token is valid: a Go duration such as `8760h`, or `forever`. Cloudflare's default is `8760h`."),
    ("client_secret_version", "Increase it to rotate the client secret; the client id stays."),
    ("previous_client_secret_expires_at", "After a rotation, until when (RFC 3339) the previous secret keeps working."),
    ("enabled", "`false` disables the token in place (one PUT): the same id, client id and secret, but no client can authenticate with it until it is enabled again; `true` (the default) enables it. A token disabled outside Terraform (by a person, or by the account's inactivity cleanup) reads back as `false`, and the next plan re-enables it, with a warning that gives the reason."),
    ("client_id", "The client id (`<32 hex>.access`), sent as `CF-Access-Client-Id`."),
    ("client_secret", "The client secret, sent as `CF-Access-Client-Secret`. Cloudflare returns it only on create and rotation; it is kept in state from then on, and is null for an imported token until it is rotated."),
    ("expires_at", "When the token expires (RFC 3339)."),
    ("created_at", "When Cloudflare created the token (RFC 3339)."),
    ("last_seen_at", "When the token last authenticated at an Access application (RFC 3339); null until it has. Read on refresh; never a reason for a change in a plan."),
];

const fn resource() -> [Attribute; RESOURCE_TEXT.len()] {
    let mut out = [attr("", "", Primitive::String, Mode::Computed, ""); RESOURCE_TEXT.len()];
    let mut i = 0;
    while i < RESOURCE_TEXT.len() {
        out[i] = from_core(RESOURCE_TEXT[i].0, RESOURCE_TEXT[i].1);
        i += 1;
    }
    out
}

/// The resource's attributes, in the order Terraform shows them.
pub const RESOURCE: [Attribute; RESOURCE_TEXT.len()] = resource();

/// The resource attributes with a default, and that default, in table
/// order; a wrong `N` fails the build.
const fn defaults<const N: usize>() -> [(&'static str, PropertyDefault); N] {
    let mut out = [("", PropertyDefault::Integer(0)); N];
    let (mut i, mut k) = (0, 0);
    while i < RESOURCE.len() {
        if let Some(d) = RESOURCE[i].default {
            out[k] = (RESOURCE[i].name, d);
            k += 1;
        }
        i += 1;
    }
    assert!(k == N, "the count does not match the core's defaults");
    out
}

/// Optional+computed attributes with a default (the core's): left out of
/// the configuration, they are planned at it (the others keep what
/// Cloudflare chose).
pub const DEFAULTS: [(&str, PropertyDefault); 2] = defaults();

/// A default as a cty value.
pub fn default_value(d: PropertyDefault) -> Value {
    match d {
        PropertyDefault::Integer(n) => Value::Number(Number::from(n)),
        PropertyDefault::Boolean(b) => Value::Bool(b),
    }
}

/// A data source attribute that is a property of the token: the core's name
/// and type, set as the data source sets it.
const fn looked_up(snake: &str, mode: Mode, description: &'static str) -> Attribute {
    Attribute { mode, sensitive: false, replaces: false, default: None, ..from_core(snake, description) }
}

/// The data source's attributes: a token looked up by id, never its secret.
pub const DATA_SOURCE: [Attribute; 11] = [
    attr("token_id", "tokenId", Primitive::String, Mode::Required, "The id (UUID) of the token to look up."),
    looked_up("account_id", Mode::Optional, "The account of the token. Exactly one of `account_id` and `zone_id`."),
    looked_up("zone_id", Mode::Optional, "The zone of the token. Exactly one of `account_id` and `zone_id`."),
    looked_up("id", Mode::Computed, "The token's id."),
    looked_up("name", Mode::Computed, "The token's name."),
    looked_up("client_id", Mode::Computed, "The client id."),
    looked_up("duration", Mode::Computed, "How long the token is valid."),
    looked_up("expires_at", Mode::Computed, "When the token expires (RFC 3339)."),
    looked_up("enabled", Mode::Computed, "Whether the token is enabled: `false` when it was disabled (by a person, or by the account's inactivity cleanup)."),
    looked_up("created_at", Mode::Computed, "When Cloudflare created the token (RFC 3339)."),
    looked_up("last_seen_at", Mode::Computed, "When the token last authenticated at an Access application (RFC 3339); null until it has."),
];

/// The provider's configuration, each falling back to the environment
/// variable the CLI reads.
pub const PROVIDER: [Attribute; 6] = [
    Attribute { sensitive: true, ..attr("api_token", "apiToken", Primitive::String, Mode::Optional, "A Cloudflare API token with Access: Service Tokens edit rights. Default: `CLOUDFLARE_API_TOKEN`.") },
    Attribute { sensitive: true, ..attr("api_key", "apiKey", Primitive::String, Mode::Optional, "A global API key, with `email`, instead of `api_token`. Default: `CLOUDFLARE_API_KEY`.") },
    attr("email", "email", Primitive::String, Mode::Optional, "The account email that goes with `api_key`. Default: `CLOUDFLARE_EMAIL`."),
    attr("base_url", "baseUrl", Primitive::String, Mode::Optional, "The API's base URL. Default: `CLOUDFLARE_BASE_URL`, else `https://api.cloudflare.com/client/v4`."),
    attr("requests_per_second", "requestsPerSecond", Primitive::Number, Mode::Optional, "Client-side rate limit shared by every call of the provider. Default: `CLOUDFLARE_REQUESTS_PER_SECOND`, else 4."),
    attr("request_timeout_ms", "requestTimeoutMs", Primitive::Number, Mode::Optional, "How long to wait for a response before the attempt is retried. Default: `CLOUDFLARE_REQUEST_TIMEOUT_MS`, else 30000."),
];

/// The cty object type of a table.
pub fn object_type(table: &[Attribute]) -> Type {
    Type::object(table.iter().map(|a| (a.name, a.ty.cty())))
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
            r#type: a.ty.cty().to_json(),
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
    fn every_core_property_is_exactly_one_resource_attribute_and_every_attribute_a_core_property() {
        for p in &PROPERTIES {
            let named: Vec<&Attribute> = RESOURCE.iter().filter(|a| a.name == p.snake).collect();
            assert_eq!(named.len(), 1, "{} is {} attributes of the resource", p.snake, named.len());
            let a = named[0];
            assert_eq!((a.property, a.ty, a.sensitive, a.replaces, a.default), (p.name, Primitive::of(p.ty), p.secret, p.replaces, p.default), "{}", p.snake);
            assert_eq!(a.mode, mode_of(p), "{}", p.snake);
        }
        for a in &RESOURCE {
            assert_eq!(PROPERTIES.iter().filter(|p| p.snake == a.name).count(), 1, "{} is not one property of the core", a.name);
        }
        assert_eq!(RESOURCE.len(), PROPERTIES.len());
    }

    #[test]
    fn the_modes_follow_the_rule_and_are_those_terraform_configurations_already_rely_on() {
        let modes: Vec<(&str, Mode)> = RESOURCE.iter().map(|a| (a.name, a.mode)).collect();
        use Mode::*;
        assert_eq!(
            modes,
            [
                ("id", Computed),
                ("account_id", Optional),
                ("zone_id", Optional),
                ("name", Required),
                ("min_days_for_renewal", OptionalComputed),
                ("duration", OptionalComputed),
                ("client_secret_version", OptionalComputed),
                ("previous_client_secret_expires_at", Optional),
                ("enabled", OptionalComputed),
                ("client_id", Computed),
                ("client_secret", Computed),
                ("expires_at", Computed),
                ("created_at", Computed),
                ("last_seen_at", Computed),
            ]
        );
        for p in PROPERTIES.iter().filter(|p| p.cloudflare_fills) {
            assert_eq!((p.role, p.default), (Role::Optional, None), "{}: only an optional input without a default needs the flag", p.snake);
        }
    }

    #[test]
    fn defaults_are_the_cores() {
        assert_eq!(DEFAULTS, [("min_days_for_renewal", PropertyDefault::Integer(0)), ("enabled", PropertyDefault::Boolean(true))]);
        assert_eq!(default_value(DEFAULTS[1].1), Value::Bool(true));
        let core: Vec<(&str, serde_json::Value)> = access_service_token::schema::defaults().map(|(name, json)| (access_service_token::schema::by_name(name).unwrap().snake, json)).collect();
        let ours: Vec<(&str, serde_json::Value)> = DEFAULTS.iter().map(|(name, d)| (*name, d.to_json())).collect();
        assert_eq!(ours, core);
    }

    #[test]
    fn the_data_source_shows_the_token_as_the_core_types_it_and_never_its_secret() {
        for a in DATA_SOURCE.iter().filter(|a| a.name != "token_id") {
            let p = PROPERTIES.iter().find(|p| p.snake == a.name).unwrap_or_else(|| panic!("{} is not a property", a.name));
            assert_eq!((a.property, a.ty), (p.name, Primitive::of(p.ty)), "{}", a.name);
            assert!(!p.secret && !a.sensitive, "{}", a.name);
        }
        for name in ["enabled", "created_at", "last_seen_at"] {
            assert!(DATA_SOURCE.iter().any(|a| a.name == name && a.mode == Mode::Computed), "{name}");
        }
    }

    #[test]
    fn types_travel_as_cty_type_json() {
        let s = schema(&RESOURCE, "x");
        let ty = |n: &str| s.block.as_ref().unwrap().attributes.iter().find(|a| a.name == n).unwrap().r#type.clone();
        assert_eq!(ty("name"), b"\"string\"");
        assert_eq!(ty("min_days_for_renewal"), b"\"number\"");
        assert_eq!(ty("enabled"), b"\"bool\"");
        assert_eq!(ty("last_seen_at"), b"\"string\"");
        let replaced: Vec<_> = RESOURCE.iter().filter(|a| a.replaces).map(|a| a.name).collect();
        assert_eq!(replaced, ["account_id", "zone_id"]);
    }
}
