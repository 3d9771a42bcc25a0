//! Generated identifiers: token ids, client ids and client secrets.
//!
//! All randomness comes from one [`StdRng`], seeded when the test asks for
//! reproducible ids and from the OS otherwise.

use rand::rngs::StdRng;
use rand::{Rng, RngCore, SeedableRng};

/// The prefix of the current client secret format (since 2026-08-26).
pub const SECRET_PREFIX: &str = "cfast_";
/// Number of random alphanumerics after [`SECRET_PREFIX`].
pub const SECRET_RANDOM_LEN: usize = 40;
/// Length of the trailing checksum.
pub const SECRET_CHECKSUM_LEN: usize = 8;

const ALPHANUMERIC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// Source of every random identifier the emulator hands out.
pub struct IdGen {
    rng: StdRng,
}

impl IdGen {
    /// Reproducible with `Some(seed)`, random otherwise.
    pub fn new(seed: Option<u64>) -> IdGen {
        let rng = match seed {
            Some(seed) => StdRng::seed_from_u64(seed),
            None => StdRng::from_os_rng(),
        };
        IdGen { rng }
    }

    /// A random (version 4) UUID in its lowercase hyphenated form.
    pub fn uuid_v4(&mut self) -> String {
        let mut b = [0u8; 16];
        self.rng.fill_bytes(&mut b);
        b[6] = (b[6] & 0x0f) | 0x40; // version 4
        b[8] = (b[8] & 0x3f) | 0x80; // RFC 4122 variant
        let h = hex(&b);
        format!(
            "{}-{}-{}-{}-{}",
            &h[0..8],
            &h[8..12],
            &h[12..16],
            &h[16..20],
            &h[20..32]
        )
    }

    /// `<32 lowercase hex>.access`, the shape the API gives client ids.
    pub fn client_id(&mut self) -> String {
        let mut b = [0u8; 16];
        self.rng.fill_bytes(&mut b);
        format!("{}.access", hex(&b))
    }

    /// A client secret: `cfast_` + 40 alphanumerics + an 8-character checksum.
    ///
    /// The checksum is the CRC-32 (IEEE) of everything before it
    /// (`cfast_` and the 40 characters) as 8 lowercase hex digits, so a secret
    /// can be recognised (e.g. by leak scanners) without a lookup; see
    /// [`is_well_formed_secret`].
    pub fn client_secret(&mut self) -> String {
        let mut body = String::with_capacity(SECRET_PREFIX.len() + SECRET_RANDOM_LEN);
        body.push_str(SECRET_PREFIX);
        for _ in 0..SECRET_RANDOM_LEN {
            body.push(ALPHANUMERIC[self.rng.random_range(0..ALPHANUMERIC.len())] as char);
        }
        let sum = crc32(body.as_bytes());
        format!("{body}{sum:08x}")
    }
}

/// True if `s` has the client secret format and its checksum matches.
pub fn is_well_formed_secret(s: &str) -> bool {
    let expected_len = SECRET_PREFIX.len() + SECRET_RANDOM_LEN + SECRET_CHECKSUM_LEN;
    if s.len() != expected_len || !s.starts_with(SECRET_PREFIX) {
        return false;
    }
    let (body, sum) = s.split_at(SECRET_PREFIX.len() + SECRET_RANDOM_LEN);
    body[SECRET_PREFIX.len()..]
        .bytes()
        .all(|c| c.is_ascii_alphanumeric())
        && sum == format!("{:08x}", crc32(body.as_bytes()))
}

/// True for a lowercase or uppercase hyphenated UUID (`8-4-4-4-12` hex digits).
pub fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|c| c.is_ascii_hexdigit()))
}

/// True for an account or zone id: exactly 32 hex digits.
pub fn is_object_id(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|c| c.is_ascii_hexdigit())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), bitwise: secrets are short.
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= byte as u32;
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_matches_the_standard_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn generated_values_have_the_documented_shapes() {
        let mut ids = IdGen::new(Some(7));
        let secret = ids.client_secret();
        assert!(is_well_formed_secret(&secret), "{secret}");
        assert_eq!(secret.len(), 54);
        let uuid = ids.uuid_v4();
        assert!(is_uuid(&uuid));
        assert_eq!(&uuid[14..15], "4");
        let client_id = ids.client_id();
        assert!(client_id.ends_with(".access") && is_object_id(&client_id[..32]));
        let mut tampered = secret.clone();
        tampered.replace_range(10..11, if &secret[10..11] == "a" { "b" } else { "a" });
        assert!(!is_well_formed_secret(&tampered));
    }

    #[test]
    fn a_seed_makes_ids_reproducible() {
        let (mut a, mut b) = (IdGen::new(Some(42)), IdGen::new(Some(42)));
        assert_eq!(a.uuid_v4(), b.uuid_v4());
        assert_eq!(a.client_secret(), b.client_secret());
    }
}
