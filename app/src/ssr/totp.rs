//! The CMS second factor's rules: RFC 6238 time-based one-time passwords
//! (HMAC-SHA1, 6 digits, 30-second steps: what every authenticator app
//! reads from an `otpauth://` link), the secret's base32 form, and the
//! recovery codes. Pure functions; the service (`services::second_factor`)
//! stores and checks.
//!
//! Written here rather than taken from a TOTP crate: the rule is twenty
//! lines over RustCrypto's `hmac` and `sha1`, proven below against the
//! RFC's own test vectors.

use hmac::{Hmac, Mac};
use sha1::Sha1;

/// Seconds per step (RFC 6238's default; authenticator apps assume it).
pub const STEP_SECS: i64 = 30;
/// Digits of a code.
pub const DIGITS: u32 = 6;
const CODE_LEN: usize = 6;
/// 160 random bits: the HMAC-SHA1 key length RFC 4226 recommends.
pub const SECRET_BYTES: usize = 20;
/// Recovery codes handed out at once.
pub const RECOVERY_CODES: usize = 10;
/// Bytes of a recovery code: 80 random bits, 16 base32 characters, too
/// many to guess, so an unsalted SHA-256 is a safe way to store them.
const RECOVERY_BYTES: usize = 10;

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// RFC 4226's HOTP value of `counter`, `digits` long.
pub fn hotp(secret: &[u8], counter: u64, digits: u32) -> u32 {
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(secret) else {
        // HMAC takes a key of any length; unreachable.
        return 0;
    };
    mac.update(&counter.to_be_bytes());
    let hash = mac.finalize().into_bytes();
    let offset = usize::from(hash[19] & 0x0f);
    let value = u32::from_be_bytes([
        hash[offset] & 0x7f,
        hash[offset + 1],
        hash[offset + 2],
        hash[offset + 3],
    ]);
    value % 10u32.pow(digits)
}

/// The step a moment (Unix seconds) falls in.
pub fn step_at(unix_secs: i64) -> i64 {
    unix_secs.div_euclid(STEP_SECS)
}

/// The 6-digit code of `step`, zero-padded as the apps show it.
pub fn code_at(secret: &[u8], step: i64) -> String {
    let counter = u64::try_from(step).unwrap_or(0);
    format!("{:0CODE_LEN$}", hotp(secret, counter, DIGITS))
}

/// The step whose code `code` is, if it is the current step's or one
/// step either side (a phone's clock drifts), and later than `last_used`
/// (a code is used once: one seen by someone looking over a shoulder is
/// worthless after).
pub fn matching_step(
    secret: &[u8],
    code: &str,
    now_step: i64,
    last_used: Option<i64>,
) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != CODE_LEN || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    (now_step - 1..=now_step + 1)
        .filter(|step| last_used.is_none_or(|last| *step > last))
        .find(|step| same(code_at(secret, *step).as_bytes(), code.as_bytes()))
}

/// Compares without stopping at the first difference.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// RFC 4648 base32 without padding, as `otpauth://` links carry secrets.
pub fn base32(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(5) {
        let mut block = [0u8; 5];
        block[..chunk.len()].copy_from_slice(chunk);
        let bits = block.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
        let chars = (chunk.len() * 8).div_ceil(5);
        for i in 0..chars {
            let index = usize::try_from((bits >> (35 - 5 * i)) & 31).unwrap_or(0);
            out.push(char::from(BASE32[index]));
        }
    }
    out
}

/// The bytes of a base32 text (case, spaces and padding ignored); `None`
/// for a character outside the alphabet.
pub fn from_base32(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut bits, mut count) = (0u64, 0u32);
    for c in text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '=' && *c != '-')
    {
        let value = BASE32
            .iter()
            .position(|b| char::from(*b) == c.to_ascii_uppercase())?;
        bits = (bits << 5) | u64::try_from(value).unwrap_or(0);
        count += 5;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count).to_be_bytes()[7]);
        }
    }
    Some(out)
}

/// The secret in groups of four, easier to type into an app by hand.
pub fn grouped(secret_base32: &str) -> String {
    secret_base32
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

fn percent_encoded(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'@' => {
                out.push(char::from(b));
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The link an authenticator app reads (Google's Key URI format, which
/// every app follows): `otpauth://totp/<Shop>:<email>?secret=…&issuer=…`.
pub fn otpauth_uri(issuer: &str, account: &str, secret_base32: &str) -> String {
    let issuer = percent_encoded(issuer);
    format!(
        "otpauth://totp/{issuer}:{}?secret={secret_base32}&issuer={issuer}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECS}",
        percent_encoded(account)
    )
}

/// A recovery code as shown: four groups of four base32 characters.
pub fn recovery_code(random: &[u8; RECOVERY_BYTES]) -> String {
    base32(random)
        .to_lowercase()
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// A recovery code as typed, reduced to what is stored hashed: lower case,
/// without dashes and spaces. `None` when it cannot be one.
pub fn normalized_recovery_code(typed: &str) -> Option<String> {
    let code: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    (code.len() == base32(&[0; RECOVERY_BYTES]).len() && from_base32(&code).is_some())
        .then_some(code)
}

/// Random bytes for a secret or a recovery code.
pub fn random<const N: usize>() -> Result<[u8; N], crate::error::AppError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| {
        tracing::error!(error = %e, "no randomness available");
        crate::error::AppError::Internal
    })?;
    Ok(bytes)
}

/// Ten fresh recovery codes, as shown once.
pub fn new_recovery_codes() -> Result<Vec<String>, crate::error::AppError> {
    (0..RECOVERY_CODES)
        .map(|_| random::<RECOVERY_BYTES>().map(|bytes| recovery_code(&bytes)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const RFC_SECRET: &[u8] = b"12345678901234567890";

    #[test]
    fn rfc_6238_sha1_test_vectors() {
        // RFC 6238 appendix B, the SHA-1 column (8 digits).
        for (time, expected) in [
            (59, 94_287_082),
            (1_111_111_109, 7_081_804),
            (1_111_111_111, 14_050_471),
            (1_234_567_890, 89_005_924),
            (2_000_000_000, 69_279_037),
            (20_000_000_000, 65_353_130),
        ] {
            let step = u64::try_from(step_at(time)).unwrap_or(0);
            assert_eq!(hotp(RFC_SECRET, step, 8), expected, "T = {time}");
        }
        // The apps show the last six digits, zero-padded.
        assert_eq!(code_at(RFC_SECRET, step_at(1_111_111_109)), "081804");
        assert_eq!(code_at(RFC_SECRET, step_at(1_234_567_890)), "005924");
    }

    #[test]
    fn rfc_4226_hotp_test_vectors() {
        let expected = [755_224, 287_082, 359_152, 969_429, 338_314];
        for (counter, value) in (0u64..).zip(expected) {
            assert_eq!(hotp(RFC_SECRET, counter, 6), value);
        }
    }

    #[test]
    fn a_code_counts_one_step_either_side_and_only_once() {
        let now = step_at(1_234_567_890);
        for step in [now - 1, now, now + 1] {
            let code = code_at(RFC_SECRET, step);
            assert_eq!(matching_step(RFC_SECRET, &code, now, None), Some(step));
        }
        let old = code_at(RFC_SECRET, now - 2);
        assert_eq!(matching_step(RFC_SECRET, &old, now, None), None);
        let code = code_at(RFC_SECRET, now);
        assert_eq!(
            matching_step(RFC_SECRET, &code, now, Some(now)),
            None,
            "reused"
        );
        assert_eq!(
            matching_step(RFC_SECRET, &code_at(RFC_SECRET, now - 1), now, Some(now)),
            None,
            "older than the last one used"
        );
        assert_eq!(
            matching_step(RFC_SECRET, &code_at(RFC_SECRET, now + 1), now, Some(now)),
            Some(now + 1)
        );
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        assert_eq!(matching_step(RFC_SECRET, &spaced, now, None), Some(now));
        assert_eq!(matching_step(RFC_SECRET, "12345", now, None), None);
        assert_eq!(matching_step(RFC_SECRET, "abcdef", now, None), None);
    }

    #[test]
    fn base32_round_trips_as_rfc_4648_says() {
        assert_eq!(base32(b"foobar"), "MZXW6YTBOI");
        assert_eq!(base32(RFC_SECRET), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(from_base32("mzxw 6ytb oi").as_deref(), Some(&b"foobar"[..]));
        assert_eq!(from_base32("MZX1"), None);
        let secret = [7u8; SECRET_BYTES];
        assert_eq!(from_base32(&base32(&secret)).as_deref(), Some(&secret[..]));
        assert_eq!(base32(&secret).len(), 32);
        assert_eq!(grouped("ABCDEFGH"), "ABCD EFGH");
    }

    #[test]
    fn the_link_names_the_shop_and_the_member() {
        assert_eq!(
            otpauth_uri("De Winkel", "jan@example.nl", "MZXW6YTBOI"),
            "otpauth://totp/De%20Winkel:jan@example.nl?secret=MZXW6YTBOI&issuer=De%20Winkel&algorithm=SHA1&digits=6&period=30"
        );
    }

    #[test]
    fn recovery_codes_are_typed_forgivingly() {
        let code = recovery_code(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        assert_eq!(code.len(), 19);
        assert_eq!(code.matches('-').count(), 3);
        let plain = code.replace('-', "");
        assert_eq!(
            normalized_recovery_code(&code).as_deref(),
            Some(plain.as_str())
        );
        assert_eq!(
            normalized_recovery_code(&format!(" {} ", code.to_uppercase())).as_deref(),
            Some(plain.as_str())
        );
        assert_eq!(normalized_recovery_code("123456"), None);
        assert_eq!(normalized_recovery_code("0000-0000-0000-0000"), None);
        let codes = new_recovery_codes().unwrap_or_default();
        assert_eq!(codes.len(), RECOVERY_CODES);
        assert_ne!(codes[0], codes[1]);
    }
}
