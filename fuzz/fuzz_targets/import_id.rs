//! An import id. What is accepted is one of the three forms, exactly.
#![no_main]

use access_service_token::import_id;
use access_service_token::model::Scope;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok((scope, token)) = import_id::parse(text) {
        let forms = match &scope {
            Scope::Account(a) => vec![format!("{a}/{}", token.as_str()), format!("accounts/{a}/{}", token.as_str())],
            Scope::Zone(z) => vec![format!("zones/{z}/{}", token.as_str())],
        };
        assert!(forms.iter().any(|f| f == text), "{text:?} accepted as {scope:?} / {}", token.as_str());
    }
});
