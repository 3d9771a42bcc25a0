//! A client of the emulator's Access application: what a CI job does with
//! its service token, one request carrying `CF-Access-Client-Id` and
//! `CF-Access-Client-Secret`, over real HTTP on loopback. Tests use it to
//! show that a token the project manages lets a client in, or does not.

use std::io::{Read, Write};
use std::net::TcpStream;

/// The application's answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppAnswer {
    /// HTTP status: 200 admitted, 403 refused.
    pub status: u16,
    /// For a refusal, why (`disabled`, `expired`, `previous_secret_expired`,
    /// `wrong_secret`, `unknown_client_id`, …); empty when admitted.
    pub reason: String,
    /// The whole JSON answer: for an admission, which token and which of
    /// its secrets (`current` or `previous`) let the client in.
    pub body: serde_json::Value,
}

impl AppAnswer {
    /// True when the application let the client in.
    pub fn admitted(&self) -> bool {
        self.status == 200
    }
}

/// `GET url` with the two service-token headers, as a client of an
/// Access-protected application sends it. `url` is one of
/// [`crate::Emulator::access_app_url`].
pub fn present(url: &str, client_id: &str, client_secret: &str) -> std::io::Result<AppAnswer> {
    let invalid = |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("{what}: {url}"));
    let rest = url.strip_prefix("http://").ok_or_else(|| invalid("not an http:// URL"))?;
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let path = if path.is_empty() { "/" } else { path };
    let mut stream = TcpStream::connect(host)?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nCF-Access-Client-Id: {client_id}\r\nCF-Access-Client-Secret: {client_secret}\r\nConnection: close\r\n\r\n"
    )?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw);
    let status = text.split(' ').nth(1).and_then(|s| s.parse().ok()).ok_or_else(|| invalid("no HTTP status in the answer"))?;
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
    let body: serde_json::Value = serde_json::from_str(body).unwrap_or(serde_json::Value::Null);
    let reason = body.get("reason").and_then(|r| r.as_str()).unwrap_or_default().to_string();
    Ok(AppAnswer { status, reason, body })
}
