//! `cloudflare-emulator`: serve the emulated Cloudflare Access service token API
//! on a local port, for manual testing, demos and out-of-process harnesses.

use cloudflare_emulator::{Credentials, Emulator, EmulatorConfig, InactivityCleanup, Scope};
use std::io::{Read, Write};
use std::net::{IpAddr, SocketAddr};

const USAGE: &str = "\
usage: cloudflare-emulator [options]

Serves the Cloudflare Access service token API under /client/v4 and prints
one line, `listening on http://HOST:PORT/client/v4`, once ready. Also serves
an Access application at /access-app/accounts/ID and /access-app/zones/ID
that admits service tokens by their CF-Access-Client-Id/-Secret headers.

options:
  --port N               port to listen on; 0 picks a free one (default 0)
  --host ADDR            address to bind (default 127.0.0.1)
  --api-token TOKEN      accept this API token (Bearer); repeatable
  --api-key EMAIL:KEY    accept this global API key pair; repeatable
  --seed N               make ids and secrets reproducible
  --inactivity-cleanup ACCOUNT_ID:ACTION:DAYS
                         disable or delete (ACTION) the account's service
                         tokens unused for DAYS (30..365) days; repeatable
  --exit-on-stdin-eof    stop when standard input reaches end of file
  -h, --help             show this help

Without --api-token/--api-key the defaults are accepted: token
`test-api-token`, email `user@example.com` with key `test-global-api-key`.
";

struct Args {
    config: EmulatorConfig,
    exit_on_stdin_eof: bool,
    cleanups: Vec<(Scope, InactivityCleanup)>,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut config = EmulatorConfig::default();
    let mut creds = Credentials::default();
    let (mut host, mut port): (IpAddr, u16) = (config.bind.ip(), 0);
    let mut exit_on_stdin_eof = false;
    let mut cleanups = Vec::new();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or(format!("{name} needs a value"))
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--port" => {
                port = value("--port")?
                    .parse()
                    .map_err(|e| format!("--port: {e}"))?
            }
            "--host" => {
                host = value("--host")?
                    .parse()
                    .map_err(|e| format!("--host: {e}"))?
            }
            "--api-token" => creds.api_tokens.push(value("--api-token")?),
            "--api-key" => {
                let v = value("--api-key")?;
                let (email, key) = v.split_once(':').ok_or("--api-key expects EMAIL:KEY")?;
                creds.api_keys.push((email.to_string(), key.to_string()));
            }
            "--seed" => {
                config.seed = Some(
                    value("--seed")?
                        .parse()
                        .map_err(|e| format!("--seed: {e}"))?,
                )
            }
            "--inactivity-cleanup" => {
                let v = value("--inactivity-cleanup")?;
                let (account, rule) = v
                    .split_once(':')
                    .ok_or("--inactivity-cleanup expects ACCOUNT_ID:ACTION:DAYS")?;
                if !cloudflare_emulator::ids::is_object_id(account) {
                    return Err(format!(
                        "--inactivity-cleanup: {account:?} is not a 32-hex account id"
                    ));
                }
                let rule = rule
                    .parse()
                    .map_err(|e| format!("--inactivity-cleanup: {e}"))?;
                cleanups.push((Scope::Account(account.to_string()), rule));
            }
            "--exit-on-stdin-eof" => exit_on_stdin_eof = true,
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if !creds.api_tokens.is_empty() || !creds.api_keys.is_empty() {
        config.credentials = creds;
    }
    config.bind = SocketAddr::new(host, port);
    Ok(Some(Args {
        config,
        exit_on_stdin_eof,
        cleanups,
    }))
}

fn main() {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            print!("{USAGE}");
            return;
        }
        Err(e) => {
            eprintln!("cloudflare-emulator: {e}\n\n{USAGE}");
            std::process::exit(2);
        }
    };
    let emulator = match Emulator::start(args.config) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("cloudflare-emulator: cannot listen: {e}");
            std::process::exit(1);
        }
    };
    for (scope, rule) in &args.cleanups {
        emulator.set_inactivity_cleanup(scope, Some(*rule));
    }
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "listening on {}", emulator.base_url());
    let _ = out.flush();
    drop(out);
    if args.exit_on_stdin_eof {
        let mut sink = [0u8; 1024];
        let mut stdin = std::io::stdin().lock();
        while matches!(stdin.read(&mut sink), Ok(n) if n > 0) {}
    } else {
        loop {
            std::thread::park();
        }
    }
}
