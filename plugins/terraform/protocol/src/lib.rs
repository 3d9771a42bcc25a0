//! Terraform plugin protocol 6 (`tfplugin6`, version 6.11) for a provider
//! written in Rust: the messages ([`proto`]), the gRPC service
//! `tfplugin6.Provider` ([`server`]), and the cty value codec that reads and
//! writes the `DynamicValue`s those messages carry ([`cty`]), and the
//! go-plugin server side Terraform and OpenTofu start a provider with: the
//! handshake, mutual TLS with Terraform's P-521 client certificate, and
//! go-plugin's own services ([`goplugin`]).
//!
//! No `.proto`, no `protoc`, no build script: the messages are declared by
//! hand with the official field numbers.
#![forbid(unsafe_code)]

pub mod cty;
pub mod goplugin;
pub mod proto;
pub mod server;

pub use server::{Provider, ProviderServer};
