// Shared builders for the native tests (included with `mod`/`#[path]`).
#![allow(dead_code)]

use access_service_token::model::{TokenArgs, TokenState};
use access_service_token::requests::ApiRequest;
use access_service_token::secret::Secret;
use access_service_token::transport::{RawResponse, Transport, TransportFailure};
use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use std::collections::VecDeque;

pub const ACCOUNT: &str = "f037e56e89293a057740de681ac9abbe";
pub const ACCOUNT_2: &str = "023e105f4ecef8ad9ca31a8372d0c353";
pub const ZONE: &str = "0da42c8d2132a9ddaf714f9e7c920711";
pub const TOKEN_ID: &str = "f174e90a-fafe-4643-bbbc-4a0ed4fc8415";

pub fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).expect("test time").with_timezone(&Utc)
}

/// The seed program's token.
pub fn seed_args() -> TokenArgs {
    TokenArgs { name: "CI/CD app renewed".into(), account_id: Some(ACCOUNT.into()), min_days_for_renewal: 30, ..Default::default() }
}

pub fn zone_args() -> TokenArgs {
    TokenArgs { account_id: None, zone_id: Some(ZONE.into()), ..seed_args() }
}

/// A token created from `args`, expiring at `expires_at`.
pub fn state(args: TokenArgs, expires_at: &str) -> TokenState {
    TokenState {
        id: TOKEN_ID.into(),
        args,
        client_id: "88bf3b6d86161464f6509f7219099e57.access".into(),
        client_secret: Some(Secret::new("cfast_original_secret")),
        expires_at: Some(expires_at.into()),
        created_at: None,
        last_seen_at: None,
    }
}

/// Answers from a script and records every request; a call beyond the
/// script is a test failure.
#[derive(Default)]
pub struct Scripted {
    pub answers: VecDeque<RawResponse>,
    pub sent: Vec<ApiRequest>,
}

impl Transport for Scripted {
    fn send(&mut self, _: &str, request: &ApiRequest) -> Result<RawResponse, TransportFailure> {
        self.sent.push(request.clone());
        Ok(self.answers.pop_front().unwrap_or_else(|| panic!("unexpected call: {} {}", request.method.as_str(), request.path)))
    }

    fn sleep_ms(&mut self, _: u64) {}
}

impl Scripted {
    pub fn answering(bodies: Vec<(u16, Value)>) -> Self {
        let answers = bodies.into_iter().map(|(status, b)| RawResponse { status, headers: vec![], body: b.to_string().into_bytes() }).collect();
        Scripted { answers, sent: vec![] }
    }

    pub fn query(&self, i: usize) -> Vec<(String, String)> {
        self.sent[i].query.clone()
    }
}

/// The API's answer for the seed token.
pub fn token_body() -> Value {
    json!({"success": true, "errors": [], "messages": [], "result": {
        "id": TOKEN_ID, "name": "CI/CD app renewed", "client_id": "88bf3b6d86161464f6509f7219099e57.access",
        "expires_at": "2027-11-28T12:00:00Z", "duration": "8760h", "client_secret_version": 1
    }})
}

pub fn not_found() -> Value {
    json!({"success": false, "errors": [{"code": 12130, "message": "access.api.error.not_found"}], "messages": [], "result": null})
}

