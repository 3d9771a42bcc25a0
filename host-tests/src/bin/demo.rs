//! The main job end to end, on the embedded default: a local Cloudflare API
//! emulator, and the real component in wasmtime calling it over loopback.
//! create → preview (no change) → the clock moves into the renewal window →
//! renewal shown in preview, then applied → delete. Every API call made is
//! printed; the client secret is shown as `[secret]`.

use access_service_token_cli::engine::Op;
use chrono::{TimeDelta, Utc};
use cloudflare_emulator::{Clock, Emulator, EmulatorConfig, DEFAULT_API_TOKEN};
use host_tests::engine::{self, Applied};
use host_tests::harness::{wit, Harness};
use std::process::ExitCode;

const ACCOUNT: &str = "f037e56e89293a057740de681ac9abbe";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("demo failed: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The operation the command line shows for a planned action, so the demo
/// names it as `preview` does (`↻ … renew`), not by its WIT type name.
fn op_of(kind: wit::ActionKind) -> Op {
    match kind {
        wit::ActionKind::Replace => Op::Replace,
        wit::ActionKind::Update | wit::ActionKind::StateOnly => Op::Update,
        wit::ActionKind::Renew => Op::Renew,
        wit::ActionKind::Rotate => Op::Rotate,
    }
}

fn run() -> Result<(), String> {
    let clock = Clock::fixed(Utc::now());
    let emu = Emulator::start(EmulatorConfig { clock: clock.clone(), ..EmulatorConfig::default() }).map_err(|e| format!("start the emulator: {e}"))?;
    println!("Cloudflare API emulator listening on {}", emu.base_url());
    let started = std::time::Instant::now();
    let harness = Harness::load(&host_tests::provider_path()).map_err(|e| format!("load the component: {e:#}"))?;
    println!("component loaded from {} in {:.2?}", host_tests::provider_path().display(), started.elapsed());
    let mut session = harness
        .session(&host_tests::harness::session_config(&emu.base_url(), &clock))
        .map_err(|e| format!("instantiate: {e:#}"))?;
    let conn = wit::Connection {
        base_url: Some(emu.base_url()),
        credentials: wit::Credentials::ApiToken(DEFAULT_API_TOKEN.into()),
        retry: None,
        requests_per_second: None,
        request_timeout_ms: None,
    };
    // The seed program: renew when within 30 days of expiry.
    let args = wit::TokenArgs {
        name: "CI/CD app renewed".into(),
        account_id: Some(ACCOUNT.into()),
        zone_id: None,
        min_days_for_renewal: 30,
        duration: None,
        client_secret_version: None,
        previous_client_secret_expires_at: None,
        enabled: true,
    };
    let trap = |e: wasmtime::Error| format!("the component trapped: {e:#}");
    let fail = |e: wit::Error| format!("{e:?}");

    println!("\n== preview (nothing exists yet)");
    match session.create(&conn, &args, true).map_err(trap)?.map_err(fail)? {
        wit::ApplyOutcome::Planned(p) => println!("  + myApp  create {:?}: id, clientId, clientSecret, expiresAt known after apply", p.args.name),
        wit::ApplyOutcome::Applied(_) => return Err("preview applied a change".into()),
    }
    calls(&emu);

    println!("\n== up");
    let state = engine::up(&mut session, &conn, None, &args, None).map_err(trap)?.map_err(fail)?.state().clone();
    show(&state);
    calls(&emu);

    println!("\n== preview again (no change expected)");
    let d = session.diff(&state, &args, None).map_err(trap)?.map_err(fail)?;
    println!("  {}", if d.changes { "changes planned" } else { "no changes" });
    calls(&emu);

    clock.advance(TimeDelta::days(340));
    println!("\n== 340 days later ({}): preview", clock.now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
    let d = session.diff(&state, &args, None).map_err(trap)?.map_err(fail)?;
    for a in &d.actions {
        let op = op_of(a.kind);
        println!("  {} myApp  {}: {}", op.symbol(), op.word(), a.reason);
    }
    calls(&emu);

    println!("\n== up");
    let renewed = match engine::up(&mut session, &conn, Some(&state), &args, None).map_err(trap)?.map_err(fail)? {
        Applied::Updated(s, _) => s,
        other => return Err(format!("expected an in-place renewal, got {:?}", std::mem::discriminant(&other))),
    };
    println!("  expiresAt {} → {}", state.expires_at.as_deref().unwrap_or("?"), renewed.expires_at.as_deref().unwrap_or("?"));
    calls(&emu);

    println!("\n== destroy");
    session.delete(&conn, &renewed).map_err(trap)?.map_err(fail)?;
    println!("  - myApp deleted");
    calls(&emu);
    println!("\nTokens left in the emulator: {}", emu.tokens().len());
    Ok(())
}

fn show(s: &wit::TokenState) {
    println!("  + myApp  created");
    println!("      id           {}", s.id);
    println!("      clientId     {}", s.client_id);
    println!("      clientSecret {}", if s.client_secret.is_some() { "[secret]" } else { "(none)" });
    println!("      expiresAt    {}", s.expires_at.as_deref().unwrap_or("(none)"));
}

/// Prints and clears the emulator's request log.
fn calls(emu: &Emulator) {
    let requests = emu.requests();
    emu.clear_requests();
    println!("  API calls: {}", requests.len());
    for r in requests {
        println!("    {} {} → {}", r.method, r.path, r.status);
    }
}
