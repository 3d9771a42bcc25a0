//! `tfplugin6.Provider` for `cfaccess_service_token`: each RPC decodes
//! Terraform's values, asks the component, and encodes its answer. What a
//! call does — validation, the diff, the renewal decision, the API requests —
//! is decided in the component; this is the host's side: configuration,
//! credentials from the environment, Terraform's unknowns and its plan
//! rules, errors as diagnostics, logs without secrets.

use crate::diagnostics::{self, call_error};
use crate::schema::{self, DATA_SOURCE, PROVIDER, RESOURCE, SERVICE_TOKEN};
use crate::values;
use crate::{config, moved};
use component_host::plugin::{CallError, Egress, Host};
use component_host::{log, pulumi_wit, wit, Session};
use std::sync::{Arc, RwLock};
use tfplugin6::cty::{self, Type, Value};
use tfplugin6::proto::*;
use tonic::{Request, Response, Status};

/// Where `ConfigureProvider` looks up the CLI's environment variables.
pub type Env = Box<dyn Fn(&str) -> Option<String> + Send + Sync>;

type Rpc<T> = Result<Response<T>, Status>;

/// What `ConfigureProvider` settled: a connection, or why calls that need
/// the API cannot run.
struct Configured {
    conn: Result<wit::Connection, Vec<Diagnostic>>,
    egress: Egress,
}

/// The provider: the component and its configuration.
pub struct Provider {
    host: Arc<Host>,
    configured: RwLock<Option<Arc<Configured>>>,
    env: Env,
}

/// The capabilities this provider offers Terraform.
pub fn capabilities() -> ServerCapabilities {
    ServerCapabilities { plan_destroy: true, get_provider_schema_optional: true, move_resource_state: true, generate_resource_config: false }
}

fn resource_type() -> Type {
    schema::object_type(&RESOURCE)
}

fn decode(what: &str, value: Option<&DynamicValue>, ty: &Type) -> Result<Value, Vec<Diagnostic>> {
    cty::decode_optional(value, ty).map_err(|e| vec![diagnostics::error(format!("Terraform sent a {what} this provider cannot read"), e.to_string(), None)])
}

fn encode(value: &Value, ty: &Type) -> Result<DynamicValue, Vec<Diagnostic>> {
    DynamicValue::encode(value, ty).map_err(|e| vec![diagnostics::error("Internal error (please report)", format!("the provider's own value does not fit its schema: {e}"), None)])
}

fn wrong_type(type_name: &str) -> Vec<Diagnostic> {
    vec![diagnostics::error("Unknown resource type", format!("this provider has {SERVICE_TOKEN}, not {type_name}"), None)]
}

/// The attributes of `object` that are not known yet.
fn unknown_attributes(object: &Value) -> Vec<&'static str> {
    RESOURCE.iter().filter(|a| values::unknown(object, a.name)).map(|a| a.name).collect()
}

impl Provider {
    /// A provider over `host`, reading credentials from `env` at `ConfigureProvider`.
    pub fn new(host: Arc<Host>, env: Env) -> Provider {
        Provider { host, configured: RwLock::new(None), env }
    }

    fn configured(&self) -> Option<Arc<Configured>> {
        self.configured.read().map(|c| c.clone()).unwrap_or_else(|poisoned| poisoned.into_inner().clone())
    }

    /// The connection for a call that makes API requests.
    fn connection(&self) -> Result<(wit::Connection, Egress), Vec<Diagnostic>> {
        match self.configured() {
            None => Err(vec![diagnostics::error("Provider not configured", "Terraform did not call ConfigureProvider before this call", None)]),
            Some(c) => match &c.conn {
                Ok(conn) => Ok((conn.clone(), c.egress.clone())),
                Err(why) => Err(why.clone()),
            },
        }
    }

    async fn call<T: Send + 'static>(
        &self,
        rpc: &str,
        egress: Egress,
        call: impl FnOnce(&mut Session) -> wasmtime::Result<Result<T, wit::Error>> + Send + 'static,
    ) -> Result<T, Vec<Diagnostic>> {
        self.host.call(egress, call).await.map_err(|e: CallError| call_error(rpc, &e))
    }

    async fn validate_token(&self, config: &Value) -> Vec<Diagnostic> {
        let req = pulumi_wit::CheckRequest {
            urn: "urn:pulumi:terraform::terraform::cloudflare-access-service-token:index:AccessServiceToken::config".into(),
            olds: "{}".into(),
            news: values::check_bag(config),
        };
        match self.call("ValidateResourceConfig", Egress::none(), move |s| s.pulumi_check(&req)).await {
            Ok(r) => diagnostics::failures(&r.failures),
            Err(d) => d,
        }
    }

    async fn plan(&self, req: plan_resource_change::Request) -> Result<plan_resource_change::Response, Vec<Diagnostic>> {
        let ty = resource_type();
        let prior = decode("prior state", req.prior_state.as_ref(), &ty)?;
        let mut proposed = decode("proposed state", req.proposed_new_state.as_ref(), &ty)?;
        let config = decode("configuration", req.config.as_ref(), &ty)?;
        let mut response = plan_resource_change::Response::default();
        if proposed.is_null() {
            response.planned_state = Some(encode(&Value::Null, &ty)?);
            return Ok(response);
        }
        // Terraform proposes the prior value for an optional+computed
        // attribute the configuration leaves out; one with a default plans
        // its default instead, as a framework provider's `Default` does (so
        // a token disabled outside Terraform, read back as `enabled =
        // false`, is planned enabled again unless the configuration says
        // `false`).
        if let Value::Object(p) = &mut proposed {
            for (name, default) in schema::DEFAULTS {
                if config.get(name).is_none_or(Value::is_null) {
                    p.insert(name.to_string(), schema::default_value(default));
                }
            }
        }
        let unknown = unknown_attributes(&proposed);
        let scope_unknown = unknown.iter().any(|a| *a == "account_id" || *a == "zone_id");
        if prior.is_null() || scope_unknown {
            if !prior.is_null() {
                response.requires_replace = unknown.iter().filter(|a| **a == "account_id" || **a == "zone_id").map(|a| diagnostics::path(a)).collect();
            }
            response.planned_state = Some(encode(&self.plan_create(&proposed, &unknown).await?, &ty)?);
            return Ok(response);
        }
        // Unknown values take their prior values for the component's diff,
        // then stay unknown in the plan, with what they may change.
        let mut known = proposed.clone();
        if let (Value::Object(k), Value::Object(p)) = (&mut known, &prior) {
            for name in &unknown {
                k.insert(name.to_string(), p.get(*name).cloned().unwrap_or(Value::Null));
            }
        }
        let olds = values::state(&prior).map_err(|e| diagnostics::invalid(vec![e]))?;
        let news = values::args(&known).map_err(|e| diagnostics::invalid(vec![e]))?;
        let (o, n) = (olds.clone(), news.clone());
        let diff = self.call("PlanResourceChange", Egress::none(), move |s| s.diff(&o, &n, None)).await?;
        if !diff.replaces.is_empty() {
            response.requires_replace = diff.replaces.iter().filter_map(|p| diagnostics::attribute_of(p)).map(diagnostics::path).collect();
            response.planned_state = Some(encode(&self.plan_create(&proposed, &unknown).await?, &ty)?);
            return Ok(response);
        }
        if !diff.changes && unknown.is_empty() {
            response.planned_state = Some(encode(&prior, &ty)?);
            return Ok(response);
        }
        // What the plan's values cannot say (why a renewal is due, who may
        // have disabled the token), said as a warning with the component's
        // reason.
        let enabled_changes = diff.detailed_diff.iter().any(|d| d.property == "enabled");
        for action in &diff.actions {
            match action.kind {
                wit::ActionKind::Renew => response.diagnostics.push(diagnostics::warning("Renewal planned", diagnostics::terraform_words(&action.reason), Some("expires_at"))),
                wit::ActionKind::Rotate => response.diagnostics.push(diagnostics::warning("Client secret rotation planned", diagnostics::terraform_words(&action.reason), Some("client_secret"))),
                wit::ActionKind::Update if enabled_changes => {
                    let summary = if news.enabled { "Re-enabling a disabled token" } else { "Disabling the token" };
                    response.diagnostics.push(diagnostics::warning(summary, diagnostics::terraform_words(&action.reason), Some("enabled")));
                }
                _ => {}
            }
        }
        let outcome = self.call("PlanResourceChange", Egress::none(), move |s| s.update(&component_host::connect::offline(), &olds, &news, None, true)).await?;
        let wit::ApplyOutcome::Planned(planned) = outcome else {
            return Err(vec![diagnostics::error("Internal error (please report)", "the component applied a change it was asked to plan", None)]);
        };
        let mut also_unknown = unknown.clone();
        if unknown.contains(&"duration") {
            also_unknown.push("expires_at");
        }
        if unknown.contains(&"client_secret_version") {
            also_unknown.push("client_secret");
        }
        response.planned_state = Some(encode(&values::planned_value(&planned, &also_unknown), &ty)?);
        Ok(response)
    }

    /// The plan of a new token: the component's preview when every value is
    /// known; otherwise what is not known stays unknown, and so does
    /// everything the API computes.
    async fn plan_create(&self, proposed: &Value, unknown: &[&'static str]) -> Result<Value, Vec<Diagnostic>> {
        let args = values::args(proposed).map_err(|e| diagnostics::invalid(vec![e]))?;
        let configuration_known = unknown.is_empty();
        // What Cloudflare chooses when the configuration does not (the
        // duration, the secret's version) is known only after the create.
        let mut unknown = unknown.to_vec();
        unknown.extend(RESOURCE.iter().filter(|a| a.mode == schema::Mode::OptionalComputed && proposed.get(a.name).is_none_or(Value::is_null)).map(|a| a.name));
        let planned = if configuration_known {
            match self.call("PlanResourceChange", Egress::none(), move |s| s.create(&component_host::connect::offline(), &args, true)).await? {
                wit::ApplyOutcome::Planned(planned) => planned,
                wit::ApplyOutcome::Applied(_) => return Err(vec![diagnostics::error("Internal error (please report)", "the component applied a create it was asked to plan", None)]),
            }
        } else {
            // Configuration not known yet: nothing to ask the component
            // but what every create computes.
            wit::PlannedState { args, id: wit::Computed::Unknown, client_id: wit::Computed::Unknown, client_secret: Some(wit::Computed::Unknown), expires_at: wit::Computed::Unknown, created_at: wit::Computed::Unknown, last_seen_at: None }
        };
        Ok(values::planned_value(&planned, &unknown))
    }

    async fn apply(&self, req: apply_resource_change::Request) -> Result<apply_resource_change::Response, Vec<Diagnostic>> {
        let ty = resource_type();
        let prior = decode("prior state", req.prior_state.as_ref(), &ty)?;
        let planned = decode("planned state", req.planned_state.as_ref(), &ty)?;
        let (conn, egress) = self.connection()?;
        let new_state = if planned.is_null() {
            let olds = values::state(&prior).map_err(|e| diagnostics::invalid(vec![e]))?;
            self.call("ApplyResourceChange", egress, move |s| s.delete(&conn, &olds)).await?;
            Value::Null
        } else {
            let news = values::args(&planned).map_err(|e| diagnostics::invalid(vec![e]))?;
            let outcome = if prior.is_null() {
                self.call("ApplyResourceChange", egress, move |s| s.create(&conn, &news, false)).await?
            } else {
                let olds = values::state(&prior).map_err(|e| diagnostics::invalid(vec![e]))?;
                self.call("ApplyResourceChange", egress, move |s| s.update(&conn, &olds, &news, None, false)).await?
            };
            match outcome {
                wit::ApplyOutcome::Applied(mut token) => {
                    // last_seen_at is planned as the last read saw it, and
                    // the next read brings it up to date: the API's answer
                    // to this call may already show a later one (or none),
                    // which Terraform would call an inconsistent result.
                    token.last_seen_at = values::text(&planned, "last_seen_at");
                    values::state_value(&token)
                }
                wit::ApplyOutcome::Planned(_) => return Err(vec![diagnostics::error("Internal error (please report)", "the component planned a change it was asked to apply", None)]),
            }
        };
        Ok(apply_resource_change::Response { new_state: Some(encode(&new_state, &ty)?), ..Default::default() })
    }
}

fn diagnosed<T: Default>(rpc: &str, detail: &str, result: Result<T, Vec<Diagnostic>>, set: impl FnOnce(&mut T, Vec<Diagnostic>)) -> Rpc<T> {
    let value = match result {
        Ok(v) => v,
        Err(d) => {
            let mut v = T::default();
            set(&mut v, d);
            v
        }
    };
    log!("[DEBUG] {rpc} {detail}");
    Ok(Response::new(value))
}

#[tonic::async_trait]
impl tfplugin6::Provider for Provider {
    async fn get_metadata(&self, _: Request<get_metadata::Request>) -> Rpc<get_metadata::Response> {
        Ok(Response::new(get_metadata::Response {
            server_capabilities: Some(capabilities()),
            resources: vec![get_metadata::ResourceMetadata { type_name: SERVICE_TOKEN.into() }],
            data_sources: vec![get_metadata::DataSourceMetadata { type_name: SERVICE_TOKEN.into() }],
            ..Default::default()
        }))
    }

    async fn get_provider_schema(&self, _: Request<get_provider_schema::Request>) -> Rpc<get_provider_schema::Response> {
        let mut response = get_provider_schema::Response {
            provider: Some(schema::schema(&PROVIDER, "Cloudflare Access service tokens, with renewal planned in `terraform plan`.")),
            server_capabilities: Some(capabilities()),
            ..Default::default()
        };
        response.resource_schemas.insert(SERVICE_TOKEN.into(), schema::schema(&RESOURCE, "A Cloudflare Access service token (account or zone), renewed in place when `min_days_for_renewal` says so, rotated by increasing `client_secret_version`."));
        response.data_source_schemas.insert(SERVICE_TOKEN.into(), schema::schema(&DATA_SOURCE, "Looks up an existing Cloudflare Access service token by id; never its secret."));
        Ok(Response::new(response))
    }

    async fn validate_provider_config(&self, request: Request<validate_provider_config::Request>) -> Rpc<validate_provider_config::Response> {
        let req = request.into_inner();
        let result = decode("provider configuration", req.config.as_ref(), &schema::object_type(&PROVIDER)).and_then(|c| config::parse(&c).map(|_| ()));
        let diagnostics = result.err().unwrap_or_default();
        diagnosed("ValidateProviderConfig", "", Ok(validate_provider_config::Response { diagnostics }), |_, _| {})
    }

    async fn configure_provider(&self, request: Request<configure_provider::Request>) -> Rpc<configure_provider::Response> {
        let req = request.into_inner();
        let parsed = decode("provider configuration", req.config.as_ref(), &schema::object_type(&PROVIDER)).and_then(|c| config::parse(&c));
        let result = parsed.map(|parsed| {
            // A setting not known yet (it depends on a resource not created
            // yet) is not replaced by an environment variable or a default:
            // that would send a token Terraform did not choose, or to an API
            // it did not name. Calls that need the API say so instead;
            // planning a create needs none.
            let conn = if parsed.unknown.is_empty() {
                component_host::connect::connection(&parsed, |k| (self.env)(k), config::HOW_TO_SET)
            } else {
                Err(format!(
                    "{} in the provider \"cfaccess\" block depend on values known only after apply, so this call cannot reach Cloudflare yet: apply what they depend on first (terraform apply -target=...), or set them to known values",
                    parsed.unknown.join(", ")
                ))
            };
            let egress = component_host::connect::egress(&conn);
            let summary = if parsed.unknown.is_empty() { "No Cloudflare credentials" } else { "Provider configuration not known yet" };
            let conn = conn.map_err(|why| vec![diagnostics::error(summary, why, None)]);
            let mut slot = self.configured.write().unwrap_or_else(|poisoned| poisoned.into_inner());
            *slot = Some(Arc::new(Configured { conn, egress }));
            configure_provider::Response::default()
        });
        diagnosed("ConfigureProvider", &req.terraform_version, result, |r, d| r.diagnostics = d)
    }

    async fn validate_resource_config(&self, request: Request<validate_resource_config::Request>) -> Rpc<validate_resource_config::Response> {
        let req = request.into_inner();
        let diagnostics = if req.type_name != SERVICE_TOKEN {
            wrong_type(&req.type_name)
        } else {
            match decode("configuration", req.config.as_ref(), &resource_type()) {
                Ok(config) => self.validate_token(&config).await,
                Err(d) => d,
            }
        };
        diagnosed("ValidateResourceConfig", "", Ok(validate_resource_config::Response { diagnostics }), |_, _| {})
    }

    async fn upgrade_resource_state(&self, request: Request<upgrade_resource_state::Request>) -> Rpc<upgrade_resource_state::Response> {
        let req = request.into_inner();
        let result = (|| {
            if req.type_name != SERVICE_TOKEN {
                return Err(wrong_type(&req.type_name));
            }
            if req.version > schema::SCHEMA_VERSION {
                return Err(vec![diagnostics::error("State from a newer provider", format!("the state has schema version {}; this provider writes {}: upgrade the provider", req.version, schema::SCHEMA_VERSION), None)]);
            }
            let raw = cty::decode_raw_state(req.raw_state.as_ref(), &resource_type()).map_err(|e| vec![diagnostics::error("Unreadable state", e.to_string(), None)])?;
            if !raw.unknown_attributes.is_empty() {
                let names: Vec<String> = raw.unknown_attributes.iter().map(|p| p.to_string()).collect();
                return Err(vec![diagnostics::error("Unreadable state", format!("the state holds attributes this provider does not have: {}", names.join(", ")), None)]);
            }
            Ok(upgrade_resource_state::Response { upgraded_state: Some(encode(&raw.value, &resource_type())?), diagnostics: vec![] })
        })();
        diagnosed("UpgradeResourceState", "", result, |r, d| r.diagnostics = d)
    }

    async fn read_resource(&self, request: Request<read_resource::Request>) -> Rpc<read_resource::Response> {
        let req = request.into_inner();
        let ty = resource_type();
        let result = async {
            if req.type_name != SERVICE_TOKEN {
                return Err(wrong_type(&req.type_name));
            }
            let current = decode("state", req.current_state.as_ref(), &ty)?;
            if current.is_null() {
                return Ok(read_resource::Response { new_state: Some(encode(&Value::Null, &ty)?), ..Default::default() });
            }
            let state = values::state(&current).map_err(|e| diagnostics::invalid(vec![e]))?;
            let (conn, egress) = self.connection()?;
            // Never mutates: a due renewal shows in the next plan, not here.
            let live = self.call("ReadResource", egress, move |s| s.read(&conn, &state)).await?;
            let value = live.as_ref().map_or(Value::Null, values::state_value);
            Ok(read_resource::Response { new_state: Some(encode(&value, &ty)?), private: req.private.clone(), ..Default::default() })
        }
        .await;
        diagnosed("ReadResource", "", result, |r, d| r.diagnostics = d)
    }

    async fn plan_resource_change(&self, request: Request<plan_resource_change::Request>) -> Rpc<plan_resource_change::Response> {
        let req = request.into_inner();
        let result = if req.type_name == SERVICE_TOKEN { self.plan(req).await } else { Err(wrong_type(&req.type_name)) };
        diagnosed("PlanResourceChange", "", result, |r, d| r.diagnostics = d)
    }

    async fn apply_resource_change(&self, request: Request<apply_resource_change::Request>) -> Rpc<apply_resource_change::Response> {
        let req = request.into_inner();
        let result = if req.type_name == SERVICE_TOKEN { self.apply(req).await } else { Err(wrong_type(&req.type_name)) };
        diagnosed("ApplyResourceChange", "", result, |r, d| r.diagnostics = d)
    }

    async fn import_resource_state(&self, request: Request<import_resource_state::Request>) -> Rpc<import_resource_state::Response> {
        let req = request.into_inner();
        let result = async {
            if req.type_name != SERVICE_TOKEN {
                return Err(wrong_type(&req.type_name));
            }
            let (conn, egress) = self.connection()?;
            let id = req.id.clone();
            let token = self.call("ImportResourceState", egress, move |s| s.import(&conn, &id)).await?;
            let imported = import_resource_state::ImportedResource { type_name: SERVICE_TOKEN.into(), state: Some(encode(&values::state_value(&token), &resource_type())?), ..Default::default() };
            Ok(import_resource_state::Response { imported_resources: vec![imported], ..Default::default() })
        }
        .await;
        diagnosed("ImportResourceState", "", result, |r, d| r.diagnostics = d)
    }

    async fn move_resource_state(&self, request: Request<move_resource_state::Request>) -> Rpc<move_resource_state::Response> {
        let req = request.into_inner();
        let result = (|| {
            if req.target_type_name != SERVICE_TOKEN {
                return Err(wrong_type(&req.target_type_name));
            }
            let json = req.source_state.as_ref().map(|s| s.json.as_slice()).unwrap_or_default();
            let token = moved::from_cloudflare(&req.source_type_name, &req.source_provider_address, json).map_err(|why| vec![diagnostics::error("Cannot move this resource", why, None)])?;
            Ok(move_resource_state::Response { target_state: Some(encode(&values::state_value(&token), &resource_type())?), ..Default::default() })
        })();
        diagnosed("MoveResourceState", &req.source_type_name, result, |r, d| r.diagnostics = d)
    }

    async fn validate_data_resource_config(&self, request: Request<validate_data_resource_config::Request>) -> Rpc<validate_data_resource_config::Response> {
        let req = request.into_inner();
        let diagnostics = if req.type_name != SERVICE_TOKEN {
            wrong_type(&req.type_name)
        } else {
            match decode("configuration", req.config.as_ref(), &schema::object_type(&DATA_SOURCE)) {
                Ok(config) => scope_problems(&config),
                Err(d) => d,
            }
        };
        diagnosed("ValidateDataResourceConfig", "", Ok(validate_data_resource_config::Response { diagnostics }), |_, _| {})
    }

    async fn read_data_source(&self, request: Request<read_data_source::Request>) -> Rpc<read_data_source::Response> {
        let req = request.into_inner();
        let ty = schema::object_type(&DATA_SOURCE);
        let result = async {
            if req.type_name != SERVICE_TOKEN {
                return Err(wrong_type(&req.type_name));
            }
            let config = decode("configuration", req.config.as_ref(), &ty)?;
            let problems = scope_problems(&config);
            if !problems.is_empty() {
                return Err(problems);
            }
            let scope = match (values::text(&config, "account_id"), values::text(&config, "zone_id")) {
                (Some(a), None) => wit::Scope::Account(a),
                (None, Some(z)) => wit::Scope::Zone(z),
                _ => return Err(vec![diagnostics::error("Invalid configuration", "exactly one of account_id and zone_id must be known", None)]),
            };
            let token_id = values::text(&config, "token_id").unwrap_or_default();
            let (conn, egress) = self.connection()?;
            let token = self.call("ReadDataSource", egress, move |s| s.get(&conn, &scope, &token_id)).await?;
            Ok(read_data_source::Response { state: Some(encode(&values::data_source_value(&config, &token), &ty)?), ..Default::default() })
        }
        .await;
        diagnosed("ReadDataSource", "", result, |r, d| r.diagnostics = d)
    }

    async fn stop_provider(&self, _: Request<stop_provider::Request>) -> Rpc<stop_provider::Response> {
        // Each call runs to its end on its own instance; there is nothing
        // long-running to interrupt.
        log!("[INFO] StopProvider: the calls in flight finish");
        Ok(Response::new(stop_provider::Response::default()))
    }
}

/// The data source's configuration problems: exactly one scope, a token id.
fn scope_problems(config: &Value) -> Vec<Diagnostic> {
    let set = |n: &str| !config.get(n).is_none_or(Value::is_null);
    let mut problems = Vec::new();
    match (set("account_id"), set("zone_id")) {
        (true, true) => problems.push(diagnostics::error("Invalid configuration", "account_id and zone_id: set exactly one, not both", Some("zone_id"))),
        (false, false) => problems.push(diagnostics::error("Invalid configuration", "one of account_id or zone_id is required", Some("account_id"))),
        _ => {}
    }
    if !set("token_id") {
        problems.push(diagnostics::error("Invalid token_id", "token_id is required", Some("token_id")));
    }
    problems
}
