//! Pulumi's resource-provider protocol over property bags: Check, Diff,
//! Create, Read, Update, Delete with the request and response fields of
//! `pulumirpc.ResourceProvider`, bags as JSON text. An engine that speaks
//! the protocol hands its requests over as they are. The typed core does the
//! work; this module translates bags, secrets and unknowns.

pub mod bag;
pub mod invoke;
pub mod list;
pub mod stack;

use crate::diff::{self, DiffKind};
use crate::error::{CheckFailure, Error};
use crate::model::{Outcome, TokenState};
use crate::properties::INPUT_PROPERTIES;
use crate::provider::{self, Client};
use crate::transport::Transport;
use bag::{Bag, DEFAULTS_KEY};
use chrono::{DateTime, Utc};
use serde_json::{json, Map, Value};

/// The Pulumi package of the native resource-provider plugin built on this
/// component (its own tokens, beside the `cloudflare:` names it also accepts).
pub const PACKAGE: &str = "cloudflare-access-service-token";

/// The resource type token of the plugin's own package.
pub const PACKAGE_TYPE_TOKEN: &str = "cloudflare-access-service-token:index:AccessServiceToken";

/// The get function's token in the plugin's own package.
pub const GET_FUNCTION_TOKEN: &str = "cloudflare-access-service-token:index:getAccessServiceToken";

/// The function tokens [`invoke::invoke`] implements: the plugin's own, first
/// (named in messages), and the `pulumi-cloudflare` one.
pub const GET_FUNCTION_TOKENS: [&str; 2] = [GET_FUNCTION_TOKEN, "cloudflare:index/getAccessServiceToken:getAccessServiceToken"];

/// The resource type tokens this component implements: `pulumi-cloudflare`'s
/// v5 and v6 names (the first is the canonical one that messages name), then
/// the plugin's own package's.
pub const TYPE_TOKENS: [&str; 7] = [
    "cloudflare:index/accessServiceToken:AccessServiceToken",
    "cloudflare:index:AccessServiceToken",
    "cloudflare:AccessServiceToken",
    "cloudflare:index/zeroTrustAccessServiceToken:ZeroTrustAccessServiceToken",
    "cloudflare:index:ZeroTrustAccessServiceToken",
    "cloudflare:ZeroTrustAccessServiceToken",
    PACKAGE_TYPE_TOKEN,
];

/// Refuses a URN whose type this component does not implement. A URN is
/// `urn:pulumi:<stack>::<project>::<qualified type>::<name>`; the qualified
/// type ends with the resource's own type after any parent types (`$`).
pub fn check_urn(urn: &str) -> Result<(), Error> {
    let parts: Vec<&str> = urn.split("::").collect();
    let ty = match parts.as_slice() {
        [_, _, ty, _] => ty.rsplit('$').next().unwrap_or(ty),
        _ => return Err(Error::invalid("urn", format!("expected urn:pulumi:<stack>::<project>::<type>::<name>, found {urn}", urn = crate::error::quote(&urn)))),
    };
    if TYPE_TOKENS.contains(&ty) {
        Ok(())
    } else {
        Err(Error::invalid("urn", format!("this component implements {PACKAGE_TYPE_TOKEN} and {} (or its aliases), not {ty}", TYPE_TOKENS[0], ty = crate::error::quote(&ty))))
    }
}

/// Check's answer: inputs or failures, never both.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckResponse {
    /// The checked inputs (defaults applied, `__defaults` listing them).
    pub inputs: Option<Value>,
    /// Every failure.
    pub failures: Vec<CheckFailure>,
}

/// Check: validates `news`, skipping properties still unknown in a preview.
pub fn check(urn: &str, news: &str) -> Result<CheckResponse, Error> {
    check_urn(urn)?;
    let decoded = bag::decode(news, "news")?;
    let mut failures = match bag::args_of(&decoded) {
        Ok(_) => vec![],
        Err(Error::InvalidInput(f)) => f,
        Err(e) => return Err(e),
    };
    let unknown = |p: &str| decoded.unknown.contains(p);
    failures.retain(|f| {
        let scope_unknown = unknown("accountId") || unknown("zoneId");
        !(unknown(&f.property)
            || (f.reason.contains("one of accountId or zoneId is required") && scope_unknown)
            || (f.property == "name" && f.reason.starts_with("required") && unknown("name")))
    });
    if !failures.is_empty() {
        return Ok(CheckResponse { inputs: None, failures });
    }
    let mut inputs: Map<String, Value> = serde_json::from_str::<Value>(if news.trim().is_empty() { "{}" } else { news })
        .ok()
        .and_then(|v| v.as_object().cloned())
        .unwrap_or_default();
    inputs.remove(DEFAULTS_KEY);
    let mut defaults = Vec::new();
    for (key, value) in crate::schema::defaults() {
        if !inputs.contains_key(key) {
            inputs.insert(key.into(), value);
            defaults.push(key);
        }
    }
    inputs.insert(DEFAULTS_KEY.into(), json!(defaults));
    Ok(CheckResponse { inputs: Some(Value::Object(inputs)), failures })
}

/// Diff's `changes` field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Changes {
    /// Nothing to do.
    None,
    /// Something to do.
    Some,
}

/// Diff's answer, fields as in `DiffResponse`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiffResponse {
    /// None or some.
    pub changes: Changes,
    /// Properties forcing replacement.
    pub replaces: Vec<String>,
    /// Input properties that will not change.
    pub stables: Vec<String>,
    /// Always false: the new token is created before the old is deleted.
    pub delete_before_replace: bool,
    /// Top-level properties that change.
    pub diffs: Vec<String>,
    /// Per property: kind and whether it is an input difference.
    pub detailed_diff: Vec<(String, DiffKind, bool)>,
    /// What the apply does and why (not part of the protocol; for previews).
    pub actions: Vec<diff::PlannedAction>,
}

/// Diff: `olds` are the last outputs, `news` the checked inputs (possibly
/// with unknowns, each of which counts as a change).
pub fn diff(urn: &str, id: &str, olds: &str, news: &str, ignore_changes: &[String], now: DateTime<Utc>) -> Result<DiffResponse, Error> {
    check_urn(urn)?;
    let old_bag = bag::decode(olds, "olds")?;
    let mut new_bag = bag::decode(news, "news")?;
    for key in ignore_changes {
        new_bag.unknown.remove(key);
        match old_bag.known.get(key) {
            Some(v) => new_bag.known.insert(key.clone(), v.clone()),
            None => new_bag.known.remove(key),
        };
    }
    let old_state = bag::state_of(id, &old_bag)?;
    // Unknown inputs take their old values for the typed diff, then are added
    // as changes of their own.
    let mut known_news = new_bag.clone();
    for key in &new_bag.unknown {
        if let Some(v) = old_bag.known.get(key) {
            known_news.known.insert(key.clone(), v.clone());
        }
    }
    let args = bag::args_of(&known_news)?;
    let typed = diff::diff(&old_state, &args, now)?;
    let mut detailed: Vec<(String, DiffKind, bool)> =
        typed.detailed_diff.into_iter().map(|d| (d.property, d.kind, d.input_diff)).collect();
    let mut replaces = typed.replaces;
    for key in &new_bag.unknown {
        if detailed.iter().any(|(p, _, _)| p == key) {
            continue;
        }
        let replacing = key == "accountId" || key == "zoneId";
        detailed.push((key.clone(), if replacing { DiffKind::UpdateReplace } else { DiffKind::Update }, true));
        if replacing {
            replaces.push(key.clone());
        }
    }
    let mut actions = typed.actions;
    let pending: Vec<&str> = new_bag.unknown.iter().map(String::as_str).collect();
    if !pending.is_empty() && actions.is_empty() {
        let kind = if replaces.is_empty() { diff::ActionKind::Update } else { diff::ActionKind::Replace };
        actions.push(diff::PlannedAction { kind, reason: format!("{} known only after apply", pending.join(", ")) });
    }
    let mut diffs: Vec<String> = detailed.iter().map(|(p, _, _)| p.clone()).collect();
    diffs.dedup();
    let stables = INPUT_PROPERTIES
        .iter()
        .filter(|p| (new_bag.known.contains_key(**p) || new_bag.unknown.contains(**p)) && !diffs.iter().any(|d| d == *p))
        .map(|p| p.to_string())
        .collect();
    Ok(DiffResponse {
        changes: if detailed.is_empty() { Changes::None } else { Changes::Some },
        replaces,
        stables,
        delete_before_replace: false,
        diffs,
        detailed_diff: detailed,
        actions,
    })
}

/// A state bag: the outputs of the token.
fn outputs_of(outcome: Outcome, news: &Bag) -> Value {
    match outcome {
        Outcome::Applied(state) => bag::outputs(&state, &news.secret),
        Outcome::Planned(planned) => bag::planned_outputs(&planned, news),
    }
}

/// Known arguments of a bag that may still hold unknowns (preview only).
fn preview_args(decoded: &Bag) -> Result<crate::model::TokenArgs, Error> {
    let mut known = decoded.clone();
    for key in &decoded.unknown {
        let placeholder = match key.as_str() {
            "minDaysForRenewal" => json!(0),
            "clientSecretVersion" => json!(1),
            "previousClientSecretExpiresAt" => json!("1970-01-01T00:00:00Z"),
            "accountId" | "zoneId" => continue,
            _ => json!("unknown"),
        };
        known.known.insert(key.clone(), placeholder);
    }
    if decoded.unknown.contains("accountId") || decoded.unknown.contains("zoneId") {
        // The scope is not known yet: a preview of it needs none.
        known.known.insert("accountId".into(), json!("00000000000000000000000000000000"));
        known.known.remove("zoneId");
    }
    bag::args_of(&known)
}

/// Create: `(id, properties)`. In preview, no call; `id` is empty and the
/// computed outputs are unknown.
pub fn create<T: Transport>(client: &mut Client<T>, urn: &str, properties: &str, preview: bool) -> Result<(String, Value), Error> {
    check_urn(urn)?;
    let news = bag::decode(properties, "properties")?;
    if preview {
        let args = preview_args(&news)?;
        let outcome = provider::create(client, &args, true)?;
        return Ok((String::new(), outputs_of(outcome, &news)));
    }
    if !news.unknown.is_empty() {
        return Err(Error::invalid("properties", format!("cannot create with unknown values ({})", list(&news.unknown))));
    }
    let args = bag::args_of(&news)?;
    match provider::create(client, &args, false)? {
        Outcome::Applied(state) => Ok((state.id.clone(), bag::outputs(&state, &news.secret))),
        Outcome::Planned(_) => Err(Error::Internal("create planned where an apply was asked".into())),
    }
}

/// Creates several resources with their requests in flight together: for
/// each `(urn, properties)`, what [`create`] would answer, handed to
/// `on_outcome` with its index in `items` as soon as it is known.
pub fn create_many<T: Transport>(client: &mut Client<T>, items: &[(String, String)], on_outcome: &mut dyn FnMut(usize, Result<(String, Value), Error>)) {
    let mut bags: Vec<(usize, Bag)> = Vec::with_capacity(items.len());
    let mut args: Vec<crate::model::TokenArgs> = Vec::with_capacity(items.len());
    for (i, (urn, properties)) in items.iter().enumerate() {
        let decoded = (|| {
            check_urn(urn)?;
            let news = bag::decode(properties, "properties")?;
            if !news.unknown.is_empty() {
                return Err(Error::invalid("properties", format!("cannot create with unknown values ({})", list(&news.unknown))));
            }
            let args = bag::args_of(&news)?;
            Ok((news, args))
        })();
        match decoded {
            Ok((news, a)) => {
                bags.push((i, news));
                args.push(a);
            }
            Err(e) => on_outcome(i, Err(e)),
        }
    }
    provider::create_many(client, &args, &mut |k, outcome| {
        let Some((i, news)) = bags.get(k) else {
            return;
        };
        let answer = outcome.and_then(|o| match o {
            Outcome::Applied(state) => Ok((state.id.clone(), bag::outputs(&state, &news.secret))),
            Outcome::Planned(_) => Err(Error::Internal("create planned where an apply was asked".into())),
        });
        on_outcome(*i, answer);
    });
}

fn list(set: &std::collections::BTreeSet<String>) -> String {
    set.iter().cloned().collect::<Vec<_>>().join(", ")
}

/// Read's answer for a token that exists.
#[derive(Clone, Debug, PartialEq)]
pub struct ReadResponse {
    /// The id.
    pub id: String,
    /// Outputs.
    pub properties: Value,
    /// Inputs as they are now (drift shows in the next diff), as Check would
    /// return them for this token: `__defaults` included.
    pub inputs: Value,
}

/// Read: `None` when the token is gone. With no prior properties (`pulumi
/// import`, `get`), `id` may be any of the three import id forms.
///
/// The inputs carry the `__defaults` that Check stored in `inputs`, as long
/// as those properties still hold their default: the engine compares the
/// inputs a refresh reads with the ones it had (`RefreshStep.Apply` in
/// `pkg/resource/deploy/step.go`), and a list that came and went would mark
/// the resource modified on every refresh. An import (no prior inputs) lists
/// none, as Check does for inputs that name every property.
pub fn read<T: Transport>(client: &mut Client<T>, urn: &str, id: &str, properties: &str, inputs: &str) -> Result<Option<ReadResponse>, Error> {
    check_urn(urn)?;
    let old_outputs = bag::decode(properties, "properties")?;
    let old_inputs = bag::decode(inputs, "inputs")?;
    let mut secret = old_inputs.secret.clone();
    secret.extend(old_outputs.secret.iter().filter(|k| *k != "clientSecret").cloned());
    let scoped = old_outputs.known.contains_key("accountId") || old_outputs.known.contains_key("zoneId");
    let live: Option<TokenState> = if scoped {
        provider::read(client, &bag::state_of(id, &old_outputs)?)?
    } else {
        match provider::import(client, id) {
            Ok(s) => Some(s),
            Err(Error::NotFound(_)) => None,
            Err(e) => return Err(e),
        }
    };
    let Some(state) = live else {
        return Ok(None);
    };
    let properties = bag::outputs(&state, &secret);
    let mut now = Map::new();
    if let Value::Object(all) = &properties {
        for key in INPUT_PROPERTIES {
            if let Some(v) = all.get(key).filter(|v| !v.is_null()) {
                now.insert(key.to_string(), v.clone());
            }
        }
    }
    let defaulted: Vec<String> = old_inputs
        .defaults
        .into_iter()
        .filter(|key| crate::schema::defaults().any(|(k, v)| k == key && now.get(k) == Some(&v)))
        .collect();
    now.insert(DEFAULTS_KEY.into(), json!(defaulted));
    Ok(Some(ReadResponse { id: state.id.clone(), properties, inputs: Value::Object(now) }))
}

/// Update: new outputs. In preview, no call; what the apply computes is unknown.
pub fn update<T: Transport>(
    client: &mut Client<T>,
    urn: &str,
    id: &str,
    olds: &str,
    news: &str,
    now: DateTime<Utc>,
    preview: bool,
) -> Result<Value, Error> {
    check_urn(urn)?;
    let old_state = bag::state_of(id, &bag::decode(olds, "olds")?)?;
    let new_bag = bag::decode(news, "news")?;
    if !preview && !new_bag.unknown.is_empty() {
        return Err(Error::invalid("news", format!("cannot update with unknown values ({})", list(&new_bag.unknown))));
    }
    let args = if preview { preview_args(&new_bag)? } else { bag::args_of(&new_bag)? };
    let outcome = provider::update(client, &old_state, &args, now, preview)?;
    Ok(outputs_of(outcome, &new_bag))
}

/// Delete; a token already gone is a success.
pub fn delete<T: Transport>(client: &mut Client<T>, urn: &str, id: &str, properties: &str) -> Result<(), Error> {
    check_urn(urn)?;
    provider::delete(client, &bag::state_of(id, &bag::decode(properties, "properties")?)?)
}
