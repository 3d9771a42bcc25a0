//! The value model: what a decoded `DynamicValue` holds. Values carry no
//! type of their own; the schema's [`Type`](super::Type) is given to every
//! decode and encode, as go-cty's `msgpack.Unmarshal(b, ty)` does.

use std::collections::BTreeMap;
use std::fmt;

/// A cty value.
///
/// Refinements of unknown values (go-cty's ext type 12: not-null, string
/// prefix, number and length bounds) are read and dropped: an unrefined
/// unknown promises less, so answering with one is always valid, and
/// Terraform only checks refinements that the provider itself planned.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    /// Not known until apply.
    Unknown,
    Bool(bool),
    Number(Number),
    String(String),
    List(Vec<Value>),
    /// Elements in the order they arrived (go-cty sends its own set order).
    Set(Vec<Value>),
    Tuple(Vec<Value>),
    Map(BTreeMap<String, Value>),
    Object(BTreeMap<String, Value>),
}

impl Value {
    /// An object from `(name, value)` pairs.
    pub fn object<K: Into<String>>(attrs: impl IntoIterator<Item = (K, Value)>) -> Value {
        Value::Object(attrs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Value::Unknown)
    }

    /// True if no unknown value is anywhere inside.
    pub fn is_wholly_known(&self) -> bool {
        match self {
            Value::Unknown => false,
            Value::List(items) | Value::Set(items) | Value::Tuple(items) => {
                items.iter().all(Value::is_wholly_known)
            }
            Value::Map(items) | Value::Object(items) => items.values().all(Value::is_wholly_known),
            _ => true,
        }
    }

    /// An attribute of an object (or an element of a map); `None` if absent
    /// or if this is not an object.
    pub fn get(&self, name: &str) -> Option<&Value> {
        match self {
            Value::Object(attrs) | Value::Map(attrs) => attrs.get(name),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_number(&self) -> Option<&Number> {
        match self {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }

    /// What this value is, for error messages ("a string", "null").
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Unknown => "an unknown value",
            Value::Bool(_) => "a bool",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::List(_) => "a list",
            Value::Set(_) => "a set",
            Value::Tuple(_) => "a tuple",
            Value::Map(_) => "a map",
            Value::Object(_) => "an object",
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::String(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(s)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Value {
        Value::Number(Number::from(n))
    }
}

impl From<Number> for Value {
    fn from(n: Number) -> Value {
        Value::Number(n)
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::Null, Into::into)
    }
}

/// A cty number: arbitrary precision decimal, like go-cty's `big.Float`.
///
/// Kept canonical so that equal numbers compare equal and integers
/// round-trip exactly: an `i64` when the value is one, otherwise the exact
/// decimal text without exponent (`"0.1"`, `"18446744073709551615"`), or an
/// infinity. A float64 from msgpack is stored as its exact decimal value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Number(Repr);

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Repr {
    Int(i64),
    /// Canonical: `-?(0|[1-9][0-9]*)(\.[0-9]*[1-9])?`, not an `i64`.
    Decimal(String),
    Infinity {
        negative: bool,
    },
}

/// Longest decimal text accepted: enough for the exact value of any
/// float64 (the smallest subnormal has 1074 decimals), short enough that
/// `1e999999999` is refused rather than spelled out.
const MAX_DECIMAL_LEN: usize = 1100;

impl Number {
    /// A float; `None` for NaN, which cty has no value for.
    pub fn from_f64(f: f64) -> Option<Number> {
        if f.is_nan() {
            return None;
        }
        if f.is_infinite() {
            return Some(Number(Repr::Infinity { negative: f < 0.0 }));
        }
        // 2^63 is exact in f64; every integral f64 below it in magnitude fits.
        if f.fract() == 0.0
            && (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&f)
        {
            return Some(Number(Repr::Int(f as i64)));
        }
        // Fixed-precision formatting is exact; 1074 decimals cover subnormals.
        Number::parse(&format!("{f:.1074}"))
    }

    /// Decimal text as go-cty's `ParseNumberVal` takes it: optional sign,
    /// digits with an optional fraction, optional exponent (`1.5e3`).
    /// `None` if it is not a number or too long to keep exactly.
    pub fn parse(text: &str) -> Option<Number> {
        let (negative, rest) = match text.as_bytes().first()? {
            b'-' => (true, &text[1..]),
            b'+' => (false, &text[1..]),
            _ => (false, text),
        };
        let (mantissa, exponent) = match rest.find(['e', 'E']) {
            Some(at) => (&rest[..at], Some(&rest[at + 1..])),
            None => (rest, None),
        };
        let (int_part, frac_part) = match mantissa.find('.') {
            Some(at) => (&mantissa[..at], &mantissa[at + 1..]),
            None => (mantissa, ""),
        };
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if int_part.len() + frac_part.len() == 0 || !all_digits(int_part) || !all_digits(frac_part)
        {
            return None;
        }
        let mut exp: i64 = match exponent {
            None => 0,
            Some(e) => {
                let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
                if digits.is_empty() || !all_digits(digits) {
                    return None;
                }
                // Ten digits or more is out of range anyway (or a zero mantissa).
                let significant = digits.trim_start_matches('0');
                let magnitude: i64 = if significant.len() > 9 {
                    i64::from(i32::MAX)
                } else {
                    significant.parse().unwrap_or(0)
                };
                if e.starts_with('-') {
                    -magnitude
                } else {
                    magnitude
                }
            }
        };
        // value = digits × 10^exp, digits without leading or trailing zeros.
        let joined = format!("{int_part}{frac_part}");
        exp -= frac_part.len() as i64;
        let digits = joined.trim_start_matches('0');
        let trimmed = digits.trim_end_matches('0');
        if trimmed.is_empty() {
            return Some(Number(Repr::Int(0)));
        }
        exp += (digits.len() - trimmed.len()) as i64;
        let digits = trimmed;
        let len = digits.len() as i64;
        // Length of the plain text, before building it.
        let plain_len = if exp >= 0 {
            len + exp
        } else if len + exp > 0 {
            len + 1
        } else {
            2 - (len + exp) + len
        };
        if plain_len > MAX_DECIMAL_LEN as i64 {
            return None;
        }
        let sign = if negative { "-" } else { "" };
        let text = if exp >= 0 {
            format!("{sign}{digits}{}", "0".repeat(exp as usize))
        } else {
            let point = len + exp;
            if point > 0 {
                let (whole, frac) = digits.split_at(point as usize);
                format!("{sign}{whole}.{frac}")
            } else {
                format!("{sign}0.{}{digits}", "0".repeat((-point) as usize))
            }
        };
        if exp >= 0 {
            if let Ok(n) = text.parse::<i64>() {
                return Some(Number(Repr::Int(n)));
            }
        }
        Some(Number(Repr::Decimal(text)))
    }

    /// The value as an `i64`, if it is an integer in range.
    pub fn as_i64(&self) -> Option<i64> {
        match self.0 {
            Repr::Int(n) => Some(n),
            _ => None,
        }
    }

    /// The value as an `f64`, rounded to nearest.
    pub fn as_f64(&self) -> f64 {
        match &self.0 {
            Repr::Int(n) => *n as f64,
            Repr::Decimal(text) => text.parse().unwrap_or(f64::NAN),
            Repr::Infinity { negative: true } => f64::NEG_INFINITY,
            Repr::Infinity { negative: false } => f64::INFINITY,
        }
    }

    pub fn is_integer(&self) -> bool {
        match &self.0 {
            Repr::Int(_) => true,
            Repr::Decimal(text) => !text.contains('.'),
            Repr::Infinity { .. } => false,
        }
    }

    pub fn is_infinite(&self) -> bool {
        matches!(self.0, Repr::Infinity { .. })
    }

    /// The float64 go-cty would write for this number: only for a finite
    /// non-integer whose value a float64 holds exactly (`0.5`, not `0.1`).
    pub(crate) fn exact_f64(&self) -> Option<f64> {
        match &self.0 {
            Repr::Decimal(text) if text.contains('.') => {
                let f: f64 = text.parse().ok()?;
                (Number::from_f64(f).as_ref() == Some(self)).then_some(f)
            }
            _ => None,
        }
    }
}

impl From<i64> for Number {
    fn from(n: i64) -> Number {
        Number(Repr::Int(n))
    }
}

impl From<i32> for Number {
    fn from(n: i32) -> Number {
        Number(Repr::Int(n.into()))
    }
}

impl From<u64> for Number {
    fn from(n: u64) -> Number {
        match i64::try_from(n) {
            Ok(n) => Number(Repr::Int(n)),
            Err(_) => Number(Repr::Decimal(n.to_string())),
        }
    }
}

/// The exact decimal text (`Infinity`, `-Infinity` for the infinities).
impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Int(n) => write!(f, "{n}"),
            Repr::Decimal(text) => f.write_str(text),
            Repr::Infinity { negative: true } => f.write_str("-Infinity"),
            Repr::Infinity { negative: false } => f.write_str("Infinity"),
        }
    }
}
