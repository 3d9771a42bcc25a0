//! Bad input never traps: each row feeds the command line (`cli::run`, the
//! code `wasmtime run` executes) a broken program or state file and expects
//! a failure with a clear message, no panic, no hang, no call to Cloudflare
//! and no change on disk. Every row runs in a fresh temporary directory with
//! `--file` and `--state` given as absolute paths (nothing global changes),
//! on a thread of its own with a time limit, against a transport that panics
//! if it is called: bad input must be refused before any call.
//!
//! The last rows are regressions: bugs this table found (a panic, a stack
//! overflow, an unbounded allocation, a hang, a wrong acceptance), fixed in
//! 7d1e043. A row that exposes a new bug goes in as an
//! `#[ignore = "bug: …"]` test calling `run_row` until it is fixed, so the
//! suite stays green and the reproduction stays one command away. A row that
//! aborts the process (stack overflow, failed allocation) takes the whole
//! binary down: the last `…` line printed names it.

use access_service_token_cli::{self as cli, Io};
use access_service_token::requests::ApiRequest;
use access_service_token::transport::{RawResponse, Transport, TransportFailure};
use chrono::{TimeZone, Utc};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A program or state file of a row.
#[derive(Clone)]
enum File {
    /// Bytes written to a file of this name.
    Bytes(&'static str, Vec<u8>),
    /// A directory of this name where the file should be.
    Dir(&'static str),
    /// Nothing at this name.
    Missing(&'static str),
}

#[derive(Clone)]
struct Row {
    /// What the row is about.
    name: &'static str,
    program: File,
    /// `None`: the valid state below.
    state: Option<File>,
    /// The verb and its options.
    verb: &'static [&'static str],
    /// A substring every stderr must contain.
    expect: &'static str,
    /// Environment beyond the API token.
    env: Vec<(&'static str, &'static str)>,
}

/// The seed program, verbatim.
const SEED: &str = "resources:
  # Generate a service token that will renew if terraform is ran within 30 days of expiration
  myApp:
    type: cloudflare:AccessServiceToken
    properties:
      accountId: f037e56e89293a057740de681ac9abbe
      minDaysForRenewal: 30
      name: CI/CD app renewed
";

/// The state after `up` of the seed program: one token, far from renewal.
const STATE: &str = r#"{
  "version": 1,
  "resources": [
    {
      "name": "myApp",
      "type": "cloudflare:AccessServiceToken",
      "id": "f174e90a-fafe-4643-bbbc-4a0ed4fc8415",
      "inputs": {"accountId": "f037e56e89293a057740de681ac9abbe", "minDaysForRenewal": 30, "name": "CI/CD app renewed", "__defaults": []},
      "outputs": {
        "accountId": "f037e56e89293a057740de681ac9abbe", "zoneId": null, "name": "CI/CD app renewed", "minDaysForRenewal": 30,
        "duration": "8760h", "id": "f174e90a-fafe-4643-bbbc-4a0ed4fc8415", "clientId": "88bf3b6d86161464f6509f7219099e57.access",
        "expiresAt": "2027-11-28T12:00:00Z",
        "clientSecret": {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "value": "cfast_original_secret"}
      }
    }
  ],
  "outputs": {}
}
"#;

const PREVIEW: &[&str] = &["preview"];
const UP: &[&str] = &["up", "--yes"];
const CHECK: &[&str] = &["check"];

fn yaml(text: impl Into<String>) -> File {
    File::Bytes("Pulumi.yaml", text.into().into_bytes())
}

fn json(text: impl Into<String>) -> File {
    File::Bytes("Pulumi.json", text.into().into_bytes())
}

fn state_bytes(bytes: impl Into<Vec<u8>>) -> Option<File> {
    Some(File::Bytes("access-tokens.state.json", bytes.into()))
}

/// The seed program with one property line replaced (or added).
fn seed_with(property: &str, line: &str) -> String {
    let mut found = false;
    let mut text: String = SEED
        .lines()
        .map(|l| {
            if l.trim_start().starts_with(&format!("{property}:")) {
                found = true;
                format!("      {line}\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    if !found {
        text.push_str(&format!("      {line}\n"));
    }
    text
}

fn row(name: &'static str, program: File, verb: &'static [&'static str], expect: &'static str) -> Row {
    Row { name, program, state: None, verb, expect, env: vec![] }
}

fn state_row(name: &'static str, state: Option<File>, expect: &'static str) -> Row {
    Row { name, program: yaml(SEED), state, verb: PREVIEW, expect, env: vec![] }
}

/// The valid state with an `encryption` header (its secret left as it is),
/// read with or without a passphrase.
fn encrypted_row(name: &'static str, header: &str, passphrase: bool, expect: &'static str) -> Row {
    let text = STATE.replacen("\"version\": 1,", &format!("\"version\": 1,\n  \"encryption\": {header},"), 1);
    let env = if passphrase { vec![("ACCESS_TOKENS_PASSPHRASE", "correct horse battery staple")] } else { vec![] };
    Row { env, ..state_row(name, state_bytes(text), expect) }
}

/// An Argon2id header with these costs (the check value is never reached
/// unless the derivation succeeds).
fn argon2_header(memory_kib: u64, iterations: u64, parallelism: u64) -> String {
    format!(r#"{{"kdf": "argon2id", "salt": "00112233445566778899aabbccddeeff", "memoryKib": {memory_kib}, "iterations": {iterations}, "parallelism": {parallelism}, "check": "00"}}"#)
}

/// `n` valid resources, then one with an unknown property.
fn many_resources(n: usize) -> String {
    let mut text = String::from("name: big\nruntime: yaml\nresources:\n");
    for i in 0..n {
        text.push_str(&format!(
            "  token{i}:\n    type: cloudflare:AccessServiceToken\n    properties:\n      name: token {i}\n      accountId: f037e56e89293a057740de681ac9abbe\n"
        ));
    }
    text.push_str("  last:\n    type: cloudflare:AccessServiceToken\n    properties:\n      name: last\n      accountId: f037e56e89293a057740de681ac9abbe\n      colour: red\n");
    text
}

fn rows() -> Vec<Row> {
    let deep = 10_000;
    vec![
        // Syntax.
        row("malformed YAML (mapping value on a plain scalar line)", yaml("resources:\n  myApp\n    type: cloudflare:AccessServiceToken\n"), PREVIEW, "YAML syntax error"),
        row("malformed YAML (unclosed quote)", yaml(seed_with("name", "name: \"CI/CD app renewed")), PREVIEW, "YAML syntax error"),
        row("malformed YAML (tab indentation)", yaml("resources:\n\tmyApp:\n\t\ttype: cloudflare:AccessServiceToken\n"), PREVIEW, "YAML syntax error"),
        row("malformed YAML (unclosed flow mapping)", yaml("resources: {myApp: {type: cloudflare:AccessServiceToken\n"), UP, "YAML syntax error"),
        row("YAML with two documents", yaml(format!("{SEED}---\n{SEED}")), PREVIEW, "a program is one YAML document"),
        row("YAML duplicate key", yaml(format!("{SEED}  myApp:\n    type: cloudflare:AccessServiceToken\n")), PREVIEW, "duplicate key \"myApp\""),
        row("truncated YAML (inside the account id)", yaml(&SEED[..SEED.find("a057740").unwrap()]), PREVIEW, "expected 32 hexadecimal characters, found \"f037e56e89293\""),
        row("truncated YAML (inside a key)", yaml(&SEED[..SEED.find("Renewal").unwrap()]), PREVIEW, "YAML syntax error"),
        row("truncated YAML (before the properties)", yaml(&SEED[..SEED.find("    properties").unwrap()]), PREVIEW, "name: required"),
        row("truncated JSON (inside a string)", json(r#"{"resources": {"myApp": {"type": "cloudflare:AccessServiceToken", "properties": {"accountId": "f037"#), PREVIEW, "JSON syntax error"),
        row("truncated JSON (after an opening brace)", json(r#"{"resources": {"#), UP, "JSON syntax error: EOF while parsing"),
        row("JSON with a trailing comma", json(r#"{"resources": {"myApp": {"type": "cloudflare:AccessServiceToken",}}}"#), PREVIEW, "JSON syntax error"),
        row("JSON duplicate key", json(r#"{"resources": {"a": {"type": "cloudflare:AccessServiceToken"}, "a": {}}}"#), PREVIEW, "duplicate key \"a\""),
        // Wrong types.
        row("name is a list", yaml(seed_with("name", "name: [1, 2]")), PREVIEW, "myApp.name: expected a string, found a list"),
        row("minDaysForRenewal is a string", yaml(seed_with("minDaysForRenewal", "minDaysForRenewal: \"x\"")), PREVIEW, "myApp.minDaysForRenewal: expected a whole number of days, found the string \"x\""),
        row("accountId is a number", yaml(seed_with("accountId", "accountId: 123")), PREVIEW, "myApp.accountId: expected a string, found the number 123"),
        row("accountId is a mapping (JSON)", json(r#"{"resources": {"myApp": {"type": "cloudflare:AccessServiceToken", "properties": {"name": "n", "accountId": {"id": "f037e56e89293a057740de681ac9abbe"}}}}}"#), UP, "myApp.accountId: expected a string, found an object"),
        row("resources is a list", yaml("resources:\n  - myApp\n"), PREVIEW, "resources must be a mapping, found a list"),
        row("the program is a scalar", yaml("just some text\n"), PREVIEW, "a program must be a mapping, found a string"),
        row("the type is a number", yaml("resources:\n  myApp:\n    type: 7\n"), PREVIEW, "the type of resource \"myApp\" must be a string, found a number"),
        row("protect is a string", yaml(format!("{SEED}    options:\n      protect: \"yes\"\n")), PREVIEW, "option protect of resource \"myApp\" must be true or false, found a string"),
        // Encoding.
        row("invalid UTF-8 in the program", File::Bytes("Pulumi.yaml", [&SEED.as_bytes()[..40], b"\xff\xfe\xc3(", &SEED.as_bytes()[40..]].concat()), PREVIEW, "Pulumi.yaml is not UTF-8 text: invalid byte at offset 40"),
        row("UTF-16 program (with a BOM)", File::Bytes("Pulumi.yaml", [0xff, 0xfe].into_iter().chain(SEED.encode_utf16().flat_map(u16::to_le_bytes)).collect()), PREVIEW, "Pulumi.yaml is not UTF-8 text: invalid byte at offset 0 (it looks like UTF-16: save it as UTF-8)"),
        row("a NUL byte in the program", yaml(seed_with("name", "name: CI\0CD")), PREVIEW, "YAML syntax error"),
        // Size.
        row("10 000 resources, the last with an unknown property", yaml(many_resources(10_000)), PREVIEW, "property \"colour\" of resource \"last\": unknown property"),
        row("a dependency cycle through 1 000 resources", yaml(cycle(1_000)), PREVIEW, "dependency cycle: resource \"token0\" → resource \"token1\""),
        row("a 20 MB account id", yaml(seed_with("accountId", &format!("accountId: {}", "f".repeat(20 << 20)))), CHECK, "expected 32 hexadecimal characters"),
        row("a 20 MB key (YAML)", yaml(format!("{SEED}    {}: 1\n", "k".repeat(20 << 20))), PREVIEW, "YAML syntax error"),
        // 2 MB, not 20: the "did you mean" hint costs O(length) per known key, 15 s for 20 MB in a debug build.
        row("a 2 MB key (JSON)", json(format!(r#"{{"resources": {{"myApp": {{"type": "cloudflare:AccessServiceToken", "{}": 1}}}}}}"#, "k".repeat(2 << 20))), PREVIEW, "a resource has type, properties, options and get"),
        row("aliases that expand a billion times", yaml(billion_laughs()), PREVIEW, "too many nodes"),
        // Depth.
        row("10 000 nested YAML flow lists", yaml(format!("resources: {}{}\n", "[".repeat(deep), "]".repeat(deep))), PREVIEW, "YAML syntax error: recursion limit exceeded"),
        row("10 000 nested YAML flow mappings", yaml(format!("resources: {}x{}\n", "{a: ".repeat(deep), "}".repeat(deep))), PREVIEW, "nested too deeply"),
        row("10 000 nested YAML block lists", yaml(format!("resources:\n  {}x\n", "- ".repeat(deep))), PREVIEW, "nested too deeply"),
        row("10 000 nested JSON arrays", json(format!(r#"{{"resources": {}{}}}"#, "[".repeat(deep), "]".repeat(deep))), PREVIEW, "JSON syntax error: recursion limit exceeded"),
        row("10 000 nested JSON objects", json(format!(r#"{{"resources": {}1{}}}"#, r#"{"a": "#.repeat(deep), "}".repeat(deep))), PREVIEW, "JSON syntax error: recursion limit exceeded"),
        // Unknown fields.
        row("unknown top-level key", yaml(format!("{SEED}colour: red\n")), PREVIEW, "unknown top-level key \"colour\""),
        row("misspelt top-level key", yaml(SEED.replace("resources:", "resource:")), PREVIEW, "unknown top-level key \"resource\"; did you mean \"resources\"?"),
        row("unknown resource key", yaml(format!("{SEED}    colour: red\n")), PREVIEW, "unknown key \"colour\" in resource \"myApp\""),
        row("unknown resource option", yaml(format!("{SEED}    options:\n      colour: red\n")), PREVIEW, "resource option \"colour\" is not supported"),
        row("unsupported resource option (provider)", yaml(format!("{SEED}    options:\n      provider: ${{p}}\n")), PREVIEW, "resource option \"provider\" is not supported"),
        row("unknown property", yaml(seed_with("colour", "colour: red")), PREVIEW, "property \"colour\" of resource \"myApp\": unknown property"),
        row("misspelt property", yaml(SEED.replace("accountId", "acountId")), PREVIEW, "did you mean \"accountId\"?"),
        row("unknown config key", yaml(format!("config:\n  ttl:\n    type: integer\n    colour: red\n{SEED}")), PREVIEW, "unknown key \"colour\" in config \"ttl\""),
        row("unknown resource type", yaml(SEED.replace("cloudflare:AccessServiceToken", "cloudflare:ApiToken")), PREVIEW, "which this engine does not manage"),
        row("unsupported function", yaml(seed_with("name", "name:\n        fn::invoke: x")), PREVIEW, "fn::invoke is not supported"),
        row("unknown reference", yaml(seed_with("name", "name: ${nowhere.name}")), PREVIEW, "unknown reference \"${nowhere.name}\""),
        row("a dependency cycle", yaml(format!("{}  other:\n    type: cloudflare:AccessServiceToken\n    properties:\n      name: ${{myApp.name}}\n      accountId: f037e56e89293a057740de681ac9abbe\n", seed_with("name", "name: ${other.name}"))), PREVIEW, "dependency cycle"),
        // Absurd numbers.
        row("minDaysForRenewal 1e308", yaml(seed_with("minDaysForRenewal", "minDaysForRenewal: 1e308")), PREVIEW, "myApp.minDaysForRenewal: expected a whole number of days, found the number 1e+308"),
        row("minDaysForRenewal -1", yaml(seed_with("minDaysForRenewal", "minDaysForRenewal: -1")), PREVIEW, "myApp.minDaysForRenewal: expected 0 (never renew) or a positive number of days, found -1"),
        row("minDaysForRenewal 99999999999999999999", yaml(seed_with("minDaysForRenewal", "minDaysForRenewal: 99999999999999999999")), PREVIEW, "myApp.minDaysForRenewal: expected a whole number of days"),
        row("minDaysForRenewal .nan", yaml(seed_with("minDaysForRenewal", "minDaysForRenewal: .nan")), PREVIEW, "myApp.minDaysForRenewal: expected a whole number of days, found the string \".nan\""),
        row("minDaysForRenewal 1e400 in JSON", json(r#"{"resources": {"myApp": {"type": "cloudflare:AccessServiceToken", "properties": {"name": "n", "accountId": "f037e56e89293a057740de681ac9abbe", "minDaysForRenewal": 1e400}}}}"#), PREVIEW, "JSON syntax error: number out of range"),
        row("clientSecretVersion 1.5", yaml(seed_with("clientSecretVersion", "clientSecretVersion: 1.5")), PREVIEW, "myApp.clientSecretVersion: expected a whole number of 1 or more, found the number 1.5"),
        row("clientSecretVersion 0", yaml(seed_with("clientSecretVersion", "clientSecretVersion: 0")), PREVIEW, "myApp.clientSecretVersion: expected a version of 1 or more, found 0"),
        row("clientSecretVersion -3", yaml(seed_with("clientSecretVersion", "clientSecretVersion: -3")), PREVIEW, "myApp.clientSecretVersion: expected a whole number of 1 or more, found the number -3"),
        // Absurd durations.
        row("duration 1y", yaml(seed_with("duration", "duration: 1y")), PREVIEW, "myApp.duration: expected a Go duration such as \"8760h\" or \"2h45m\", or \"forever\", found \"1y\" (unknown unit \"y\")"),
        row("duration 0h", yaml(seed_with("duration", "duration: 0h")), PREVIEW, "found a zero duration \"0h\""),
        row("duration -8760h", yaml(seed_with("duration", "duration: -8760h")), PREVIEW, "found a negative duration"),
        row("duration beyond i128", yaml(seed_with("duration", &format!("duration: {}h", "9".repeat(60)))), PREVIEW, "(too large)"),
        row("duration as a number", yaml(seed_with("duration", "duration: 8760")), PREVIEW, "myApp.duration: expected a string, found the number 8760"),
        // Nothing there.
        row("no program at that path", File::Missing("Pulumi.yaml"), PREVIEW, "Pulumi.yaml: no such file (with `wasmtime run`, preopen its directory with --dir)"),
        row("a directory as the program", File::Dir("Pulumi.yaml"), PREVIEW, "Pulumi.yaml: Is a directory (os error 21)"),
        // The state file (verb preview, valid program).
        state_row("state is truncated JSON", state_bytes(&STATE.as_bytes()[..STATE.len() / 2]), "is not valid JSON"),
        state_row("state is empty", state_bytes(""), "is not valid JSON"),
        state_row("state has another version", state_bytes(STATE.replace("\"version\": 1", "\"version\": 7")), "has format version 7; this build reads version 1"),
        state_row("state has no version", state_bytes(r#"{"resources": []}"#), "has format version 0"),
        state_row("state is a list", state_bytes("[1, 2, 3]"), "has format version 0"),
        state_row("state is a string", state_bytes("\"state\""), "has format version 0"),
        state_row("state resources is not a list", state_bytes(r#"{"version": 1, "resources": "myApp"}"#), "is not a state file of this tool"),
        state_row("state resource without an id", state_bytes(STATE.replace("\"id\": \"f174e90a-fafe-4643-bbbc-4a0ed4fc8415\",\n      \"inputs\"", "\"inputs\"")), "is not a state file of this tool"),
        state_row("state is invalid UTF-8", state_bytes([&STATE.as_bytes()[..30], b"\xff\xfe", &STATE.as_bytes()[30..]].concat()), "access-tokens.state.json is not UTF-8 text: invalid byte at offset 30; restore it from"),
        state_row("state is 10 000 nested arrays", state_bytes(format!("{}{}", "[".repeat(deep), "]".repeat(deep))), "is not valid JSON (recursion limit exceeded"),
        state_row("state is a directory", Some(File::Dir("access-tokens.state.json")), "cannot read"),
        state_row("state outputs hold a bad expiry", state_bytes(STATE.replace("2027-11-28T12:00:00Z", "next year")), "expiresAt: the state holds \"next year\", not an RFC 3339 time"),
        // Encrypted state files (secrets at rest).
        encrypted_row("encrypted state without a passphrase", &argon2_header(19456, 2, 1), false, "are encrypted: set ACCESS_TOKENS_PASSPHRASE to open them"),
        encrypted_row("encryption header is not an object", "5", true, "damaged encryption header"),
        encrypted_row("encryption header lacks its salt", r#"{"kdf": "argon2id", "memoryKib": 8, "iterations": 1, "parallelism": 1, "check": "00"}"#, true, "damaged encryption header"),
        encrypted_row("encryption with an unknown KDF", &argon2_header(8, 1, 1).replace("argon2id", "rot13"), true, "is encrypted with \"rot13\", which this build does not know"),
        encrypted_row("encryption salt is not hex", &argon2_header(8, 1, 1).replace("00112233", "zz112233"), true, "the encryption salt is damaged"),
        encrypted_row("encryption salt of odd length", &argon2_header(8, 1, 1).replace("00112233", "0011223"), true, "the encryption salt is damaged"),
        encrypted_row("Argon2 memory below the minimum", &argon2_header(1, 1, 1), true, "unusable key-derivation parameters"),
        encrypted_row("Argon2 with zero passes", &argon2_header(8, 0, 1), true, "unusable key-derivation parameters"),
        encrypted_row("Argon2 with 9 lanes", &argon2_header(1024, 1, 9), true, "unusable key-derivation parameters"),
        encrypted_row("Argon2 memory beyond u32", &argon2_header(1 << 40, 1, 1), true, "damaged encryption header"),
        encrypted_row("wrong passphrase (damaged check value)", &argon2_header(8, 1, 1), true, "wrong passphrase for"),
        state_row("state outputs are a list", state_bytes(STATE.replace("\"outputs\": {\n        \"accountId\"", "\"outputs\": [{\n        \"accountId\"").replace("\"cfast_original_secret\"}\n      }", "\"cfast_original_secret\"}\n      }]")), "olds"),
        // Messages that name the real cause (issue 12).
        row("a program not UTF-8 (checked)", File::Bytes("Pulumi.yaml", [&SEED.as_bytes()[..10], b"\xc3(", &SEED.as_bytes()[10..]].concat()), CHECK, "Pulumi.yaml is not UTF-8 text: invalid byte at offset 10"),
        row("a 20 MB duration", yaml(seed_with("duration", &format!("duration: {}x", "9".repeat(20 << 20)))), CHECK, "… (20971521 bytes) (unknown unit \"x\")"),
        Row { env: vec![("CLOUDFLARE_BASE_URL", "https://deploy:hunter2@api.cloudflare.com/client/v4")], verb: &["refresh"], ..row("a password in the base URL", yaml(SEED), PREVIEW, "found \"https://[redacted]@api.cloudflare.com/client/v4\"") },
        // Regressions: bugs this table found, fixed in 7d1e043.
        // Was accepted as a program without resources: preview planned to delete
        // every token in the state, and `up --yes` deleted them.
        row("an empty program", yaml(""), PREVIEW, "the program is empty"),
        row("a comment-only program", yaml("# nothing yet\n"), UP, "the program is empty"),
        // Was accepted, though Go's ParseDuration (the API's) stops at 2562047h47m16.854775807s.
        row("duration 999999999999999h", yaml(seed_with("duration", "duration: 999999999999999h")), PREVIEW, "too large"),
        // Was a panic (i128 overflow adding the fraction in duration::parse); with
        // overflow checks off, as in the release component, a negative lifetime.
        row("duration 47261439850130342147690917.9h", yaml(seed_with("duration", "duration: 47261439850130342147690917.9h")), PREVIEW, "too large"),
        // Was an attempt to allocate 4 TiB for Argon2 (the KDF parameters came from
        // the file unbounded): `memory allocation of 4398046507008 bytes failed`, abort.
        encrypted_row("Argon2 asked for 4 TiB of memory", &argon2_header(u64::from(u32::MAX), 1, 1), true, "unusable key-derivation parameters"),
        // Was about 4 hours of Argon2 passes (3.3 µs each) before any message.
        encrypted_row("Argon2 asked for 4 294 967 295 passes", &argon2_header(8, u64::from(u32::MAX), 1), true, "unusable key-derivation parameters"),
        // Was a stack overflow (abort) in program::order, which recursed once per reference.
        row("a dependency cycle through 10 000 resources", yaml(cycle(10_000)), PREVIEW, "dependency cycle"),
    ]
}

/// `n` resources, each naming itself after the next, the last after the first.
fn cycle(n: usize) -> String {
    let mut text = String::from("resources:\n");
    for i in 0..n {
        text.push_str(&format!(
            "  token{i}:\n    type: cloudflare:AccessServiceToken\n    properties:\n      name: ${{token{}.name}}\n      accountId: f037e56e89293a057740de681ac9abbe\n",
            (i + 1) % n
        ));
    }
    text
}

fn aliases_line(i: usize) -> String {
    format!("  l{i}: &l{i} [{}]\n", vec![format!("*l{}", i - 1); 9].join(", "))
}

/// Nine levels of nine aliases each: 9^9 nodes if expanded.
fn billion_laughs() -> String {
    let mut text = String::from("variables:\n  l0: &l0 [lol]\n");
    for i in 1..10 {
        text.push_str(&aliases_line(i));
    }
    text + SEED
}

// ------------------------------------------------------------------ harness

/// A transport that must not be reached.
struct MustNotCall;

impl Transport for MustNotCall {
    fn send(&mut self, _base: &str, request: &ApiRequest) -> Result<RawResponse, TransportFailure> {
        panic!("bad input reached Cloudflare: {} {}", request.method.as_str(), request.path)
    }

    fn sleep_ms(&mut self, ms: u64) {
        panic!("bad input made the command wait {ms} ms for a retry")
    }
}

/// What one row did.
struct Outcome {
    ok: bool,
    stdout: String,
    stderr: String,
    took: Duration,
}

fn scratch_dir(name: &str) -> PathBuf {
    let slug: String = name.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).take(40).collect();
    let dir = std::env::temp_dir().join(format!("bad-input-{}-{slug}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn lay(dir: &Path, file: &File) -> PathBuf {
    match file {
        File::Bytes(name, bytes) => {
            let path = dir.join(name);
            std::fs::write(&path, bytes).unwrap();
            path
        }
        File::Dir(name) => {
            let path = dir.join(name);
            std::fs::create_dir_all(&path).unwrap();
            path
        }
        File::Missing(name) => dir.join(name),
    }
}

/// Every file in `dir` with its bytes (directories as empty entries).
fn snapshot(dir: &Path) -> BTreeMap<String, Option<Vec<u8>>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let bytes = if e.file_type().unwrap().is_dir() { None } else { Some(std::fs::read(e.path()).unwrap()) };
            (e.file_name().to_string_lossy().into_owned(), bytes)
        })
        .collect()
}

/// Runs one row on its own thread; `Err` says what went wrong (panic,
/// hang, success, wrong message, a file changed).
fn run_row(row: &Row, limit: Duration) -> Result<Outcome, String> {
    let dir = scratch_dir(row.name);
    let program = lay(&dir, &row.program);
    let state = lay(&dir, row.state.as_ref().unwrap_or(&File::Bytes("access-tokens.state.json", STATE.into())));
    let before = snapshot(&dir);
    let mut argv = vec!["--file".to_string(), program.display().to_string(), "--state".to_string(), state.display().to_string()];
    argv.extend(row.verb.iter().map(|s| s.to_string()));
    // Credentials are present, so a bad input that slipped through would
    // reach the transport (and panic there) rather than stop for lack of them.
    let mut environment: BTreeMap<String, String> = [("CLOUDFLARE_API_TOKEN".to_string(), "test-api-token".to_string())].into();
    environment.extend(row.env.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let (send, receive) = mpsc::channel();
    let started = Instant::now();
    std::thread::Builder::new()
        .name(row.name.to_string())
        .spawn(move || {
            let result = std::panic::catch_unwind(move || {
                let (mut out, mut err, mut input) = (Vec::new(), Vec::new(), std::io::empty());
                let mut io = Io { out: &mut out, err: &mut err, input: &mut input };
                let now = Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap();
                let ok = cli::run(&argv, &environment, &mut MustNotCall, now, &mut io);
                (ok, String::from_utf8_lossy(&out).into_owned(), String::from_utf8_lossy(&err).into_owned())
            });
            let _ = send.send(result);
        })
        .unwrap();
    let (ok, stdout, stderr) = match receive.recv_timeout(limit) {
        Ok(Ok(result)) => result,
        Ok(Err(panic)) => {
            let what = panic.downcast_ref::<String>().cloned().or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string())).unwrap_or_default();
            return Err(format!("panicked: {what}"));
        }
        Err(_) => return Err(format!("did not finish within {limit:?} (hang?)")),
    };
    let took = started.elapsed();
    let after = snapshot(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    let outcome = Outcome { ok, stdout, stderr, took };
    let short = |s: &str| s.chars().take(600).collect::<String>();
    if outcome.ok {
        return Err(format!("succeeded; stdout: {}", short(&outcome.stdout)));
    }
    if !outcome.stderr.contains(row.expect) {
        return Err(format!("stderr lacks {:?}: {}", row.expect, short(&outcome.stderr)));
    }
    if !outcome.stderr.lines().any(|l| l.starts_with("error: ")) {
        return Err(format!("stderr has no `error: ` line: {}", short(&outcome.stderr)));
    }
    if before != after {
        let changed: Vec<&String> = before.keys().chain(after.keys()).filter(|k| before.get(*k) != after.get(*k)).collect();
        return Err(format!("files changed: {changed:?}"));
    }
    Ok(outcome)
}

/// Generous: the largest rows take a few seconds in a debug build.
const LIMIT: Duration = Duration::from_secs(120);

#[test]
fn bad_input_fails_cleanly_without_calls_or_writes() {
    let mut failures = Vec::new();
    for row in rows() {
        eprintln!("…    {}", row.name);
        match run_row(&row, LIMIT) {
            Ok(o) => {
                let first = o.stderr.lines().find(|l| l.starts_with("error: ")).unwrap_or_default();
                let first: String = first.chars().take(160).collect();
                let size = if o.stderr.len() > 10_000 { format!(" [stderr: {} bytes]", o.stderr.len()) } else { String::new() };
                eprintln!("ok   {:<55} {:>7.2?}  {first}{size}", row.name, o.took);
            }
            Err(why) => {
                eprintln!("FAIL {:<55} {why}", row.name);
                failures.push(format!("{}: {why}", row.name));
            }
        }
    }
    assert!(failures.is_empty(), "{} row(s) failed:\n{}", failures.len(), failures.join("\n"));
}

/// Quoted input is cut short in messages (a 20 MB id made a 20 MB message),
/// and a password in a URL never reaches one.
#[test]
fn messages_quote_input_in_bounded_length_and_hide_url_passwords() {
    let bounded = ["a 20 MB account id", "a 20 MB duration", "a 2 MB key (JSON)", "a password in the base URL"];
    let rows: Vec<Row> = rows().into_iter().filter(|r| bounded.contains(&r.name)).collect();
    assert_eq!(rows.len(), bounded.len());
    for row in rows {
        // A name of its own: the scratch directory is named after it, and the table test runs alongside.
        let row = Row { name: Box::leak(format!("bounded: {}", row.name).into_boxed_str()), ..row };
        let out = run_row(&row, LIMIT).unwrap_or_else(|why| panic!("{}: {why}", row.name));
        assert!(out.stderr.len() < 1_000, "{}: a message of {} bytes", row.name, out.stderr.len());
        assert!(!out.stderr.contains("hunter2") && !out.stderr.contains("deploy:"), "{}: {}", row.name, out.stderr);
    }
}

#[test]
fn every_row_has_a_distinct_name() {
    let mut names: Vec<&str> = rows().iter().map(|r| r.name).collect();
    let total = names.len();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), total);
}
