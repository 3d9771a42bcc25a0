//! Demo plugin: serves only the go-plugin services (health, controller, stdio, broker), so tests
//! can launch it exactly as Terraform launches a provider (argv = path, go-plugin environment).
//!
//! `--debug` starts it in debug mode (plaintext, prints TF_REATTACH_PROVIDERS). The test-only
//! variable `TF_GOPLUGIN_DEMO_TCP=1` makes it listen on TCP instead of a unix socket.

use std::process::ExitCode;

use tfplugin6::goplugin::{self, log, Handshake, Network, ServeOptions};
use tonic::service::Routes;

const PROVIDER_ADDRESS: &str = "registry.terraform.io/example/goplugin-demo";

#[tokio::main]
async fn main() -> ExitCode {
    let debug = std::env::args()
        .skip(1)
        .any(|a| a == "--debug" || a == "-debug");
    let handshake = if debug {
        Handshake::debug()
    } else {
        match Handshake::from_env(|k| std::env::var(k).ok()) {
            Ok(h) => h,
            Err(e) => {
                log::stderr_text(&e.to_string());
                return ExitCode::from(1);
            }
        }
    };
    let options = ServeOptions {
        network: if std::env::var_os("TF_GOPLUGIN_DEMO_TCP").is_some() {
            Network::Tcp
        } else {
            Network::Unix
        },
        debug_provider_address: debug.then(|| PROVIDER_ADDRESS.to_string()),
    };
    match goplugin::serve_with(
        handshake,
        Routes::default(),
        std::future::pending(),
        options,
    )
    .await
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            log::log(log::Level::Error, &e);
            ExitCode::from(1)
        }
    }
}
