//! The boundary to the network. The core speaks to a [`Transport`]: it hands
//! over an [`ApiRequest`] and gets back a [`RawResponse`] or a transport
//! failure. The components' implementation (crate `wasi-http-transport`)
//! sends it over wasi-http; it is the only code that touches HTTP.

use crate::requests::ApiRequest;

/// What came back, before any interpretation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawResponse {
    /// HTTP status.
    pub status: u16,
    /// Headers (names lower-cased).
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl RawResponse {
    /// The first header of that (lower-case) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// Why a request did not complete.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransportFailure {
    /// What happened, without any header or body content.
    pub message: String,
    /// True when the request may have reached the server (sent, no answer):
    /// the outcome of a create is then unknown.
    pub maybe_sent: bool,
    /// False when trying again cannot help (refused by the host's policy, a
    /// malformed URL or header).
    pub retryable: bool,
}

/// Sends requests. Implemented over wasi-http in the component; tests may
/// implement it natively.
pub trait Transport {
    /// Sends one request to `base_url` + its path.
    fn send(&mut self, base_url: &str, request: &ApiRequest) -> Result<RawResponse, TransportFailure>;

    /// Sends independent requests with all of them in flight at once, and
    /// hands each answer to `on_answer` with its index in `requests` as soon
    /// as it arrives (so a caller can record it before the slower ones are
    /// in: a process killed mid-batch then loses only what was still in
    /// flight). Called exactly once per request. The default sends them one
    /// after the other.
    fn send_all(&mut self, base_url: &str, requests: &[ApiRequest], on_answer: &mut dyn FnMut(usize, Result<RawResponse, TransportFailure>)) {
        for (i, request) in requests.iter().enumerate() {
            let answer = self.send(base_url, request);
            on_answer(i, answer);
        }
    }

    /// Waits before a retry. The component blocks on a wasi clock pollable.
    fn sleep_ms(&mut self, ms: u64);

    /// Randomness for retry jitter. The default (no randomness) means no
    /// jitter, which keeps scripted tests exact.
    fn random_u64(&mut self) -> u64 {
        u64::MAX
    }

    /// The wall clock, to honour a `retry-after` given as an HTTP date;
    /// `None` (the default) ignores such dates.
    fn now(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        None
    }
}

