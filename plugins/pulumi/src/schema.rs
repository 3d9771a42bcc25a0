//! The package schema `GetSchema` returns: `schema.json` beside this crate,
//! with the plugin's own version, so SDKs generated from it pin this plugin.

/// The schema with `version` set to this crate's.
pub fn schema() -> String {
    include_str!("../schema.json").replacen("\"0.0.0-dev\"", &format!("\"{}\"", env!("CARGO_PKG_VERSION")), 1)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_schema_is_json_with_this_crates_version() {
        let schema: serde_json::Value = serde_json::from_str(&super::schema()).unwrap();
        assert_eq!(schema["version"], env!("CARGO_PKG_VERSION"));
        assert_eq!(schema["name"], crate::config::PACKAGE);
    }
}
