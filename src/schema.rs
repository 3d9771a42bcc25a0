//! The resource's properties, written once: each one's name in the Pulumi
//! (camelCase) and Terraform (snake_case) spellings, its type, whether the
//! user sets it or Cloudflare computes it, its default, its secrecy, and
//! whether changing it replaces the token. The lists the core checks
//! against ([`crate::properties::INPUT_PROPERTIES`],
//! [`crate::pulumi::bag::OUTPUT_PROPERTIES`], Check's defaults), the
//! Terraform plugin's schema and the test that holds the Pulumi plugin's
//! `schema.json` to this table all read it, so adding a property starts here.
//!
//! What each engine says *about* a property (its description) stays with the
//! engine's schema: a sentence names the other properties in that engine's
//! spelling (`account_id` or `accountId`).

/// A property's value type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Type {
    /// Text.
    String,
    /// A whole number.
    Integer,
    /// True or false.
    Boolean,
}

/// Who sets a property.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// An input the user must set.
    Required,
    /// An input the user may leave out; then [`Property::default`] applies,
    /// or, without one, what the token has (Cloudflare's choice on create).
    Optional,
    /// Computed by Cloudflare; read only.
    Output,
}

/// A default value of an optional input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Default {
    /// A number.
    Integer(i64),
    /// A boolean.
    Boolean(bool),
}

impl Default {
    /// The value as JSON, as property bags carry it.
    pub fn to_json(self) -> serde_json::Value {
        match self {
            Default::Integer(n) => serde_json::json!(n),
            Default::Boolean(b) => serde_json::json!(b),
        }
    }
}

/// One property of the resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Property {
    /// Pulumi's (and the component's messages') name.
    pub name: &'static str,
    /// Terraform's name.
    pub snake: &'static str,
    /// Value type.
    pub ty: Type,
    /// Who sets it.
    pub role: Role,
    /// The value an optional input takes when left out, if it has one.
    pub default: Option<Default>,
    /// An optional input without a default that Cloudflare chooses when a
    /// create leaves it out (`8760h`, version 1): the state keeps what it
    /// chose, and a program that leaves it out keeps what the token has.
    pub cloudflare_fills: bool,
    /// Never shown: kept as a secret in every engine.
    pub secret: bool,
    /// Changing it replaces the token (create the new, then delete the old).
    pub replaces: bool,
}

impl Property {
    /// True for a property the user sets.
    pub const fn is_input(&self) -> bool {
        !matches!(self.role, Role::Output)
    }
}

const fn prop(name: &'static str, snake: &'static str, ty: Type, role: Role) -> Property {
    Property { name, snake, ty, role, default: None, cloudflare_fills: false, secret: false, replaces: false }
}

/// Every property: the inputs in the order programs and schemas show them,
/// then the outputs.
pub const PROPERTIES: [Property; 14] = [
    prop("name", "name", Type::String, Role::Required),
    Property { replaces: true, ..prop("accountId", "account_id", Type::String, Role::Optional) },
    Property { replaces: true, ..prop("zoneId", "zone_id", Type::String, Role::Optional) },
    Property { default: Some(Default::Integer(0)), ..prop("minDaysForRenewal", "min_days_for_renewal", Type::Integer, Role::Optional) },
    Property { cloudflare_fills: true, ..prop("duration", "duration", Type::String, Role::Optional) },
    Property { cloudflare_fills: true, ..prop("clientSecretVersion", "client_secret_version", Type::Integer, Role::Optional) },
    prop("previousClientSecretExpiresAt", "previous_client_secret_expires_at", Type::String, Role::Optional),
    Property { default: Some(Default::Boolean(true)), ..prop("enabled", "enabled", Type::Boolean, Role::Optional) },
    prop("id", "id", Type::String, Role::Output),
    prop("clientId", "client_id", Type::String, Role::Output),
    Property { secret: true, ..prop("clientSecret", "client_secret", Type::String, Role::Output) },
    prop("expiresAt", "expires_at", Type::String, Role::Output),
    prop("createdAt", "created_at", Type::String, Role::Output),
    prop("lastSeenAt", "last_seen_at", Type::String, Role::Output),
];

/// `N` names of the inputs (`inputs`) or of the outputs, in table order; a
/// wrong `N` fails the build.
const fn names<const N: usize>(inputs: bool) -> [&'static str; N] {
    let mut out = [""; N];
    let (mut i, mut k) = (0, 0);
    while i < PROPERTIES.len() {
        if PROPERTIES[i].is_input() == inputs {
            out[k] = PROPERTIES[i].name;
            k += 1;
        }
        i += 1;
    }
    assert!(k == N, "the count does not match the table");
    out
}

/// The input properties, in schema order.
pub const INPUTS: [&str; 8] = names(true);
/// The output properties.
pub const OUTPUTS: [&str; 6] = names(false);

/// The property called `name` (camelCase).
pub fn by_name(name: &str) -> Option<&'static Property> {
    PROPERTIES.iter().find(|p| p.name == name)
}

/// The optional inputs with a default, and that default as JSON: what
/// Check fills in for a program that leaves them out.
pub fn defaults() -> impl Iterator<Item = (&'static str, serde_json::Value)> {
    PROPERTIES.iter().filter_map(|p| p.default.map(|d| (p.name, d.to_json())))
}
