//! The request log: what clients sent, so tests can assert on the calls made
//! (how many, which method and path, which body) and not only on outcomes.
//!
//! Credentials are never recorded, only which scheme was presented.

use serde_json::Value;
use std::sync::Mutex;

/// Which authentication scheme a request presented (valid or not).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AuthUsed {
    /// No `Authorization`, `X-Auth-Email` or `X-Auth-Key` header.
    None,
    /// An `Authorization` header (normally `Bearer <api token>`).
    Bearer,
    /// `X-Auth-Email` and/or `X-Auth-Key` (global API key).
    ApiKey,
}

/// One request as the emulator received it, and the status it answered.
#[derive(Clone, Debug, PartialEq)]
pub struct LoggedRequest {
    pub method: String,
    /// Full path, including `/client/v4`, without the query.
    pub path: String,
    /// Decoded query pairs, in order.
    pub query: Vec<(String, String)>,
    /// `None` when the body was empty; a body that is not JSON is kept as
    /// `Some(Value::String(raw))`.
    pub body: Option<Value>,
    pub auth: AuthUsed,
    pub user_agent: Option<String>,
    pub content_type: Option<String>,
    /// The `Content-Length` header as sent, if any.
    pub content_length: Option<String>,
    /// The `Transfer-Encoding` header as sent (`chunked` for a body of
    /// unannounced length), if any.
    pub transfer_encoding: Option<String>,
    /// Length of the body received, in bytes.
    pub body_len: usize,
    /// The status answered; 0 while the request is still being handled, and
    /// for a connection dropped on purpose.
    pub status: u16,
    /// Arrival, in milliseconds since the emulator started.
    pub at_ms: u64,
}

impl LoggedRequest {
    /// The value of the first query parameter called `name`.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Append-only log shared by the server and the test: the API's requests
/// ([`RequestLog`]) and the Access application's (`AppLog`) each keep one.
pub struct Log<T> {
    entries: Mutex<Vec<T>>,
}

impl<T> Default for Log<T> {
    fn default() -> Self {
        Log { entries: Mutex::new(Vec::new()) }
    }
}

impl<T: Clone> Log<T> {
    /// Records an entry on arrival and returns its position, so it can be
    /// completed once answered (arrival order is kept even when a delayed
    /// request finishes after a later one).
    pub fn push(&self, entry: T) -> usize {
        let mut entries = self.lock();
        entries.push(entry);
        entries.len() - 1
    }

    pub fn snapshot(&self) -> Vec<T> {
        self.lock().clone()
    }

    pub fn clear(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<T>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The API's requests.
pub type RequestLog = Log<LoggedRequest>;

impl RequestLog {
    pub fn set_status(&self, index: usize, status: u16) {
        if let Some(entry) = self.lock().get_mut(index) {
            entry.status = status;
        }
    }
}

/// Decodes a query string (`a=1&b=x%20y+z`) into pairs, in order.
pub fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let (k, v) = part.split_once('=').unwrap_or((part, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

/// `application/x-www-form-urlencoded` decoding: `+` is a space, `%XX` a byte.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len()
                && bytes[i + 1].is_ascii_hexdigit()
                && bytes[i + 2].is_ascii_hexdigit() =>
            {
                out.push(hex_value(bytes[i + 1]) << 4 | hex_value(bytes[i + 2]));
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_value(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        _ => c - b'A' + 10,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_strings_are_decoded_in_order() {
        assert_eq!(
            parse_query("name=CI%2FCD+token&page=2&flag&x=%zz%4"),
            vec![
                ("name".into(), "CI/CD token".into()),
                ("page".into(), "2".into()),
                ("flag".into(), "".into()),
                ("x".into(), "%zz%4".into()),
            ]
        );
    }
}
