//! One builder per API operation. A request is data — method, path, query,
//! headers, JSON body — with no I/O: the transport turns it into a call.
//! Paths are relative to the connection's base URL and are built only from
//! validated [`Scope`]s and [`TokenId`]s, so no input can reshape a URL.

use crate::connection::{Connection, Credentials};
use crate::error::Error;
use crate::model::{Scope, TokenId};
use crate::secret::Secret;
use serde_json::{json, Map, Value};

/// `User-Agent` of every request.
pub const USER_AGENT: &str = concat!("cloudflare-access-service-token-wasm/", env!("CARGO_PKG_VERSION"));

/// HTTP method.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// GET.
    Get,
    /// POST.
    Post,
    /// PUT.
    Put,
    /// DELETE.
    Delete,
}

impl Method {
    /// The method's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }
}

/// A header value; credentials are [`Secret`] so `Debug` of a request is safe.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HeaderValue {
    /// Shown as is.
    Plain(String),
    /// Shown as `[secret]`.
    Secret(Secret),
}

impl HeaderValue {
    /// The value to send.
    pub fn expose(&self) -> &str {
        match self {
            HeaderValue::Plain(s) => s,
            HeaderValue::Secret(s) => s.expose(),
        }
    }
}

/// One API request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiRequest {
    /// HTTP method.
    pub method: Method,
    /// Path below the base URL, e.g. `/accounts/…/access/service_tokens`.
    pub path: String,
    /// Query parameters, in order.
    pub query: Vec<(String, String)>,
    /// Headers, credentials included.
    pub headers: Vec<(String, HeaderValue)>,
    /// JSON body.
    pub body: Option<Value>,
}

impl ApiRequest {
    /// The full URL: base + path + encoded query.
    pub fn url(&self, base_url: &str) -> String {
        let mut url = format!("{}{}", base_url.trim_end_matches('/'), self.path);
        for (i, (k, v)) in self.query.iter().enumerate() {
            url.push(if i == 0 { '?' } else { '&' });
            url.push_str(&encode(k));
            url.push('=');
            url.push_str(&encode(v));
        }
        url
    }

    /// True for POST create, the one call never retried blindly.
    pub fn is_create(&self) -> bool {
        self.method == Method::Post && self.path.ends_with("/access/service_tokens")
    }
}

fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn collection(scope: &Scope) -> String {
    format!("{}/access/service_tokens", scope.path_prefix())
}

fn item(scope: &Scope, id: &TokenId) -> String {
    format!("{}/{}", collection(scope), id.as_str())
}

fn request(conn: &Connection, method: Method, path: String, query: Vec<(String, String)>, body: Option<Value>) -> ApiRequest {
    let mut headers = vec![("User-Agent".to_string(), HeaderValue::Plain(USER_AGENT.to_string()))];
    match &conn.credentials {
        Credentials::ApiToken(token) => {
            headers.push(("Authorization".into(), HeaderValue::Secret(Secret::new(format!("Bearer {}", token.expose())))))
        }
        Credentials::ApiKey { email, key } => {
            headers.push(("X-Auth-Email".into(), HeaderValue::Plain(email.clone())));
            headers.push(("X-Auth-Key".into(), HeaderValue::Secret(key.clone())));
        }
    }
    if body.is_some() {
        headers.push(("Content-Type".into(), HeaderValue::Plain("application/json".into())));
    }
    ApiRequest { method, path, query, headers, body }
}

/// Fields of a create or update body; absent fields are not sent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TokenBody {
    /// `name`.
    pub name: Option<String>,
    /// `duration`.
    pub duration: Option<String>,
    /// `client_secret_version`.
    pub client_secret_version: Option<u64>,
    /// `previous_client_secret_expires_at`.
    pub previous_client_secret_expires_at: Option<String>,
    /// `enabled`: sent only to change it (an update that leaves it out
    /// keeps it; a create that leaves it out makes an enabled token).
    pub enabled: Option<bool>,
}

impl TokenBody {
    fn to_json(&self) -> Value {
        let mut m = Map::new();
        if let Some(v) = &self.name {
            m.insert("name".into(), json!(v));
        }
        if let Some(v) = &self.duration {
            m.insert("duration".into(), json!(v));
        }
        if let Some(v) = self.client_secret_version {
            m.insert("client_secret_version".into(), json!(v));
        }
        if let Some(v) = &self.previous_client_secret_expires_at {
            m.insert("previous_client_secret_expires_at".into(), json!(v));
        }
        if let Some(v) = self.enabled {
            m.insert("enabled".into(), json!(v));
        }
        Value::Object(m)
    }
}

/// `POST {scope}/access/service_tokens`.
pub fn create(conn: &Connection, scope: &Scope, body: &TokenBody) -> ApiRequest {
    request(conn, Method::Post, collection(scope), vec![], Some(body.to_json()))
}

/// `GET {scope}/access/service_tokens/{id}`.
pub fn get(conn: &Connection, scope: &Scope, id: &TokenId) -> ApiRequest {
    request(conn, Method::Get, item(scope, id), vec![], None)
}

/// `GET {scope}/access/service_tokens?page=&per_page=` (and `name=` when given).
pub fn list(conn: &Connection, scope: &Scope, page: u32, per_page: u32, name: Option<&str>) -> ApiRequest {
    let mut query = vec![("page".to_string(), page.to_string()), ("per_page".to_string(), per_page.min(1000).to_string())];
    if let Some(name) = name {
        query.push(("name".to_string(), name.to_string()));
    }
    request(conn, Method::Get, collection(scope), query, None)
}

/// `PUT {scope}/access/service_tokens/{id}`.
pub fn update(conn: &Connection, scope: &Scope, id: &TokenId, body: &TokenBody) -> ApiRequest {
    request(conn, Method::Put, item(scope, id), vec![], Some(body.to_json()))
}

/// `POST /accounts/{account_id}/access/service_tokens/{id}/refresh`.
/// Cloudflare has no zone-level refresh route: a zone scope is refused here,
/// and zones renew with [`update`] carrying the duration.
pub fn refresh(conn: &Connection, scope: &Scope, id: &TokenId) -> Result<ApiRequest, Error> {
    account_only(scope, "refresh", "renew with a PUT carrying the duration")?;
    Ok(request(conn, Method::Post, format!("{}/refresh", item(scope, id)), vec![], None))
}

/// `POST /accounts/{account_id}/access/service_tokens/{id}/rotate`, with the
/// grace period of the previous secret when given. Account only, like refresh.
pub fn rotate(conn: &Connection, scope: &Scope, id: &TokenId, previous_expires_at: Option<&str>) -> Result<ApiRequest, Error> {
    account_only(scope, "rotate", "rotate with a PUT that increases client_secret_version")?;
    let body = previous_expires_at.map(|t| json!({ "previous_client_secret_expires_at": t }));
    Ok(request(conn, Method::Post, format!("{}/rotate", item(scope, id)), vec![], body))
}

fn account_only(scope: &Scope, route: &str, instead: &str) -> Result<(), Error> {
    match scope {
        Scope::Account(_) => Ok(()),
        Scope::Zone(_) => Err(Error::invalid("zoneId", format!("Cloudflare has no zone-level {route} route; {instead}"))),
    }
}

/// `DELETE {scope}/access/service_tokens/{id}`.
pub fn delete(conn: &Connection, scope: &Scope, id: &TokenId) -> ApiRequest {
    request(conn, Method::Delete, item(scope, id), vec![], None)
}
