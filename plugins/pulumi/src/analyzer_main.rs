//! `pulumi-analyzer-policy-cloudflare-access-service-token <engine address> <pack dir>`:
//! the policy-pack analyzer, as the Pulumi engine starts it for a pack whose
//! `PulumiPolicy.yaml` says `runtime: cloudflare-access-service-token`. The
//! policy component (`access_service_token_policy.wasm`) runs with nothing
//! linked for a network, a file or the environment: its world imports none.

use pulumi_provider::analyzer::{Analyzer, PackInfo};
use pulumi_provider::plugin::MAX_MESSAGE;
use pulumi_provider::proto::analyzer_server::AnalyzerServer;
use std::path::PathBuf;
use pulumi_provider::host::PolicyComponent;
use std::process::ExitCode;
use tonic::service::Routes;

fn main() -> ExitCode {
    let dir = std::env::args().nth(2).map_or_else(|| PathBuf::from("."), PathBuf::from);
    let pack = PackInfo::read(&dir);
    pulumi_provider::plugin::main::<PolicyComponent>("pulumi-analyzer-policy-cloudflare-access-service-token", |host, stop| {
        Routes::new(AnalyzerServer::new(Analyzer::new(host, pack, stop)).max_decoding_message_size(MAX_MESSAGE).max_encoding_message_size(MAX_MESSAGE))
    })
}
