//! The Cloudflare v4 response envelope and the API errors the emulator emits.
//!
//! Every JSON answer is `{success, errors, messages, result}` (plus
//! `result_info` on lists), so clients can be tested on judging both the HTTP
//! status and `success`.

use serde_json::{json, Value};

/// An answer before it becomes an HTTP response.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub body: String,
    pub content_type: String,
    pub headers: Vec<(String, String)>,
}

impl Reply {
    /// `{"success":true,...,"result":result}` with this status.
    pub fn success(status: u16, result: Value) -> Reply {
        Reply::json(
            status,
            json!({"success": true, "errors": [], "messages": [], "result": result}),
        )
    }

    /// A successful list answer with `result_info`.
    pub fn list(result: Vec<Value>, result_info: Value) -> Reply {
        Reply::json(
            200,
            json!({"success": true, "errors": [], "messages": [], "result": result, "result_info": result_info}),
        )
    }

    pub fn json(status: u16, body: Value) -> Reply {
        Reply {
            status,
            body: body.to_string(),
            content_type: "application/json".into(),
            headers: Vec::new(),
        }
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }
}

/// A failure the API reports in the envelope: HTTP status, code and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: u16,
    pub code: u32,
    pub message: String,
    /// Nested causes, as Cloudflare's `error_chain`.
    pub chain: Vec<(u32, String)>,
}

impl ApiError {
    pub fn new(status: u16, code: u32, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            chain: Vec::new(),
        }
    }

    /// 400, 9106: no credentials at all.
    pub fn missing_auth() -> ApiError {
        ApiError::new(
            400,
            9106,
            "Missing X-Auth-Key, X-Auth-Email or Authorization headers",
        )
    }

    /// 403, 9109: a Bearer token that is not configured.
    pub fn invalid_token() -> ApiError {
        ApiError::new(403, 9109, "Invalid access token")
    }

    /// 403, 10000: wrong or incomplete email/key pair.
    pub fn authentication_error() -> ApiError {
        ApiError::new(403, 10000, "Authentication error")
    }

    /// 400, 6003 with cause 6111: an `Authorization` header that is not `Bearer <token>`
    /// (what the real API answers for e.g. `Authorization: Basic ...`).
    pub fn bad_authorization_header() -> ApiError {
        let mut e = ApiError::new(400, 6003, "Invalid request headers");
        e.chain
            .push((6111, "Invalid format for Authorization header".into()));
        e
    }

    /// 404, 7000: no such route.
    pub fn no_route() -> ApiError {
        ApiError::new(404, 7000, "No route for that URI")
    }

    /// 400, 7003: the route exists but an identifier in the path is malformed.
    pub fn bad_identifier(path: &str) -> ApiError {
        ApiError::new(
            400,
            7003,
            format!("Could not route to {path}, perhaps your object identifier is invalid?"),
        )
    }

    /// 405, 10405: known route, wrong method.
    pub fn method_not_allowed() -> ApiError {
        ApiError::new(405, 10405, "Method not allowed")
    }

    /// 400, 12130: Access request validation.
    pub fn invalid_request(what: impl std::fmt::Display) -> ApiError {
        ApiError::new(
            400,
            12130,
            format!("access.api.error.invalid_request: {what}"),
        )
    }

    /// 404, 12135: the service token does not exist in this account or zone.
    ///
    /// The public sources leave the code open; 12135 with
    /// `access.api.error.not_found` is what the real Access API answers for
    /// other missing Access objects, so the emulator uses it for tokens too.
    pub fn token_not_found() -> ApiError {
        ApiError::new(
            404,
            12135,
            "access.api.error.not_found: service token not found",
        )
    }

    /// 429, 971: rate limited.
    pub fn rate_limited() -> ApiError {
        ApiError::new(
            429,
            971,
            "Please wait and consider throttling your request speed",
        )
    }

    pub fn into_reply(self) -> Reply {
        let mut error = json!({"code": self.code, "message": self.message});
        if !self.chain.is_empty() {
            error["error_chain"] = self
                .chain
                .iter()
                .map(|(code, message)| json!({"code": code, "message": message}))
                .collect();
        }
        Reply::json(
            self.status,
            json!({"success": false, "errors": [error], "messages": [], "result": null}),
        )
    }
}
