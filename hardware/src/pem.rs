//! PEM (RFC 7468) decoded here, to DER, before any ASN.1 parser sees it: the text between
//! `-----BEGIN <label>-----` and the matching `-----END <label>-----`, whitespace dropped,
//! standard base64.
//!
//! Owns: finding and decoding the blocks, in one pass that always advances. Does not parse
//! the DER. Exists because the `der` crate's PEM reader does not advance at the end of a
//! short input: a 58-byte certificate (`MA==` between the markers) looped it forever.

use base64::Engine as _;

/// The DER of every block labelled `label`, in order; a block that does not decode is left
/// out.
pub fn decode_all(bytes: &[u8], label: &str) -> Vec<Vec<u8>> {
    // Text around the blocks may be anything; the blocks themselves are ASCII.
    let text = String::from_utf8_lossy(bytes);
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let mut out = Vec::new();
    let mut rest = text.as_ref();
    while let Some(at) = rest.find(&begin) {
        let body_start = at + begin.len();
        let Some(len) = rest[body_start..].find(&end) else {
            break;
        };
        let body: String = rest[body_start..body_start + len]
            .chars()
            .filter(|c| !c.is_ascii_whitespace())
            .collect();
        if let Ok(der) = base64::engine::general_purpose::STANDARD.decode(body) {
            out.push(der);
        }
        rest = &rest[body_start + len + end.len()..];
    }
    out
}

/// The DER of the first block labelled `label` that decodes.
pub fn decode(bytes: &[u8], label: &str) -> Option<Vec<u8>> {
    decode_all(bytes, label).into_iter().next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_decode_in_order_and_broken_ones_are_skipped() {
        let text = b"junk\n-----BEGIN CERTIFICATE-----\nAAEC\n-----END CERTIFICATE-----\n\
            -----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n\
            -----BEGIN CERTIFICATE-----\r\nAw==\r\n-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\nAA";
        assert_eq!(decode_all(text, "CERTIFICATE"), vec![vec![0, 1, 2], vec![3]]);
        assert_eq!(decode(text, "PUBLIC KEY"), None);
    }

    #[test]
    fn the_short_certificate_that_hung_the_der_reader_is_one_byte() {
        let pem = b"-----BEGIN CERTIFICATE-----\nMA==\n-----END CERTIFICATE-----";
        assert_eq!(pem.len(), 58);
        assert_eq!(decode(pem, "CERTIFICATE"), Some(vec![0x30]));
        assert!(crate::x509::parse(pem).is_none());
    }
}
