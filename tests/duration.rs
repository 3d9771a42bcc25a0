//! `duration` as Go's `time.ParseDuration` (which the API runs) reads it:
//! the edges where a wrong answer would send a value the API refuses, or
//! refuse one it takes.

use access_service_token::duration::{parse, Lifetime};
use chrono::TimeDelta;

const EXPECTED: &str = "expected a Go duration such as \"8760h\" or \"2h45m\", or \"forever\"";

#[test]
fn a_number_needs_a_digit_a_lone_dot_is_not_one() {
    // Go: `.h` and `h` are invalid, even followed by a valid part.
    for bad in [".h1h", "1h.m", "h1h", ".s"] {
        assert_eq!(parse(bad), Err(format!("{EXPECTED}, found {bad:?}")), "{bad}");
    }
    // A dot with digits on one side is a number.
    assert_eq!(parse(".5h"), Ok(Lifetime::Finite(1_800_000_000_000)));
    assert_eq!(parse("1.h"), Ok(Lifetime::Finite(3_600_000_000_000)));
}

#[test]
fn the_int64_nanosecond_limit_is_accepted_and_one_more_is_not() {
    // Go's limit, exactly: 2562047h47m16.854775807s is i64::MAX nanoseconds.
    assert_eq!(parse("2562047h47m16.854775807s"), Ok(Lifetime::Finite(i128::from(i64::MAX))));
    assert_eq!(parse(&format!("{}ns", i64::MAX)), Ok(Lifetime::Finite(i128::from(i64::MAX))));
    let too_large = |text: &str| {
        format!("{EXPECTED}, found {text:?} (too large: the API accepts at most 2562047h47m16.854775807s; use \"forever\")")
    };
    for text in ["2562047h47m16.854775808s", "2562048h", "9223372036854775808ns"] {
        assert_eq!(parse(text), Err(too_large(text)), "{text}");
    }
}

#[test]
fn fractions_count_to_the_nanosecond() {
    assert_eq!(parse("1.5s").unwrap().as_delta(), TimeDelta::milliseconds(1500));
    assert_eq!(parse("2.000000001s").unwrap().as_delta(), TimeDelta::new(2, 1).unwrap());
    assert_eq!(parse("1.25ms"), Ok(Lifetime::Finite(1_250_000)));
    assert_eq!(parse("1µs"), Ok(Lifetime::Finite(1_000)));
}
