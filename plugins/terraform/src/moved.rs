//! `moved { from = cloudflare_zero_trust_access_service_token.x  to =
//! cfaccess_service_token.x }` (and from v4's `cloudflare_access_service_token`):
//! the Cloudflare provider's stored state becomes this provider's, the client
//! secret kept, without a call. The source attributes are those of
//! cloudflare/terraform-provider-cloudflare v5.22 (`zero_trust_access_service_token`
//! `schema.go`, schema version 500) and v4.52 (`schema_cloudflare_access_service_tokens.go`).

use component_host::wit;

/// The Cloudflare provider's resource types this provider takes over.
pub const SOURCE_TYPES: [&str; 2] = ["cloudflare_zero_trust_access_service_token", "cloudflare_access_service_token"];

/// The token a Cloudflare provider state (its raw JSON) describes, or why not.
pub fn from_cloudflare(source_type: &str, source_provider: &str, json: &[u8]) -> Result<wit::TokenState, String> {
    if !SOURCE_TYPES.contains(&source_type) {
        return Err(format!("cfaccess_service_token can be moved from {} only, not from {source_type}", SOURCE_TYPES.join(" or ")));
    }
    if !source_provider.ends_with("cloudflare/cloudflare") {
        return Err(format!("expected the Cloudflare provider (…/cloudflare/cloudflare), found {source_provider:?}"));
    }
    let state: serde_json::Value = serde_json::from_slice(json).map_err(|e| format!("the source state is not JSON: {e}"))?;
    let text = |k: &str| state.get(k).and_then(serde_json::Value::as_str).filter(|s| !s.is_empty()).map(str::to_string);
    let whole = |k: &str| state.get(k).and_then(|v| v.as_i64().or_else(|| v.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64)));
    let id = text("id").ok_or("the source state has no id")?;
    let name = text("name").ok_or("the source state has no name")?;
    let version = whole("client_secret_version").filter(|v| *v >= 0).map(|v| v as u64);
    Ok(wit::TokenState {
        id,
        args: wit::TokenArgs {
            name,
            account_id: text("account_id"),
            zone_id: text("zone_id"),
            // Only v4 had it; v5 renews nothing.
            min_days_for_renewal: whole("min_days_for_renewal").unwrap_or(0),
            duration: text("duration"),
            client_secret_version: version,
            previous_client_secret_expires_at: text("previous_client_secret_expires_at"),
            // Neither provider's state has it; if the token is disabled, the
            // next refresh reads it so and the plan shows why.
            enabled: true,
        },
        client_id: text("client_id").unwrap_or_default(),
        client_secret: text("client_secret"),
        expires_at: text("expires_at"),
        // Read at the next refresh, as for a state written before they existed.
        created_at: None,
        last_seen_at: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const V5: &str = r#"{"id":"f174e90a-fafe-4643-bbbc-4a0ed4fc8415","account_id":"f037e56e89293a057740de681ac9abbe","zone_id":null,"name":"CI","duration":"8760h","client_id":"88bf.access","client_secret":"s3cr3t","expires_at":"2027-01-01T00:00:00Z","client_secret_version":1,"previous_client_secret_expires_at":null}"#;

    #[test]
    fn a_v5_state_keeps_its_secret_and_renews_nothing() {
        let t = from_cloudflare("cloudflare_zero_trust_access_service_token", "registry.terraform.io/cloudflare/cloudflare", V5.as_bytes()).unwrap();
        assert_eq!((t.client_secret.as_deref(), t.args.min_days_for_renewal, t.args.client_secret_version), (Some("s3cr3t"), 0, Some(1)));
        assert_eq!((t.args.enabled, t.created_at, t.last_seen_at), (true, None, None));
    }

    #[test]
    fn a_v4_state_keeps_its_renewal_window() {
        let v4 = r#"{"id":"x","account_id":"f037e56e89293a057740de681ac9abbe","name":"CI","client_id":"c","client_secret":"s","expires_at":"2027-01-01T00:00:00Z","min_days_for_renewal":30,"client_secret_version":1.0}"#;
        let t = from_cloudflare("cloudflare_access_service_token", "registry.terraform.io/cloudflare/cloudflare", v4.as_bytes()).unwrap();
        assert_eq!((t.args.min_days_for_renewal, t.args.client_secret_version), (30, Some(1)));
    }

    #[test]
    fn other_types_and_providers_are_refused() {
        assert!(from_cloudflare("cloudflare_record", "registry.terraform.io/cloudflare/cloudflare", V5.as_bytes()).unwrap_err().contains("cloudflare_record"));
        assert!(from_cloudflare(SOURCE_TYPES[0], "registry.terraform.io/acme/other", V5.as_bytes()).is_err());
        assert!(from_cloudflare(SOURCE_TYPES[0], "registry.terraform.io/cloudflare/cloudflare", b"{").is_err());
    }
}
