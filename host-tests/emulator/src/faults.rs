//! Scripted faults: make the emulator misbehave the way the real API and
//! network sometimes do (5xx HTML pages, rate limiting, slow answers, dropped
//! connections), so retry and error paths of a client can be tested.

use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// A scripted misbehaviour for the requests that match it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    /// Only requests with this method (case-insensitive); `None` = any method.
    pub method: Option<String>,
    /// Only requests whose full path (`/client/v4/...`, no query) contains
    /// this; `""` matches every path.
    pub path_contains: String,
    /// How many matching requests it affects; `None` = every matching request.
    pub times: Option<usize>,
    pub kind: FaultKind,
}

impl Fault {
    /// A fault hitting every request whose path contains `path_contains`.
    pub fn new(path_contains: &str, kind: FaultKind) -> Fault {
        Fault {
            method: None,
            path_contains: path_contains.to_string(),
            times: None,
            kind,
        }
    }

    /// Restricts the fault to one method.
    pub fn method(mut self, method: &str) -> Fault {
        self.method = Some(method.to_string());
        self
    }

    /// Limits the fault to the next `n` matching requests.
    pub fn times(mut self, n: usize) -> Fault {
        self.times = Some(n);
        self
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        self.method
            .as_deref()
            .is_none_or(|m| m.eq_ignore_ascii_case(method))
            && path.contains(&self.path_contains)
    }
}

/// What a fault does instead of (or before) the normal handling.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FaultKind {
    /// Answer exactly this.
    Respond {
        status: u16,
        body: String,
        content_type: String,
        headers: Vec<(String, String)>,
    },
    /// An HTML error page with this status, like the ones Cloudflare's edge
    /// serves for 5xx (not JSON, so clients must not assume a JSON body).
    Html(u16),
    /// HTTP 429 with a `retry-after` header (seconds) and the API's JSON
    /// envelope, code 971 "Please wait and consider throttling your request speed".
    RateLimited { retry_after_secs: u64 },
    /// Wait, then handle the request normally.
    Delay(Duration),
    /// Close the TCP connection without sending any response (an ambiguous
    /// failure: the request may have been received).
    DropConnection,
    /// Handle the request (its change is made), then close the connection
    /// without answering: the client's answer is lost after the fact.
    DropAfterHandling,
    /// Handle the request, then hold the answer this long before sending it:
    /// a window in which a test can kill the client after the change was made.
    HoldAfterHandling(Duration),
    /// Handle the request, then hold the answer until the test opens the
    /// gate: a client kept inside a call for exactly as long as a test needs
    /// (another run started and refused meanwhile), with no timing to guess.
    HoldUntilOpened(Gate),
    /// Handle the request, then send only the first half of the JSON body.
    TruncateBody,
}

/// Where [`FaultKind::HoldUntilOpened`] holds answers; clones share one gate.
#[derive(Clone, Debug)]
pub struct Gate(Arc<GateInner>);

#[derive(Debug)]
struct GateInner {
    open: tokio::sync::watch::Sender<bool>,
    held: Mutex<usize>,
    arrived: Condvar,
}

impl Gate {
    /// A closed gate.
    pub fn new() -> Gate {
        Gate(Arc::new(GateInner { open: tokio::sync::watch::Sender::new(false), held: Mutex::new(0), arrived: Condvar::new() }))
    }

    /// Lets every answer held at the gate go, and every later one pass.
    pub fn open(&self) {
        self.0.open.send_replace(true);
    }

    /// Blocks until `n` requests have been handled and held here, or until
    /// `timeout` has passed; returns whether they were.
    pub fn wait_held(&self, n: usize, timeout: Duration) -> bool {
        let held = self.0.held.lock().unwrap_or_else(|e| e.into_inner());
        let (held, _) = self.0.arrived.wait_timeout_while(held, timeout, |held| *held < n).unwrap_or_else(|e| e.into_inner());
        *held >= n
    }

    /// How many requests have been held here so far.
    pub fn held(&self) -> usize {
        *self.0.held.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Holds the caller (a handled request) until the gate opens.
    pub(crate) async fn hold(&self) {
        let mut opened = self.0.open.subscribe();
        *self.0.held.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        self.0.arrived.notify_all();
        let _ = opened.wait_for(|open| *open).await;
    }
}

impl Default for Gate {
    fn default() -> Gate {
        Gate::new()
    }
}

/// Gates are equal when they are the same gate.
impl PartialEq for Gate {
    fn eq(&self, other: &Gate) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for Gate {}

/// The list of active faults, first match wins.
#[derive(Default)]
pub struct Faults {
    active: Mutex<Vec<Fault>>,
}

impl Faults {
    pub fn inject(&self, fault: Fault) {
        if fault.times != Some(0) {
            self.lock().push(fault);
        }
    }

    pub fn clear(&self) {
        self.lock().clear();
    }

    /// The fault for this request, if any, consuming one of its `times`.
    pub fn take(&self, method: &str, path: &str) -> Option<FaultKind> {
        let mut active = self.lock();
        let index = active.iter().position(|f| f.matches(method, path))?;
        let kind = active[index].kind.clone();
        if let Some(times) = active[index].times.as_mut() {
            *times -= 1;
            if *times == 0 {
                active.remove(index);
            }
        }
        Some(kind)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Fault>> {
        self.active.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The HTML page served by [`FaultKind::Html`], shaped like Cloudflare's own.
pub fn html_error_page(status: u16) -> String {
    let reason = match status {
        500 => "Internal Server Error",
        502 => "Bad gateway",
        503 => "Service Temporarily Unavailable",
        504 => "Gateway time-out",
        520 => "Web server is returning an unknown error",
        521 => "Web server is down",
        522 => "Connection timed out",
        524 => "A timeout occurred",
        _ => "Error",
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"en-US\">\n<head>\n<title>api.cloudflare.com | {status}: {reason}</title>\n</head>\n\
         <body>\n<div id=\"cf-error-details\">\n<h1><span>{reason}</span> <span>Error code {status}</span></h1>\n\
         <p>Visit <a href=\"https://www.cloudflare.com/\">cloudflare.com</a> for more information.</p>\n</div>\n</body>\n</html>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limited_faults_run_out_and_first_match_wins() {
        let faults = Faults::default();
        faults.inject(
            Fault::new("/service_tokens", FaultKind::Html(502))
                .method("post")
                .times(1),
        );
        faults.inject(Fault::new("", FaultKind::Html(503)));
        assert_eq!(
            faults.take("POST", "/client/v4/accounts/x/access/service_tokens"),
            Some(FaultKind::Html(502))
        );
        assert_eq!(
            faults.take("POST", "/client/v4/accounts/x/access/service_tokens"),
            Some(FaultKind::Html(503))
        );
        assert_eq!(faults.take("GET", "/other"), Some(FaultKind::Html(503)));
        faults.clear();
        assert_eq!(faults.take("GET", "/other"), None);
    }
}
