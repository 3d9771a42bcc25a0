//! A program's text, read as YAML and as JSON, then validated.
#![no_main]

use access_service_token_program as program;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for source in ["Pulumi.yaml", "Pulumi.json"] {
        if let Ok(p) = program::parse(source, text) {
            let _ = program::validate(&p);
        }
    }
});
