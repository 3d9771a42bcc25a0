//! A state file's text. What parses must write back to text that parses.
#![no_main]

use access_service_token_cli::state::StateFile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(state) = StateFile::parse(text, "access-tokens.state.json") {
        StateFile::parse(&state.to_text(), "again.json").expect("a state this build wrote reads back");
    }
});
