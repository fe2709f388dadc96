//! AMD SEV-SNP revocation: the CRL an ARK issues (AMD's KDS serves it at
//! `/vcek/v1/<product>/crl`), which lists the ASKs and ASVKs that ARK has revoked.
//!
//! Owns: reading the CRL (DER, or PEM "X509 CRL"), its issuer and RSASSA-PSS SHA-384
//! signature against the ARK the evidence's chain verified under, its window at the pinned
//! time, and whether the chain's ASK (or ASVK) is listed. Does not own fetching a CRL (replay
//! is offline: a capture carries the CRL it is appraised with) nor the VCEK or VLEK, which
//! AMD revokes by no CRL.

use rsa::pkcs8::DecodePublicKey;
use x509_cert::Certificate;
use x509_cert::crl::CertificateList;
use x509_cert::der::{Decode, Encode};

/// RSASSA-PSS (RFC 4055), the only signature AMD's ARKs make.
const RSASSA_PSS: &str = "1.2.840.113549.1.1.10";
/// The CRL extensions understood here (CRL Number, Authority Key Identifier: the two AMD's
/// CRLs carry). A critical extension outside them (an Issuing Distribution Point narrowing
/// the CRL's scope, a Delta CRL Indicator) is refused, as RFC 5280 §5.2 requires.
const UNDERSTOOD: [&str; 2] = ["2.5.29.20", "2.5.29.35"];

/// The bytes of the first element inside a DER SEQUENCE (for a CRL, its tbsCertList exactly
/// as signed), or None when `der` is not a SEQUENCE holding one.
fn first_element(der: &[u8]) -> Option<&[u8]> {
    fn header(b: &[u8]) -> Option<(usize, usize)> {
        let first = *b.get(1)?;
        if first < 0x80 {
            return Some((2, usize::from(first)));
        }
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 {
            return None;
        }
        let len = b
            .get(2..2 + n)?
            .iter()
            .fold(0usize, |acc, x| (acc << 8) | usize::from(*x));
        Some((2 + n, len))
    }
    if der.first() != Some(&0x30) {
        return None;
    }
    let (outer_head, _) = header(der)?;
    let inner = der.get(outer_head..)?;
    let (head, len) = header(inner)?;
    inner.get(..head.checked_add(len)?)
}

/// The CRL's DER from DER or PEM bytes.
fn crl_der(bytes: &[u8]) -> Option<Vec<u8>> {
    if bytes.starts_with(b"-----BEGIN") {
        crate::pem::decode(bytes, "X509 CRL")
    } else {
        Some(bytes.to_vec())
    }
}

/// Whether `crl` (DER or PEM) is a CRL `ark` issued and signed, current at `at`, that does
/// not list `ask`: (passed, what was found).
pub fn check(crl: &[u8], ark: &Certificate, ask: &Certificate, at: i64) -> (bool, String) {
    let Some(der) = crl_der(crl) else {
        return (false, "the CRL is not PEM \"X509 CRL\" text".into());
    };
    let Ok(list) = CertificateList::from_der(&der) else {
        return (false, "the CRL is not a DER CertificateList".into());
    };
    let tbs = &list.tbs_cert_list;
    if tbs.issuer != ark.tbs_certificate.subject {
        return (
            false,
            format!(
                "the CRL is issued by {}, not by the chain's ARK ({})",
                tbs.issuer, ark.tbs_certificate.subject
            ),
        );
    }
    let signed = list.signature_algorithm.oid.to_string() == RSASSA_PSS
        && first_element(&der).is_some_and(|tbs_bytes| pss_sha384_verifies(ark, tbs_bytes, list.signature.raw_bytes()));
    if !signed {
        return (
            false,
            "the CRL's RSASSA-PSS SHA-384 signature does not verify under the ARK".into(),
        );
    }
    let critical: Vec<String> = tbs
        .crl_extensions
        .iter()
        .flatten()
        .filter(|e| e.critical && !UNDERSTOOD.contains(&e.extn_id.to_string().as_str()))
        .map(|e| e.extn_id.to_string())
        .collect();
    if !critical.is_empty() {
        return (
            false,
            format!(
                "the CRL has critical extensions not understood here: {}",
                critical.join(", ")
            ),
        );
    }
    let this_update = tbs.this_update.to_unix_duration().as_secs() as i64;
    // Without nextUpdate a CRL says nothing about how long it holds (RFC 5280 §5.1.2.5
    // requires the field): it is refused rather than taken as current forever.
    let Some(next_update) = tbs.next_update.map(|t| t.to_unix_duration().as_secs() as i64) else {
        return (false, "the CRL has no nextUpdate".into());
    };
    let window = format!(
        "thisUpdate {} to nextUpdate {}",
        trace_record::time::format_utc(this_update),
        trace_record::time::format_utc(next_update)
    );
    if at < this_update || at >= next_update {
        return (false, format!("the CRL is not current at the pinned time ({window})"));
    }
    let serial = &ask.tbs_certificate.serial_number;
    let revoked = tbs.revoked_certificates.as_deref().unwrap_or_default();
    if revoked.iter().any(|r| &r.serial_number == serial) {
        return (
            false,
            format!("the CRL ({window}) revokes the chain's ASK, serial {serial}"),
        );
    }
    (
        true,
        format!(
            "signed by the ARK, current ({window}), {} revoked, the chain's ASK (serial {serial}) not among them",
            revoked.len()
        ),
    )
}

fn pss_sha384_verifies(ark: &Certificate, message: &[u8], signature: &[u8]) -> bool {
    use rsa::signature::Verifier;
    let Ok(spki) = ark.tbs_certificate.subject_public_key_info.to_der() else {
        return false;
    };
    let Ok(key) = rsa::RsaPublicKey::from_public_key_der(&spki) else {
        return false;
    };
    let vk = rsa::pss::VerifyingKey::<sha2_010::Sha384>::new(key);
    rsa::pss::Signature::try_from(signature).is_ok_and(|s| vk.verify(message, &s).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signed_part_is_the_first_element_of_the_outer_sequence() {
        // SEQUENCE { SEQUENCE { INTEGER 5 }, NULL }
        let der = [0x30, 0x07, 0x30, 0x03, 0x02, 0x01, 0x05, 0x05, 0x00];
        assert_eq!(first_element(&der), Some(&der[2..7]));
        // Long-form lengths.
        let mut long = vec![0x30, 0x81, 0x85, 0x30, 0x81, 0x80];
        long.extend([0u8; 0x80]);
        long.extend([0x05, 0x00]);
        assert_eq!(first_element(&long).map(<[u8]>::len), Some(0x83));
        // Not a SEQUENCE, truncated, or an absurd length: none.
        assert_eq!(first_element(&[0x31, 0x02, 0x30, 0x00]), None);
        assert_eq!(first_element(&[0x30, 0x05, 0x30, 0x09, 0x02]), None);
        assert_eq!(first_element(&[0x30, 0x85, 1, 1, 1, 1, 1]), None);
        assert_eq!(first_element(&[]), None);
    }
}
