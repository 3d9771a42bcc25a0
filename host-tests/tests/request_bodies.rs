//! Request bodies go out as one known-length body, as the official SDKs send
//! them: `Content-Length` equal to the body, never chunked.

mod common;

use chrono::TimeDelta;
use common::cli::Cli;
use common::*;

fn program(name: &str) -> String {
    format!("resources:\n  ci:\n    type: cloudflare:AccessServiceToken\n    properties:\n      accountId: {ACCOUNT}\n      name: {name}\n      minDaysForRenewal: 30\n")
}

#[test]
fn every_request_with_a_body_carries_its_content_length() {
    let cli = Cli::new(&program("ci"));
    cli.ok(&["up", "--yes"]);
    cli.write_program(&program("ci renamed"));
    cli.ok(&["up", "--yes"]);
    cli.ok(&["rotate", "ci"]);
    cli.clock.advance(TimeDelta::days(340));
    cli.write_program(&program("ci renamed"));
    cli.ok(&["up", "--yes"]);
    cli.ok(&["destroy", "--yes"]);
    let requests = cli.emu.requests();
    let sent = |method: &str, ending: &str| requests.iter().any(|r| r.method == method && r.path.ends_with(ending));
    assert!(sent("POST", "/service_tokens") && sent("POST", "/rotate") && sent("POST", "/refresh") && sent("PUT", "") && sent("DELETE", ""), "every kind of call was made");
    for r in &requests {
        assert_eq!(r.transfer_encoding, None, "{} {}: not chunked", r.method, r.path);
        if r.body_len > 0 || r.method == "POST" || r.method == "PUT" {
            assert_eq!(r.content_length.as_deref(), Some(r.body_len.to_string().as_str()), "{} {}: Content-Length is the body's length", r.method, r.path);
        }
    }
}
