//! Token durations as the API accepts them: Go `time.ParseDuration` syntax
//! (`8760h`, `2h45m`, `1.5h`, `300ms`) or the special value `forever`.
//!
//! The real API is a Go service, so the emulator mirrors Go's grammar rather
//! than inventing a friendlier one: a client that the emulator accepts should
//! also be accepted by Cloudflare.

/// The duration a token gets when create omits it (one year in hours).
pub const DEFAULT_DURATION: &str = "8760h";

/// `forever` does not mean "never expires" in responses: the API sets
/// `expires_at` about a century ahead. The emulator uses exactly 36 500 days.
pub const FOREVER_DAYS: i64 = 36_500;

/// Parses a duration string into a positive [`chrono::Duration`].
///
/// Errors are short English phrases meant to follow
/// `access.api.error.invalid_request: ` in a 12130 error.
pub fn parse(s: &str) -> Result<chrono::Duration, String> {
    if s == "forever" {
        return Ok(chrono::Duration::days(FOREVER_DAYS));
    }
    let nanos = parse_go_nanos(s).ok_or_else(|| format!("invalid duration {s:?}"))?;
    if nanos <= 0 {
        return Err(format!("duration {s:?} must be positive"));
    }
    Ok(chrono::Duration::nanoseconds(nanos))
}

/// Go's `time.ParseDuration`: an optional sign, then one or more
/// `<decimal><unit>` parts; `"0"` alone is allowed. Returns nanoseconds.
fn parse_go_nanos(s: &str) -> Option<i64> {
    let (negative, mut rest) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    if rest == "0" {
        return Some(0);
    }
    if rest.is_empty() {
        return None;
    }
    let mut total: u128 = 0;
    while !rest.is_empty() {
        let int_len = rest.bytes().take_while(u8::is_ascii_digit).count();
        let int_part = &rest[..int_len];
        rest = &rest[int_len..];
        let mut frac_part = "";
        if let Some(after_dot) = rest.strip_prefix('.') {
            let frac_len = after_dot.bytes().take_while(u8::is_ascii_digit).count();
            frac_part = &after_dot[..frac_len];
            rest = &after_dot[frac_len..];
        }
        if int_part.is_empty() && frac_part.is_empty() {
            return None;
        }
        let unit_len = rest
            .char_indices()
            .find(|(_, c)| c.is_ascii_digit() || *c == '.')
            .map_or(rest.len(), |(i, _)| i);
        let unit: u128 = match &rest[..unit_len] {
            "ns" => 1,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60 * 1_000_000_000,
            "h" => 3_600 * 1_000_000_000,
            _ => return None,
        };
        rest = &rest[unit_len..];
        let whole: u128 = if int_part.is_empty() {
            0
        } else {
            int_part.parse().ok()?
        };
        let mut part = whole.checked_mul(unit)?;
        if !frac_part.is_empty() {
            // Keep at most 18 fraction digits: beyond that nothing is left at ns scale.
            let digits = &frac_part[..frac_part.len().min(18)];
            let frac: u128 = digits.parse().ok()?;
            part += frac * unit / 10u128.pow(digits.len() as u32);
        }
        total = total.checked_add(part)?;
        if total > i64::MAX as u128 {
            return None;
        }
    }
    let total = total as i64;
    Some(if negative { -total } else { total })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn accepts_go_durations() {
        assert_eq!(parse("8760h").unwrap(), Duration::hours(8760));
        assert_eq!(parse("2h45m").unwrap(), Duration::minutes(165));
        assert_eq!(parse("30m").unwrap(), Duration::minutes(30));
        assert_eq!(parse("1.5h").unwrap(), Duration::minutes(90));
        assert_eq!(parse("300s").unwrap(), Duration::seconds(300));
        assert_eq!(parse("300ms").unwrap(), Duration::milliseconds(300));
        assert_eq!(
            parse("1h0m0.5s").unwrap(),
            Duration::milliseconds(3_600_500)
        );
        assert_eq!(parse(".5s").unwrap(), Duration::milliseconds(500));
        assert_eq!(parse("10us").unwrap(), Duration::microseconds(10));
        assert_eq!(parse("10\u{b5}s").unwrap(), Duration::microseconds(10));
        assert_eq!(parse("forever").unwrap(), Duration::days(36_500));
    }

    #[test]
    fn rejects_what_go_rejects_and_non_positive() {
        for bad in [
            "", "h", "10", "1d", "1y", "1.h.", "abc", "8760 h", "0", "-1h", "+", "Forever", ".",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} should be rejected");
        }
        assert!(parse("9999999999h").is_err(), "overflow");
    }
}
