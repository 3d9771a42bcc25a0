//! Shared set-up for the scenario tests: one compiled component for the whole
//! test binary, an emulator per test sharing the guest's injectable clock,
//! and assertions on the emulator's request log.
#![allow(dead_code)]

use chrono::{DateTime, Utc};
use cloudflare_emulator::openapi::OpenApi;
use cloudflare_emulator::{Clock, Emulator, EmulatorConfig, DEFAULT_API_TOKEN};
use host_tests::harness::{wit, Harness, Session};
use std::sync::OnceLock;

pub mod cli;

pub const ACCOUNT: &str = "f037e56e89293a057740de681ac9abbe";
pub const ACCOUNT_2: &str = "023e105f4ecef8ad9ca31a8372d0c353";
pub const ZONE: &str = "0da42c8d2132a9ddaf714f9e7c920711";
pub const START: &str = "2026-11-28T12:00:00Z";

/// How long a test waits for a run to reach a point it must reach.
pub const REACHES: std::time::Duration = std::time::Duration::from_secs(120);

pub fn harness() -> &'static Harness {
    static HARNESS: OnceLock<Harness> = OnceLock::new();
    HARNESS.get_or_init(|| Harness::load(&host_tests::provider_path()).expect("load the component"))
}

/// An emulator, a session of the component allowed to reach it, and a
/// connection with the emulator's token. Guest and emulator share one clock.
pub struct World {
    pub emu: Emulator,
    pub session: Session,
    pub conn: wit::Connection,
    pub clock: Clock,
}

pub fn world() -> World {
    let clock = Clock::fixed(DateTime::parse_from_rfc3339(START).unwrap().with_timezone(&Utc));
    let emu = Emulator::start(EmulatorConfig { clock: clock.clone(), seed: Some(7), ..EmulatorConfig::default() }).expect("start the emulator");
    let session = harness().session(&host_tests::harness::session_config(&emu.base_url(), &clock)).expect("instantiate");
    let conn = connection(&emu.base_url(), wit::Credentials::ApiToken(DEFAULT_API_TOKEN.into()));
    World { emu, session, conn, clock }
}

pub fn connection(base_url: &str, credentials: wit::Credentials) -> wit::Connection {
    wit::Connection {
        base_url: Some(base_url.to_string()),
        credentials,
        // Short backoffs: the retry tests wait for real on the guest's clock.
        retry: Some(wit::RetrySettings { max_attempts: 3, initial_backoff_ms: 10, max_backoff_ms: 50 }),
        requests_per_second: None,
        request_timeout_ms: None,
    }
}

pub fn seed_args() -> wit::TokenArgs {
    wit::TokenArgs {
        name: "CI/CD app renewed".into(),
        account_id: Some(ACCOUNT.into()),
        zone_id: None,
        min_days_for_renewal: 30,
        duration: None,
        client_secret_version: None,
        previous_client_secret_expires_at: None,
        enabled: true,
    }
}

pub fn zone_args() -> wit::TokenArgs {
    wit::TokenArgs { account_id: None, zone_id: Some(ZONE.into()), ..seed_args() }
}

pub fn now(clock: &Clock) -> Option<wit::Timestamp> {
    let t = clock.now();
    Some(wit::Timestamp { seconds: t.timestamp(), nanoseconds: t.timestamp_subsec_nanos() })
}

/// `METHOD /path` (below `/client/v4`) of every request the emulator saw since
/// the last call, and clears the log. Every request is first validated
/// against the OpenAPI subset.
pub fn take_calls(emu: &Emulator) -> Vec<String> {
    let spec = OpenApi::bundled().expect("load the OpenAPI subset");
    let requests = emu.requests();
    emu.clear_requests();
    requests
        .iter()
        .map(|r| {
            if let Err(problems) = spec.validate(r) {
                panic!("{} {} does not match the OpenAPI subset: {problems:?}", r.method, r.path);
            }
            format!("{} {}", r.method, r.path.trim_start_matches("/client/v4"))
        })
        .collect()
}

/// The bodies of the requests since the last `take_calls`, without clearing.
pub fn bodies(emu: &Emulator) -> Vec<Option<serde_json::Value>> {
    emu.requests().into_iter().map(|r| r.body).collect()
}

pub fn applied(outcome: wit::ApplyOutcome) -> wit::TokenState {
    match outcome {
        wit::ApplyOutcome::Applied(s) => s,
        other => panic!("expected an applied state, got {other:?}"),
    }
}

pub fn actions(d: &wit::DiffResult) -> Vec<wit::ActionKind> {
    d.actions.iter().map(|a| a.kind).collect()
}
