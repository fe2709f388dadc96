//! Canonical base64url without padding (RFC 4648 §5; RFC 7515 §2 "Base64url Encoding").
//!
//! Owns: the one spelling accepted for every binary member (signatures, JWK coordinates,
//! JWS segments): alphabet `A-Z a-z 0-9 - _`, no `=`, no whitespace, length mod 4 ≠ 1, and
//! unused low bits of the last character zero. Exactly one string decodes to a given byte
//! string, which keeps signatures from being malleable in their encoding.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Why a string is not canonical base64url.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum B64Error {
    /// A character outside the URL-safe alphabet (including `=` padding and whitespace).
    Alphabet,
    /// A length that no byte string encodes to, or non-zero unused trailing bits.
    NonCanonical,
}

pub fn encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn decode(text: &str) -> Result<Vec<u8>, B64Error> {
    if !text
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(B64Error::Alphabet);
    }
    // The engine refuses padding, a length of 1 mod 4 and non-zero trailing bits.
    let bytes = URL_SAFE_NO_PAD.decode(text).map_err(|_| B64Error::NonCanonical)?;
    debug_assert_eq!(encode(&bytes), text);
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_only_the_canonical_spelling() {
        assert_eq!(decode("AQID").unwrap(), [1, 2, 3]);
        assert_eq!(decode("AQI").unwrap(), [1, 2]);
        assert_eq!(decode("").unwrap(), Vec::<u8>::new());
        assert_eq!(decode("AQI="), Err(B64Error::Alphabet));
        assert_eq!(decode("AQ+/"), Err(B64Error::Alphabet));
        assert_eq!(decode("AQ I"), Err(B64Error::Alphabet));
        assert_eq!(decode("AQJ"), Err(B64Error::NonCanonical)); // low bits of 'J' set
        assert_eq!(decode("AQIDB"), Err(B64Error::NonCanonical)); // length 1 mod 4
    }

    #[test]
    fn every_byte_string_round_trips() {
        for n in 0..70u8 {
            let bytes: Vec<u8> = (0..n).map(|i| i.wrapping_mul(37).wrapping_add(n)).collect();
            assert_eq!(decode(&encode(&bytes)).unwrap(), bytes);
        }
    }
}
