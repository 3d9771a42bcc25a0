//! Terraform core's side of the provider's tests: the provider started as
//! Terraform starts it (go-plugin's client with AutoMTLS), every call made
//! through the tfplugin6 stubs of PyPI `tfplugin-proto-all` in a Python
//! driver (`support/terraform.py`), values encoded as Terraform encodes them;
//! and, here, the checks Terraform makes of the provider's answers
//! (`internal/plans/objchange`: `ProposedNew`, `AssertPlanValid`,
//! `AssertObjectCompatible`; `internal/terraform/node_resource_abstract_instance.go`:
//! `getRequiredReplaces`, `getAction`), so a test fails where `terraform
//! apply` would.
//!
//! Values are JSON: objects of the schema's attributes, `{"$unknown": true}`
//! for a value not known yet (see `terraform.py` for the wire form).
#![allow(dead_code)]

use cloudflare_emulator::{Clock, Emulator, EmulatorConfig, DEFAULT_API_TOKEN};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

pub const PROVIDER: &str = env!("CARGO_BIN_EXE_terraform-provider-cfaccess");
/// The resource type and the data source of the same name.
pub const TOKEN: &str = "cfaccess_service_token";
pub const ACCOUNT: &str = "f037e56e89293a057740de681ac9abbe";
pub const OTHER_ACCOUNT: &str = "023e105f4ecef8ad9ca31a8372d0c353";
pub const ZONE: &str = "0da42c8d2132a9ddaf714f9e7c920711";
pub const CLOCK_OFFSET: &str = "ACCESS_SERVICE_TOKEN_CLOCK_OFFSET_SECONDS";
/// What `ConfigureProvider.terraform_version` carries.
pub const TERRAFORM_VERSION: &str = "1.16.0";

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The driver's virtualenv (pinned `support/requirements.txt`), installed
/// once per machine by the race-free installer every test shares.
pub fn python() -> PathBuf {
    let requirements = test_tools::read_requirements(&manifest_dir().join("tests/support/requirements.txt"));
    test_tools::venv_python(&test_tools::python_venv("terraform-core", &requirements))
}

/// An unknown value (`known after apply`).
pub fn unknown() -> Value {
    json!({"$unknown": true})
}

pub fn is_unknown(v: &Value) -> bool {
    v.as_object().is_some_and(|o| o.contains_key("$unknown"))
}

/// True when no part of `v` is unknown.
pub fn wholly_known(v: &Value) -> bool {
    match v {
        _ if is_unknown(v) => false,
        Value::Object(o) => o.values().all(wholly_known),
        Value::Array(a) => a.iter().all(wholly_known),
        _ => true,
    }
}

/// cty equality of two known primitive values (numbers by value).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

/// A gRPC status the provider (or the driver, `DRIVER`; or Terraform's
/// decoding of a value, `TERRAFORM_DECODE`) answered.
#[derive(Debug, Clone, PartialEq)]
pub struct Status {
    pub code: String,
    pub details: String,
}

/// One attribute of a schema, as GetProviderSchema described it.
#[derive(Debug, Clone)]
pub struct Attribute {
    pub name: String,
    /// The cty type, as its JSON (`"string"`, `["list","string"]`).
    pub ty: Value,
    pub required: bool,
    pub optional: bool,
    pub computed: bool,
    pub sensitive: bool,
    pub description: String,
}

/// A block's schema: its attributes (none of the provider's have nested blocks).
#[derive(Debug, Clone)]
pub struct Schema {
    pub version: i64,
    pub attributes: Vec<Attribute>,
    pub nested_blocks: usize,
    pub description: String,
}

impl Schema {
    fn from_json(s: &Value) -> Schema {
        let block = &s["block"];
        let attributes = block["attributes"]
            .as_array()
            .expect("attributes")
            .iter()
            .map(|a| Attribute {
                name: a["name"].as_str().unwrap().to_string(),
                ty: a["type"].clone(),
                required: a["required"] == true,
                optional: a["optional"] == true,
                computed: a["computed"] == true,
                sensitive: a["sensitive"] == true,
                description: a["description"].as_str().unwrap_or("").to_string(),
            })
            .collect();
        Schema {
            version: s["version"].as_str().and_then(|v| v.parse().ok()).or_else(|| s["version"].as_i64()).unwrap_or(0),
            attributes,
            nested_blocks: block["block_types"].as_array().map_or(0, Vec::len),
            description: block["description"].as_str().unwrap_or("").to_string(),
        }
    }

    pub fn attribute(&self, name: &str) -> &Attribute {
        self.attributes.iter().find(|a| a.name == name).unwrap_or_else(|| panic!("no attribute {name}"))
    }

    /// `schema.EmptyValue()`: every attribute null.
    pub fn empty_value(&self) -> Value {
        Value::Object(self.attributes.iter().map(|a| (a.name.clone(), Value::Null)).collect())
    }

    /// An object of this schema: `attrs`, and null for every attribute left out.
    pub fn object(&self, attrs: Value) -> Value {
        let mut o = self.empty_value();
        for (k, v) in attrs.as_object().expect("an object") {
            assert!(o.get(k).is_some(), "{k} is not an attribute");
            o[k] = v.clone();
        }
        o
    }
}

/// What GetProviderSchema answered, read.
#[derive(Debug, Clone)]
pub struct Schemas {
    pub provider: Schema,
    pub resource: Schema,
    pub data_source: Schema,
    pub capabilities: Value,
    pub response: Value,
}

fn attr<'a>(object: &'a Value, name: &str) -> &'a Value {
    if object.is_null() {
        &Value::Null
    } else {
        object.get(name).unwrap_or(&Value::Null)
    }
}

/// `objchange.ProposedNew` for a schema of primitive attributes: the
/// configuration's values, and the prior value of a computed attribute the
/// configuration leaves null (null when there is no prior: a create's
/// computed attributes are proposed as null, not unknown).
pub fn proposed_new(schema: &Schema, prior: &Value, config: &Value) -> Value {
    if config.is_null() && prior.is_null() {
        return Value::Null;
    }
    if config.is_null() || is_unknown(config) {
        return prior.clone();
    }
    let prior = if prior.is_null() { schema.empty_value() } else { prior.clone() };
    Value::Object(
        schema
            .attributes
            .iter()
            .map(|a| {
                let c = attr(config, &a.name);
                let v = if a.computed && c.is_null() { attr(&prior, &a.name).clone() } else { c.clone() };
                (a.name.clone(), v)
            })
            .collect(),
    )
}

/// `objchange.AssertPlanValid` for primitive attributes: Terraform's
/// "Provider produced invalid plan" errors.
pub fn assert_plan_valid(schema: &Schema, prior: &Value, config: &Value, planned: &Value) -> Vec<String> {
    if planned.is_null() && !config.is_null() {
        return vec!["planned for absence but config wants existence".into()];
    }
    if config.is_null() && !planned.is_null() {
        return vec!["planned for existence but config wants absence".into()];
    }
    if planned.is_null() {
        return vec![];
    }
    let mut errors = Vec::new();
    for a in &schema.attributes {
        let (p, c, pl) = (attr(prior, &a.name), attr(config, &a.name), attr(planned, &a.name));
        let raw_equal = |x: &Value, y: &Value| (is_unknown(x) && is_unknown(y)) || (!is_unknown(x) && !is_unknown(y) && same(x, y));
        if raw_equal(pl, c) || (raw_equal(pl, p) && !p.is_null() && !c.is_null()) {
            continue;
        }
        // A computed-only attribute may be planned anything; an optional
        // computed one anything when the configuration leaves it null.
        if a.computed && (!a.optional || c.is_null()) {
            continue;
        }
        if c.is_null() {
            errors.push(format!(".{}: planned value {pl} for a non-computed attribute", a.name));
        } else if p.is_null() {
            errors.push(format!(".{}: planned value {pl} does not match config value {c}", a.name));
        } else {
            errors.push(format!(".{}: planned value {pl} does not match config value {c} nor prior value {p}", a.name));
        }
    }
    errors
}

/// `objchange.AssertObjectCompatible` for primitive attributes: a value
/// planned known must come out of the apply unchanged ("Provider produced
/// inconsistent result after apply").
pub fn assert_object_compatible(schema: &Schema, planned: &Value, actual: &Value) -> Vec<String> {
    if planned.is_null() && !actual.is_null() {
        return vec!["Root object was absent, but now present".into()];
    }
    if actual.is_null() && !planned.is_null() {
        return vec!["Root object was present, but now absent".into()];
    }
    if planned.is_null() {
        return vec![];
    }
    let mut errors = Vec::new();
    for a in &schema.attributes {
        let (p, v) = (attr(planned, &a.name), attr(actual, &a.name));
        let problem = if is_unknown(p) {
            None
        } else if is_unknown(v) {
            Some("was known, but now unknown".to_string())
        } else if p.is_null() != v.is_null() || !p.is_null() && !same(p, v) {
            Some(if a.sensitive { "inconsistent values for sensitive attribute".to_string() } else { format!("was {p}, but now {v}") })
        } else {
            None
        };
        if let Some(problem) = problem {
            errors.push(format!(".{}: {problem}", a.name));
        }
    }
    errors
}

/// The attribute a one-step attribute path names.
pub fn path_attribute(path: &Value) -> Option<String> {
    let steps = path["steps"].as_array()?;
    match steps.as_slice() {
        [step] => step["attribute_name"].as_str().map(str::to_string),
        _ => None,
    }
}

/// `getRequiredReplaces`: the paths the provider named whose value changed
/// (or is unknown); none for a create.
pub fn required_replaces(prior: &Value, planned: &Value, paths: &[Value]) -> Vec<String> {
    if prior.is_null() {
        return vec![];
    }
    paths
        .iter()
        .map(|p| path_attribute(p).unwrap_or_else(|| panic!("a requires_replace path Terraform cannot apply here: {p}")))
        .filter(|name| {
            let (a, b) = (attr(prior, name), attr(planned, name));
            is_unknown(a) || is_unknown(b) || !same(a, b)
        })
        .collect()
}

/// What Terraform shows for a resource instance in a plan (`getAction`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    NoOp,
    Create,
    Update,
    /// Delete then create (no `create_before_destroy`).
    Replace,
    Delete,
}

fn get_action(prior: &Value, planned: &Value, replaces: &[String]) -> Action {
    let equal = prior.is_object()
        && planned.is_object()
        && prior.as_object().unwrap().iter().all(|(k, v)| {
            let w = attr(planned, k);
            !is_unknown(v) && !is_unknown(w) && same(v, w)
        });
    if prior.is_null() {
        Action::Create
    } else if !replaces.is_empty() {
        Action::Replace
    } else if equal {
        Action::NoOp
    } else {
        Action::Update
    }
}

/// A resource instance's plan, as `terraform plan` makes it.
#[derive(Debug, Clone)]
pub struct Plan {
    pub action: Action,
    /// The planned new state (for a replacement, the re-plan of the create).
    pub planned: Value,
    pub planned_private: Value,
    /// The attributes that force the replacement.
    pub replaces: Vec<String>,
    /// Every diagnostic of ValidateResourceConfig and PlanResourceChange.
    pub diagnostics: Vec<Value>,
    /// The first PlanResourceChange answer, as it came.
    pub response: Value,
}

impl Plan {
    pub fn warnings(&self) -> Vec<&Value> {
        self.diagnostics.iter().filter(|d| d["severity"] == "WARNING").collect()
    }
}

/// The diagnostics of severity ERROR among `diagnostics`.
pub fn errors(diagnostics: &Value) -> Vec<Value> {
    diagnostics.as_array().map_or(vec![], |a| a.iter().filter(|d| d["severity"] == "ERROR").cloned().collect())
}

/// `summary: detail` of every diagnostic, for messages.
pub fn describe(diagnostics: &[Value]) -> String {
    diagnostics.iter().map(|d| format!("[{}] {}: {}", d["severity"].as_str().unwrap_or("?"), d["summary"].as_str().unwrap_or(""), d["detail"].as_str().unwrap_or(""))).collect::<Vec<_>>().join("\n")
}

/// Terraform core: a driver process, and the provider process it runs. On
/// drop the driver's stdin closes: it closes its provider as go-plugin does
/// (Shutdown, a kill after 2 s) and exits; it is killed if it has not within
/// 10 s.
pub struct Terraform {
    child: Child,
    /// `None` once closed (on drop: the driver then stops its provider and exits).
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
    schemas: Option<Schemas>,
    /// Every diagnostic and error status seen, as text, for the leak check.
    seen: Vec<String>,
}

impl Terraform {
    /// A driver with a provider started with `env` added to the driver's
    /// environment (from which the test's own Cloudflare variables are removed).
    pub fn start(env: &[(&str, &str)]) -> Terraform {
        let mut tf = Terraform::driver();
        tf.start_provider(env);
        tf
    }

    /// A driver with no provider running yet.
    pub fn driver() -> Terraform {
        let mut command = Command::new(python());
        command.arg(manifest_dir().join("tests/support/terraform.py")).arg(PROVIDER);
        for var in ["CLOUDFLARE_API_TOKEN", "CLOUDFLARE_API_KEY", "CLOUDFLARE_EMAIL", "CLOUDFLARE_BASE_URL", "CLOUDFLARE_REQUESTS_PER_SECOND", "CLOUDFLARE_REQUEST_TIMEOUT_MS", CLOCK_OFFSET] {
            command.env_remove(var);
        }
        // The compiled component, shared with the other plugin tests.
        command.env("XDG_CACHE_HOME", test_tools::tools_dir().join("plugin-compile-cache"));
        let mut child = command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn().expect("start the Terraform driver");
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        Terraform { child, stdin: Some(stdin), stdout, schemas: None, seen: Vec::new() }
    }

    fn exchange(&mut self, command: Value) -> Value {
        let stdin = self.stdin.as_mut().expect("the driver is open");
        writeln!(stdin, "{command}").expect("write to the driver");
        stdin.flush().unwrap();
        let mut line = String::new();
        self.stdout.read_line(&mut line).expect("read from the driver");
        let answer: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("the driver answered {line:?}: {e}"));
        if answer["error"]["code"] == "DRIVER" {
            panic!("the driver failed on {command}:\n{}", answer["error"]["details"].as_str().unwrap_or(""));
        }
        answer
    }

    /// Launches a provider process as Terraform does; the driver's answer
    /// (`started`, `handshake`, or `exit_code`, `stdout`, `stderr`).
    pub fn launch(&mut self, env: &[(&str, &str)], cookie: bool) -> Value {
        let env: serde_json::Map<String, Value> = env.iter().map(|(k, v)| (k.to_string(), Value::from(*v))).collect();
        self.exchange(json!({"op": "start", "env": env, "cookie": cookie}))["response"].clone()
    }

    /// Starts a provider process (the previous one must be stopped).
    pub fn start_provider(&mut self, env: &[(&str, &str)]) -> Value {
        let answer = self.launch(env, true);
        assert_eq!(answer["started"], true, "the provider did not start: {answer}");
        answer
    }

    /// Closes the provider as go-plugin's `Kill` does; the driver's answer
    /// (`exit_code`, `exited_within_2s`).
    pub fn stop(&mut self) -> Value {
        self.exchange(json!({"op": "stop"}))["response"].clone()
    }

    /// A fresh provider process, as the next Terraform command (or walk) starts one.
    pub fn restart(&mut self, env: &[(&str, &str)]) {
        let stopped = self.stop();
        assert_eq!((&stopped["exit_code"], &stopped["exited_within_2s"]), (&json!(0), &json!(true)), "{stopped}");
        self.start_provider(env);
    }

    fn outcome(&mut self, answer: Value) -> Result<Value, Status> {
        self.remember(&answer);
        match answer.get("error") {
            Some(e) => Err(Status { code: e["code"].as_str().unwrap_or("").into(), details: e["details"].as_str().unwrap_or("").into() }),
            None => Ok(answer["response"].clone()),
        }
    }

    fn remember(&mut self, v: &Value) {
        match v {
            Value::Object(o) => {
                for (k, x) in o {
                    if k == "diagnostics" || k == "error" {
                        self.seen.push(x.to_string());
                    } else {
                        self.remember(x);
                    }
                }
            }
            Value::Array(a) => a.iter().for_each(|x| self.remember(x)),
            _ => {}
        }
    }

    /// One RPC of `tfplugin6.Provider`; the response in protobuf's JSON
    /// mapping with the proto's field names (see `terraform.py`).
    pub fn call(&mut self, rpc: &str, request: Value) -> Result<Value, Status> {
        let answer = self.exchange(json!({"op": "call", "rpc": rpc, "request": request}));
        self.outcome(answer)
    }

    /// Like [`Terraform::call`], failing the test on an error status.
    pub fn ok(&mut self, rpc: &str, request: Value) -> Value {
        self.call(rpc, request.clone()).unwrap_or_else(|s| panic!("{rpc} {request} failed: {s:?}"))
    }

    /// Bytes sent as the request, as they are.
    pub fn raw(&mut self, rpc: &str, bytes: &[u8]) -> Result<Value, Status> {
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let answer = self.exchange(json!({"op": "raw", "rpc": rpc, "hex": hex}));
        self.outcome(answer)
    }

    /// The calls at once, from parallel threads, on one connection (as
    /// Terraform's graph walk calls one provider from many nodes).
    pub fn parallel(&mut self, calls: Vec<(&str, Value)>) -> Vec<Result<Value, Status>> {
        let batch: Vec<Value> = calls.into_iter().map(|(rpc, request)| json!({"rpc": rpc, "request": request})).collect();
        let answer = self.exchange(json!({"op": "parallel", "calls": batch}));
        answer["results"].as_array().expect("results").clone().into_iter().map(|a| self.outcome(a)).collect()
    }

    /// Everything every provider process of this driver wrote to stderr so far.
    pub fn stderr(&mut self) -> String {
        self.exchange(json!({"op": "stderr"}))["response"]["stderr"].as_str().unwrap_or("").to_string()
    }

    /// Fails if any of `secrets` is in the providers' stderr or in any
    /// diagnostic or error status seen so far.
    pub fn assert_no_secret_logged(&mut self, secrets: &[&str]) {
        let log = self.stderr();
        for s in secrets.iter().filter(|s| !s.is_empty()) {
            assert!(!log.contains(s), "a secret reached the provider's stderr:\n{log}");
            for text in &self.seen {
                assert!(!text.contains(s), "a secret reached a diagnostic or status: {text}");
            }
        }
    }

    // --- What Terraform core does, step by step ---------------------------

    /// The provider's schemas: GetProviderSchema once per driver (Terraform's
    /// schema cache; the provider offers `get_provider_schema_optional`).
    pub fn schemas(&mut self) -> Schemas {
        if self.schemas.is_none() {
            let response = self.ok("GetProviderSchema", json!({}));
            assert_eq!(errors(&response["diagnostics"]), Vec::<Value>::new(), "GetProviderSchema: {response}");
            self.schemas = Some(Schemas {
                provider: Schema::from_json(&response["provider"]),
                resource: Schema::from_json(&response["resource_schemas"][TOKEN]),
                data_source: Schema::from_json(&response["data_source_schemas"][TOKEN]),
                capabilities: response["server_capabilities"].clone(),
                response,
            });
        }
        self.schemas.clone().unwrap()
    }

    /// The resource's schema.
    pub fn resource(&mut self) -> Schema {
        self.schemas().resource
    }

    /// `provider "cfaccess" { ... }`: ValidateProviderConfig then
    /// ConfigureProvider with the block's object (`node_provider.go`); the
    /// diagnostics of both.
    pub fn configure(&mut self, block: Value) -> Vec<Value> {
        let config = self.schemas().provider.object(block);
        let validated = self.ok("ValidateProviderConfig", json!({"config": config}));
        let mut diagnostics = validated["diagnostics"].as_array().cloned().unwrap_or_default();
        if errors(&validated["diagnostics"]).is_empty() {
            let configured = self.ok("ConfigureProvider", json!({"terraform_version": TERRAFORM_VERSION, "config": config}));
            diagnostics.extend(configured["diagnostics"].as_array().cloned().unwrap_or_default());
        }
        diagnostics
    }

    /// [`Terraform::configure`] with an API token and the emulator, failing on any diagnostic.
    pub fn configure_emulator(&mut self, base_url: &str, api_token: &str, requests_per_second: u32) {
        let diagnostics = self.configure(json!({"api_token": api_token, "base_url": base_url, "requests_per_second": requests_per_second}));
        assert!(diagnostics.is_empty(), "{}", describe(&diagnostics));
    }

    /// ValidateResourceConfig (`terraform validate`, and each plan).
    pub fn validate(&mut self, config: &Value) -> Vec<Value> {
        let response = self.ok("ValidateResourceConfig", json!({"type_name": TOKEN, "config": config}));
        response["diagnostics"].as_array().cloned().unwrap_or_default()
    }

    /// UpgradeResourceState with the state as Terraform stores it (its JSON,
    /// at the schema's version), as every command does before using a state
    /// (`upgrade_resource_state.go`); the upgraded state, which must be
    /// wholly known.
    pub fn upgrade(&mut self, state: &Value) -> Value {
        let version = self.resource().version;
        let response = self.ok("UpgradeResourceState", json!({"type_name": TOKEN, "version": version, "raw_state": state}));
        assert_eq!(errors(&response["diagnostics"]), Vec::<Value>::new(), "UpgradeResourceState: {response}");
        let upgraded = response["upgraded_state"].clone();
        assert!(wholly_known(&upgraded), "unknowns in an upgraded state: {upgraded}");
        upgraded
    }

    /// ReadResource (refresh); the whole answer. Its new state, if any, must be wholly known.
    pub fn read_response(&mut self, state: &Value) -> Value {
        let response = self.ok("ReadResource", json!({"type_name": TOKEN, "current_state": state}));
        assert!(wholly_known(&response["new_state"]), "Provider produced invalid object (unknowns after read): {response}");
        response
    }

    /// ReadResource, failing on error diagnostics; the new state (null: gone).
    pub fn read(&mut self, state: &Value) -> Value {
        let response = self.read_response(state);
        let problems = errors(&response["diagnostics"]);
        assert!(problems.is_empty(), "ReadResource: {}", describe(&problems));
        response["new_state"].clone()
    }

    /// `terraform plan` for one resource instance (`node_resource_abstract_instance.go`
    /// `plan`): ValidateResourceConfig, then PlanResourceChange with the prior
    /// state, `ProposedNew(prior, config)` and the config; the plan checked
    /// with `AssertPlanValid`; the action from `getRequiredReplaces` and
    /// `getAction`; a replacement planned again as a create (prior null).
    pub fn plan(&mut self, prior: &Value, config: &Value) -> Plan {
        let schema = self.resource();
        let mut diagnostics = self.validate(config);
        let failed = |diagnostics: Vec<Value>, response: Value| Plan { action: Action::NoOp, planned: Value::Null, planned_private: Value::Null, replaces: vec![], diagnostics, response };
        if !errors(&Value::Array(diagnostics.clone())).is_empty() {
            return failed(diagnostics, Value::Null);
        }
        let proposed = proposed_new(&schema, prior, config);
        let response = self.ok("PlanResourceChange", json!({"type_name": TOKEN, "prior_state": prior, "proposed_new_state": proposed, "config": config}));
        diagnostics.extend(response["diagnostics"].as_array().cloned().unwrap_or_default());
        if !errors(&response["diagnostics"]).is_empty() {
            return failed(diagnostics, response);
        }
        assert_eq!(response["legacy_type_system"], false);
        let mut planned = response["planned_state"].clone();
        let invalid = assert_plan_valid(&schema, prior, config, &planned);
        assert!(invalid.is_empty(), "Provider produced invalid plan: {invalid:?}\nprior {prior}\nconfig {config}\nplanned {planned}");
        let replaces = required_replaces(prior, &planned, response["requires_replace"].as_array().unwrap());
        let action = get_action(prior, &planned, &replaces);
        let mut planned_private = response["planned_private"].clone();
        if action == Action::Replace {
            let proposed = proposed_new(&schema, &Value::Null, config);
            let create = self.ok("PlanResourceChange", json!({"type_name": TOKEN, "prior_state": null, "proposed_new_state": proposed, "config": config, "prior_private": planned_private}));
            let problems = errors(&create["diagnostics"]);
            assert!(problems.is_empty(), "the re-plan of the replacement: {}", describe(&problems));
            planned = create["planned_state"].clone();
            let invalid = assert_plan_valid(&schema, &Value::Null, config, &planned);
            assert!(invalid.is_empty(), "Provider produced invalid plan (replacement): {invalid:?}\nplanned {planned}");
            planned_private = create["planned_private"].clone();
        }
        Plan { action, planned, planned_private, replaces, diagnostics, response }
    }

    /// `terraform destroy`'s plan (`planDestroy`): PlanResourceChange with
    /// null config and proposed state (the provider offers `plan_destroy`);
    /// the planned state must be null.
    pub fn plan_destroy(&mut self, prior: &Value) -> Plan {
        let response = self.ok("PlanResourceChange", json!({"type_name": TOKEN, "prior_state": prior, "proposed_new_state": null, "config": null}));
        let diagnostics = response["diagnostics"].as_array().cloned().unwrap_or_default();
        if errors(&response["diagnostics"]).is_empty() {
            assert!(response["planned_state"].is_null(), "Provider produced invalid plan: a non-null destroy value: {response}");
        }
        Plan { action: Action::Delete, planned: Value::Null, planned_private: response["planned_private"].clone(), replaces: vec![], diagnostics, response }
    }

    /// `terraform apply` of `plan` (`node_resource_apply_instance.go`): a
    /// delete is one ApplyResourceChange with planned null; anything else is
    /// planned again with what is known now (ValidateResourceConfig,
    /// PlanResourceChange), checked against the saved plan ("Provider
    /// produced inconsistent final plan"), then applied, and the new state
    /// checked with `AssertObjectCompatible` ("Provider produced
    /// inconsistent result after apply"). A replacement deletes, then
    /// creates. The new state (null after a delete).
    pub fn apply(&mut self, prior: &Value, plan: &Plan, config: &Value) -> Value {
        let schema = self.resource();
        match plan.action {
            Action::NoOp => return prior.clone(),
            Action::Delete => {
                return self.apply_change(&schema, prior, &Value::Null, &Value::Null, &plan.planned_private);
            }
            Action::Replace => {
                self.apply_change(&schema, prior, &Value::Null, &Value::Null, &Value::Null);
                let again = self.plan(&Value::Null, config);
                self.check_final_plan(&schema, plan, &again, Action::Create);
                return self.apply_change(&schema, &Value::Null, &again.planned, config, &again.planned_private);
            }
            Action::Create | Action::Update => {}
        }
        let again = self.plan(prior, config);
        self.check_final_plan(&schema, plan, &again, plan.action);
        if again.action == Action::NoOp {
            return prior.clone();
        }
        self.apply_change(&schema, prior, &again.planned, config, &again.planned_private)
    }

    fn check_final_plan(&mut self, schema: &Schema, saved: &Plan, again: &Plan, action: Action) {
        let problems = errors(&Value::Array(again.diagnostics.clone()));
        assert!(problems.is_empty(), "the apply's plan failed: {}", describe(&problems));
        assert!(again.action == action || action == Action::Update && again.action == Action::NoOp, "Provider produced inconsistent final plan: {:?} became {:?}", action, again.action);
        let inconsistent = assert_object_compatible(schema, &saved.planned, &again.planned);
        assert!(inconsistent.is_empty(), "Provider produced inconsistent final plan: {inconsistent:?}");
    }

    fn apply_change(&mut self, schema: &Schema, prior: &Value, planned: &Value, config: &Value, private: &Value) -> Value {
        let private = if private.is_string() { private.clone() } else { json!("") };
        let response = self.ok("ApplyResourceChange", json!({"type_name": TOKEN, "prior_state": prior, "planned_state": planned, "config": config, "planned_private": private}));
        let problems = errors(&response["diagnostics"]);
        assert!(problems.is_empty(), "ApplyResourceChange: {}", describe(&problems));
        let new_state = response["new_state"].clone();
        assert!(wholly_known(&new_state), "Provider returned invalid result object after apply (unknowns): {new_state}");
        let inconsistent = assert_object_compatible(schema, planned, &new_state);
        assert!(inconsistent.is_empty(), "Provider produced inconsistent result after apply: {inconsistent:?}\nplanned {planned}\nnew {new_state}");
        new_state
    }

    /// `terraform import` (`node_resource_import.go`): ImportResourceState,
    /// then ReadResource of what it imported; the state (null: "Cannot import
    /// non-existent remote object"), or the import's error diagnostics.
    pub fn import(&mut self, id: &str) -> Result<Value, Vec<Value>> {
        let response = self.ok("ImportResourceState", json!({"type_name": TOKEN, "id": id}));
        let problems = errors(&response["diagnostics"]);
        if !problems.is_empty() {
            return Err(problems);
        }
        let imported = response["imported_resources"].as_array().expect("imported_resources");
        assert_eq!(imported.len(), 1, "Terraform imports exactly one object: {response}");
        assert_eq!(imported[0]["type_name"], TOKEN);
        let state = imported[0]["state"].clone();
        assert!(wholly_known(&state), "unknowns in an imported state: {state}");
        Ok(self.read(&state))
    }
}

impl Drop for Terraform {
    fn drop(&mut self) {
        self.stdin = None;
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while std::time::Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An RFC 3339 time as seconds since the epoch (`Z` or an offset; fractions dropped).
pub fn epoch_seconds(t: &str) -> i64 {
    let bad = || panic!("not an RFC 3339 time: {t:?}");
    let n = |s: &str| s.parse::<i64>().unwrap_or_else(|_| bad());
    if t.len() < 20 {
        bad();
    }
    let (y, m, d) = (n(&t[0..4]), n(&t[5..7]), n(&t[8..10]));
    let (hh, mm, ss) = (n(&t[11..13]), n(&t[14..16]), n(&t[17..19]));
    let rest = t[19..].trim_start_matches(|c: char| c == '.' || c.is_ascii_digit());
    let offset = match rest {
        "Z" | "z" => 0,
        _ if rest.len() == 6 => {
            let sign = if rest.starts_with('-') { -1 } else { 1 };
            sign * (n(&rest[1..3]) * 3600 + n(&rest[4..6]) * 60)
        }
        _ => bad(),
    };
    // Days from civil (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    days * 86_400 + hh * 3600 + mm * 60 + ss - offset
}

// --- The Cloudflare API emulator -------------------------------------------

/// The emulator on loopback, on the system clock, with reproducible ids.
pub fn emulator() -> Emulator {
    Emulator::start(EmulatorConfig { clock: Clock::system(), seed: Some(17), ..EmulatorConfig::default() }).expect("start the emulator")
}

/// The API calls since the last look, as `METHOD path`, and forgets them.
pub fn calls(emu: &Emulator) -> Vec<String> {
    let seen = emu.requests().into_iter().map(|r| format!("{} {}", r.method, r.path)).collect();
    emu.clear_requests();
    seen
}

/// `/client/v4/<scope>/access/service_tokens`, `scope` as `accounts/<id>` or `zones/<id>`.
pub fn tokens_path(scope: &str) -> String {
    format!("/client/v4/{scope}/access/service_tokens")
}

/// The account's tokens path.
pub fn account_tokens() -> String {
    tokens_path(&format!("accounts/{ACCOUNT}"))
}

/// Every secret a test must never see logged: the API token and every
/// client secret the emulator ever issued.
pub fn secrets(emu: &Emulator) -> Vec<String> {
    let mut all = emu.issued_secrets();
    all.push(DEFAULT_API_TOKEN.to_string());
    all
}

/// [`Terraform::assert_no_secret_logged`] with [`secrets`] and `more`.
pub fn assert_no_secret_leaked(tf: &mut Terraform, emu: &Emulator, more: &[&str]) {
    let mut all = secrets(emu);
    all.extend(more.iter().map(|s| s.to_string()));
    let refs: Vec<&str> = all.iter().map(String::as_str).collect();
    tf.assert_no_secret_logged(&refs);
}

/// An API call as the emulator logged it: `METHOD path` and its JSON body.
pub fn calls_with_bodies(emu: &Emulator) -> Vec<(String, Option<Value>)> {
    let seen = emu.requests().into_iter().map(|r| (format!("{} {}", r.method, r.path), r.body)).collect();
    emu.clear_requests();
    seen
}

/// One HTTP/1.1 request from the test itself (a person with curl, a client
/// at an Access application), not from the provider: its status and JSON body.
pub fn http(method: &str, url: &str, headers: &[(&str, &str)], body: Option<&Value>) -> (u16, Value) {
    cloudflare_emulator::client::send(method, url, headers, body).unwrap_or_else(|e| panic!("{method} {url}: {e}"))
}

/// A person disabling (or enabling) a token outside Terraform: a `PUT` to
/// the API with `{"enabled": …}`. The call is left in the emulator's log.
pub fn set_enabled_outside(emu: &Emulator, scope: &str, token_id: &str, enabled: bool) {
    let url = format!("{}/{scope}/access/service_tokens/{token_id}", emu.base_url());
    let auth = format!("Bearer {DEFAULT_API_TOKEN}");
    let (status, body) = http("PUT", &url, &[("Authorization", &auth)], Some(&json!({"enabled": enabled})));
    assert_eq!((status, &body["result"]["enabled"]), (200, &json!(enabled)), "{body}");
}

/// A client presenting a token at the Access application of `scope`
/// (`CF-Access-Client-Id` / `CF-Access-Client-Secret`): the status (200
/// admitted, 403 refused) and the application's answer.
pub fn present_token(emu: &Emulator, scope: &cloudflare_emulator::Scope, client_id: &str, secret: &str) -> (u16, Value) {
    let answer = emu.present(scope, client_id, secret);
    (answer.status, answer.body)
}
