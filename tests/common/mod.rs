// Shared builders for the native tests (included with `mod`/`#[path]`).
#![allow(dead_code)]

use access_service_token::model::{TokenArgs, TokenState};
use access_service_token::secret::Secret;
use chrono::{DateTime, Utc};

pub const ACCOUNT: &str = "f037e56e89293a057740de681ac9abbe";
pub const ACCOUNT_2: &str = "023e105f4ecef8ad9ca31a8372d0c353";
pub const ZONE: &str = "0da42c8d2132a9ddaf714f9e7c920711";
pub const TOKEN_ID: &str = "f174e90a-fafe-4643-bbbc-4a0ed4fc8415";

pub fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).expect("test time").with_timezone(&Utc)
}

/// The seed program's token.
pub fn seed_args() -> TokenArgs {
    TokenArgs { name: "CI/CD app renewed".into(), account_id: Some(ACCOUNT.into()), min_days_for_renewal: 30, ..Default::default() }
}

pub fn zone_args() -> TokenArgs {
    TokenArgs { account_id: None, zone_id: Some(ZONE.into()), ..seed_args() }
}

/// A token created from `args`, expiring at `expires_at`.
pub fn state(args: TokenArgs, expires_at: &str) -> TokenState {
    TokenState {
        id: TOKEN_ID.into(),
        args,
        client_id: "88bf3b6d86161464f6509f7219099e57.access".into(),
        client_secret: Some(Secret::new("cfast_original_secret")),
        expires_at: Some(expires_at.into()),
    }
}
