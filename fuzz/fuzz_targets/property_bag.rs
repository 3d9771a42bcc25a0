//! A property bag's JSON text: decoded, checked, and (when it decodes)
//! diffed against itself through the Pulumi protocol layer.
#![no_main]

use access_service_token::properties::check_properties;
use access_service_token::pulumi::{self, bag};
use chrono::{TimeZone, Utc};
use libfuzzer_sys::fuzz_target;

const URN: &str = "urn:pulumi:local::fuzz::cloudflare:AccessServiceToken::t";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(decoded) = bag::decode(text, "news") else { return };
    let _ = check_properties(&decoded.known);
    let _ = bag::args_of(&decoded);
    let _ = bag::state_of("", &decoded);
    let _ = pulumi::check(URN, text);
    let now = Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap();
    let _ = pulumi::diff(URN, "f174e90a-fafe-4643-bbbc-4a0ed4fc8415", text, text, &[], now);
});
