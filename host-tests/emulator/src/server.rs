//! The HTTP server: hyper on a current-thread tokio runtime that lives on its
//! own OS thread, so callers (plain `#[test]`s, a wasmtime host) stay sync.
//!
//! Per request: log it, apply the configured latency, apply a matching fault,
//! then route, authenticate, and dispatch to the handlers. Requests to the
//! Access application (`/access-app/...`) are not API calls: they skip all
//! of that and go to `access_app`, with their own log.

use crate::access_app::{self, AppLog, AppOutcome, AppRequest};
use crate::envelope::{ApiError, Reply};
use crate::faults::{html_error_page, FaultKind, Faults};
use crate::log::{parse_query, LoggedRequest, RequestLog};
use crate::store::Store;
use crate::{auth, handlers, routes, Clock, Credentials};
use chrono::SubsecRound;
use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::Value;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{oneshot, Notify};

/// State shared by the server thread and the [`crate::Emulator`] handle.
pub(crate) struct Shared {
    pub store: Mutex<Store>,
    pub log: RequestLog,
    /// Requests to the Access application, apart from the API's.
    pub app_log: AppLog,
    pub faults: Faults,
    pub latency: Mutex<Duration>,
    pub clock: Clock,
    pub credentials: Credentials,
    ray: AtomicU64,
    /// Requests being handled now, and the most ever at once (benchmarks
    /// check concurrency bounds with it).
    pub in_flight: std::sync::atomic::AtomicUsize,
    pub peak_in_flight: std::sync::atomic::AtomicUsize,
    /// Response body bytes sent, for benchmarks.
    pub bytes_sent: AtomicU64,
    /// When the emulator started: request times are measured from it.
    pub started: std::time::Instant,
    /// Misbehaving lists, to test clients' paging (see [`ListQuirks`]).
    pub list_quirks: Mutex<ListQuirks>,
}

/// Ways a list can misbehave, for testing how clients page.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ListQuirks {
    /// Answer the first page whatever `page` asks for (an API that does
    /// not page: a client that pages until an empty page never stops).
    pub ignore_page: bool,
    /// Leave `result_info` out of list answers (no totals to stop on).
    pub omit_result_info: bool,
}

impl Shared {
    pub fn new(credentials: Credentials, clock: Clock, seed: Option<u64>) -> Shared {
        Shared {
            store: Mutex::new(Store::new(seed)),
            log: RequestLog::default(),
            app_log: AppLog::default(),
            faults: Faults::default(),
            latency: Mutex::new(Duration::ZERO),
            clock,
            credentials,
            ray: AtomicU64::new(0x5eed_0000_0000),
            in_flight: Default::default(),
            peak_in_flight: Default::default(),
            bytes_sent: AtomicU64::new(0),
            started: std::time::Instant::now(),
            list_quirks: Mutex::new(ListQuirks::default()),
        }
    }

    /// The store, with the inactivity cleanup applied as of [`Shared::now`]:
    /// every request and accessor goes through here, so whoever looks sees
    /// the cleanup the clock calls for.
    pub fn store(&self) -> std::sync::MutexGuard<'_, Store> {
        let mut store = self.store.lock().unwrap_or_else(|e| e.into_inner());
        store.apply_cleanup(self.now());
        store
    }

    /// "Now" as the API reports it: microsecond precision, so every client
    /// (Python's datetime included) round-trips timestamps exactly.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now().trunc_subsecs(6)
    }
}

/// The running server; dropping it stops the server and joins its thread.
pub(crate) struct Server {
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    pub fn start(shared: Arc<Shared>, bind: SocketAddr) -> std::io::Result<Server> {
        let listener = std::net::TcpListener::bind(bind)?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let (tx, rx) = oneshot::channel();
        let thread = std::thread::Builder::new()
            .name(format!("cloudflare-emulator-{}", addr.port()))
            .spawn(move || runtime.block_on(accept_loop(listener, shared, rx)))?;
        Ok(Server {
            addr,
            shutdown: Some(tx),
            thread: Some(thread),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn accept_loop(
    listener: std::net::TcpListener,
    shared: Arc<Shared>,
    mut shutdown: oneshot::Receiver<()>,
) {
    let listener = match tokio::net::TcpListener::from_std(listener) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("cloudflare-emulator: cannot serve: {e}");
            return;
        }
    };
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => {
                if let Ok((stream, _)) = accepted {
                    let _ = stream.set_nodelay(true);
                    tokio::spawn(serve_connection(stream, shared.clone()));
                }
            }
        }
    }
    // Returning drops the runtime, which cancels every connection task.
}

/// Serves one connection until the client closes it, or until a
/// [`FaultKind::DropConnection`] asks for it to be cut: the connection future
/// is then dropped, which closes the socket without writing a response.
async fn serve_connection(stream: tokio::net::TcpStream, shared: Arc<Shared>) {
    let cut = Arc::new(Notify::new());
    let service = {
        let cut = cut.clone();
        hyper::service::service_fn(move |req| handle(shared.clone(), cut.clone(), req))
    };
    let connection =
        hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    tokio::select! {
        _ = connection => {}
        _ = cut.notified() => {}
    }
}

async fn handle(
    shared: Arc<Shared>,
    cut: Arc<Notify>,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let (parts, body) = req.into_parts();
    let bytes = body
        .collect()
        .await
        .map(|c| c.to_bytes())
        .unwrap_or_default();
    let method = parts.method.as_str().to_string();
    let path = parts.uri.path().to_string();
    if access_app::is_app_path(&path) {
        return Ok(handle_app(&shared, &parts, method, path));
    }
    let query = parts.uri.query().map(parse_query).unwrap_or_default();
    let header = |name: &str| {
        parts
            .headers
            .get(name)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
    };
    let logged_body = (!bytes.is_empty()).then(|| {
        serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
    });
    let index = shared.log.push(LoggedRequest {
        method: method.clone(),
        path: path.clone(),
        query: query.clone(),
        body: logged_body,
        auth: auth::presented(&parts.headers),
        user_agent: header("user-agent"),
        content_type: header("content-type"),
        content_length: header("content-length"),
        transfer_encoding: header("transfer-encoding"),
        body_len: bytes.len(),
        status: 0,
        at_ms: shared.started.elapsed().as_millis() as u64,
    });
    let now_in_flight = shared.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    shared.peak_in_flight.fetch_max(now_in_flight, Ordering::SeqCst);
    let reply = handle_logged(&shared, &cut, index, &parts, &method, &path, &query, &bytes).await;
    shared.in_flight.fetch_sub(1, Ordering::SeqCst);
    reply
}

#[allow(clippy::too_many_arguments)]
async fn handle_logged(
    shared: &Arc<Shared>,
    cut: &Arc<Notify>,
    index: usize,
    parts: &hyper::http::request::Parts,
    method: &str,
    path: &str,
    query: &[(String, String)],
    bytes: &Bytes,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let (method, path, query) = (method.to_string(), path.to_string(), query.to_vec());

    let latency = *shared.latency.lock().unwrap_or_else(|e| e.into_inner());
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }

    let reply = match shared.faults.take(&method, &path) {
        Some(FaultKind::DropConnection) => {
            cut.notify_one();
            return std::future::pending().await;
        }
        Some(FaultKind::Delay(d)) => {
            tokio::time::sleep(d).await;
            process(&shared, &method, &path, &parts.headers, &query, &bytes)
        }
        Some(FaultKind::DropAfterHandling) => {
            let reply = process(&shared, &method, &path, &parts.headers, &query, &bytes);
            shared.log.set_status(index, 0);
            drop(reply);
            cut.notify_one();
            return std::future::pending().await;
        }
        Some(FaultKind::HoldAfterHandling(d)) => {
            let reply = process(&shared, &method, &path, &parts.headers, &query, &bytes);
            shared.log.set_status(index, reply.status);
            tokio::time::sleep(d).await;
            reply
        }
        Some(FaultKind::HoldUntilOpened(gate)) => {
            let reply = process(&shared, &method, &path, &parts.headers, &query, &bytes);
            shared.log.set_status(index, reply.status);
            gate.hold().await;
            reply
        }
        Some(FaultKind::TruncateBody) => {
            let mut reply = process(&shared, &method, &path, &parts.headers, &query, &bytes);
            let half = reply.body.len() / 2;
            reply.body = reply.body.chars().take(half).collect();
            reply
        }
        Some(FaultKind::Respond {
            status,
            body,
            content_type,
            headers,
        }) => Reply {
            status,
            body,
            content_type,
            headers,
        },
        Some(FaultKind::Html(status)) => Reply {
            status,
            body: html_error_page(status),
            content_type: "text/html; charset=UTF-8".into(),
            headers: Vec::new(),
        },
        Some(FaultKind::RateLimited { retry_after_secs }) => ApiError::rate_limited()
            .into_reply()
            .with_header("retry-after", &retry_after_secs.to_string()),
        None => process(&shared, &method, &path, &parts.headers, &query, &bytes),
    };

    let ray = shared.ray.fetch_add(1, Ordering::Relaxed);
    shared.bytes_sent.fetch_add(reply.body.len() as u64, Ordering::Relaxed);
    let response = to_response(reply, ray);
    // Recorded before the response is written, so a client that has its
    // answer always finds the status in the log.
    shared.log.set_status(index, response.status().as_u16());
    Ok(response)
}

/// The Access application: check the service token headers, log the outcome.
fn handle_app(
    shared: &Shared,
    parts: &hyper::http::request::Parts,
    method: String,
    path: String,
) -> Response<Full<Bytes>> {
    let header = |name: &str| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let client_id = header("cf-access-client-id");
    let scope = access_app::match_app_path(&path);
    let now = shared.now();
    let (outcome, token_id) = match &scope {
        None => (AppOutcome::NoSuchApp, None),
        Some(scope) => access_app::authenticate(
            &mut shared.store(),
            scope,
            client_id.as_deref(),
            header("cf-access-client-secret").as_deref(),
            now,
        ),
    };
    let reply = access_app::reply(outcome, client_id.as_deref(), token_id.as_deref());
    shared.app_log.push(AppRequest {
        method,
        path,
        scope,
        client_id,
        token_id,
        outcome,
        at: now,
    });
    let ray = shared.ray.fetch_add(1, Ordering::Relaxed);
    to_response(reply, ray)
}

/// Route → credentials → method → identifiers → handler.
fn process(
    shared: &Shared,
    method: &str,
    path: &str,
    headers: &hyper::HeaderMap,
    query: &[(String, String)],
    body: &[u8],
) -> Reply {
    let outcome = (|| {
        let route = routes::match_path(path).ok_or_else(ApiError::no_route)?;
        auth::check(&shared.credentials, headers)?;
        if !route.allowed_methods().contains(&method) {
            return Err(ApiError::method_not_allowed());
        }
        route.check_identifiers(path)?;
        let now = shared.now();
        let quirks = *shared.list_quirks.lock().unwrap_or_else(|e| e.into_inner());
        let is_list = method == "GET" && matches!(route.target, routes::Target::Collection);
        if !is_list {
            return handlers::dispatch(&mut shared.store(), now, method, &route, query, body);
        }
        let query: Vec<(String, String)> = query.iter().filter(|(k, _)| !(quirks.ignore_page && k == "page")).cloned().collect();
        let reply = handlers::dispatch(&mut shared.store(), now, method, &route, &query, body)?;
        Ok(if quirks.omit_result_info { without_result_info(reply) } else { reply })
    })();
    match outcome {
        Ok(reply) => reply,
        Err(e) if e.status == 405 => {
            let allow = routes::match_path(path)
                .map(|r| r.allowed_methods().join(", "))
                .unwrap_or_default();
            e.into_reply().with_header("allow", &allow)
        }
        Err(e) => e.into_reply(),
    }
}

/// A list answer with its `result_info` removed.
fn without_result_info(mut reply: Reply) -> Reply {
    if let Ok(mut body) = serde_json::from_str::<Value>(&reply.body) {
        if let Some(o) = body.as_object_mut() {
            o.remove("result_info");
        }
        reply.body = body.to_string();
    }
    reply
}

fn to_response(reply: Reply, ray: u64) -> Response<Full<Bytes>> {
    let mut builder = Response::builder()
        .status(reply.status)
        .header("content-type", reply.content_type.as_str())
        .header("cf-ray", format!("{ray:016x}-EMU"));
    for (name, value) in &reply.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    builder
        .body(Full::new(Bytes::from(reply.body)))
        .unwrap_or_else(|e| {
            // Only a scripted fault can carry an invalid status or header.
            let mut r = Response::new(Full::new(Bytes::from(format!(
                "emulator: invalid scripted response: {e}"
            ))));
            *r.status_mut() = hyper::StatusCode::INTERNAL_SERVER_ERROR;
            r
        })
}
