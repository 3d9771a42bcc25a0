//! Token lifetimes: Go duration strings (`8760h`, `2h45m`, `1.5h`) as the
//! Cloudflare API takes them, or `forever`, which the API treats as
//! 36 500 days. Parsed by hand: the grammar is small and a dependency for it
//! would be larger than the parser.

use chrono::TimeDelta;

/// The API's default lifetime when `duration` is not given.
pub const DEFAULT_DURATION: &str = "8760h";

/// `forever` behaves as this many days.
pub const FOREVER_DAYS: i64 = 36_500;

/// A parsed `duration`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lifetime {
    /// A finite lifetime, in nanoseconds.
    Finite(i128),
    /// `forever`.
    Forever,
}

impl Lifetime {
    /// How long a token with this lifetime lives.
    pub fn as_delta(self) -> TimeDelta {
        match self {
            Lifetime::Forever => TimeDelta::days(FOREVER_DAYS),
            Lifetime::Finite(ns) => {
                let secs = (ns / 1_000_000_000).min(i64::MAX as i128) as i64;
                let nanos = (ns % 1_000_000_000) as u32;
                TimeDelta::new(secs, nanos).unwrap_or(TimeDelta::MAX)
            }
        }
    }
}

/// Parses a Go duration or `forever`. The error says what was expected.
pub fn parse(text: &str) -> Result<Lifetime, String> {
    if text == "forever" {
        return Ok(Lifetime::Forever);
    }
    let expected = "expected a Go duration such as \"8760h\" or \"2h45m\", or \"forever\"";
    if text.is_empty() {
        return Err(format!("{expected}, found an empty string"));
    }
    if text.starts_with('-') {
        return Err(format!("{expected}, found a negative duration {text}", text = crate::error::quote(&text)));
    }
    let body = text.strip_prefix('+').unwrap_or(text);
    if body == "0" {
        return Err(format!("{expected}, found a zero duration {text}", text = crate::error::quote(&text)));
    }
    let mut total: i128 = 0;
    let mut rest = body;
    while !rest.is_empty() {
        let num_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        let (number, after) = rest.split_at(num_len);
        if number.is_empty() || number == "." || number.matches('.').count() > 1 {
            return Err(format!("{expected}, found {text}", text = crate::error::quote(&text)));
        }
        let unit_len = after.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(after.len());
        let (unit, next) = after.split_at(unit_len);
        let unit_ns: i128 = match unit {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            "" => return Err(format!("{expected}, found {text} (a number without a unit)", text = crate::error::quote(&text))),
            other => return Err(format!("{expected}, found {text} (unknown unit {other})", text = crate::error::quote(&text), other = crate::error::quote(&other))),
        };
        let (whole, frac) = number.split_once('.').unwrap_or((number, ""));
        let whole: i128 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| format!("{expected}, found {text} (too large)", text = crate::error::quote(&text)))? };
        let mut value = whole.checked_mul(unit_ns).ok_or_else(|| format!("{expected}, found {text} (too large)", text = crate::error::quote(&text)))?;
        let mut scale = unit_ns;
        for digit in frac.bytes().take(18) {
            scale /= 10;
            value = value.checked_add(i128::from(digit - b'0') * scale).ok_or_else(|| format!("{expected}, found {text} (too large)", text = crate::error::quote(&text)))?;
        }
        total = total.checked_add(value).ok_or_else(|| format!("{expected}, found {text} (too large)", text = crate::error::quote(&text)))?;
        if total > i128::from(i64::MAX) {
            // Go's time.ParseDuration, which the API uses, stops at int64 nanoseconds.
            return Err(format!("{expected}, found {text} (too large: the API accepts at most 2562047h47m16.854775807s; use \"forever\")", text = crate::error::quote(&text)));
        }
        rest = next;
    }
    if total == 0 {
        return Err(format!("{expected}, found a zero duration {text}", text = crate::error::quote(&text)));
    }
    Ok(Lifetime::Finite(total))
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: i128 = 3_600_000_000_000;

    #[test]
    fn accepts_go_durations_and_forever() {
        assert_eq!(parse("8760h"), Ok(Lifetime::Finite(8760 * H)));
        assert_eq!(parse("2h45m"), Ok(Lifetime::Finite(2 * H + 45 * 60_000_000_000)));
        assert_eq!(parse("1.5h"), Ok(Lifetime::Finite(H + H / 2)));
        assert_eq!(parse("60m"), Ok(Lifetime::Finite(H)));
        assert_eq!(parse("300ms"), Ok(Lifetime::Finite(300_000_000)));
        assert_eq!(parse("1h0m0s"), Ok(Lifetime::Finite(H)));
        assert_eq!(parse("forever"), Ok(Lifetime::Forever));
        assert_eq!(parse("forever").unwrap().as_delta(), TimeDelta::days(36_500));
        assert_eq!(parse("8760h").unwrap().as_delta(), TimeDelta::days(365));
    }

    #[test]
    fn rejects_what_the_api_would_reject() {
        for bad in ["", "1", "h", "1y", "-1h", "0", "1..5h", "1 h", "forevermore", "0h"] {
            let err = parse(bad).unwrap_err();
            assert!(err.contains("expected a Go duration"), "{bad:?}: {err}");
        }
        assert!(parse("1y").unwrap_err().contains("unknown unit \"y\""));
    }
}
