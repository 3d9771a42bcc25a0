//! The component's exported interface, decoded from the artifact itself.

use wasmtime::component::types::ComponentItem;
use wasmtime::component::Component;
use wasmtime::{Config, Engine};

#[test]
fn the_component_exports_the_versioned_provider_interface() {
    let engine = Engine::new(&Config::new()).unwrap();
    let component = Component::from_file(&engine, host_tests::component_path()).unwrap();
    let ty = component.component_type();
    let exports: Vec<(String, ComponentItem)> = ty.exports(&engine).map(|(n, i)| (n.to_string(), i.ty)).collect();
    let mut names: Vec<&str> = exports.iter().map(|(n, _)| n.as_str()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "cloudflare:access-service-token/policy@0.1.0",
            "cloudflare:access-service-token/provider@0.1.0",
            "cloudflare:access-service-token/pulumi@0.1.0",
            "wasi:cli/run@0.2.6"
        ],
        "one artifact: the typed provider, the Pulumi protocol, the policy checks, and the command"
    );
    let functions = |name: &str| {
        let (_, item) = exports.iter().find(|(n, _)| n == name).unwrap();
        let ComponentItem::ComponentInstance(instance) = item else { panic!("{name} is not an instance") };
        let mut f: Vec<String> =
            instance.exports(&engine).filter(|(_, e)| matches!(e.ty, ComponentItem::ComponentFunc(_))).map(|(n, _)| n.to_string()).collect();
        f.sort();
        f
    };
    assert_eq!(functions("cloudflare:access-service-token/provider@0.1.0"), ["check", "create", "delete", "diff", "get", "import", "read", "rotate", "update"]);
    assert_eq!(functions("cloudflare:access-service-token/pulumi@0.1.0"), ["check", "create", "delete", "diff", "invoke", "list", "read", "update"]);
    assert_eq!(functions("wasi:cli/run@0.2.6"), ["run"]);
    assert_eq!(functions("cloudflare:access-service-token/policy@0.1.0"), ["analyze", "rules", "scan"]);
    // It imports wasi:http's outgoing handler for its calls (the filesystem is
    // for the command's program and state), and no sockets.
    let imports: Vec<String> = ty.imports(&engine).map(|(n, _)| n.to_string()).collect();
    assert!(imports.iter().any(|i| i.starts_with("wasi:http/outgoing-handler@0.2")), "{imports:?}");
    assert!(!imports.iter().any(|i| i.starts_with("wasi:sockets")), "{imports:?}");
}
