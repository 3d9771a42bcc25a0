//! An HTTP answer with any status, an optional `retry-after` (seconds or an
//! HTTP date) and `content-type`, and any body, parsed as one token and as a
//! list.
#![no_main]

use access_service_token::responses::{self, ApiToken};
use access_service_token::transport::RawResponse;
use chrono::{TimeZone, Utc};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() < 3 {
        return;
    }
    let status = u16::from_le_bytes([data[0], data[1]]);
    let flags = data[2];
    let mut rest = &data[3..];
    let mut headers = Vec::new();
    // Header values come from the front of the body, up to a newline.
    for (bit, name) in [(1u8, "retry-after"), (2, "content-type")] {
        if flags & bit != 0 {
            let end = rest.iter().position(|b| *b == b'\n').unwrap_or(rest.len());
            headers.push((name.to_string(), String::from_utf8_lossy(&rest[..end]).into_owned()));
            rest = rest.get(end + 1..).unwrap_or_default();
        }
    }
    let resp = RawResponse { status, headers, body: rest.to_vec() };
    let _ = responses::parse::<ApiToken>(&resp);
    let _ = responses::parse_with_info::<Vec<ApiToken>>(&resp);
    let _ = responses::retry_after(&resp);
    let now = Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap();
    let _ = responses::retry_after_at(&resp, Some(now));
});
