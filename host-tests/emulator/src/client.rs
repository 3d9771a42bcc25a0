//! A plain HTTP/1.1 client for tests, over real loopback sockets: a client
//! of the emulator's Access application (what a CI job does with its service
//! token: one request carrying `CF-Access-Client-Id` and
//! `CF-Access-Client-Secret`), or a person calling the API by hand.

use serde_json::Value;
use std::io::{Read, Write};
use std::net::TcpStream;

/// The Access application's answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppAnswer {
    /// HTTP status: 200 admitted, 403 refused.
    pub status: u16,
    /// For a refusal, why (`disabled`, `expired`, `previous_secret_expired`,
    /// `wrong_secret`, `unknown_client_id`, …); empty when admitted.
    pub reason: String,
    /// The whole JSON answer: for an admission, which token and which of
    /// its secrets (`current` or `previous`) let the client in.
    pub body: Value,
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
    let (status, body) = send("GET", url, &[("CF-Access-Client-Id", client_id), ("CF-Access-Client-Secret", client_secret)], None)?;
    let reason = body.get("reason").and_then(Value::as_str).unwrap_or_default().to_string();
    Ok(AppAnswer { status, reason, body })
}

/// One request, `Connection: close`: the status and the body as JSON (as a
/// JSON string when it is not JSON). Chunked answers are decoded.
pub fn send(method: &str, url: &str, headers: &[(&str, &str)], body: Option<&Value>) -> std::io::Result<(u16, Value)> {
    let invalid = |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, format!("{what}: {url}"));
    let rest = url.strip_prefix("http://").ok_or_else(|| invalid("not an http:// URL"))?;
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let path = if path.is_empty() { "/" } else { path };
    let body = body.map(Value::to_string).unwrap_or_default();
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    if !body.is_empty() {
        request.push_str("Content-Type: application/json\r\n");
    }
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(&body);
    let mut stream = TcpStream::connect(host)?;
    stream.set_read_timeout(Some(std::time::Duration::from_secs(30)))?;
    stream.write_all(request.as_bytes())?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw);
    let (head, payload) = text.split_once("\r\n\r\n").ok_or_else(|| invalid("no end of headers in the answer"))?;
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).ok_or_else(|| invalid("no HTTP status in the answer"))?;
    let chunked = head.lines().any(|l| {
        let l = l.to_ascii_lowercase();
        l.starts_with("transfer-encoding:") && l.contains("chunked")
    });
    let payload = if chunked { dechunk(payload) } else { payload.to_string() };
    Ok((status, serde_json::from_str(&payload).unwrap_or(Value::String(payload))))
}

fn dechunk(mut rest: &str) -> String {
    let mut out = String::new();
    while let Some((size, after)) = rest.split_once("\r\n") {
        let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if size == 0 || after.len() < size {
            break;
        }
        out.push_str(&after[..size]);
        rest = after[size..].strip_prefix("\r\n").unwrap_or(&after[size..]);
    }
    out
}
