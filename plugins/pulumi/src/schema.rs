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

    /// `schema.json` is written for people (descriptions, examples); what it
    /// says of each property's name, type, role, default, secrecy and
    /// replacement is the core's table (`access_service_token::schema`),
    /// and this test holds the one to the other.
    #[test]
    fn the_resource_in_the_schema_is_the_cores_property_table() {
        use access_service_token::schema::{Role, Type, PROPERTIES};
        use serde_json::{json, Value};
        let schema: Value = serde_json::from_str(&super::schema()).unwrap();
        let resource = &schema["resources"][access_service_token::pulumi::PACKAGE_TYPE_TOKEN];
        let keys = |v: &Value| v.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>()).unwrap_or_default();
        // serde_json keeps objects sorted here, so the comparisons are of sorted names.
        let mut inputs: Vec<_> = PROPERTIES.iter().filter(|p| p.is_input()).map(|p| p.name.to_string()).collect();
        inputs.sort();
        assert_eq!(keys(&resource["inputProperties"]), inputs, "the inputs");
        // Pulumi gives every resource its `id`: the schema does not list it.
        let outputs: Vec<_> = PROPERTIES.iter().filter(|p| p.name != "id").map(|p| p.name.to_string()).collect();
        let mut listed = keys(&resource["properties"]);
        listed.sort();
        let mut expected = outputs.clone();
        expected.sort();
        assert_eq!(listed, expected, "every property is an output");
        let required: Vec<_> = PROPERTIES.iter().filter(|p| p.role == Role::Required).map(|p| json!(p.name)).collect();
        assert_eq!(resource["requiredInputs"], json!(required));
        for p in &PROPERTIES {
            let ty = match p.ty {
                Type::String => "string",
                Type::Integer => "integer",
                Type::Boolean => "boolean",
            };
            let output = &resource["properties"][p.name];
            if p.name != "id" {
                assert_eq!(output["type"], ty, "{}", p.name);
                assert_eq!(output["secret"].as_bool().unwrap_or(false), p.secret, "{} secret", p.name);
            }
            if p.is_input() {
                let input = &resource["inputProperties"][p.name];
                assert_eq!(input["type"], ty, "{}", p.name);
                assert_eq!(input["default"], p.default.map_or(Value::Null, |d| d.to_json()), "{} default", p.name);
                assert_eq!(input["replaceOnChanges"].as_bool().unwrap_or(false), p.replaces, "{} replaces", p.name);
                assert_eq!(input["secret"].as_bool().unwrap_or(false), p.secret, "{} secret", p.name);
            }
        }
    }
}
