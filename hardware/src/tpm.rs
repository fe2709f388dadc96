//! TPM 2.0 quotes: a `TPMS_ATTEST` of type `TPM_ST_ATTEST_QUOTE`, its RSASSA-PKCS1-v1_5
//! SHA-256 signature by an attestation key (AK), and the AK's certificate when there is one.
//!
//! Owns: the `TPMS_ATTEST` structure (magic, type, qualified signer, `extraData`, clock,
//! firmware, PCR selection, `pcrDigest`), the signature with the supplied AK, `extraData`
//! against the nonce, and whether an AK certificate certifies this AK. A quote whose AK has no
//! certificate chain to a pinned root proves nothing about hardware: it is `unverifiable` at
//! best, never `valid`. [`appraise_with_root`] takes the AK certificate and its CA pinned by
//! SHA-256 (the project's synthetic TPM CA; no vendor AK CA is pinned yet).

use crate::CheckName;
use crate::{Appraisal, Verdict, hex, push, x509};

const MAGIC: u32 = 0xff54_4347;
const ST_ATTEST_QUOTE: u16 = 0x8018;

struct Reader<'a>(&'a [u8]);
impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (h, t) = (self.0.get(..n)?, self.0.get(n..)?);
        self.0 = t;
        Some(h)
    }
    fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }
    fn u16(&mut self) -> Option<u16> {
        Some(u16::from_be_bytes(self.take(2)?.try_into().ok()?))
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_be_bytes(self.take(4)?.try_into().ok()?))
    }
    fn sized(&mut self) -> Option<&'a [u8]> {
        let n = self.u16()?;
        self.take(n.into())
    }
}

/// The fields of a quote TRACE uses.
pub struct Quote {
    pub extra_data: Vec<u8>,
    /// The selected PCR indices (of the first selection), ascending.
    pub selected: Vec<usize>,
    pub pcr_digest: Vec<u8>,
}

pub fn parse_quote(b: &[u8]) -> Option<Quote> {
    let mut r = Reader(b);
    if r.u32()? != MAGIC || r.u16()? != ST_ATTEST_QUOTE {
        return None;
    }
    r.sized()?; // qualifiedSigner
    let extra_data = r.sized()?.to_vec();
    r.take(17)?; // clockInfo
    r.take(8)?; // firmwareVersion
    let mut selected = Vec::new();
    for i in 0..r.u32()? {
        r.u16()?; // hash
        let n = r.u8()?;
        let bits = r.take(n.into())?;
        if i == 0 {
            selected = (0..bits.len() * 8)
                .filter(|b| bits[b / 8] & (1 << (b % 8)) != 0)
                .collect();
        }
    }
    let pcr_digest = r.sized()?.to_vec();
    r.0.is_empty().then_some(Quote {
        extra_data,
        selected,
        pcr_digest,
    })
}

/// The signature bytes: raw, or inside a marshalled `TPMT_SIGNATURE` (sigAlg, hash, size).
pub fn raw_signature(sig: &[u8]) -> &[u8] {
    if sig.len() > 6 && usize::from(u16::from_be_bytes([sig[4], sig[5]])) == sig.len() - 6 {
        &sig[6..]
    } else {
        sig
    }
}

/// The quote's own checks: structure, signature with the AK, extraData against the nonce.
/// Err when the quote does not even parse (the appraisal is then final).
fn check_quote(
    quote: &[u8],
    signature: &[u8],
    ak_pem: &[u8],
    nonce_hex: Option<&[u8]>,
) -> Result<(Appraisal, Option<rsa::RsaPublicKey>), Appraisal> {
    let mut a = Appraisal::invalid();
    let Some(q) = parse_quote(quote) else {
        push(
            &mut a.checks,
            CheckName::TpmsAttest,
            false,
            "not a TPMS_ATTEST quote (magic, type or lengths)",
        );
        return Err(a);
    };
    push(&mut a.checks, CheckName::TpmsAttest, true, "TPM_ST_ATTEST_QUOTE");
    a.report_data = Some(hex(&q.extra_data));
    if q.pcr_digest.len() == 32 {
        a.measurement = Some(format!("sha256:{}", hex(&q.pcr_digest)));
    }
    use rsa::pkcs8::DecodePublicKey;
    let key =
        crate::pem::decode(ak_pem, "PUBLIC KEY").and_then(|der| rsa::RsaPublicKey::from_public_key_der(&der).ok());
    let sig_ok = key.as_ref().is_some_and(|k| {
        use rsa::signature::Verifier;
        let vk = rsa::pkcs1v15::VerifyingKey::<sha2_010::Sha256>::new(k.clone());
        rsa::pkcs1v15::Signature::try_from(raw_signature(signature)).is_ok_and(|s| vk.verify(quote, &s).is_ok())
    });
    push(
        &mut a.checks,
        CheckName::Signature,
        sig_ok,
        "RSASSA-PKCS1-v1_5/SHA-256 over the TPMS_ATTEST with the supplied AK",
    );
    if let Some(n) = nonce_hex {
        let want = String::from_utf8_lossy(n).trim().to_ascii_lowercase();
        push(
            &mut a.checks,
            CheckName::Nonce,
            hex(&q.extra_data) == want,
            "extraData equals the verifier's nonce",
        );
    }
    Ok((a, key))
}

/// Whether `cert` is a certificate for this very AK.
fn certifies(cert: &x509_cert::Certificate, key: Option<&rsa::RsaPublicKey>) -> bool {
    use rsa::pkcs8::EncodePublicKey;
    use x509_cert::der::Encode;
    let spki = cert
        .tbs_certificate
        .subject_public_key_info
        .to_der()
        .unwrap_or_default();
    key.is_some_and(|k| k.to_public_key_der().is_ok_and(|d| d.as_bytes() == spki.as_slice()))
}

/// Appraises a quote with its AK (SPKI PEM), the expected nonce (hex) and an optional AK
/// certificate. No TPM vendor CA is pinned, so this is `unverifiable` at best.
pub fn appraise(
    quote: &[u8],
    signature: &[u8],
    ak_pem: &[u8],
    nonce_hex: Option<&[u8]>,
    ak_cert: Option<&[u8]>,
) -> Appraisal {
    let (mut a, key) = match check_quote(quote, signature, ak_pem, nonce_hex) {
        Ok(checked) => checked,
        Err(a) => return a,
    };
    // Only a certificate for this very AK could chain it to a vendor; none does here.
    let certified = ak_cert
        .and_then(x509::parse)
        .is_some_and(|c| certifies(&c, key.as_ref()));
    let chain_detail = match (ak_cert.is_some(), certified) {
        (false, _) => "no AK certificate: nothing chains the AK to a TPM vendor",
        (true, false) => "the AK certificate certifies another key",
        (true, true) => "the AK certificate certifies this AK, but no vendor CA is pinned for it yet",
    };
    push(&mut a.checks, CheckName::AkChain, false, chain_detail);
    let evidence_ok = a
        .checks
        .iter()
        .filter(|c| c.name != CheckName::AkChain)
        .all(|c| c.passed);
    a.verdict = if evidence_ok {
        Verdict::Unverifiable
    } else {
        Verdict::Invalid
    };
    a
}

/// The AK's certificate and the CA that issued it, the CA pinned by the SHA-256 of its DER
/// (the project's synthetic TPM CA; a vendor's EK/AK CA would be pinned the same way).
pub struct PinnedAk<'a> {
    pub ak_cert: &'a [u8],
    pub ca_cert: &'a [u8],
    pub root_sha256: &'a str,
}

/// Appraises a quote whose AK is certified by a pinned CA: `valid` only when the quote
/// checks pass, the CA is the pinned one, it signs a certificate for this very AK, and both
/// certificates are valid at `at`.
pub fn appraise_with_root(
    quote: &[u8],
    signature: &[u8],
    ak_pem: &[u8],
    nonce_hex: Option<&[u8]>,
    chain: &PinnedAk,
    at: i64,
) -> Appraisal {
    let (mut a, key) = match check_quote(quote, signature, ak_pem, nonce_hex) {
        Ok(checked) => checked,
        Err(a) => return a,
    };
    let (ca, cert) = (x509::parse(chain.ca_cert), x509::parse(chain.ak_cert));
    let pinned = ca
        .as_ref()
        .is_some_and(|c| x509::sha256_hex(c).eq_ignore_ascii_case(chain.root_sha256));
    push(
        &mut a.checks,
        CheckName::RootPin,
        pinned,
        "the AK's CA certificate is the pinned root",
    );
    match (&ca, &cert) {
        (Some(ca), Some(cert)) => {
            x509::check_ecdsa_path(&[ca, cert], at, &mut a.checks);
            push(
                &mut a.checks,
                CheckName::AkChain,
                certifies(cert, key.as_ref()),
                "the AK certificate certifies this AK",
            );
        }
        _ => {
            push(
                &mut a.checks,
                CheckName::AkChain,
                false,
                "the AK or CA certificate is not X.509",
            );
        }
    }
    a.verdict = if a.checks.iter().all(|c| c.passed) {
        Verdict::Valid
    } else {
        Verdict::Invalid
    };
    a
}

/// A capture's `quote.msg`, `quote.sig`, AK (`ak.pub` or `ak_pub.pem`) and optional
/// `nonce.hex`; pinned, also the AK certificate (`akcert.der`/`.pem`) and its CA
/// (`ak_ca.der`/`.pem`) under `pin`; unpinned, any `akcert*` file is reported on.
pub fn appraise_files(files: &crate::platforms::Files, at: i64, pin: Option<&str>) -> Appraisal {
    use crate::platforms::first;
    let (Some(q), Some(s), Some(ak)) = (
        first(files, &["quote.msg"]),
        first(files, &["quote.sig"]),
        first(files, &["ak.pub", "ak_pub.pem"]),
    ) else {
        return Appraisal::not_implemented(if pin.is_some() {
            "a pinned TPM capture without quote.msg, quote.sig, ak.pub, akcert.der and ak_ca.der"
        } else {
            "a TPM capture without quote.msg, quote.sig and ak.pub"
        });
    };
    let nonce = first(files, &["nonce.hex"]);
    let Some(root) = pin else {
        let cert = files
            .iter()
            .find(|(n, _)| n.starts_with("akcert"))
            .map(|(_, b)| b.as_slice());
        return appraise(q, s, ak, nonce, cert);
    };
    match (
        first(files, &["akcert.der", "akcert.pem"]),
        first(files, &["ak_ca.der", "ak_ca.pem"]),
    ) {
        (Some(ak_cert), Some(ca_cert)) => {
            let chain = PinnedAk {
                ak_cert,
                ca_cert,
                root_sha256: root,
            };
            appraise_with_root(q, s, ak, nonce, &chain, at)
        }
        _ => Appraisal::not_implemented(
            "a pinned TPM capture without quote.msg, quote.sig, ak.pub, akcert.der and ak_ca.der",
        ),
    }
}
