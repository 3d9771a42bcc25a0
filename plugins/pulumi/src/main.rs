//! `pulumi-resource-cloudflare-access-service-token <engine address>`: the
//! resource provider, as the Pulumi engine starts it.

use pulumi_provider::proto::resource_provider_server::ResourceProviderServer;
use pulumi_provider::plugin::MAX_MESSAGE;
use pulumi_provider::server::Provider;
use pulumi_provider::host::ProviderComponent;
use std::process::ExitCode;
use tonic::service::Routes;

fn main() -> ExitCode {
    pulumi_provider::plugin::main::<ProviderComponent>("pulumi-resource-cloudflare-access-service-token", |host, stop| {
        // The engine's address is the one argument (see `pulumi_provider::engine`).
        let provider = Provider::new(host, Box::new(|k| std::env::var(k).ok()), stop).with_engine_address(std::env::args().nth(1));
        Routes::new(ResourceProviderServer::new(provider).max_decoding_message_size(MAX_MESSAGE).max_encoding_message_size(MAX_MESSAGE))
    })
}
