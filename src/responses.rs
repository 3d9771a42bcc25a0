//! Response parsing: Cloudflare's envelope `{success, errors, messages,
//! result, result_info}`, judged by HTTP status **and** `success`, mapped to
//! [`Error`] kinds a caller can act on. A body that is not the envelope (an
//! HTML 502 from the edge, say) becomes an error that quotes the status and a
//! short description, never the request or a secret.

use crate::error::{ApiFailure, Error};
use crate::secret::Secret;
use crate::transport::RawResponse;
use serde::de::DeserializeOwned;
use serde::Deserialize;

/// A service token as the API returns it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct ApiToken {
    /// UUID.
    pub id: String,
    /// Name.
    #[serde(default)]
    pub name: String,
    /// `<32 hex>.access`.
    #[serde(default)]
    pub client_id: String,
    /// Present only on create, rotate and a version-bumping PUT.
    #[serde(default)]
    pub client_secret: Option<Secret>,
    /// RFC 3339.
    #[serde(default)]
    pub expires_at: Option<String>,
    /// Go duration or `forever`.
    #[serde(default)]
    pub duration: Option<String>,
    /// Current secret version.
    #[serde(default)]
    pub client_secret_version: Option<u64>,
    /// Grace period of the previous secret.
    #[serde(default)]
    pub previous_client_secret_expires_at: Option<String>,
    /// RFC 3339; used to recognise the token a lost create made.
    #[serde(default)]
    pub created_at: Option<String>,
}

/// Paging information of a list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct ResultInfo {
    /// Page number.
    #[serde(default)]
    pub page: Option<u64>,
    /// Page size.
    #[serde(default)]
    pub per_page: Option<u64>,
    /// Items on this page.
    #[serde(default)]
    pub count: Option<u64>,
    /// Items in all pages.
    #[serde(default)]
    pub total_count: Option<u64>,
    /// Number of pages.
    #[serde(default)]
    pub total_pages: Option<u64>,
}

#[derive(Deserialize)]
struct Envelope<T> {
    #[serde(default)]
    success: bool,
    #[serde(default)]
    errors: Vec<ApiMessage>,
    result: Option<T>,
    #[serde(default)]
    result_info: Option<ResultInfo>,
}

#[derive(Deserialize)]
struct ApiMessage {
    #[serde(default)]
    code: Option<u32>,
    #[serde(default)]
    message: String,
}

/// Codes Cloudflare uses for failed authentication.
const AUTH_CODES: [u32; 5] = [9103, 9106, 9109, 10000, 10001];

/// Parses a response whose `result` is a `T`.
pub fn parse<T: DeserializeOwned>(resp: &RawResponse) -> Result<T, Error> {
    parse_with_info(resp).map(|(t, _)| t)
}

/// Parses a response whose `result` is a `T`, with its `result_info`.
pub fn parse_with_info<T: DeserializeOwned>(resp: &RawResponse) -> Result<(T, Option<ResultInfo>), Error> {
    let envelope: Envelope<serde_json::Value> = match serde_json::from_slice(&resp.body) {
        Ok(e) => e,
        Err(_) => return Err(non_envelope(resp)),
    };
    let ok_status = (200..300).contains(&resp.status);
    if ok_status && envelope.success {
        let value = envelope.result.unwrap_or(serde_json::Value::Null);
        let result = T::deserialize(value).map_err(|e| {
            Error::Internal(format!("HTTP {} with an unexpected result shape ({e})", resp.status))
        })?;
        return Ok((result, envelope.result_info));
    }
    let code = envelope.errors.first().and_then(|e| e.code);
    let message = if envelope.errors.is_empty() {
        format!("the API answered success={} without an error message", envelope.success)
    } else {
        envelope
            .errors
            .iter()
            .map(|e| match e.code {
                Some(c) if envelope.errors.len() > 1 => format!("{c}: {}", e.message),
                _ => e.message.clone(),
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    Err(classify(resp, ApiFailure { status: resp.status, code, message }))
}

fn classify(resp: &RawResponse, failure: ApiFailure) -> Error {
    let auth_code = failure.code.is_some_and(|c| AUTH_CODES.contains(&c));
    match failure.status {
        429 => Error::RateLimited { retry_after_seconds: retry_after(resp), message: failure.message },
        401 => Error::Unauthorized(failure),
        _ if auth_code => Error::Unauthorized(failure),
        403 => Error::Forbidden(failure),
        404 => Error::NotFound(failure),
        _ => Error::Api(failure),
    }
}

/// `retry-after` in whole seconds: the delta-seconds form, or an HTTP date
/// measured from `now` (ignored when the caller has no clock).
pub fn retry_after_at(resp: &RawResponse, now: Option<chrono::DateTime<chrono::Utc>>) -> Option<u64> {
    let value = resp.header("retry-after")?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(seconds);
    }
    let date = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let now = now?;
    Some((date.with_timezone(&chrono::Utc) - now).num_seconds().max(0) as u64)
}

/// `retry-after` in seconds, delta-seconds form only.
pub fn retry_after(resp: &RawResponse) -> Option<u64> {
    retry_after_at(resp, None)
}

fn non_envelope(resp: &RawResponse) -> Error {
    let kind = resp.header("content-type").unwrap_or("no content type").to_string();
    let text = String::from_utf8_lossy(&resp.body);
    let title = text
        .find("<title>")
        .and_then(|start| text[start + 7..].find("</title>").map(|end| text[start + 7..start + 7 + end].trim().to_string()))
        .filter(|t| !t.is_empty() && t.len() <= 120);
    let mut message = format!("the response was not Cloudflare's JSON envelope ({kind}, {} bytes)", resp.body.len());
    if let Some(t) = title {
        message.push_str(&format!(", page title {t:?}"));
    }
    let failure = ApiFailure { status: resp.status, code: None, message };
    if resp.status == 429 {
        return Error::RateLimited { retry_after_seconds: retry_after(resp), message: failure.message };
    }
    if (200..300).contains(&resp.status) {
        // A success whose body was cut short or replaced: the API's answer is unusable.
        return Error::Api(failure);
    }
    classify(resp, failure)
}
