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
    /// False: disabled (by a person, or by the account's inactivity
    /// cleanup). Absent from older API answers: then unknown here.
    #[serde(default)]
    pub enabled: Option<bool>,
    /// RFC 3339: the last authentication; absent or null until the first.
    #[serde(default)]
    pub last_seen_at: Option<String>,
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
        // The API's answer is at fault, not this code: an API error, quoting
        // the serde complaint without the value it complains about.
        let result = T::deserialize(value).map_err(|e| {
            Error::Api(ApiFailure {
                status: resp.status,
                code: None,
                message: format!("the result does not have the documented shape ({}){}", shape_complaint(&e), ray(resp)),
            })
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

/// What is wrong with a body that is not complete JSON, for a person:
/// empty, cut short (JSON that stops before its end), or not JSON at all
/// (a `text/plain` "ok" from a proxy). `None` when it is JSON.
fn body_problem(resp: &RawResponse) -> Option<String> {
    let error = serde_json::from_slice::<serde::de::IgnoredAny>(&resp.body).err()?;
    let kind = resp.header("content-type").unwrap_or("no content type");
    let size = resp.body.len();
    let starts_like_json = resp.body.iter().find(|b| !b.is_ascii_whitespace()).is_some_and(|b| matches!(b, b'{' | b'['));
    Some(if size == 0 {
        format!("an empty body ({kind})")
    } else if error.is_eof() && starts_like_json {
        format!("an answer cut short ({size} bytes)")
    } else {
        format!("a body that is not JSON ({kind}, {size} bytes)")
    })
}

/// A success (2xx) whose body is not complete JSON, described for a message:
/// `HTTP 200 with a body that is not JSON (text/plain, 2 bytes)` or `HTTP 200
/// with an answer cut short (41 bytes)`, with the `cf-ray` id when present.
/// For callers that must tell such an answer apart (a create whose outcome
/// is then unknown).
pub fn unreadable_success(resp: &RawResponse) -> String {
    let problem = body_problem(resp).unwrap_or_else(|| "an answer that is not Cloudflare's envelope".into());
    format!("HTTP {} with {problem}{}", resp.status, ray(resp))
}

/// `, cf-ray <id>` when the answer carries Cloudflare's request id (what
/// Cloudflare support asks for); only the id's own characters are quoted.
fn ray(resp: &RawResponse) -> String {
    match resp.header("cf-ray").map(str::trim) {
        Some(id) if !id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') => format!(", cf-ray {id}"),
        _ => String::new(),
    }
}

/// serde's complaint about a result, without the offending value (which
/// could be a secret): `invalid type: string, expected a service token`.
fn shape_complaint(e: &serde_json::Error) -> String {
    let text = e.to_string().replace("struct ApiToken", "a service token").replace("struct ResultInfo", "paging information");
    if text.starts_with("missing field") || text.starts_with("invalid length") {
        return text;
    }
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some((found, expected)) = text.strip_prefix(prefix).and_then(|rest| rest.rsplit_once(", expected ")) {
            let found = found.split(['"', '`']).next().unwrap_or_default().trim();
            return format!("{prefix}{found}, expected {expected}");
        }
    }
    "a value of the wrong type".into()
}

fn non_envelope(resp: &RawResponse) -> Error {
    if (200..300).contains(&resp.status) {
        // A success whose body was cut short or replaced: the API's answer is unusable.
        let problem = body_problem(resp).unwrap_or_else(|| {
            format!("JSON that is not Cloudflare's envelope ({}, {} bytes)", resp.header("content-type").unwrap_or("no content type"), resp.body.len())
        });
        return Error::Api(ApiFailure { status: resp.status, code: None, message: format!("{problem}{}", ray(resp)) });
    }
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
    classify(resp, failure)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, content_type: &str, body: &str, ray: Option<&str>) -> RawResponse {
        let mut headers = vec![("content-type".to_string(), content_type.to_string())];
        headers.extend(ray.map(|r| ("cf-ray".to_string(), r.to_string())));
        RawResponse { status, headers, body: body.as_bytes().to_vec() }
    }

    #[test]
    fn a_success_that_is_not_json_says_so_and_a_cut_short_one_too() {
        assert_eq!(unreadable_success(&answer(200, "text/plain", "ok", None)), "HTTP 200 with a body that is not JSON (text/plain, 2 bytes)");
        assert_eq!(unreadable_success(&answer(200, "application/json", r#"{"success": true, "res"#, None)), "HTTP 200 with an answer cut short (22 bytes)");
        assert_eq!(unreadable_success(&answer(201, "application/json", "", Some("8c1f2e3d4c5b6a79-LHR"))), "HTTP 201 with an empty body (application/json), cf-ray 8c1f2e3d4c5b6a79-LHR");
        match parse::<ApiToken>(&answer(200, "text/plain", "ok", None)) {
            Err(Error::Api(f)) => assert_eq!((f.status, f.code, f.message.as_str()), (200, None, "a body that is not JSON (text/plain, 2 bytes)")),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_result_of_the_wrong_shape_is_the_apis_fault_and_quotes_no_value() {
        let body = r#"{"success": true, "errors": [], "messages": [], "result": "cfast_not_a_token"}"#;
        let err = parse::<ApiToken>(&answer(200, "application/json", body, Some("8c1f2e3d4c5b6a79-LHR"))).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Cloudflare API error (HTTP 200: the result does not have the documented shape (invalid type: string, expected a service token), cf-ray 8c1f2e3d4c5b6a79-LHR)"
        );
        let body = r#"{"success": true, "result": {"name": "n"}}"#;
        let err = parse::<ApiToken>(&answer(200, "application/json", body, None)).unwrap_err();
        assert!(matches!(&err, Error::Api(f) if f.message == "the result does not have the documented shape (missing field `id`)"), "{err:?}");
        let body = r#"{"success": true, "result": {"id": 7}}"#;
        let err = parse::<Vec<ApiToken>>(&answer(200, "application/json", body, Some("bad ray\r\nx"))).unwrap_err();
        assert!(matches!(&err, Error::Api(f) if f.message == "the result does not have the documented shape (invalid type: map, expected a sequence)"), "{err:?}");
    }
}
