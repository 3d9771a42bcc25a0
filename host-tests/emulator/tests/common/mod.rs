//! Shared helpers for the behaviour tests: an emulator on a fixed clock and a
//! tiny blocking HTTP client (ureq) that returns every status as data.
#![allow(dead_code)] // each test binary uses a different subset

use chrono::{DateTime, TimeZone, Utc};
use cloudflare_emulator::{Clock, Emulator, EmulatorConfig, DEFAULT_API_TOKEN};
use serde_json::Value;
use std::time::Duration;

pub const ACCOUNT: &str = "023e105f4ecef8ad9ca31a8372d0c353";
pub const OTHER_ACCOUNT: &str = "48364b099cc965f71761d67bc5314bd4";
pub const ZONE: &str = "9f1b7bd1c2d84f3fa0e2b7f1c5c0a9e4";

/// 2025-01-01T00:00:00Z, where every test clock starts.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap()
}

/// An emulator with default credentials, a fixed clock at [`t0`] and seed 1.
pub fn start() -> Emulator {
    Emulator::start(EmulatorConfig {
        clock: Clock::fixed(t0()),
        seed: Some(1),
        ..EmulatorConfig::default()
    })
    .expect("emulator starts")
}

pub fn accounts(rest: &str) -> String {
    format!("/accounts/{ACCOUNT}/access/service_tokens{rest}")
}

pub fn zones(rest: &str) -> String {
    format!("/zones/{ZONE}/access/service_tokens{rest}")
}

/// An HTTP answer.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub text: String,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The `result` of a successful envelope; panics with the body otherwise.
    pub fn result(&self) -> Value {
        let body = self.json();
        assert!(
            self.status < 300 && body["success"] == true,
            "expected success, got {}: {}",
            self.status,
            self.text
        );
        body["result"].clone()
    }

    /// `(status, first error code)` of a failure envelope.
    pub fn error(&self) -> (u16, i64) {
        let body = self.json();
        assert_eq!(body["success"], false, "expected a failure: {}", self.text);
        assert!(body["result"].is_null());
        (
            self.status,
            body["errors"][0]["code"].as_i64().expect("error code"),
        )
    }
}

/// A client for one emulator, authenticating with the default API token.
pub struct Api {
    pub base: String,
    agent: ureq::Agent,
    pub headers: Vec<(String, String)>,
}

impl Api {
    pub fn new(emu: &Emulator) -> Api {
        Api::with_headers(
            emu,
            &[("authorization", &format!("Bearer {DEFAULT_API_TOKEN}"))],
        )
    }

    /// A client sending exactly these (auth) headers.
    pub fn with_headers(emu: &Emulator, headers: &[(&str, &str)]) -> Api {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(20)))
            .build()
            .into();
        Api {
            base: emu.base_url(),
            agent,
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    /// Sends a request to `base_url + path`; transport errors are returned.
    pub fn try_send(
        &self,
        method: &str,
        path: &str,
        body: Option<&str>,
    ) -> Result<Resp, ureq::Error> {
        let mut builder = ureq::http::Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base));
        for (k, v) in &self.headers {
            builder = builder.header(k.as_str(), v.as_str());
        }
        let mut response = match body {
            Some(body) => {
                let req = builder
                    .header("content-type", "application/json")
                    .body(body.to_string())
                    .unwrap();
                self.agent.run(req)?
            }
            None => self.agent.run(builder.body(()).unwrap())?,
        };
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap_or("").to_string()))
            .collect();
        let text = response.body_mut().read_to_string()?;
        Ok(Resp {
            status,
            headers,
            text,
        })
    }

    pub fn send(&self, method: &str, path: &str, body: Option<&str>) -> Resp {
        self.try_send(method, path, body)
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"))
    }

    pub fn get(&self, path: &str) -> Resp {
        self.send("GET", path, None)
    }

    pub fn post(&self, path: &str, body: Value) -> Resp {
        self.send("POST", path, Some(&body.to_string()))
    }

    pub fn put(&self, path: &str, body: Value) -> Resp {
        self.send("PUT", path, Some(&body.to_string()))
    }

    pub fn delete(&self, path: &str) -> Resp {
        self.send("DELETE", path, None)
    }

    /// Creates an account-scoped token and returns its create result.
    pub fn create(&self, name: &str) -> Value {
        let r = self.post(&accounts(""), serde_json::json!({ "name": name }));
        assert_eq!(r.status, 201, "{}", r.text);
        r.result()
    }
}

pub fn ts(v: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(v.as_str().unwrap_or_else(|| panic!("not a timestamp: {v}")))
        .unwrap()
        .with_timezone(&Utc)
}
