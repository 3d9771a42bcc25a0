//! Command-line arguments: global options, a verb, and the verb's options.
//! Hand-parsed: the grammar is a handful of flags, and the component should
//! stay small.

use access_service_token::error::Error;
use std::collections::BTreeMap;

/// What to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verb {
    /// Validate only.
    Check,
    /// Show what `up` would do.
    Preview,
    /// Apply.
    Up,
    /// Read live tokens into the state.
    Refresh,
    /// Delete everything.
    Destroy,
    /// Adopt a token: resource name, id.
    Import(String, String),
    /// New secret for a resource.
    Rotate(String),
    /// Program outputs.
    Outputs,
    /// Policy checks over state and program files (no network, no credentials).
    Policy(Vec<String>),
    /// Usage.
    Help,
}

/// Parsed arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Args {
    /// The verb.
    pub verb: Verb,
    /// `-f/--file`.
    pub file: Option<String>,
    /// `--state`.
    pub state: Option<String>,
    /// `--config key=value` (repeatable).
    pub config: BTreeMap<String, String>,
    /// `--yes`.
    pub yes: bool,
    /// `--refresh`.
    pub refresh: bool,
    /// `--json`.
    pub json: bool,
    /// `--show-secrets`.
    pub show_secrets: bool,
    /// `--previous-expires-at` (rotate).
    pub previous_expires_at: Option<String>,
    /// `--help` was given with a verb: print that verb's help.
    pub help: bool,
    /// `--format` (policy: text, json, sarif, github).
    pub format: Option<String>,
    /// `--format-in` (policy: force the input kind).
    pub format_in: Option<String>,
    /// `--rule id=level` (policy, repeatable).
    pub rules: Vec<String>,
    /// `--expires-within-days` (policy).
    pub expires_within_days: Option<String>,
    /// `--idle-days` (policy).
    pub idle_days: Option<String>,
    /// `--policy FILE` (policy settings file).
    pub policy: Option<String>,
    /// `--now` (policy: the time to judge expiry at, RFC 3339).
    pub now: Option<String>,
    /// `--force-unlock`: remove a state lock left by a killed run, then run.
    pub force_unlock: bool,
}

/// Usage of the whole command.
pub const USAGE: &str = "\
Manage Cloudflare Access service tokens from a Pulumi-YAML (or JSON) program.

Usage: <component.wasm> [global options] <command> [options]

Commands:
  check                 validate the program; no network, no state
  preview               show what `up` would do (no changes, no calls unless --refresh)
  up                    create, update, renew, rotate or replace tokens to match the program
  refresh               read the live tokens into the state and report drift
  destroy               delete every token the state manages
  import <name> <id>    adopt an existing token as resource <name>
                        (<account_id>/<token_id>, accounts/<account_id>/<token_id>, zones/<zone_id>/<token_id>)
  rotate <name>         issue a new client secret for resource <name> now
  outputs               print the program's outputs from the state
  policy <file>...      check Pulumi exports, Terraform state/plan JSON, this tool's state or
                        programs for expiring, never-renewed or leaking tokens (no network)

Global options:
  -f, --file <path>       the program (default: Pulumi.yaml, Pulumi.yml or Pulumi.json)
      --state <path>      the state file (default: access-tokens.state.json)
  -c, --config <k>=<v>    a config value (repeatable); PULUMI_CONFIG (JSON) is read too
      --force-unlock      first remove the state lock (<state>.lock) a killed run left
                          behind, saying whose it was; with up, refresh, destroy, import,
                          rotate or preview. Only when no other run is using the state!
  -h, --help              this help; `<command> --help` for a command's

State lock: up, refresh, destroy, import and rotate lock the state file while they
run (<state>.lock, naming the run); a second such run fails at once (exit 1) naming
the holder and the lock's age. preview takes no lock: while another run holds it,
preview leaves that run's pending operations alone and says so.

Environment:
  CLOUDFLARE_API_TOKEN, or CLOUDFLARE_EMAIL + CLOUDFLARE_API_KEY   credentials
  CLOUDFLARE_BASE_URL   API base (default https://api.cloudflare.com/client/v4)

Exit status: 0 on success, 1 on any failure (a state locked by another run too).
";

/// Help of the policy verb.
pub const POLICY_HELP: &str = "\
Usage: policy <file>... [--format text|json|sarif|github] [--format-in <kind>]
              [--rule <id>=<mandatory|advisory|disabled>]... [--expires-within-days N] [--idle-days N]
              [--policy <file>] [--now <RFC 3339>]

Scans Pulumi stack exports (v3, v4), Terraform state v4, `terraform show -json`
state and plan output, this tool's state file and programs for access service
tokens that are expired, expire soon, are never renewed, renew on every run,
never expire, keep their secret in plain text, name both or neither scope,
are disabled, sit idle or were never used.
Reads only the files given; needs no network, no environment, no credentials.

  --format          text (default; ends with `N passed, N failed`), json, sarif, github
  --format-in       force the input kind: pulumi-export, terraform-state,
                    terraform-show-state, terraform-plan, local-state, program
  --rule id=level   change a rule's level (repeatable); see the rules below
  --expires-within-days N   the expires-soon window (default 30)
  --idle-days N     idle and never-used: days without authenticating (default 90)
  --policy FILE     a YAML or JSON file: {rules: {id: level}, expiresWithinDays: N, idleDays: N}
  --now T           judge expiry at T instead of the wall clock (reproducible runs)

Rules (default level): expired (mandatory), expires-soon (mandatory),
never-renewed (advisory), renewal-window-too-long (advisory), non-expiring
(disabled), plaintext-secret (advisory), scope-conflict (mandatory),
scope-missing (mandatory), disabled (mandatory), idle (advisory), never-used
(advisory).

Exit status: 0 when no mandatory rule failed, 1 otherwise — and 1 for a usage
error too (a WASI command's exit code reaches the shell only as 0 or 1): tell
them apart by the output (a report, or a line starting with `error:`).
";

/// Help of one verb.
pub fn verb_help(verb: &Verb) -> &'static str {
    match verb {
        Verb::Check => "Usage: check\n\nValidates the program: syntax, types, properties, references, and each token's\ninputs (accountId/zoneId, durations, ids). Makes no call and reads no state.\n",
        Verb::Preview => "Usage: preview [--refresh] [--json] [--force-unlock]\n\nShows what `up` would do, with reasons (renewals, rotations, replacements).\nMakes no call, except with --refresh, which reads the live tokens first.\n  --refresh   read live state before planning (reports drift)\n  --json      machine-readable output\nTakes no lock. While another run holds the state lock, its pending operations\nare in progress, not interrupted: preview leaves them alone and says so.\n  --force-unlock  first remove a state lock left by a killed run (says whose)\n",
        Verb::Up => "Usage: up [--yes] [--refresh] [--json] [--force-unlock]\n\nPreviews, asks for confirmation (unless --yes), then applies: one call per\nchange (two for a replacement), saving the state after each resource.\n  --yes       apply without asking\n  --refresh   read live state before planning\n  --json      machine-readable output\n  --force-unlock  first remove a state lock left by a killed run (says whose)\n",
        Verb::Refresh => "Usage: refresh [--json] [--force-unlock]\n\nReads every managed token and records what is live: tokens deleted outside\nthe program are dropped (the next up creates them again); renamed ones are\nrenamed back by the next up. Changes nothing at Cloudflare.\n  --force-unlock  first remove a state lock left by a killed run (says whose)\n",
        Verb::Destroy => "Usage: destroy [--yes] [--force-unlock]\n\nDeletes every token the state manages (protected ones stop it).\n  --yes       delete without asking\n  --force-unlock  first remove a state lock left by a killed run (says whose)\n",
        Verb::Import(..) => "Usage: import <name> <id> [--force-unlock]\n\nAdopts an existing token as resource <name> of the program. <id> is\n<account_id>/<token_id>, accounts/<account_id>/<token_id> or zones/<zone_id>/<token_id>.\nCloudflare never returns a secret again: run `rotate <name>` to obtain one.\n  --force-unlock  first remove a state lock left by a killed run (says whose)\n",
        Verb::Rotate(_) => "Usage: rotate <name> [--previous-expires-at <RFC 3339>] [--force-unlock]\n\nIssues a new client secret for resource <name> (the client id stays) and\nstores it. --previous-expires-at keeps the old secret working until then.\n  --force-unlock  first remove a state lock left by a killed run (says whose)\n",
        Verb::Outputs => "Usage: outputs [--show-secrets] [--json]\n\nPrints the program's outputs from the state; secrets as [secret] unless\n--show-secrets.\n",
        Verb::Policy(_) => POLICY_HELP,
        Verb::Help => USAGE,
    }
}

/// Parses `args` (without the program name).
pub fn parse(args: &[String]) -> Result<Args, Error> {
    let mut out = Args {
        verb: Verb::Help,
        file: None,
        state: None,
        config: BTreeMap::new(),
        yes: false,
        refresh: false,
        json: false,
        show_secrets: false,
        previous_expires_at: None,
        help: false,
        format: None,
        format_in: None,
        rules: Vec::new(),
        expires_within_days: None,
        idle_days: None,
        policy: None,
        now: None,
        force_unlock: false,
    };
    let mut verb: Option<String> = None;
    let mut positional = Vec::new();
    let mut it = args.iter();
    let bad = |m: String| Error::invalid("arguments", m);
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| inline.clone().or_else(|| it.next().cloned()).ok_or_else(|| bad(format!("{name} needs a value")));
        match flag.as_str() {
            "-h" | "--help" => out.help = true,
            "-f" | "--file" => out.file = Some(value("--file")?),
            "--state" => out.state = Some(value("--state")?),
            "-c" | "--config" => {
                let kv = value("--config")?;
                let (k, v) = kv.split_once('=').ok_or_else(|| bad(format!("--config takes key=value, found {kv}", kv = access_service_token::error::quote(&kv))))?;
                out.config.insert(k.to_string(), v.to_string());
            }
            "-y" | "--yes" => out.yes = true,
            "--refresh" => out.refresh = true,
            "--json" => out.json = true,
            "--show-secrets" => out.show_secrets = true,
            "--previous-expires-at" => out.previous_expires_at = Some(value("--previous-expires-at")?),
            "--format" => out.format = Some(value("--format")?),
            "--format-in" => out.format_in = Some(value("--format-in")?),
            "--rule" => out.rules.push(value("--rule")?),
            "--expires-within-days" => out.expires_within_days = Some(value("--expires-within-days")?),
            "--idle-days" => out.idle_days = Some(value("--idle-days")?),
            "--policy" => out.policy = Some(value("--policy")?),
            "--now" => out.now = Some(value("--now")?),
            "--force-unlock" => out.force_unlock = true,
            f if f.starts_with('-') && f.len() > 1 => return Err(bad(format!("unknown option {f}; see --help"))),
            _ if verb.is_none() => verb = Some(arg.clone()),
            _ => positional.push(arg.clone()),
        }
    }
    let need = |n: usize, usage: &str| -> Result<(), Error> {
        if positional.len() == n {
            Ok(())
        } else {
            Err(bad(format!("expected `{usage}`, found {} argument(s) after the command", positional.len())))
        }
    };
    out.verb = match verb.as_deref() {
        None | Some("help") => Verb::Help,
        Some("check") => Verb::Check,
        Some("preview") => Verb::Preview,
        Some("up") => Verb::Up,
        Some("refresh") => Verb::Refresh,
        Some("destroy") => Verb::Destroy,
        Some("outputs") => Verb::Outputs,
        Some("import") if out.help => Verb::Import(String::new(), String::new()),
        Some("import") => {
            need(2, "import <name> <id>")?;
            Verb::Import(positional[0].clone(), positional[1].clone())
        }
        Some("rotate") if out.help => Verb::Rotate(String::new()),
        Some("rotate") => {
            need(1, "rotate <name>")?;
            Verb::Rotate(positional[0].clone())
        }
        Some("policy") if out.help => Verb::Policy(vec![]),
        Some("policy") => {
            if positional.is_empty() {
                return Err(bad("expected `policy <file>...`: name at least one file to check".into()));
            }
            Verb::Policy(std::mem::take(&mut positional))
        }
        Some(other) => return Err(bad(format!("unknown command {other}; commands are check, preview, up, refresh, destroy, import, rotate, outputs, policy", other = access_service_token::error::quote(&other)))),
    };
    if out.force_unlock && !out.help && !matches!(out.verb, Verb::Preview | Verb::Up | Verb::Refresh | Verb::Destroy | Verb::Import(..) | Verb::Rotate(_)) {
        return Err(bad(
            "--force-unlock goes with the command that found the state locked: up, refresh, destroy, import, rotate or preview".into(),
        ));
    }
    if !matches!(out.verb, Verb::Import(..) | Verb::Rotate(_) | Verb::Policy(_)) && !positional.is_empty() {
        return Err(bad(format!("unexpected argument {}", access_service_token::error::quote(&positional[0]))));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(a: &[&str]) -> Result<Args, Error> {
        parse(&a.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn verbs_and_options() {
        let a = p(&["-f", "prog.yaml", "up", "--yes", "--config", "ttl=30", "--state=s.json"]).unwrap();
        assert_eq!((a.verb, a.file.as_deref(), a.state.as_deref(), a.yes), (Verb::Up, Some("prog.yaml"), Some("s.json"), true));
        assert_eq!(a.config.get("ttl").map(String::as_str), Some("30"));
        assert_eq!(p(&["import", "myApp", "a/b"]).unwrap().verb, Verb::Import("myApp".into(), "a/b".into()));
        assert_eq!(p(&["rotate", "myApp"]).unwrap().verb, Verb::Rotate("myApp".into()));
        assert_eq!(p(&[]).unwrap().verb, Verb::Help);
        assert!(p(&["preview", "--help"]).unwrap().help);
        assert!(p(&["up", "--force-unlock"]).unwrap().force_unlock);
        assert!(p(&["rotate", "myApp", "--force-unlock"]).unwrap().force_unlock);
    }

    #[test]
    fn mistakes_are_explained() {
        assert!(p(&["deploy"]).unwrap_err().to_string().contains("unknown command \"deploy\""));
        assert!(p(&["up", "--force"]).unwrap_err().to_string().contains("unknown option --force"));
        assert!(p(&["import", "myApp"]).unwrap_err().to_string().contains("import <name> <id>"));
        assert!(p(&["up", "--config", "novalue"]).unwrap_err().to_string().contains("key=value"));
        assert!(p(&["--force-unlock"]).unwrap_err().to_string().contains("goes with the command that found the state locked"));
        assert!(p(&["outputs", "--force-unlock"]).is_err());
    }
}
