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
    let names: Vec<&str> = exports.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["cloudflare:access-service-token/provider@0.1.0"]);
    let ComponentItem::ComponentInstance(provider) = &exports[0].1 else { panic!("provider is not an instance") };
    let mut functions: Vec<String> =
        provider.exports(&engine).filter(|(_, e)| matches!(e.ty, ComponentItem::ComponentFunc(_))).map(|(n, _)| n.to_string()).collect();
    functions.sort();
    assert_eq!(functions, ["check", "create", "delete", "diff", "get", "import", "read", "rotate", "update"]);
    // It imports wasi:http's outgoing handler for its calls, and nothing to listen with.
    let imports: Vec<String> = ty.imports(&engine).map(|(n, _)| n.to_string()).collect();
    assert!(imports.iter().any(|i| i.starts_with("wasi:http/outgoing-handler@0.2")), "{imports:?}");
    assert!(!imports.iter().any(|i| i.starts_with("wasi:sockets") || i.starts_with("wasi:filesystem")), "{imports:?}");
}
