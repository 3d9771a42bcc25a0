//! The `cloudflare-emulator` binary: prints its URL once ready, serves, and
//! exits on stdin EOF when asked to.

mod common;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[test]
fn prints_the_url_serves_and_exits_on_stdin_eof() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cloudflare-emulator"))
        .args([
            "--port",
            "0",
            "--api-token",
            "cli-token",
            "--seed",
            "5",
            "--exit-on-stdin-eof",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("binary starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"));
    assert!(
        base.starts_with("http://127.0.0.1:") && base.ends_with("/client/v4"),
        "{base}"
    );

    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let url = format!("{base}/accounts/{}/access/service_tokens", common::ACCOUNT);
    let ok = agent
        .get(&url)
        .header("authorization", "Bearer cli-token")
        .call()
        .unwrap();
    assert_eq!(ok.status().as_u16(), 200);
    let default_rejected = agent
        .get(&url)
        .header("authorization", "Bearer test-api-token")
        .call()
        .unwrap();
    assert_eq!(
        default_rejected.status().as_u16(),
        403,
        "--api-token replaces the defaults"
    );

    drop(child.stdin.take());
    let status = child.wait().unwrap();
    assert!(status.success());
}

#[test]
fn help_and_bad_arguments() {
    let help = Command::new(env!("CARGO_BIN_EXE_cloudflare-emulator"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(help.status.success());
    assert!(String::from_utf8_lossy(&help.stdout).contains("--exit-on-stdin-eof"));
    let bad = Command::new(env!("CARGO_BIN_EXE_cloudflare-emulator"))
        .arg("--bogus")
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}
