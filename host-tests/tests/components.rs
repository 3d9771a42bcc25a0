//! What each component exports and imports, read from the artifacts
//! themselves (wasmtime's view of their component types, which is what
//! `wasm-tools component wit` prints). The imports are the sandbox: a
//! component that does not import `wasi:http` or `wasi:sockets` cannot reach
//! a network in any host, one that does not import `wasi:filesystem` cannot
//! read a file, one that does not import `wasi:cli/environment` cannot read
//! an environment variable. These tests fail the moment a change adds such
//! an import to a world that must not have it.

use std::path::Path;
use wasmtime::component::types::ComponentItem;
use wasmtime::component::Component;
use wasmtime::{Config, Engine};

const VERSION: &str = "0.3.0";

struct Reflected {
    imports: Vec<String>,
    /// Export name → its functions, sorted.
    exports: Vec<(String, Vec<String>)>,
}

fn reflect(path: &Path) -> Reflected {
    let engine = Engine::new(&Config::new()).unwrap();
    let component = Component::from_file(&engine, path).unwrap_or_else(|e| panic!("{}: {e:#}", path.display()));
    let ty = component.component_type();
    let imports = ty.imports(&engine).map(|(n, _)| n.to_string()).collect();
    let mut exports: Vec<(String, Vec<String>)> = ty
        .exports(&engine)
        .map(|(name, item)| {
            let ComponentItem::ComponentInstance(instance) = item.ty else { panic!("{name} is not an instance") };
            let mut f: Vec<String> =
                instance.exports(&engine).filter(|(_, e)| matches!(e.ty, ComponentItem::ComponentFunc(_))).map(|(n, _)| n.to_string()).collect();
            f.sort();
            (name.to_string(), f)
        })
        .collect();
    exports.sort();
    Reflected { imports, exports }
}

fn ours(interface: &str) -> String {
    format!("cloudflare:access-service-token/{interface}@{VERSION}")
}

fn imports_any(r: &Reflected, prefix: &str) -> bool {
    r.imports.iter().any(|i| i.starts_with(prefix))
}

/// The four imports that reach outside a component, by prefix.
const REACHING_OUT: [&str; 4] = ["wasi:http/", "wasi:sockets/", "wasi:filesystem/", "wasi:cli/environment"];

#[test]
fn the_policy_component_exports_the_policy_checks_and_imports_nothing_that_reaches_out() {
    let policy = reflect(&host_tests::policy_path());
    assert_eq!(policy.exports, [(ours("policy"), vec!["analyze".to_string(), "rules".into(), "scan".into()])]);
    for prefix in REACHING_OUT {
        assert!(!imports_any(&policy, prefix), "the policy component imports {prefix}: {:?}", policy.imports);
    }
}

#[test]
fn the_provider_component_exports_the_provider_and_imports_http_but_no_file_environment_or_socket() {
    let provider = reflect(&host_tests::provider_path());
    let names: Vec<&str> = provider.exports.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, [ours("provider"), ours("pulumi")]);
    assert_eq!(provider.exports[0].1, ["check", "create", "delete", "diff", "get", "import", "read", "rotate", "update"]);
    assert_eq!(provider.exports[1].1, ["check", "create", "delete", "diff", "invoke", "list", "read", "update"]);
    assert!(imports_any(&provider, "wasi:http/outgoing-handler@0.2"), "it calls Cloudflare through wasi:http: {:?}", provider.imports);
    for prefix in ["wasi:sockets/", "wasi:filesystem/", "wasi:cli/environment"] {
        assert!(!imports_any(&provider, prefix), "the provider component imports {prefix}: {:?}", provider.imports);
    }
}

#[test]
fn the_command_is_a_wasi_command_and_the_policy_command_has_no_network() {
    // A Rust `wasm32-wasip2` binary: the standard library exports `wasi:cli/run@0.2.0`.
    let run = [("wasi:cli/run@0.2.0".to_string(), vec!["run".to_string()])];
    let command = reflect(&host_tests::command_path());
    assert_eq!(command.exports, run, "the command exports wasi:cli/run alone");
    assert!(imports_any(&command, "wasi:http/outgoing-handler@0.2"), "{:?}", command.imports);
    assert!(imports_any(&command, "wasi:filesystem/"), "the command reads programs and state: {:?}", command.imports);
    assert!(!imports_any(&command, "wasi:sockets/"), "{:?}", command.imports);

    let policy_command = reflect(&host_tests::policy_command_path());
    assert_eq!(policy_command.exports, run);
    for prefix in ["wasi:http/", "wasi:sockets/"] {
        assert!(!imports_any(&policy_command, prefix), "the policy command imports {prefix}: {:?}", policy_command.imports);
    }
}
