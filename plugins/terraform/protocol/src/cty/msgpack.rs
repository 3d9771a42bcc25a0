//! cty values as msgpack, the form Terraform sends in `DynamicValue.msgpack`
//! and wants back, following go-cty `cty/msgpack/unmarshal.go`,
//! `marshal.go`, `unknown.go` and `dynamic.go`:
//!
//! - null is nil; any ext value is unknown (go-cty writes `d4 00 00`, or
//!   ext type 12 with a refinement map, which is read and dropped);
//! - numbers are the smallest int encoding, a float64 if exact and not an
//!   integer, else the decimal text as a string; read: any int, uint,
//!   float32/64 or decimal string;
//! - list, set and tuple are arrays; map and object are maps with string
//!   keys, an object always with every attribute of its type, sorted;
//! - a `dynamic` slot holds `[type JSON as bin, value]` (or nil, or unknown).
//!
//! Reading walks the bytes under the given type with bounds checks
//! everywhere: any input gives a value or an [`Error`], never a panic, and
//! no allocation grows beyond what the input really holds.

use super::{Error, Number, Path, PathStep, Type, Value};
use rmp::encode::{self as enc, ByteBuf};
use std::collections::BTreeMap;

/// Deepest nesting decoded (types nest only a few levels; dynamic values
/// could otherwise nest as deep as the input is long).
const MAX_DEPTH: usize = 256;

/// Most elements reserved ahead from a claimed array length.
const PREALLOCATE: usize = 64;

/// Decodes one msgpack value of type `ty`; trailing bytes are an error.
pub fn decode(bytes: &[u8], ty: &Type) -> Result<Value, Error> {
    let mut reader = Reader { bytes, pos: 0 };
    let value = reader.value(ty, &Path::root(), 0)?;
    if reader.pos != bytes.len() {
        return Err(Error::new(
            &Path::root(),
            format!(
                "{} bytes left over after the value",
                bytes.len() - reader.pos
            ),
        ));
    }
    Ok(value)
}

/// Encodes `value` as go-cty would for type `ty`.
///
/// Lenient where go-cty converts: a list, set or tuple value is accepted
/// for any of those types, a map or object value for a map or object type,
/// and a missing object attribute is written as null. An attribute not in
/// the type is an error.
pub fn encode(value: &Value, ty: &Type) -> Result<Vec<u8>, Error> {
    let mut buf = ByteBuf::new();
    write(&mut buf, value, ty, &Path::root())?;
    Ok(buf.into_vec())
}

/// What a marker byte starts, for "found ..." in messages.
fn found(marker: u8) -> &'static str {
    match marker {
        0x00..=0x7f | 0xcc..=0xd3 | 0xe0..=0xff => "an integer",
        0x80..=0x8f | 0xde | 0xdf => "a map",
        0x90..=0x9f | 0xdc | 0xdd => "an array",
        0xa0..=0xbf | 0xd9..=0xdb => "a string",
        0xc0 => "nil",
        0xc2 | 0xc3 => "a bool",
        0xc4..=0xc6 => "binary data",
        0xc7..=0xc9 | 0xd4..=0xd8 => "an extension",
        0xca | 0xcb => "a float",
        0xc1 => "the invalid marker 0xc1",
    }
}

fn is_ext(marker: u8) -> bool {
    matches!(marker, 0xc7..=0xc9 | 0xd4..=0xd8)
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn peek(&self, path: &Path) -> Result<u8, Error> {
        self.bytes
            .get(self.pos)
            .copied()
            .ok_or_else(|| Error::new(path, "unexpected end of msgpack input"))
    }

    fn take(&mut self, n: usize, path: &Path) -> Result<&'a [u8], Error> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&end| end <= self.bytes.len())
            .ok_or_else(|| Error::new(path, "unexpected end of msgpack input"))?;
        let slice = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(slice)
    }

    /// A big-endian unsigned integer of `n` bytes (1, 2, 4 or 8).
    fn uint(&mut self, n: usize, path: &Path) -> Result<u64, Error> {
        Ok(self
            .take(n, path)?
            .iter()
            .fold(0u64, |acc, &b| (acc << 8) | u64::from(b)))
    }

    fn value(&mut self, ty: &Type, path: &Path, depth: usize) -> Result<Value, Error> {
        if depth > MAX_DEPTH {
            return Err(Error::new(path, "value nested too deeply"));
        }
        let marker = self.peek(path)?;
        if is_ext(marker) {
            self.skip_ext(path)?;
            return Ok(Value::Unknown);
        }
        if *ty == Type::Dynamic {
            return self.dynamic(path, depth);
        }
        if marker == 0xc0 {
            self.pos += 1;
            return Ok(Value::Null);
        }
        match ty {
            Type::String => self.string(path, "a string").map(Value::String),
            Type::Number => self.number(path).map(Value::Number),
            Type::Bool => match marker {
                0xc2 | 0xc3 => {
                    self.pos += 1;
                    Ok(Value::Bool(marker == 0xc3))
                }
                _ => Err(Error::mismatch(path, "a bool", found(marker))),
            },
            Type::List(element) | Type::Set(element) => {
                let len = self.array_len(path, ty.expected())?;
                // Claimed lengths are not trusted: preallocate little, grow as elements arrive.
                let mut items = Vec::with_capacity(len.min(PREALLOCATE));
                for i in 0..len {
                    items.push(self.value(
                        element,
                        &path.join(PathStep::Index(i as u64)),
                        depth + 1,
                    )?);
                }
                Ok(if matches!(ty, Type::Set(_)) {
                    Value::Set(items)
                } else {
                    Value::List(items)
                })
            }
            Type::Tuple(elements) => {
                let len = self.array_len(path, "a tuple")?;
                if len != elements.len() {
                    return Err(Error::mismatch(
                        path,
                        &format!("a tuple of {} elements", elements.len()),
                        &format!("{len} elements"),
                    ));
                }
                let mut items = Vec::with_capacity(len);
                for (i, element) in elements.iter().enumerate() {
                    items.push(self.value(
                        element,
                        &path.join(PathStep::Index(i as u64)),
                        depth + 1,
                    )?);
                }
                Ok(Value::Tuple(items))
            }
            Type::Map(element) => {
                let len = self.map_len(path, "a map")?;
                let mut items = BTreeMap::new();
                for _ in 0..len {
                    let key = self.string(path, "a string map key")?;
                    let item =
                        self.value(element, &path.join(PathStep::Key(key.clone())), depth + 1)?;
                    items.insert(key, item);
                }
                Ok(Value::Map(items))
            }
            Type::Object(attrs) => {
                let len = self.map_len(path, "an object")?;
                let mut values = BTreeMap::new();
                for _ in 0..len {
                    let name = self.string(path, "a string attribute name")?;
                    let attr_path = path.join(PathStep::Attr(name.clone()));
                    let attr_ty = attrs.get(&name).ok_or_else(|| {
                        Error::new(&attr_path, "unsupported attribute: not in the schema")
                    })?;
                    let item = self.value(attr_ty, &attr_path, depth + 1)?;
                    values.insert(name, item);
                }
                // go-cty requires every attribute; a missing one reads as null.
                for name in attrs.keys() {
                    values.entry(name.clone()).or_insert(Value::Null);
                }
                Ok(Value::Object(values))
            }
            Type::Dynamic => self.dynamic(path, depth),
        }
    }

    /// Skips an ext value: its type code and body are not looked at.
    fn skip_ext(&mut self, path: &Path) -> Result<(), Error> {
        let marker = self.take(1, path)?[0];
        let body = match marker {
            0xd4 => 1,
            0xd5 => 2,
            0xd6 => 4,
            0xd7 => 8,
            0xd8 => 16,
            0xc7 => self.uint(1, path)? as usize,
            0xc8 => self.uint(2, path)? as usize,
            _ => self.uint(4, path)? as usize,
        };
        self.take(1 + body, path)?; // type code, then body
        Ok(())
    }

    /// `[type JSON, value]`; nil is a null of unknown type.
    fn dynamic(&mut self, path: &Path, depth: usize) -> Result<Value, Error> {
        if self.peek(path)? == 0xc0 {
            self.pos += 1;
            return Ok(Value::Null);
        }
        let len = self.array_len(path, "a dynamic value ([type, value])")?;
        if len != 2 {
            return Err(Error::mismatch(
                path,
                "a dynamic value as a 2-element array",
                &format!("{len} elements"),
            ));
        }
        let type_json = self.bytes_or_str(path)?;
        let ty = Type::from_json(type_json)
            .map_err(|e| Error::new(path, format!("dynamic value: {}", e.message)))?;
        self.value(&ty, path, depth + 1)
    }

    fn array_len(&mut self, path: &Path, expected: &str) -> Result<usize, Error> {
        let marker = self.peek(path)?;
        let len = match marker {
            0x90..=0x9f => {
                self.pos += 1;
                u64::from(marker & 0x0f)
            }
            0xdc | 0xdd => {
                self.pos += 1;
                self.uint(if marker == 0xdc { 2 } else { 4 }, path)?
            }
            _ => return Err(Error::mismatch(path, expected, found(marker))),
        };
        Ok(len as usize)
    }

    fn map_len(&mut self, path: &Path, expected: &str) -> Result<usize, Error> {
        let marker = self.peek(path)?;
        let len = match marker {
            0x80..=0x8f => {
                self.pos += 1;
                u64::from(marker & 0x0f)
            }
            0xde | 0xdf => {
                self.pos += 1;
                self.uint(if marker == 0xde { 2 } else { 4 }, path)?
            }
            _ => return Err(Error::mismatch(path, expected, found(marker))),
        };
        Ok(len as usize)
    }

    /// The payload of a str or bin value (go's `DecodeString` takes both).
    fn str_payload(&mut self, path: &Path) -> Result<Option<&'a [u8]>, Error> {
        let marker = self.peek(path)?;
        let len = match marker {
            0xa0..=0xbf => {
                self.pos += 1;
                usize::from(marker & 0x1f)
            }
            0xd9 | 0xc4 => {
                self.pos += 1;
                self.uint(1, path)? as usize
            }
            0xda | 0xc5 => {
                self.pos += 1;
                self.uint(2, path)? as usize
            }
            0xdb | 0xc6 => {
                self.pos += 1;
                self.uint(4, path)? as usize
            }
            _ => return Ok(None),
        };
        self.take(len, path).map(Some)
    }

    fn string(&mut self, path: &Path, expected: &str) -> Result<String, Error> {
        let marker = self.peek(path)?;
        let payload = self
            .str_payload(path)?
            .ok_or_else(|| Error::mismatch(path, expected, found(marker)))?;
        String::from_utf8(payload.to_vec())
            .map_err(|_| Error::new(path, "string is not valid UTF-8"))
    }

    fn bytes_or_str(&mut self, path: &Path) -> Result<&'a [u8], Error> {
        let marker = self.peek(path)?;
        self.str_payload(path)?.ok_or_else(|| {
            Error::mismatch(path, "the type of a dynamic value as bytes", found(marker))
        })
    }

    fn number(&mut self, path: &Path) -> Result<Number, Error> {
        let marker = self.peek(path)?;
        let number = match marker {
            0x00..=0x7f => {
                self.pos += 1;
                Number::from(i64::from(marker))
            }
            0xe0..=0xff => {
                self.pos += 1;
                Number::from(i64::from(marker as i8))
            }
            0xcc..=0xcf => {
                self.pos += 1;
                Number::from(self.uint(1 << (marker - 0xcc), path)?)
            }
            0xd0..=0xd3 => {
                self.pos += 1;
                let n = 1 << (marker - 0xd0);
                let raw = self.uint(n, path)?;
                // Sign-extend from n bytes.
                let shift = 64 - 8 * n as u32;
                Number::from(((raw << shift) as i64) >> shift)
            }
            0xca => {
                self.pos += 1;
                let f = f32::from_bits(self.uint(4, path)? as u32);
                Number::from_f64(f64::from(f))
                    .ok_or_else(|| Error::new(path, "NaN is not a number"))?
            }
            0xcb => {
                self.pos += 1;
                let f = f64::from_bits(self.uint(8, path)?);
                Number::from_f64(f).ok_or_else(|| Error::new(path, "NaN is not a number"))?
            }
            _ => {
                let text = self.string(path, "a number").map_err(|e| {
                    if e.message.starts_with("expected") {
                        Error::mismatch(path, "a number", found(marker))
                    } else {
                        e
                    }
                })?;
                Number::parse(&text).ok_or_else(|| {
                    Error::mismatch(path, "a number", &format!("the string {text:?}"))
                })?
            }
        };
        Ok(number)
    }
}

/// Writing to a `ByteBuf` cannot fail; this drops the `Infallible` error.
fn ok<T, E>(_: Result<T, E>) {}

fn len_u32(len: usize, path: &Path) -> Result<u32, Error> {
    u32::try_from(len).map_err(|_| Error::new(path, "too many elements for msgpack"))
}

fn write(buf: &mut ByteBuf, value: &Value, ty: &Type, path: &Path) -> Result<(), Error> {
    match (value, ty) {
        (Value::Unknown, _) => {
            // go-cty's unrefined unknown: fixext1, type 0, body 0.
            ok(enc::write_ext_meta(buf, 1, 0));
            ok(enc::write_pfix(buf, 0));
        }
        (Value::Null, _) => ok(enc::write_nil(buf)),
        (_, Type::Dynamic) => {
            let actual = Type::infer(value, path)?;
            ok(enc::write_array_len(buf, 2));
            ok(enc::write_bin(buf, &actual.to_json()));
            write(buf, value, &actual, path)?;
        }
        (Value::String(s), Type::String) => ok(enc::write_str(buf, s)),
        (Value::Bool(b), Type::Bool) => ok(enc::write_bool(buf, *b)),
        (Value::Number(n), Type::Number) => write_number(buf, n),
        (
            Value::List(items) | Value::Set(items) | Value::Tuple(items),
            Type::List(element) | Type::Set(element),
        ) => {
            ok(enc::write_array_len(buf, len_u32(items.len(), path)?));
            for (i, item) in items.iter().enumerate() {
                write(buf, item, element, &path.join(PathStep::Index(i as u64)))?;
            }
        }
        (Value::List(items) | Value::Set(items) | Value::Tuple(items), Type::Tuple(elements)) => {
            if items.len() != elements.len() {
                return Err(Error::mismatch(
                    path,
                    &format!("a tuple of {} elements", elements.len()),
                    &format!("{} elements", items.len()),
                ));
            }
            ok(enc::write_array_len(buf, len_u32(items.len(), path)?));
            for (i, (item, element)) in items.iter().zip(elements).enumerate() {
                write(buf, item, element, &path.join(PathStep::Index(i as u64)))?;
            }
        }
        (Value::Map(items) | Value::Object(items), Type::Map(element)) => {
            ok(enc::write_map_len(buf, len_u32(items.len(), path)?));
            for (key, item) in items {
                ok(enc::write_str(buf, key));
                write(buf, item, element, &path.join(PathStep::Key(key.clone())))?;
            }
        }
        (Value::Map(items) | Value::Object(items), Type::Object(attrs)) => {
            if let Some(extra) = items.keys().find(|k| !attrs.contains_key(*k)) {
                return Err(Error::new(
                    &path.join(PathStep::Attr(extra.clone())),
                    "unsupported attribute: not in the schema",
                ));
            }
            ok(enc::write_map_len(buf, len_u32(attrs.len(), path)?));
            for (name, attr_ty) in attrs {
                ok(enc::write_str(buf, name));
                write(
                    buf,
                    items.get(name).unwrap_or(&Value::Null),
                    attr_ty,
                    &path.join(PathStep::Attr(name.clone())),
                )?;
            }
        }
        _ => return Err(Error::mismatch(path, ty.expected(), value.kind())),
    }
    Ok(())
}

/// go-cty `marshal`: an int if it is one, a float64 if exact and not an
/// integer, otherwise the decimal text; infinities as float64.
fn write_number(buf: &mut ByteBuf, n: &Number) {
    if let Some(i) = n.as_i64() {
        ok(enc::write_sint(buf, i));
    } else if n.is_infinite() {
        ok(enc::write_f64(buf, n.as_f64()));
    } else if let Some(f) = n.exact_f64() {
        ok(enc::write_f64(buf, f));
    } else {
        ok(enc::write_str(buf, &n.to_string()));
    }
}
