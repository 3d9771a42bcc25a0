//! The policy sandbox's linking: every `wasi:http` import of the component is
//! linked to a function that traps, so a run that tried to reach a network
//! would die instead of making a call. (wasmtime's
//! `define_unknown_imports_as_traps` would also stub the older `wasi:io`
//! version the Rust standard library imports, which wasmtime-wasi serves by
//! semver matching, and break the clocks; this stubs wasi:http only.)

use wasmtime::component::types::ComponentItem;
use wasmtime::component::{Component, Linker, ResourceType};
use wasmtime::Engine;

/// Links every `wasi:http/*` import of `component` to traps.
pub fn stub_http_as_traps<T: 'static>(linker: &mut Linker<T>, engine: &Engine, component: &Component) -> wasmtime::Result<()> {
    let ty = component.component_type();
    // Resources wasi:http only borrows from other imports (wasi:io streams,
    // pollables, errors) are the host's already: leave them to the type checker.
    let mut elsewhere = Vec::new();
    for (name, import) in ty.imports(engine) {
        if let (false, ComponentItem::ComponentInstance(instance)) = (name.starts_with("wasi:http/"), &import.ty) {
            for (_, item) in instance.exports(engine) {
                if let ComponentItem::Resource(r) = item.ty {
                    elsewhere.push(r);
                }
            }
        }
    }
    for (name, import) in ty.imports(engine) {
        if !name.starts_with("wasi:http/") {
            continue;
        }
        let ComponentItem::ComponentInstance(instance) = import.ty else { continue };
        let mut scope = linker.instance(name)?;
        for (export, item) in instance.exports(engine) {
            let qualified = format!("{name}#{export}");
            match item.ty {
                ComponentItem::ComponentFunc(_) => {
                    scope.func_new(export, move |_, _, _, _| wasmtime::bail!("the policy sandbox has no network: {qualified} was called"))?;
                }
                ComponentItem::Resource(r) if elsewhere.contains(&r) => {}
                ComponentItem::Resource(_) => {
                    scope.resource(export, ResourceType::host::<()>(), |_, _| Ok(()))?;
                }
                _ => {}
            }
        }
    }
    Ok(())
}
