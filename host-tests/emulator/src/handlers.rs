//! The service token endpoints: request bodies and queries in, envelopes out.
//!
//! Validation follows the API: a malformed body, a missing or empty name, a
//! bad duration or a bad type is a 400 with code 12130
//! (`access.api.error.invalid_request: <what>`). Unknown body fields are
//! ignored, as the real API does; the `openapi` validator is what flags them
//! on the client side.

use crate::duration;
use crate::envelope::{ApiError, Reply};
use crate::routes::{Route, Target};
use crate::store::{NewToken, Scope, Store, StoredToken, TokenUpdate};
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Map, Value};

/// Largest accepted `per_page` (and its default, as in the OpenAPI document).
pub const MAX_PER_PAGE: u64 = 1000;

/// RFC 3339 in UTC with `Z`, fractional seconds only when there are some.
pub fn timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// How much of a token a response shows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum View {
    /// Create and rotate results: with `client_secret`, no `last_seen_at`.
    Issued,
    /// A version-bumping PUT: the usual fields plus the new `client_secret`.
    UpdatedWithSecret,
    /// Everything else: no secret; `last_seen_at` is when the token last
    /// authenticated to the Access application, `null` until it has.
    Public,
}

fn token_json(t: &StoredToken, view: View) -> Value {
    let mut o = Map::new();
    o.insert("id".into(), json!(t.id));
    o.insert("name".into(), json!(t.name));
    o.insert("client_id".into(), json!(t.client_id));
    if view != View::Public {
        o.insert("client_secret".into(), json!(t.client_secret));
    }
    o.insert("created_at".into(), json!(timestamp(t.created_at)));
    o.insert("updated_at".into(), json!(timestamp(t.updated_at)));
    o.insert("expires_at".into(), json!(timestamp(t.expires_at)));
    o.insert("duration".into(), json!(t.duration));
    o.insert(
        "client_secret_version".into(),
        json!(t.client_secret_version),
    );
    if let Some(at) = &t.previous_client_secret_expires_at {
        o.insert("previous_client_secret_expires_at".into(), json!(at));
    }
    o.insert("enabled".into(), json!(t.enabled));
    if view != View::Issued {
        let seen = t.last_seen_at.map(timestamp);
        o.insert("last_seen_at".into(), json!(seen));
    }
    Value::Object(o)
}

/// Handles a request whose route, credentials, method and ids are already checked.
pub fn dispatch(
    store: &mut Store,
    now: DateTime<Utc>,
    method: &str,
    route: &Route,
    query: &[(String, String)],
    body: &[u8],
) -> Result<Reply, ApiError> {
    let scope = &route.scope;
    match (&route.target, method) {
        (Target::Collection, "GET") => list(store, scope, query),
        (Target::Collection, "POST") => {
            let new = parse_create(body)?;
            let token = store.create(scope.clone(), new, now);
            Ok(Reply::success(201, token_json(&token, View::Issued)))
        }
        (Target::Token(id), "GET") => {
            let token = store.get(scope, id).ok_or_else(ApiError::token_not_found)?;
            Ok(Reply::success(200, token_json(token, View::Public)))
        }
        (Target::Token(id), "PUT") => {
            let update = parse_update(body)?;
            let updated = store
                .update(scope, id, update, now)
                .map_err(ApiError::invalid_request)?;
            let updated = updated.ok_or_else(ApiError::token_not_found)?;
            let view = if updated.rotated {
                View::UpdatedWithSecret
            } else {
                View::Public
            };
            Ok(Reply::success(200, token_json(&updated.token, view)))
        }
        (Target::Token(id), "DELETE") => {
            let token = store
                .remove(scope, id)
                .ok_or_else(ApiError::token_not_found)?;
            Ok(Reply::success(200, token_json(&token, View::Public)))
        }
        (Target::Refresh(id), "POST") => {
            let token = store
                .refresh(scope, id, now)
                .ok_or_else(ApiError::token_not_found)?;
            Ok(Reply::success(200, token_json(&token, View::Public)))
        }
        (Target::Rotate(id), "POST") => {
            let previous = parse_rotate(body)?;
            let token = store
                .rotate(scope, id, previous, now)
                .ok_or_else(ApiError::token_not_found)?;
            Ok(Reply::success(200, token_json(&token, View::Issued)))
        }
        _ => Err(ApiError::method_not_allowed()),
    }
}

fn list(store: &Store, scope: &Scope, query: &[(String, String)]) -> Result<Reply, ApiError> {
    let int_param = |name: &str, default: u64, max: u64| -> Result<u64, ApiError> {
        match query.iter().rev().find(|(k, _)| k == name) {
            None => Ok(default),
            Some((_, v)) => match v.parse::<u64>() {
                Ok(n) if (1..=max).contains(&n) => Ok(n),
                _ => Err(ApiError::invalid_request(format!(
                    "{name} must be an integer between 1 and {max}"
                ))),
            },
        }
    };
    let page = int_param("page", 1, u32::MAX as u64)?;
    let per_page = int_param("per_page", MAX_PER_PAGE, MAX_PER_PAGE)?;
    let name = query
        .iter()
        .find(|(k, _)| k == "name")
        .map(|(_, v)| v.as_str());
    let search = query
        .iter()
        .find(|(k, _)| k == "search")
        .map(|(_, v)| v.to_lowercase());
    let matching: Vec<&StoredToken> = store
        .in_scope(scope)
        .filter(|t| name.is_none_or(|n| t.name == n))
        .filter(|t| {
            search
                .as_deref()
                .is_none_or(|s| t.name.to_lowercase().contains(s))
        })
        .collect();
    let total = matching.len() as u64;
    let start = (page - 1).saturating_mul(per_page);
    let items: Vec<Value> = matching
        .iter()
        .skip(usize::try_from(start).unwrap_or(usize::MAX))
        .take(per_page as usize)
        .map(|t| token_json(t, View::Public))
        .collect();
    let info = json!({
        "page": page,
        "per_page": per_page,
        "count": items.len(),
        "total_count": total,
        "total_pages": total.div_ceil(per_page),
    });
    Ok(Reply::list(items, info))
}

/// The body as a JSON object; `empty_ok` turns an empty body into `{}`.
fn body_object(body: &[u8], empty_ok: bool) -> Result<Map<String, Value>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return if empty_ok {
            Ok(Map::new())
        } else {
            Err(ApiError::invalid_request("request body is required"))
        };
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(o)) => Ok(o),
        Ok(_) => Err(ApiError::invalid_request(
            "request body must be a JSON object",
        )),
        Err(e) => Err(ApiError::invalid_request(format!(
            "request body is not valid JSON ({e})"
        ))),
    }
}

/// A field that may be absent or `null`.
fn field<'a>(o: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    o.get(name).filter(|v| !v.is_null())
}

fn string_field(o: &Map<String, Value>, name: &str) -> Result<Option<String>, ApiError> {
    match field(o, name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(ApiError::invalid_request(format!(
            "{name} must be a string"
        ))),
    }
}

fn name_field(o: &Map<String, Value>) -> Result<Option<String>, ApiError> {
    match string_field(o, "name")? {
        Some(n) if n.trim().is_empty() => Err(ApiError::invalid_request("name must not be empty")),
        other => Ok(other),
    }
}

fn duration_field(o: &Map<String, Value>) -> Result<Option<(String, chrono::Duration)>, ApiError> {
    match string_field(o, "duration")? {
        None => Ok(None),
        Some(d) => {
            let lifetime = duration::parse(&d).map_err(ApiError::invalid_request)?;
            Ok(Some((d, lifetime)))
        }
    }
}

/// A whole number ≥ 1; the schema says `number`, so `2.0` is accepted too.
fn version_field(o: &Map<String, Value>) -> Result<Option<u64>, ApiError> {
    let bad =
        || ApiError::invalid_request("client_secret_version must be a whole number of at least 1");
    match field(o, "client_secret_version") {
        None => Ok(None),
        Some(Value::Number(n)) => match (n.as_u64(), n.as_f64()) {
            (Some(v), _) if v >= 1 => Ok(Some(v)),
            (None, Some(f)) if f >= 1.0 && f.fract() == 0.0 && f < 9.0e15 => Ok(Some(f as u64)),
            _ => Err(bad()),
        },
        Some(_) => Err(bad()),
    }
}

fn rfc3339_field(o: &Map<String, Value>, name: &str) -> Result<Option<String>, ApiError> {
    match string_field(o, name)? {
        Some(s) if DateTime::parse_from_rfc3339(&s).is_err() => Err(ApiError::invalid_request(
            format!("{name} must be an RFC 3339 timestamp"),
        )),
        other => Ok(other),
    }
}

fn bool_field(o: &Map<String, Value>, name: &str) -> Result<Option<bool>, ApiError> {
    match field(o, name) {
        None => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(ApiError::invalid_request(format!(
            "{name} must be a boolean"
        ))),
    }
}

fn parse_create(body: &[u8]) -> Result<NewToken, ApiError> {
    let o = body_object(body, false)?;
    let name = name_field(&o)?.ok_or_else(|| ApiError::invalid_request("name is required"))?;
    let (duration, lifetime) = match duration_field(&o)? {
        Some(d) => d,
        None => (
            duration::DEFAULT_DURATION.to_string(),
            duration::parse(duration::DEFAULT_DURATION).expect("valid"),
        ),
    };
    Ok(NewToken {
        name,
        duration,
        lifetime,
        client_secret_version: version_field(&o)?.unwrap_or(1),
        previous_client_secret_expires_at: rfc3339_field(&o, "previous_client_secret_expires_at")?,
        enabled: bool_field(&o, "enabled")?.unwrap_or(true),
    })
}

fn parse_update(body: &[u8]) -> Result<TokenUpdate, ApiError> {
    let o = body_object(body, true)?;
    Ok(TokenUpdate {
        name: name_field(&o)?,
        duration: duration_field(&o)?,
        client_secret_version: version_field(&o)?,
        previous_client_secret_expires_at: rfc3339_field(&o, "previous_client_secret_expires_at")?,
        enabled: bool_field(&o, "enabled")?,
    })
}

fn parse_rotate(body: &[u8]) -> Result<Option<String>, ApiError> {
    rfc3339_field(
        &body_object(body, true)?,
        "previous_client_secret_expires_at",
    )
}
