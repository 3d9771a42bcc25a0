//! `pulumirpc.ResourceProvider`: each RPC turns its Structs into the JSON
//! bags of the component's `pulumi` interface and back. What a call does —
//! validation, diff, renewal, the API requests — is decided in the component;
//! this is the host's side: configuration, credentials from the environment,
//! egress, errors as gRPC statuses, and logging without secrets. `Diff`
//! also hands the engine the reasons for what the apply will do, as info
//! diagnostics on the resource (see [`crate::engine`]).

use crate::config::{self, ProviderConfig};
use crate::engine::Engine;
use crate::host::{Egress, Host};
use crate::proto::{self, list_response, resource_provider_server::ResourceProvider, DiffChanges, Empty, PropertyDiffKind};
use crate::structs::{from_json, to_json, to_map};
use component_host::{pulumi_wit as p, wit};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::pin::Pin;
use std::sync::{Arc, RwLock};
use tokio::sync::watch;
use tonic::{Request, Response, Status};

/// The resource type this provider implements.
pub const RESOURCE_TOKEN: &str = "cloudflare-access-service-token:index:AccessServiceToken";
/// The lookup function.
pub const FUNCTION_TOKEN: &str = "cloudflare-access-service-token:index:getAccessServiceToken";

/// What `Configure` settled.
struct Configured {
    /// The connection, or why there is none (no credentials anywhere).
    conn: Result<wit::Connection, String>,
    egress: Egress,
}

/// Where `Configure` looks up the CLI's environment variables.
pub type Env = Box<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// The provider: the component, its configuration, and the shutdown switch.
pub struct Provider {
    host: Arc<Host>,
    configured: RwLock<Option<Arc<Configured>>>,
    env: Env,
    shutdown: watch::Sender<bool>,
    /// Where the reasons of a diff are shown.
    engine: Engine,
}

impl Provider {
    /// A provider over `host`, reading credentials from `env` at `Configure`;
    /// `Cancel` sets `shutdown`.
    pub fn new(host: Arc<Host>, env: Env, shutdown: watch::Sender<bool>) -> Provider {
        Provider { host, configured: RwLock::new(None), env, shutdown, engine: Engine::default() }
    }

    /// The engine's gRPC address, as the engine passes it on the command
    /// line (its `Handshake` and `Attach` may name it again later).
    pub fn with_engine_address(mut self, address: Option<String>) -> Provider {
        self.engine = Engine::new(address);
        self
    }

    fn configured(&self) -> Option<Arc<Configured>> {
        self.configured.read().map(|c| c.clone()).unwrap_or_else(|poisoned| poisoned.into_inner().clone())
    }

    /// The connection for a call that makes API requests.
    fn connection(&self, rpc: &str) -> Result<(wit::Connection, Egress), Status> {
        let configured = self.configured().ok_or_else(|| Status::failed_precondition(format!("{rpc} needs the provider configured first (Configure was not called)")))?;
        match &configured.conn {
            Ok(conn) => Ok((conn.clone(), configured.egress.clone())),
            Err(why) => Err(Status::failed_precondition(why.clone())),
        }
    }

    /// A preview makes no request: it needs no credentials, and may run
    /// before `Configure` has them.
    fn preview_connection(&self) -> (wit::Connection, Egress) {
        self.connection("preview").unwrap_or_else(|_| (component_host::connect::offline(), Egress::none()))
    }
}

type Rpc<T> = Result<Response<T>, Status>;

fn log(rpc: &str, urn: &str, outcome: &Result<(), &Status>) {
    match outcome {
        Ok(()) => component_host::log!("{rpc} {urn}: ok"),
        Err(s) => component_host::log!("{rpc} {urn}: {:?}: {}", s.code(), s.message()),
    }
}

fn logged<T>(rpc: &str, urn: &str, result: Result<T, Status>) -> Rpc<T> {
    log(rpc, urn, &result.as_ref().map(|_| ()));
    result.map(Response::new)
}

fn bag(text: &str) -> Result<prost_types::Struct, Status> {
    from_json(text).map_err(|e| Status::internal(format!("the component returned a bag that is not an object (please report): {e}")))
}

fn failures(list: Vec<wit::CheckFailure>) -> Vec<proto::CheckFailure> {
    list.into_iter().map(|f| proto::CheckFailure { property: f.property, reason: f.reason }).collect()
}

/// What a diff's action says to a person: `<kind>: <reason>`, the kind as
/// the WIT `action-kind` names it (e.g. `renew: expires at …`). Reasons hold
/// no secret: they name properties, times and versions, never a value of
/// `clientSecret` or of the credentials.
pub fn action_message(action: &wit::PlannedAction) -> String {
    let kind = match action.kind {
        wit::ActionKind::Replace => "replace",
        wit::ActionKind::Update => "update",
        wit::ActionKind::Renew => "renew",
        wit::ActionKind::Rotate => "rotate",
        wit::ActionKind::StateOnly => "state-only",
    };
    format!("{kind}: {}", action.reason)
}

fn kind(k: wit::PropertyDiffKind) -> PropertyDiffKind {
    match k {
        wit::PropertyDiffKind::Add => PropertyDiffKind::Add,
        wit::PropertyDiffKind::AddReplace => PropertyDiffKind::AddReplace,
        wit::PropertyDiffKind::Delete => PropertyDiffKind::Delete,
        wit::PropertyDiffKind::DeleteReplace => PropertyDiffKind::DeleteReplace,
        wit::PropertyDiffKind::Update => PropertyDiffKind::Update,
        wit::PropertyDiffKind::UpdateReplace => PropertyDiffKind::UpdateReplace,
    }
}

/// The configuration `Configure` reads: `args` whenever the engine sends
/// them; only an engine that sends none gets its deprecated `variables` read.
/// The engine sends both (`provider.Configure` in pulumi/pulumi
/// `sdk/go/common/resource/plugin/provider_plugin.go`), writing every value
/// that is not a string as JSON text — a null input as `"null"` — so
/// `variables` are never merged over `args`.
fn configure_bag(args: Option<&prost_types::Struct>, variables: &std::collections::HashMap<String, String>) -> Map<String, Value> {
    match args {
        Some(args) => to_map(Some(args)),
        None => variables.iter().map(|(k, v)| (k.clone(), if v == "null" { Value::Null } else { Value::String(v.clone()) })).collect(),
    }
}

type ListStream = Pin<Box<dyn tokio_stream::Stream<Item = Result<proto::ListResponse, Status>> + Send>>;

#[tonic::async_trait]
impl ResourceProvider for Provider {
    type ListStream = ListStream;

    async fn handshake(&self, request: Request<proto::ProviderHandshakeRequest>) -> Rpc<proto::ProviderHandshakeResponse> {
        component_host::log!("Handshake from the engine at {}", request.get_ref().engine_address);
        self.engine.set_address(&request.get_ref().engine_address);
        Ok(Response::new(proto::ProviderHandshakeResponse { accept_secrets: true, accept_resources: true, accept_outputs: false, supports_autonaming_configuration: false }))
    }

    async fn get_schema(&self, _: Request<proto::GetSchemaRequest>) -> Rpc<proto::GetSchemaResponse> {
        Ok(Response::new(proto::GetSchemaResponse { schema: crate::schema::schema() }))
    }

    async fn check_config(&self, request: Request<proto::CheckRequest>) -> Rpc<proto::CheckResponse> {
        let req = request.into_inner();
        let news = to_map(req.news.as_ref());
        let result = match config::parse(&news) {
            Ok(_) => proto::CheckResponse { inputs: req.news, failures: vec![] },
            Err(f) => proto::CheckResponse { inputs: None, failures: f.into_iter().map(|f| proto::CheckFailure { property: f.property, reason: f.reason }).collect() },
        };
        logged("CheckConfig", &req.urn, Ok(result))
    }

    async fn diff_config(&self, request: Request<proto::DiffRequest>) -> Rpc<proto::DiffResponse> {
        // Credentials, the API origin and the rate can all change under the
        // same tokens: a change is an update of the provider, never a
        // replacement (which would replace every token it manages).
        let req = request.into_inner();
        let olds = to_map(req.olds.as_ref());
        let news = to_map(req.news.as_ref());
        let mut changed: Vec<String> = olds.keys().chain(news.keys()).filter(|k| olds.get(*k) != news.get(*k)).cloned().collect();
        changed.sort();
        changed.dedup();
        let detailed: BTreeMap<String, proto::PropertyDiff> = changed
            .iter()
            .map(|k| {
                let kind = match (olds.contains_key(k), news.contains_key(k)) {
                    (false, _) => PropertyDiffKind::Add,
                    (_, false) => PropertyDiffKind::Delete,
                    _ => PropertyDiffKind::Update,
                };
                (k.clone(), proto::PropertyDiff { kind: kind as i32, input_diff: true })
            })
            .collect();
        let changes = if changed.is_empty() { DiffChanges::DiffNone } else { DiffChanges::DiffSome };
        let response = proto::DiffResponse { changes: changes as i32, diffs: changed, detailed_diff: detailed, has_detailed_diff: true, ..Default::default() };
        logged("DiffConfig", &req.urn, Ok(response))
    }

    async fn configure(&self, request: Request<proto::ConfigureRequest>) -> Rpc<proto::ConfigureResponse> {
        let req = request.into_inner();
        let parsed = config::parse(&configure_bag(req.args.as_ref(), &req.variables)).map_err(|f| {
            let text: Vec<String> = f.into_iter().map(|f| format!("{}: {}", f.property, f.reason)).collect();
            Status::invalid_argument(format!("provider configuration: {}", text.join("; ")))
        });
        let result = parsed.map(|parsed: ProviderConfig| {
            let conn = config::connection(&parsed, |k| (self.env)(k));
            let egress = component_host::connect::egress(&conn);
            if let Err(why) = &conn {
                component_host::log!("Configure: {why}");
            }
            let mut slot = self.configured.write().unwrap_or_else(|poisoned| poisoned.into_inner());
            *slot = Some(Arc::new(Configured { conn, egress }));
            proto::ConfigureResponse { accept_secrets: true, supports_preview: true, accept_resources: true, accept_outputs: false }
        });
        logged("Configure", "", result)
    }

    async fn invoke(&self, request: Request<proto::InvokeRequest>) -> Rpc<proto::InvokeResponse> {
        let req = request.into_inner();
        let tok = req.tok.clone();
        let result = async {
            let (conn, egress) = self.connection("Invoke")?;
            let wit_req = p::InvokeRequest { tok: req.tok, args: to_json(req.args.as_ref()) };
            let r = self.host.call(egress, move |s| s.pulumi_invoke(&conn, &wit_req)).await?;
            let r#return = match r.outputs {
                Some(text) => Some(bag(&text)?),
                None => None,
            };
            Ok(proto::InvokeResponse { r#return, failures: failures(r.failures) })
        }
        .await;
        logged("Invoke", &tok, result)
    }

    async fn check(&self, request: Request<proto::CheckRequest>) -> Rpc<proto::CheckResponse> {
        let req = request.into_inner();
        let urn = req.urn.clone();
        let wit_req = p::CheckRequest { urn: req.urn, olds: to_json(req.olds.as_ref()), news: to_json(req.news.as_ref()) };
        let result = async {
            let r = self.host.call(Egress::none(), move |s| s.pulumi_check(&wit_req)).await?;
            let inputs = match r.inputs {
                Some(text) => Some(bag(&text)?),
                None => None,
            };
            Ok(proto::CheckResponse { inputs, failures: failures(r.failures) })
        }
        .await;
        logged("Check", &urn, result)
    }

    async fn diff(&self, request: Request<proto::DiffRequest>) -> Rpc<proto::DiffResponse> {
        let req = request.into_inner();
        let urn = req.urn.clone();
        let wit_req = p::DiffRequest { urn: req.urn, id: req.id, olds: to_json(req.olds.as_ref()), news: to_json(req.news.as_ref()), ignore_changes: req.ignore_changes };
        let result = self.host.call(Egress::none(), move |s| s.pulumi_diff(&wit_req)).await.map(|d| {
            let messages: Vec<String> = d.actions.iter().map(action_message).collect();
            let changes = match d.changes {
                p::DiffChanges::Unknown => DiffChanges::DiffUnknown,
                p::DiffChanges::None => DiffChanges::DiffNone,
                p::DiffChanges::Some => DiffChanges::DiffSome,
            };
            let response = proto::DiffResponse {
                replaces: d.replaces,
                stables: d.stables,
                delete_before_replace: d.delete_before_replace,
                changes: changes as i32,
                diffs: d.diffs,
                detailed_diff: d.detailed_diff.into_iter().map(|e| (e.path, proto::PropertyDiff { kind: kind(e.kind) as i32, input_diff: e.input_diff })).collect(),
                has_detailed_diff: d.has_detailed_diff,
            };
            (response, messages)
        });
        // Why the apply does what it does, on the resource in the engine's
        // output, before the engine has the answer; never a reason to fail.
        if let Ok((_, messages)) = &result {
            self.engine.info("Diff", &urn, messages).await;
        }
        let result = result.map(|(response, _)| response);
        logged("Diff", &urn, result)
    }

    async fn create(&self, request: Request<proto::CreateRequest>) -> Rpc<proto::CreateResponse> {
        let req = request.into_inner();
        let urn = req.urn.clone();
        let result = async {
            let (conn, egress) = if req.preview { self.preview_connection() } else { self.connection("Create")? };
            let wit_req = p::CreateRequest { urn: req.urn, properties: to_json(req.properties.as_ref()), preview: req.preview };
            let r = self.host.call(egress, move |s| s.pulumi_create(&conn, &wit_req)).await?;
            Ok(proto::CreateResponse { id: r.id, properties: Some(bag(&r.properties)?) })
        }
        .await;
        logged(if req.preview { "Create (preview)" } else { "Create" }, &urn, result)
    }

    async fn read(&self, request: Request<proto::ReadRequest>) -> Rpc<proto::ReadResponse> {
        let req = request.into_inner();
        let urn = req.urn.clone();
        let result = async {
            let (conn, egress) = self.connection("Read")?;
            let wit_req = p::ReadRequest { urn: req.urn, id: req.id, properties: to_json(req.properties.as_ref()), inputs: to_json(req.inputs.as_ref()) };
            // A token that is gone is no properties at all: the engine fails
            // an import or `get` only on a nil struct (`ReadStep.Apply`,
            // `ImportStep.Apply` in pkg/resource/deploy/step.go), and an
            // empty one would be stored as an empty resource.
            let answer = match self.host.call(egress, move |s| s.pulumi_read(&conn, &wit_req)).await? {
                None => proto::ReadResponse::default(),
                Some(r) => proto::ReadResponse { id: r.id, properties: Some(bag(&r.properties)?), inputs: Some(bag(&r.inputs)?) },
            };
            Ok(answer)
        }
        .await;
        logged("Read", &urn, result)
    }

    async fn list(&self, request: Request<proto::ListRequest>) -> Rpc<Self::ListStream> {
        let req = request.into_inner();
        let result = async {
            if req.token != RESOURCE_TOKEN {
                return Err(Status::invalid_argument(format!("List: this provider lists {RESOURCE_TOKEN}, not {}", req.token)));
            }
            let (conn, egress) = self.connection("List")?;
            let page_size = u32::try_from(req.page_size.max(0)).unwrap_or(u32::MAX);
            let wit_req = p::ListRequest { query: to_json(req.query.as_ref()), page_size, continuation_token: req.continuation_token };
            let page = self.host.call(egress, move |s| s.pulumi_list(&conn, &wit_req)).await?;
            let limit = if req.limit > 0 { usize::try_from(req.limit).unwrap_or(usize::MAX) } else { usize::MAX };
            let truncated = page.entries.len() > limit;
            let mut items: Vec<Result<proto::ListResponse, Status>> = page
                .entries
                .into_iter()
                .take(limit)
                .map(|e| Ok(proto::ListResponse { response: Some(list_response::Response::Result(list_response::ListResult { id: e.id, name: e.name })) }))
                .collect();
            if let (Some(token), false) = (page.continuation_token, truncated) {
                items.push(Ok(proto::ListResponse { response: Some(list_response::Response::Continuation(list_response::Continuation { continuation_token: token })) }));
            }
            Ok(Box::pin(tokio_stream::iter(items)) as ListStream)
        }
        .await;
        logged("List", &req.token, result)
    }

    async fn update(&self, request: Request<proto::UpdateRequest>) -> Rpc<proto::UpdateResponse> {
        let req = request.into_inner();
        let urn = req.urn.clone();
        let result = async {
            let (conn, egress) = if req.preview { self.preview_connection() } else { self.connection("Update")? };
            let wit_req = p::UpdateRequest { urn: req.urn, id: req.id, olds: to_json(req.olds.as_ref()), news: to_json(req.news.as_ref()), preview: req.preview };
            let r = self.host.call(egress, move |s| s.pulumi_update(&conn, &wit_req)).await?;
            Ok(proto::UpdateResponse { properties: Some(bag(&r.properties)?) })
        }
        .await;
        logged(if req.preview { "Update (preview)" } else { "Update" }, &urn, result)
    }

    async fn delete(&self, request: Request<proto::DeleteRequest>) -> Rpc<Empty> {
        let req = request.into_inner();
        let urn = req.urn.clone();
        let result = async {
            let (conn, egress) = self.connection("Delete")?;
            let wit_req = p::DeleteRequest { urn: req.urn, id: req.id, properties: to_json(req.properties.as_ref()) };
            self.host.call(egress, move |s| s.pulumi_delete(&conn, &wit_req)).await
        }
        .await;
        logged("Delete", &urn, result)
    }

    async fn cancel(&self, _: Request<Empty>) -> Rpc<Empty> {
        component_host::log!("Cancel: finishing the calls in flight, then stopping");
        let _ = self.shutdown.send(true);
        Ok(Response::new(()))
    }

    async fn get_plugin_info(&self, _: Request<Empty>) -> Rpc<proto::PluginInfo> {
        Ok(Response::new(proto::PluginInfo { version: env!("CARGO_PKG_VERSION").to_string() }))
    }

    async fn attach(&self, request: Request<proto::PluginAttach>) -> Rpc<Empty> {
        component_host::log!("Attach: the engine is at {}", request.get_ref().address);
        self.engine.set_address(&request.get_ref().address);
        Ok(Response::new(()))
    }

    async fn get_mapping(&self, _: Request<proto::GetMappingRequest>) -> Rpc<proto::GetMappingResponse> {
        // No conversion from other ecosystems: an empty answer, as the protocol asks.
        Ok(Response::new(proto::GetMappingResponse::default()))
    }
}
