//! `terraform-provider-cfaccess`: a Terraform and OpenTofu provider (plugin
//! protocol 6) that hosts the access-service-token provider component. Terraform
//! starts it through go-plugin's handshake ([`tfplugin6::goplugin`]) and
//! speaks `tfplugin6.Provider` ([`provider`]); every resource decision is the
//! component's, made in its sandbox. Resource and data source:
//! `cfaccess_service_token`.
//!
//! Nothing here prints with `eprintln!`/`println!`: once Terraform is gone a
//! write to its pipes fails, and those macros panic.
#![deny(clippy::print_stderr, clippy::print_stdout)]

pub mod config;
pub mod diagnostics;
pub mod moved;
pub mod provider;
pub mod schema;
pub mod values;

/// The address `--debug` prints for `TF_REATTACH_PROVIDERS`, and the one the
/// docs use in `required_providers`.
pub const PROVIDER_ADDRESS: &str = "registry.terraform.io/access-service-token/cfaccess";

/// The largest message either side sends (terraform-plugin-go allows 256 MiB).
pub const MAX_MESSAGE: usize = 256 * 1024 * 1024;
