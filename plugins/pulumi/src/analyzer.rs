//! `pulumirpc.Analyzer`: the project's policy rules inside `pulumi preview`
//! and `pulumi up`. Every finding comes from the component's `policy`
//! interface — one rule set and one message text, as in the CLI's report —
//! in an instance with no network, no directory and no environment. This
//! side maps the engine's resources and per-policy configuration in, and
//! findings out as diagnostics.

use crate::host::{Egress, Host, PolicyComponent};
use crate::proto::{self, EnforcementLevel, PolicyType};
use crate::structs::{from_json, to_json, to_map};
use component_host::policy_wit as p;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, RwLock};
use tokio::sync::{watch, OnceCell};
use tonic::{Request, Response, Status};

/// The properties policies take: the expires-soon window, and the idle
/// window that `idle` and `never-used` share (one setting, so the two
/// must agree when both are given).
const EXPIRES_WITHIN_DAYS: &str = "expiresWithinDays";
const EXPIRES_SOON: &str = "expires-soon";
const IDLE_DAYS: &str = "idleDays";
const IDLE: &str = "idle";
const NEVER_USED: &str = "never-used";

/// The pack's identity, from `PulumiPolicy.yaml` in its directory.
#[derive(Clone, Debug, PartialEq)]
pub struct PackInfo {
    pub name: String,
    pub version: String,
    pub description: String,
}

impl PackInfo {
    /// Reads `name`, `version` and `description` from `dir/PulumiPolicy.yaml`
    /// (top-level scalars); the directory's name and this plugin's version
    /// where the file says nothing.
    pub fn read(dir: &Path) -> PackInfo {
        let text = std::fs::read_to_string(dir.join("PulumiPolicy.yaml")).unwrap_or_default();
        let dir_name = std::fs::canonicalize(dir).ok().and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()));
        Self::parse(&text, dir_name.as_deref().unwrap_or("cloudflare-access-service-token"))
    }

    /// [`PackInfo::read`] over the file's text.
    pub fn parse(text: &str, default_name: &str) -> PackInfo {
        let field = |key: &str| {
            text.lines().find_map(|line| {
                let value = line.strip_prefix(key)?.strip_prefix(':')?;
                let value = value.split(" #").next().unwrap_or(value).trim();
                let value = value.trim_matches(|c| c == '"' || c == '\'');
                (!value.is_empty()).then(|| value.to_string())
            })
        };
        PackInfo {
            name: field("name").unwrap_or_else(|| default_name.to_string()),
            version: field("version").unwrap_or_else(|| env!("CARGO_PKG_VERSION").to_string()),
            description: field("description").unwrap_or_else(|| "Cloudflare Access service tokens that expire, are never renewed, leak their secret, or are disabled or unused".to_string()),
        }
    }
}

/// The analyzer: the component, the pack, and the policy configuration.
pub struct Analyzer {
    host: Arc<Host<PolicyComponent>>,
    pack: PackInfo,
    /// `rule=level`, `expiresWithinDays=N` and `idleDays=N`, as the CLI's `--rule` takes them.
    overrides: RwLock<Vec<String>>,
    rules: OnceCell<Vec<p::RuleInfo>>,
    shutdown: watch::Sender<bool>,
}

impl Analyzer {
    pub fn new(host: Arc<Host<PolicyComponent>>, pack: PackInfo, shutdown: watch::Sender<bool>) -> Analyzer {
        Analyzer { host, pack, overrides: RwLock::new(Vec::new()), rules: OnceCell::new(), shutdown }
    }

    /// The component's rules, asked once: they never change while it runs,
    /// and `Analyze` (called for every resource) needs their descriptions.
    async fn rules(&self) -> Result<&[p::RuleInfo], Status> {
        let rules = self.rules.get_or_try_init(|| self.host.call(Egress::none(), |s| s.rules().map(Ok))).await?;
        Ok(rules)
    }

    /// Judges `resources` with the configured overrides.
    async fn judge(&self, resources: Vec<p::EngineResource>) -> Result<proto::AnalyzeResponse, Status> {
        let overrides = self.overrides.read().map(|o| o.clone()).unwrap_or_else(|poisoned| poisoned.into_inner().clone());
        let settings = p::Settings { now: None, policy_file: None, overrides, kind: None };
        let rules = self.rules().await?;
        let report = self.host.call(Egress::none(), move |s| s.analyze(&resources, &settings)).await?;
        let summary = |id: &str| rules.iter().find(|r| r.id == id).map(|r| r.summary.clone()).unwrap_or_default();
        let diagnostics = report
            .findings
            .into_iter()
            .filter(|f| f.level != p::Level::Disabled)
            .map(|f| proto::AnalyzeDiagnostic {
                description: summary(&f.rule_id),
                policy_name: f.rule_id,
                policy_pack_name: self.pack.name.clone(),
                policy_pack_version: self.pack.version.clone(),
                message: f.message,
                enforcement_level: level_out(f.level) as i32,
                urn: f.address,
            })
            .collect();
        Ok(proto::AnalyzeResponse { diagnostics })
    }
}

fn level_out(level: p::Level) -> EnforcementLevel {
    match level {
        p::Level::Mandatory => EnforcementLevel::Mandatory,
        p::Level::Advisory => EnforcementLevel::Advisory,
        p::Level::Disabled => EnforcementLevel::Disabled,
    }
}

/// A level as the CLI spells it. `remediate` has no remediation here, so it
/// is enforced as mandatory.
fn level_in(level: i32) -> Result<&'static str, Status> {
    match EnforcementLevel::try_from(level) {
        Ok(EnforcementLevel::Advisory) => Ok("advisory"),
        Ok(EnforcementLevel::Mandatory | EnforcementLevel::Remediate) => Ok("mandatory"),
        Ok(EnforcementLevel::Disabled) => Ok("disabled"),
        Err(_) => Err(Status::invalid_argument(format!("unknown enforcement level {level}"))),
    }
}

fn resource(urn: String, ty: String, properties: Option<&prost_types::Struct>) -> p::EngineResource {
    p::EngineResource { urn, type_: ty, properties: to_json(properties) }
}

/// The config schema of the expires-soon policy.
fn window_schema() -> Option<proto::PolicyConfigSchema> {
    let properties = from_json(&serde_json::json!({EXPIRES_WITHIN_DAYS: {"type": "integer", "minimum": 0, "default": 30, "description": "Days before expiry from which a token is reported"}}).to_string()).ok();
    Some(proto::PolicyConfigSchema { properties, required: vec![] })
}

/// The config schema of the idle and never-used policies (the same window).
fn idle_schema() -> Option<proto::PolicyConfigSchema> {
    let description = "Days without an authentication after which a token is reported: since it was last seen (idle), or since it was created when it never was (never-used)";
    let properties = from_json(&serde_json::json!({IDLE_DAYS: {"type": "integer", "minimum": 1, "maximum": 36500, "default": 90, "description": description}}).to_string()).ok();
    Some(proto::PolicyConfigSchema { properties, required: vec![] })
}

/// A property's value as an override takes it: text as it is, anything
/// else as JSON (the component judges whether it is a number of days).
fn override_value(value: &serde_json::Value) -> String {
    value.as_str().map_or_else(|| value.to_string(), str::to_string)
}

type Rpc<T> = Result<Response<T>, Status>;

#[tonic::async_trait]
impl proto::analyzer_server::Analyzer for Analyzer {
    async fn handshake(&self, _: Request<proto::AnalyzerHandshakeRequest>) -> Rpc<()> {
        Ok(Response::new(()))
    }

    async fn get_analyzer_info(&self, _: Request<()>) -> Rpc<proto::AnalyzerInfo> {
        let rules = self.rules().await?;
        let mut initial_config = BTreeMap::new();
        let policies = rules
            .iter()
            .map(|r| {
                let schema = match r.id.as_str() {
                    EXPIRES_SOON => window_schema(),
                    IDLE | NEVER_USED => idle_schema(),
                    _ => Some(proto::PolicyConfigSchema::default()),
                };
                initial_config.insert(r.id.clone(), proto::PolicyConfig { enforcement_level: level_out(r.default_level) as i32, properties: None });
                proto::PolicyInfo {
                    name: r.id.clone(),
                    display_name: r.name.clone(),
                    description: r.summary.clone(),
                    message: r.help.clone(),
                    enforcement_level: level_out(r.default_level) as i32,
                    config_schema: schema,
                    policy_type: PolicyType::Resource as i32,
                }
            })
            .collect();
        Ok(Response::new(proto::AnalyzerInfo {
            name: self.pack.name.clone(),
            display_name: self.pack.name.clone(),
            policies,
            version: self.pack.version.clone(),
            supports_config: true,
            initial_config,
            description: self.pack.description.clone(),
        }))
    }

    async fn get_plugin_info(&self, _: Request<()>) -> Rpc<proto::PluginInfo> {
        Ok(Response::new(proto::PluginInfo { version: env!("CARGO_PKG_VERSION").to_string() }))
    }

    async fn configure(&self, request: Request<proto::ConfigureAnalyzerRequest>) -> Rpc<()> {
        let mut overrides = Vec::new();
        // idleDays, and the policy that gave it: idle and never-used share one window.
        let mut idle_days: Option<(String, String)> = None;
        for (policy, config) in request.into_inner().policy_config {
            overrides.push(format!("{policy}={}", level_in(config.enforcement_level)?));
            for (key, value) in &to_map(config.properties.as_ref()) {
                match (policy.as_str(), key.as_str()) {
                    (EXPIRES_SOON, EXPIRES_WITHIN_DAYS) => overrides.push(format!("{EXPIRES_WITHIN_DAYS}={}", override_value(value))),
                    (IDLE | NEVER_USED, IDLE_DAYS) => {
                        let days = override_value(value);
                        match &idle_days {
                            Some((other, before)) if *before != days => {
                                return Err(Status::invalid_argument(format!(
                                    "policies {other} and {policy} share one {IDLE_DAYS}, but {other} sets {before} and {policy} {days}; give one value (or set it on one of them)"
                                )))
                            }
                            Some(_) => {}
                            None => {
                                overrides.push(format!("{IDLE_DAYS}={days}"));
                                idle_days = Some((policy.clone(), days));
                            }
                        }
                    }
                    _ => {
                        return Err(Status::invalid_argument(format!(
                            "policy {policy} takes no property {key:?}; only {EXPIRES_SOON} takes {EXPIRES_WITHIN_DAYS}, and {IDLE} and {NEVER_USED} take {IDLE_DAYS}"
                        )))
                    }
                }
            }
        }
        // The component validates the whole configuration (unknown policies,
        // levels, the windows' ranges) by judging nothing with it.
        let settings = p::Settings { now: None, policy_file: None, overrides: overrides.clone(), kind: None };
        self.host.call(Egress::none(), move |s| s.analyze(&[], &settings)).await.map_err(|s| Status::invalid_argument(format!("policy configuration: {}", s.message())))?;
        component_host::log!("Configure: {}", overrides.join(", "));
        *self.overrides.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = overrides;
        Ok(Response::new(()))
    }

    async fn configure_stack(&self, _: Request<()>) -> Rpc<()> {
        Ok(Response::new(()))
    }

    async fn analyze(&self, request: Request<proto::AnalyzeRequest>) -> Rpc<proto::AnalyzeResponse> {
        let req = request.into_inner();
        self.judge(vec![resource(req.urn, req.r#type, req.properties.as_ref())]).await.map(Response::new)
    }

    async fn analyze_stack(&self, request: Request<proto::AnalyzeStackRequest>) -> Rpc<proto::AnalyzeResponse> {
        let resources = request.into_inner().resources.into_iter().map(|r| resource(r.urn, r.r#type, r.properties.as_ref())).collect();
        self.judge(resources).await.map(Response::new)
    }

    async fn remediate(&self, _: Request<proto::AnalyzeRequest>) -> Rpc<proto::RemediateResponse> {
        // The rules report; none of them changes a resource.
        Ok(Response::new(proto::RemediateResponse {}))
    }

    async fn cancel(&self, _: Request<()>) -> Rpc<()> {
        component_host::log!("Cancel: finishing the calls in flight, then stopping");
        let _ = self.shutdown.send(true);
        Ok(Response::new(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pack_names_itself_from_pulumi_policy_yaml() {
        let pack = PackInfo::parse("runtime: cloudflare-access-service-token\nname: token-guard # ours\nversion: \"1.2.0\"\n", "dir");
        assert_eq!((pack.name.as_str(), pack.version.as_str()), ("token-guard", "1.2.0"));
        let bare = PackInfo::parse("runtime: cloudflare-access-service-token\n", "dir");
        assert_eq!((bare.name.as_str(), bare.version.as_str()), ("dir", env!("CARGO_PKG_VERSION")));
    }

    #[test]
    fn levels_map_both_ways_and_remediate_is_enforced() {
        assert_eq!(level_in(EnforcementLevel::Remediate as i32).unwrap(), "mandatory");
        assert_eq!(level_in(EnforcementLevel::Disabled as i32).unwrap(), "disabled");
        assert_eq!(level_in(EnforcementLevel::Advisory as i32).unwrap(), "advisory");
        assert!(level_in(9).is_err());
        assert_eq!(level_out(p::Level::Mandatory), EnforcementLevel::Mandatory);
        assert_eq!(level_out(p::Level::Advisory), EnforcementLevel::Advisory);
    }
}
