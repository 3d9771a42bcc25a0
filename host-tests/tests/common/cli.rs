//! The command line driven through the harness's command mode, in a
//! scratch directory with its own emulator and clock.

use super::START;
use cloudflare_emulator::{Clock, Emulator, EmulatorConfig, Gate, DEFAULT_API_TOKEN};
use host_tests::command::{CommandHarness, Invocation, Outcome};
use serde_json::Value;
use std::path::PathBuf;
use std::sync::OnceLock;

pub fn command() -> &'static CommandHarness {
    static H: OnceLock<CommandHarness> = OnceLock::new();
    H.get_or_init(|| CommandHarness::load(&host_tests::command_path()).expect("load the component as a command"))
}

/// The seed program, verbatim.
pub const SEED: &str = include_str!("../../../examples/seed-program.yaml");

/// A working directory with a program, an emulator, and a shared clock.
pub struct Cli {
    pub emu: Emulator,
    pub clock: Clock,
    pub dir: PathBuf,
    /// Extra environment for every run.
    pub extra_env: Vec<(String, String)>,
}

impl Cli {
    pub fn new(program: &str) -> Cli {
        let clock = Clock::fixed(chrono::DateTime::parse_from_rfc3339(START).unwrap().with_timezone(&chrono::Utc));
        let emu = Emulator::start(EmulatorConfig { clock: clock.clone(), seed: Some(11), ..EmulatorConfig::default() }).unwrap();
        let dir = std::env::temp_dir().join(format!("cli-test-{}-{}", std::process::id(), emu.addr().port()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("Pulumi.yaml"), program).unwrap();
        Cli { emu, clock, dir, extra_env: vec![] }
    }

    pub fn env(&self) -> Vec<(String, String)> {
        let mut env = vec![
            ("CLOUDFLARE_API_TOKEN".into(), DEFAULT_API_TOKEN.into()),
            ("CLOUDFLARE_BASE_URL".into(), self.emu.base_url()),
        ];
        env.extend(self.extra_env.iter().cloned());
        env
    }

    pub fn invocation(&self, args: &[&str], env: Vec<(String, String)>, stdin: &str) -> Invocation {
        Invocation {
            args: args.iter().map(|s| s.to_string()).collect(),
            env,
            dir: self.dir.clone(),
            stdin: stdin.into(),
            allowed_origin: self.emu.base_url(),
            clock: self.clock.clone(),
            read_only: false,
        }
    }

    /// Runs a command; unless the user asked for secrets (`--show-secrets`),
    /// asserts that nothing it printed holds a client secret the emulator
    /// ever issued, or a credential.
    pub fn run_with(&self, args: &[&str], env: Vec<(String, String)>, stdin: &str) -> Outcome {
        let out = command().run(&self.invocation(args, env, stdin)).expect("the command ran without trapping");
        if !args.contains(&"--show-secrets") {
            self.assert_no_secret_in(&format!("{}{}", out.stdout, out.stderr), args);
        }
        out
    }

    pub fn assert_no_secret_in(&self, printed: &str, context: &[&str]) {
        let mut secrets = self.emu.issued_secrets();
        secrets.extend([DEFAULT_API_TOKEN.to_string(), cloudflare_emulator::DEFAULT_API_KEY.to_string()]);
        for s in secrets {
            assert!(!printed.contains(&s), "{context:?} printed a secret or credential:\n{printed}");
        }
    }

    pub fn ok(&self, args: &[&str]) -> Outcome {
        let out = self.run_with(args, self.env(), "");
        assert_eq!(out.status, 0, "{args:?} failed:\n{}\n{}", out.stdout, out.stderr);
        out
    }

    /// Runs `up --yes` and kills it (like `kill -9`) while one of its calls
    /// is held at `gate`: made at Cloudflare, its answer not yet back. The
    /// gate opens once the kill is ordered, so the run wakes only to be
    /// killed. Returns the outcome if the run finished instead.
    pub fn kill_up_while_held(&self, gate: &Gate) -> Option<Outcome> {
        let (held, open) = (gate.clone(), gate.clone());
        command()
            .run_until_killed(&self.invocation(&["up", "--yes"], self.env(), ""), move || held.held() >= 1, move || open.open())
            .expect("the command ran or was killed")
    }

    pub fn fails(&self, args: &[&str]) -> Outcome {
        let out = self.run_with(args, self.env(), "");
        assert_ne!(out.status, 0, "{args:?} should fail:\n{}", out.stdout);
        out
    }

    pub fn state(&self) -> Value {
        serde_json::from_str(&std::fs::read_to_string(self.dir.join("access-tokens.state.json")).unwrap()).unwrap()
    }

    pub fn write_program(&self, text: &str) {
        std::fs::write(self.dir.join("Pulumi.yaml"), text).unwrap();
    }
}

impl Drop for Cli {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}


impl Cli {
    /// `n` tokens `token-<i>` already in the emulator's account, each managed
    /// by the program (`t<i>`) and recorded in the state file, as a long-lived
    /// stack has them (without their secrets).
    pub fn with_managed_tokens(n: usize) -> Cli {
        let cli = Cli::new("");
        let mut program = String::from("resources:\n");
        let mut resources = Vec::new();
        for i in 0..n {
            let t = cli.emu.insert_token(cloudflare_emulator::Scope::Account(super::ACCOUNT.into()), &format!("token-{i}"), None);
            program.push_str(&format!("  t{i}:\n    type: cloudflare:AccessServiceToken\n    properties:\n      accountId: {}\n      name: token-{i}\n", super::ACCOUNT));
            let (name, secret) = (format!("token-{i}"), serde_json::json!({"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "value": null}));
            resources.push(serde_json::json!({
                "name": format!("t{i}"), "type": "cloudflare:AccessServiceToken", "id": t.id,
                "inputs": {"accountId": super::ACCOUNT, "name": name, "minDaysForRenewal": 0},
                "outputs": {"accountId": super::ACCOUNT, "name": name, "minDaysForRenewal": 0, "id": t.id, "clientId": t.client_id,
                            "expiresAt": "2026-01-01T00:00:00Z", "zoneId": null, "duration": null, "clientSecret": secret},
            }));
        }
        cli.write_program(&program);
        let state = serde_json::json!({"version": 1, "resources": resources, "outputs": {}});
        std::fs::write(cli.dir.join("access-tokens.state.json"), state.to_string()).unwrap();
        cli.emu.clear_requests();
        cli
    }
}
