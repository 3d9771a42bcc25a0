//! Refresh: reading what is live into the state, and reporting the drift.

use super::*;

/// The secret version of a token nobody gave one: Cloudflare starts at 1.
const FIRST_SECRET_VERSION: u64 = 1;

/// A property as drift compares it: absent and `null` alike, and an absent
/// `clientSecretVersion` as the version the API gives a new token. A create
/// that sets no version stores none (its outputs are the program's inputs),
/// while a read returns 1: the same token, not drift. The comparison is the
/// place for it rather than the create's outputs, because state files
/// written before this fix lack the version too, and `diff` already reads
/// an absent version as 1 (see `diff::plan`).
fn as_compared(key: &str, value: Option<&Value>) -> Option<Value> {
    let value = value.filter(|v| !v.is_null()).cloned();
    match key {
        "clientSecretVersion" => value.or(Some(json!(FIRST_SECRET_VERSION))),
        // A state written before `enabled` existed holds enabled tokens.
        "enabled" => value.or(Some(json!(true))),
        _ => value,
    }
}

/// Why `enabled` drifted: a token found disabled names both causes and
/// when it last authenticated, which tells them apart.
fn enabled_drift(now: Option<&Value>, last_seen: Option<&Value>, created: Option<&Value>) -> String {
    if now != Some(&json!(false)) {
        return "enabled outside this program: the next up applies the program's `enabled` again".into();
    }
    let seen = access_service_token::diff::last_authenticated(last_seen.and_then(Value::as_str), created.and_then(Value::as_str));
    format!("disabled outside this program, by a person or by the account's inactivity cleanup ({seen}): it authenticates nothing; the next up enables it again with one call, same client id and secret")
}

/// Reads every managed resource, updating the state; reports drift.
pub fn refresh<T: Transport>(program: &Program, calls: &mut Calls<T>, state: &mut StateFile, store: Option<&mut StateStore>) -> Result<Vec<Step>, Error> {
    let mut steps = Vec::new();
    let managed: Vec<StateResource> = state.resources.iter().filter(|r| !r.external).cloned().collect();
    // Scopes holding several managed tokens are read with the paged list:
    // ⌈N/1000⌉ calls instead of N (Terraform v4 listed the whole account per token).
    let scope_of = |r: &StateResource| (r.outputs.get("accountId").cloned(), r.outputs.get("zoneId").cloned());
    let mut per_scope: BTreeMap<String, usize> = BTreeMap::new();
    for r in &managed {
        *per_scope.entry(format!("{:?}", scope_of(r))).or_default() += 1;
    }
    let mut listed: BTreeMap<String, BTreeMap<String, access_service_token::responses::ApiToken>> = BTreeMap::new();
    for old in managed {
        let known = bag::decode(&old.outputs.to_string(), "state")?;
        let key = format!("{:?}", scope_of(&old));
        let read = if per_scope.get(&key).copied().unwrap_or(0) > 1 {
            let token_state = bag::state_of(&old.id, &known)?;
            if !listed.contains_key(&key) {
                let scope = token_state.args.scope()?;
                let all = provider::list_all(&mut calls.client()?, &scope)?;
                listed.insert(key.clone(), all.into_iter().map(|t| (t.id.clone(), t)).collect());
            }
            let live = listed.get(&key).and_then(|m| m.get(&old.id)).cloned();
            match live {
                None => None,
                Some(token) => {
                    let secret_inputs = known.secret.iter().filter(|k| *k != "clientSecret").cloned().collect();
                    let properties = bag::outputs(&provider::merge_live(&token_state, token), &secret_inputs);
                    let inputs = json!({"name": properties.get("name").cloned().unwrap_or(Value::Null)});
                    Some(pulumi::ReadResponse { id: old.id.clone(), properties, inputs })
                }
            }
        } else {
            let urn = urn(program, &old.ty, &old.name);
            pulumi::read(&mut calls.client()?, &urn, &old.id, &old.outputs.to_string(), &old.inputs.to_string())?
        };
        let Some(read) = read else {
            steps.push(Step {
                name: old.name.clone(),
                ty: old.ty.clone(),
                op: Op::Delete,
                reasons: vec!["deleted outside this program, by a person or by the account's inactivity cleanup: the next up creates a new token, with a new client id and secret".into()],
                changes: vec![],
            });
            state.remove_gone(&old);
            continue;
        };
        let mut changes = Vec::new();
        for key in ["name", "expiresAt", "duration", "clientSecretVersion", "enabled"] {
            let (a, b) = (old.outputs.get(key), read.properties.get(key));
            if as_compared(key, a) != as_compared(key, b) {
                changes.push(Change { property: key.into(), old: a.cloned(), new: b.cloned() });
            }
        }
        let op = if changes.is_empty() { Op::Same } else { Op::Update };
        let mut reasons = Vec::new();
        if changes.iter().any(|c| c.property == "name") {
            reasons.push("renamed outside this program: the next up renames it back".to_string());
        }
        if let Some(change) = changes.iter().find(|c| c.property == "enabled") {
            reasons.push(enabled_drift(change.new.as_ref(), read.properties.get("lastSeenAt"), read.properties.get("createdAt")));
        }
        steps.push(Step { name: old.name.clone(), ty: old.ty.clone(), op, reasons, changes });
        let mut inputs = old.inputs.clone();
        if let (Some(obj), Some(name)) = (inputs.as_object_mut(), read.inputs.get("name")) {
            obj.insert("name".into(), name.clone());
        }
        state.put(StateResource { inputs, outputs: read.properties, ..old });
    }
    if let Some(store) = store {
        store.save(state)?;
    }
    Ok(steps)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_absent_secret_version_is_the_apis_first_one() {
        let one = json!(1);
        assert_eq!(as_compared("clientSecretVersion", None), as_compared("clientSecretVersion", Some(&one)));
        assert_eq!(as_compared("clientSecretVersion", Some(&Value::Null)), as_compared("clientSecretVersion", Some(&one)));
        assert_ne!(as_compared("clientSecretVersion", None), as_compared("clientSecretVersion", Some(&json!(2))), "a rotation elsewhere is drift");
        assert_ne!(as_compared("name", None), as_compared("name", Some(&json!("n"))));
    }
}
