//! `terraform-provider-cfaccess`, as Terraform and OpenTofu start it (argv =
//! the path only, go-plugin's environment), or `--debug` for
//! `TF_REATTACH_PROVIDERS`.

use std::process::ExitCode;
use std::sync::Arc;
use terraform_provider::provider::Provider;
use terraform_provider::{MAX_MESSAGE, PROVIDER_ADDRESS};
use tfplugin6::goplugin::{self, log, Handshake, ServeOptions};
use tfplugin6::ProviderServer;
use tonic::service::Routes;

fn main() -> ExitCode {
    let debug = std::env::args().skip(1).any(|a| a == "--debug" || a == "-debug");
    let handshake = if debug {
        Handshake::debug()
    } else {
        match Handshake::from_env(|k| std::env::var(k).ok()) {
            Ok(h) => h,
            Err(e) => {
                log::stderr_text(&format!("{e}\n"));
                return ExitCode::FAILURE;
            }
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => return fail(&format!("cannot start the async runtime: {e}")),
    };
    match runtime.block_on(serve(handshake, debug)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e),
    }
}

fn fail(message: &str) -> ExitCode {
    log::log(log::Level::Error, &format!("terraform-provider-cfaccess: {message}"));
    ExitCode::FAILURE
}

async fn serve(handshake: Handshake, debug: bool) -> Result<(), String> {
    let offset = component_host::plugin::clock_offset_from_env()?;
    let host = component_host::plugin::Host::load(component_host::plugin::cache_from_env(), offset).map_err(|e| format!("cannot load the component: {e:#}"))?;
    let provider = Provider::new(Arc::new(host), Box::new(|k| std::env::var(k).ok()));
    let routes = Routes::new(ProviderServer::new(provider).max_decoding_message_size(MAX_MESSAGE).max_encoding_message_size(MAX_MESSAGE));
    let options = ServeOptions { debug_provider_address: debug.then(|| PROVIDER_ADDRESS.to_string()), ..Default::default() };
    goplugin::serve_with(handshake, routes, std::future::pending(), options).await
}
