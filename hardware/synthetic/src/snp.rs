//! Synthetic AMD SEV-SNP evidence: a test ARK and ASK (RSA-2048 signing with RSA-PSS/SHA-384,
//! AMD's scheme), a VCEK (P-384) carrying the hwID and SPL extensions, and version 3
//! ATTESTATION_REPORTs of a Genoa part signed by it. The ARK and ASK private keys are test keys committed
//! under `hardware/synthetic/testkeys/` and published on purpose; nothing trusts the test ARK unless a
//! caller pins its SHA-256, as it would pin AMD's.
//!
//! Owns: the synthetic chain and the report layout it fills (offsets as `trace_hardware::snp` reads
//! them). Does not own any verdict.

use crate::{CertFields, key, spki, tbs};
use rsa::RsaPrivateKey;
use std::sync::OnceLock;
use x509_cert::der::asn1::{BitString, ObjectIdentifier, OctetString, Uint};
use x509_cert::der::{Decode, Encode};
use x509_cert::ext::Extension;
use x509_cert::spki::SubjectPublicKeyInfoOwned;

/// The reported TCB of a synthetic report (Milan/Genoa layout: bootloader, tee, four
/// reserved, snp, microcode) and the SPLs its VCEK certifies.
pub const TCB: [u8; 8] = [4, 0, 0, 0, 0, 0, 22, 213];

const ARK_NAME: &str = "CN=trace-conformance synthetic ARK";
const ASK_NAME: &str = "CN=trace-conformance synthetic ASK";

/// The chip id of the synthetic processor (not "Turin-like": its last 56 bytes are not zero).
pub fn chip_id() -> [u8; 64] {
    std::array::from_fn(|i| (i as u8).wrapping_mul(7).wrapping_add(1))
}

/// What goes into a synthetic report.
pub struct SnpClaims {
    pub measurement: [u8; 48],
    pub report_data: [u8; 64],
    /// Guest policy bit 19: a debuggable guest.
    pub debug: bool,
    pub reported_tcb: [u8; 8],
    pub chip_id: [u8; 64],
    /// key_info bits 4:2 name the signing key: 0 the VCEK, 1 a VLEK.
    pub signing_key: u32,
}

impl SnpClaims {
    /// A report of the synthetic chip at [`TCB`], not debuggable, signed by the VCEK.
    pub fn new(measurement: [u8; 48], report_data: [u8; 64]) -> SnpClaims {
        SnpClaims {
            measurement,
            report_data,
            debug: false,
            reported_tcb: TCB,
            chip_id: chip_id(),
            signing_key: 0,
        }
    }
}

/// What the synthetic VCEK certifies, and when it is valid (Unix seconds).
pub struct VcekFields {
    pub tcb: [u8; 8],
    pub chip_id: [u8; 64],
    pub not_before: i64,
    pub not_after: i64,
}

impl Default for VcekFields {
    fn default() -> VcekFields {
        VcekFields {
            tcb: TCB,
            chip_id: chip_id(),
            not_before: 1_700_000_000,
            not_after: 1_900_000_000,
        }
    }
}

fn rsa_key(pem: &str) -> RsaPrivateKey {
    use rsa::pkcs8::DecodePrivateKey;
    RsaPrivateKey::from_pkcs8_pem(pem).expect("the committed test key parses")
}

fn rsa_keys() -> &'static (RsaPrivateKey, RsaPrivateKey) {
    static KEYS: OnceLock<(RsaPrivateKey, RsaPrivateKey)> = OnceLock::new();
    KEYS.get_or_init(|| {
        (
            rsa_key(include_str!("../testkeys/synthetic-amd-ark.pem")),
            rsa_key(include_str!("../testkeys/synthetic-amd-ask.pem")),
        )
    })
}

fn rsa_spki(k: &RsaPrivateKey) -> SubjectPublicKeyInfoOwned {
    use rsa::pkcs8::EncodePublicKey;
    let der = k
        .to_public_key()
        .to_public_key_der()
        .expect("an RSA public key encodes");
    SubjectPublicKeyInfoOwned::from_der(der.as_bytes()).expect("and decodes")
}

/// A deterministic RNG for the PSS salt (SHA-256 in counter mode over a seed): synthetic
/// evidence is the same bytes on every run.
struct SeededRng {
    seed: Vec<u8>,
    counter: u64,
}

impl rsa::rand_core::RngCore for SeededRng {
    fn next_u32(&mut self) -> u32 {
        let mut b = [0u8; 4];
        self.fill_bytes(&mut b);
        u32::from_le_bytes(b)
    }
    fn next_u64(&mut self) -> u64 {
        let mut b = [0u8; 8];
        self.fill_bytes(&mut b);
        u64::from_le_bytes(b)
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        use sha2::Digest;
        for chunk in dest.chunks_mut(32) {
            let mut h = sha2::Sha256::new();
            h.update(&self.seed);
            h.update(self.counter.to_le_bytes());
            self.counter += 1;
            chunk.copy_from_slice(&h.finalize()[..chunk.len()]);
        }
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rsa::rand_core::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}

impl rsa::rand_core::CryptoRng for SeededRng {}

/// A certificate signed by `issuer` with RSA-PSS/SHA-384 under AMD's algorithm identifier.
fn pss_certificate(fields: CertFields, issuer: &RsaPrivateKey) -> x509_cert::Certificate {
    use rsa::signature::{RandomizedSigner, SignatureEncoding};
    let ark = sev::certs::snp::builtin::genoa::ark().expect("sev has the Genoa ARK built in");
    let alg = x509_cert::Certificate::from(ark).signature_algorithm;
    let tbs = tbs(fields, &alg);
    let message = tbs.to_der().expect("encodes");
    let mut rng = SeededRng {
        seed: message.clone(),
        counter: 0,
    };
    let signer = rsa::pss::SigningKey::<sha2_010::Sha384>::new(issuer.clone());
    let sig = signer.sign_with_rng(&mut rng, &message);
    x509_cert::Certificate {
        tbs_certificate: tbs,
        signature_algorithm: alg,
        signature: BitString::from_bytes(&sig.to_vec()).expect("bits"),
    }
}

/// The test ARK (self-signed) and the ASK it signs.
pub fn ca_chain() -> &'static (x509_cert::Certificate, x509_cert::Certificate) {
    static CHAIN: OnceLock<(x509_cert::Certificate, x509_cert::Certificate)> = OnceLock::new();
    CHAIN.get_or_init(|| {
        let (ark_key, ask_key) = rsa_keys();
        let ca = |subject, key: &RsaPrivateKey, serial| CertFields {
            subject,
            subject_key: rsa_spki(key),
            issuer: ARK_NAME,
            not_before: 1_600_000_000,
            not_after: 4_000_000_000,
            serial,
            extensions: None,
        };
        (
            pss_certificate(ca(ARK_NAME, ark_key, 1), ark_key),
            pss_certificate(ca(ASK_NAME, ask_key, 2), ark_key),
        )
    })
}

/// The SHA-256 (hex) of the test ARK's DER: what a verifier pins to accept synthetic reports.
pub fn test_ark_sha256() -> String {
    trace_hardware::sha256_hex(&ca_chain().0)
}

/// The ASK and ARK as one PEM bundle (ASK first, as AMD's `cert_chain` serves them).
pub fn ca_bundle_pem() -> String {
    let (ark, ask) = ca_chain();
    format!("{}{}", crate::pem(ask), crate::pem(ark))
}

/// A VCEK as PEM, with the ASK and ARK after it (Azure's `vcek_chain.pem` order).
pub fn vcek_chain_pem(f: &VcekFields) -> String {
    let vcek = x509_cert::Certificate::from_der(&vcek(f)).expect("decodes");
    format!("{}{}", crate::pem(&vcek), ca_bundle_pem())
}

/// The test ARK alone, as PEM (a bundle that lacks the ASK).
pub fn ark_pem() -> String {
    crate::pem(&ca_chain().0)
}

fn extension(oid: &str, value: Vec<u8>) -> Extension {
    Extension {
        extn_id: ObjectIdentifier::new_unwrap(oid),
        critical: false,
        extn_value: OctetString::new(value).expect("extension value"),
    }
}

fn spl(oid: &str, value: u8) -> Extension {
    extension(oid, Uint::new(&[value]).expect("u8").to_der().expect("encodes"))
}

/// The VCEK signing key of the synthetic processor.
fn vcek_key() -> p384::ecdsa::SigningKey {
    key("snp-vcek")
}

/// The DER of a VCEK for the synthetic processor, issued by the test ASK.
pub fn vcek(f: &VcekFields) -> Vec<u8> {
    use trace_hardware::snp::oid;
    let hwid = OctetString::new(f.chip_id.to_vec())
        .expect("hwID")
        .to_der()
        .expect("encodes");
    let fields = CertFields {
        subject: "CN=SEV-VCEK",
        subject_key: spki(&vcek_key()),
        issuer: ASK_NAME,
        not_before: f.not_before,
        not_after: f.not_after,
        serial: 3,
        extensions: Some(vec![
            spl(oid::BL_SPL, f.tcb[0]),
            spl(oid::TEE_SPL, f.tcb[1]),
            spl(oid::SNP_SPL, f.tcb[6]),
            spl(oid::UCODE_SPL, f.tcb[7]),
            extension(oid::HWID, hwid),
        ]),
    };
    pss_certificate(fields, &rsa_keys().1).to_der().expect("encodes")
}

/// A version 3 ATTESTATION_REPORT with `c`'s fields, signed by the synthetic VCEK.
pub fn report(c: &SnpClaims) -> Vec<u8> {
    use p384::ecdsa::signature::Signer;
    let mut r = vec![0u8; trace_hardware::snp::REPORT_LEN];
    let put = |r: &mut Vec<u8>, at: usize, bytes: &[u8]| r[at..at + bytes.len()].copy_from_slice(bytes);
    put(&mut r, 0x00, &3u32.to_le_bytes());
    // SMT allowed (bit 16), the reserved bit 17 set as the ABI requires, debug (bit 19).
    let policy: u64 = 0x3_0000 | if c.debug { 1 << 19 } else { 0 };
    put(&mut r, 0x08, &policy.to_le_bytes());
    put(&mut r, 0x34, &1u32.to_le_bytes()); // ECDSA P-384 with SHA-384
    put(&mut r, 0x38, &c.reported_tcb);
    put(&mut r, 0x48, &(c.signing_key << 2).to_le_bytes());
    put(&mut r, 0x50, &c.report_data);
    put(&mut r, 0x90, &c.measurement);
    put(&mut r, 0x180, &c.reported_tcb);
    // CPUID family 19h, model 11h, stepping 1: Genoa (the Milan/Genoa TCB layout).
    put(&mut r, 0x188, &[0x19, 0x11, 0x01]);
    put(&mut r, 0x1A0, &c.chip_id);
    put(&mut r, 0x1E0, &c.reported_tcb);
    put(&mut r, 0x1F0, &c.reported_tcb);
    let sig: p384::ecdsa::Signature = vcek_key().sign(&r[..0x2A0]);
    let rs = sig.to_bytes();
    // r and s, each little-endian in a 72-byte field.
    for (half, at) in [(&rs[..48], 0x2A0), (&rs[48..], 0x2A0 + 72)] {
        let le: Vec<u8> = half.iter().rev().copied().collect();
        put(&mut r, at, &le);
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use trace_hardware::Verdict;
    use trace_hardware::snp::{SnpEvidence, appraise, appraise_with_root};

    const AT: i64 = 1_785_000_000;

    fn appraise_pinned(report: &[u8], vek: &[u8]) -> trace_hardware::Appraisal {
        let bundle = ca_bundle_pem();
        let e = SnpEvidence {
            report,
            vek,
            ca_bundle: Some(bundle.as_bytes()),
            ark_crl: None,
        };
        appraise_with_root(&e, AT, &test_ark_sha256())
    }

    fn failed(a: &trace_hardware::Appraisal) -> Vec<&'static str> {
        a.checks.iter().filter(|c| !c.passed).map(|c| c.name.name()).collect()
    }

    #[test]
    fn a_synthetic_report_verifies_only_under_the_pinned_test_ark() {
        let report = report(&SnpClaims::new([0x33; 48], [0x44; 64]));
        let vek = vcek(&VcekFields::default());
        let a = appraise_pinned(&report, &vek);
        assert_eq!(a.verdict, Verdict::Valid, "{:#?}", a.checks);
        assert_eq!(a.measurement, Some(format!("sha384:{}", "33".repeat(48))));
        assert_eq!(a.report_data, Some("44".repeat(64)));
        assert_eq!(a.debug, Some(false));
        // AMD's roots do not sign the test ASK, bundle or no bundle.
        let bundle = ca_bundle_pem();
        for ca_bundle in [None, Some(bundle.as_bytes())] {
            let e = SnpEvidence {
                report: &report,
                vek: &vek,
                ca_bundle,
                ark_crl: None,
            };
            assert_eq!(failed(&appraise(&e, AT)), ["chain"]);
        }
    }

    #[test]
    fn each_spoiled_link_is_refused_by_the_check_that_owns_it() {
        let claims = || SnpClaims::new([0x33; 48], [0x44; 64]);
        let vek = vcek(&VcekFields::default());
        let mut flipped = report(&claims());
        flipped[0x90] ^= 1;
        assert_eq!(failed(&appraise_pinned(&flipped, &vek)), ["report-signature"]);
        let mut debug = claims();
        debug.debug = true;
        let a = appraise_pinned(&report(&debug), &vek);
        assert_eq!((a.verdict, a.debug), (Verdict::Valid, Some(true)));
        let mut tcb = claims();
        tcb.reported_tcb[6] -= 1;
        assert_eq!(failed(&appraise_pinned(&report(&tcb), &vek)), ["vcek-tcb"]);
        let mut chip = claims();
        chip.chip_id[9] ^= 0xff;
        assert_eq!(failed(&appraise_pinned(&report(&chip), &vek)), ["vcek-hwid"]);
        let mut masked = claims();
        masked.chip_id = [0; 64];
        assert_eq!(appraise_pinned(&report(&masked), &vek).verdict, Verdict::Valid);
        let mut vlek = claims();
        vlek.signing_key = 1;
        assert_eq!(failed(&appraise_pinned(&report(&vlek), &vek)), ["key-info"]);
        let expired = vcek(&VcekFields {
            not_after: AT - 1,
            ..VcekFields::default()
        });
        assert_eq!(failed(&appraise_pinned(&report(&claims()), &expired)), ["validity"]);
    }

    #[test]
    fn synthetic_evidence_is_deterministic() {
        let claims = || SnpClaims::new([1; 48], [2; 64]);
        assert_eq!(report(&claims()), report(&claims()));
        assert_eq!(vcek(&VcekFields::default()), vcek(&VcekFields::default()));
    }
}
