//! Synthetic Intel TDX evidence: a version 4 TD quote and its PCS-shaped collateral
//! (`QuoteCollateralV3` JSON) under a synthetic SGX root, all ECDSA P-256/SHA-256 as Intel's
//! are, so that `dcap-qvl` verifies them once the root is pinned. The PCK chain (root, PCK
//! platform CA, PCK certificate with the SGX extension), both CRLs, the TCB info and QE
//! identity signed by a TCB signing certificate, the QE report binding the attestation key,
//! and the quote: all deterministic from seeds.
//!
//! Owns: the quote layout and the collateral. Does not own any verdict (`trace_hardware::dcap`).

use crate::CertFields;
use p256::ecdsa::{Signature, SigningKey, signature::Signer};
use sha2::{Digest, Sha256};
use std::time::Duration;
use x509_cert::der::Encode;
use x509_cert::der::asn1::{BitString, GeneralizedTime, ObjectIdentifier, OctetString};
use x509_cert::ext::Extension;
use x509_cert::spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};

const ROOT: &str = "CN=trace-conformance synthetic SGX Root CA,O=trace-conformance,C=US";
const PCK_CA: &str = "CN=trace-conformance synthetic SGX PCK Platform CA,O=trace-conformance,C=US";
const PCK: &str = "CN=trace-conformance synthetic SGX PCK Certificate,O=trace-conformance,C=US";
const TCB_SIGNING: &str = "CN=trace-conformance synthetic SGX TCB Signing,O=trace-conformance,C=US";
const ECDSA_SHA256: &str = "1.2.840.10045.4.3.2";
const SGX_EXTENSION: &str = "1.2.840.113741.1.13.1";
/// Intel's QE vendor id, which dcap-qvl requires.
const QE_VENDOR_ID: [u8; 16] = [
    0x93, 0x9a, 0x72, 0x33, 0xf7, 0x9c, 0x4c, 0xa9, 0x94, 0x0a, 0x0d, 0xb3, 0x95, 0x7f, 0x06, 0x07,
];
const FMSPC: [u8; 6] = [0x50, 0x80, 0x6f, 0x00, 0x00, 0x00];
const CPUSVN: [u8; 16] = [3, 3, 2, 2, 4, 1, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0];
const PCESVN: u8 = 11;
const TEE_TCB_SVN: [u8; 16] = [5, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
const QE_MRSIGNER: [u8; 32] = [0x7d; 32];
const QE_ISVSVN: u16 = 4;
/// TD_ATTRIBUTES with only SEPT_VE_DISABLE (bit 28) set, as production TDs have it.
const TD_ATTRIBUTES: u64 = 1 << 28;

fn key(seed: &str) -> SigningKey {
    let d = Sha256::digest(format!("trace-conformance synthetic tdx key {seed}").as_bytes());
    SigningKey::from_slice(&d).expect("a SHA-256 digest is a valid P-256 scalar with overwhelming probability")
}

fn spki(k: &SigningKey) -> SubjectPublicKeyInfoOwned {
    let point = k.verifying_key().to_sec1_point(false);
    SubjectPublicKeyInfoOwned {
        algorithm: AlgorithmIdentifierOwned {
            oid: ObjectIdentifier::new_unwrap("1.2.840.10045.2.1"),
            parameters: Some(x509_cert::der::Any::from(&ObjectIdentifier::new_unwrap(
                "1.2.840.10045.3.1.7",
            ))),
        },
        subject_public_key: BitString::from_bytes(point.as_bytes()).expect("bits"),
    }
}

fn alg() -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned {
        oid: ObjectIdentifier::new_unwrap(ECDSA_SHA256),
        parameters: None,
    }
}

fn time(t: i64) -> x509_cert::time::Time {
    x509_cert::time::Time::GeneralTime(
        GeneralizedTime::from_unix_duration(Duration::from_secs(t.max(0) as u64)).expect("time"),
    )
}

fn extension(oid: &str, critical: bool, value: Vec<u8>) -> Extension {
    Extension {
        extn_id: ObjectIdentifier::new_unwrap(oid),
        critical,
        extn_value: OctetString::new(value).expect("extension value"),
    }
}

/// DER tag-length-value.
fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    match content.len() {
        n if n < 0x80 => out.push(n as u8),
        n if n < 0x100 => out.extend_from_slice(&[0x81, n as u8]),
        n => out.extend_from_slice(&[0x82, (n >> 8) as u8, n as u8]),
    }
    out.extend_from_slice(content);
    out
}

/// `SEQUENCE { OID 1.2.840.113741.1.13.1.<suffix>, value }`.
fn sgx_entry(suffix: &[u8], value: Vec<u8>) -> Vec<u8> {
    let mut oid = vec![0x2a, 0x86, 0x48, 0x86, 0xf8, 0x4d, 0x01, 0x0d, 0x01];
    oid.extend_from_slice(suffix);
    let mut body = tlv(0x06, &oid);
    body.extend(value);
    tlv(0x30, &body)
}

/// The SGX extension of the PCK certificate: PPID, TCB (16 component SVNs, PCESVN, CPUSVN),
/// PCE-ID, FMSPC, SGX type.
fn sgx_extension_value() -> Vec<u8> {
    let mut tcb = Vec::new();
    for (i, svn) in CPUSVN.iter().enumerate() {
        tcb.extend(sgx_entry(&[0x02, i as u8 + 1], tlv(0x02, &[*svn])));
    }
    tcb.extend(sgx_entry(&[0x02, 0x11], tlv(0x02, &[PCESVN])));
    tcb.extend(sgx_entry(&[0x02, 0x12], tlv(0x04, &CPUSVN)));
    let mut all = sgx_entry(&[0x01], tlv(0x04, &[0x9b; 16]));
    all.extend(sgx_entry(&[0x02], tlv(0x30, &tcb)));
    all.extend(sgx_entry(&[0x03], tlv(0x04, &[0, 0])));
    all.extend(sgx_entry(&[0x04], tlv(0x04, &FMSPC)));
    all.extend(sgx_entry(&[0x05], tlv(0x0a, &[0])));
    tlv(0x30, &all)
}

fn signed(fields: CertFields, issuer: &SigningKey) -> x509_cert::Certificate {
    let tbs = crate::tbs(fields, &alg());
    let sig: Signature = issuer.sign(&tbs.to_der().expect("encodes"));
    x509_cert::Certificate {
        tbs_certificate: tbs,
        signature_algorithm: alg(),
        signature: BitString::from_bytes(sig.to_der().as_bytes()).expect("bits"),
    }
}

/// Certificate validity of the whole synthetic PKI: 2020 to 2049.
const NOT_BEFORE: i64 = 1_577_836_800;
const NOT_AFTER: i64 = 2_524_608_000;

/// The synthetic SGX root (self-signed; basicConstraints CA, path length 1).
pub fn root() -> x509_cert::Certificate {
    let k = key("root");
    signed(
        CertFields {
            subject: ROOT,
            subject_key: spki(&k),
            issuer: ROOT,
            not_before: NOT_BEFORE,
            not_after: NOT_AFTER,
            serial: 1,
            extensions: Some(vec![
                extension("2.5.29.19", true, vec![0x30, 0x06, 0x01, 0x01, 0xff, 0x02, 0x01, 0x01]),
                extension("2.5.29.15", true, vec![0x03, 0x02, 0x01, 0x06]),
            ]),
        },
        &k,
    )
}

pub fn root_der() -> Vec<u8> {
    root().to_der().expect("encodes")
}

/// The SHA-256 of the root's DER: what a verifier pins.
pub fn root_sha256() -> String {
    trace_hardware::hex(&Sha256::digest(root_der()))
}

fn pck_ca() -> x509_cert::Certificate {
    signed(
        CertFields {
            subject: PCK_CA,
            subject_key: spki(&key("pck-ca")),
            issuer: ROOT,
            not_before: NOT_BEFORE,
            not_after: NOT_AFTER,
            serial: 2,
            extensions: Some(vec![
                extension("2.5.29.19", true, vec![0x30, 0x06, 0x01, 0x01, 0xff, 0x02, 0x01, 0x00]),
                extension("2.5.29.15", true, vec![0x03, 0x02, 0x01, 0x06]),
            ]),
        },
        &key("root"),
    )
}

fn pck(not_after: i64) -> x509_cert::Certificate {
    signed(
        CertFields {
            subject: PCK,
            subject_key: spki(&key("pck")),
            issuer: PCK_CA,
            not_before: NOT_BEFORE,
            not_after,
            serial: 3,
            extensions: Some(vec![extension(SGX_EXTENSION, false, sgx_extension_value())]),
        },
        &key("pck-ca"),
    )
}

fn tcb_signing() -> x509_cert::Certificate {
    signed(
        CertFields {
            subject: TCB_SIGNING,
            subject_key: spki(&key("tcb-signing")),
            issuer: ROOT,
            not_before: NOT_BEFORE,
            not_after: NOT_AFTER,
            serial: 4,
            extensions: None,
        },
        &key("root"),
    )
}

/// A version 2 CRL by `issuer` (name and key) listing `revoked` serials, valid from a day
/// before `at` to 30 days after.
fn crl(issuer: &str, issuer_key: &SigningKey, revoked: &[u8], at: i64) -> Vec<u8> {
    use std::str::FromStr;
    use x509_cert::crl::{CertificateList, RevokedCert, TbsCertList};
    use x509_cert::serial_number::SerialNumber;
    let revoked: Vec<RevokedCert> = revoked
        .iter()
        .map(|s| RevokedCert {
            serial_number: SerialNumber::new(&[*s]).expect("serial"),
            revocation_date: time(at - 3600),
            crl_entry_extensions: None,
        })
        .collect();
    let tbs = TbsCertList {
        version: x509_cert::Version::V2,
        signature: alg(),
        issuer: x509_cert::name::Name::from_str(issuer).expect("name"),
        this_update: time(at - 86_400),
        next_update: Some(time(at + 30 * 86_400)),
        revoked_certificates: (!revoked.is_empty()).then_some(revoked),
        // cRLNumber 1, as Intel's CRLs carry.
        crl_extensions: Some(vec![extension("2.5.29.20", false, vec![0x02, 0x01, 0x01])]),
    };
    let sig: Signature = issuer_key.sign(&tbs.to_der().expect("encodes"));
    CertificateList {
        tbs_cert_list: tbs,
        signature_algorithm: alg(),
        signature: BitString::from_bytes(sig.to_der().as_bytes()).expect("bits"),
    }
    .to_der()
    .expect("encodes")
}

fn pem(c: &x509_cert::Certificate) -> String {
    crate::pem(c)
}

fn rfc3339(t: i64) -> String {
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

fn svns(values: &[u8]) -> serde_json::Value {
    values.iter().map(|v| serde_json::json!({"svn": v})).collect()
}

/// How synthetic TDX evidence is spoiled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct TdxKnobs {
    /// TD_ATTRIBUTES.DEBUG set (the quote otherwise genuine and signed).
    pub debug: bool,
    /// The PCK certificate's serial listed in the PCK CRL.
    pub pck_revoked: bool,
    /// The PCK certificate expired an hour before `at`.
    pub pck_expired: bool,
    /// The platform's TCB level in the TCB info is `Revoked`.
    pub tcb_revoked: bool,
}

/// What goes into a synthetic TD quote.
pub struct TdClaims {
    pub mr_td: [u8; 48],
    pub report_data: [u8; 64],
}

/// The quote (bytes) and its collateral (`QuoteCollateralV3` JSON text), valid at `at`.
pub fn evidence(c: &TdClaims, knobs: TdxKnobs, at: i64) -> (Vec<u8>, String) {
    let pck_not_after = if knobs.pck_expired { at - 3600 } else { NOT_AFTER };
    let chain = format!("{}{}{}", pem(&pck(pck_not_after)), pem(&pck_ca()), pem(&root()));
    (quote(c, knobs, &chain), collateral(knobs, at))
}

fn quote(c: &TdClaims, knobs: TdxKnobs, pck_chain_pem: &str) -> Vec<u8> {
    let attestation = key("attestation");
    let attestation_pub = attestation.verifying_key().to_sec1_point(false).as_bytes()[1..].to_vec();
    // Header (48).
    let mut q = Vec::new();
    q.extend_from_slice(&4u16.to_le_bytes());
    q.extend_from_slice(&2u16.to_le_bytes());
    q.extend_from_slice(&0x81u32.to_le_bytes());
    q.extend_from_slice(&[0; 4]); // qe_svn, pce_svn
    q.extend_from_slice(&QE_VENDOR_ID);
    q.extend_from_slice(&[0x51; 20]); // user data
    // TD report 1.0 body (584).
    let attributes = TD_ATTRIBUTES | u64::from(knobs.debug);
    q.extend_from_slice(&TEE_TCB_SVN);
    q.extend_from_slice(&[0x5e; 48]); // mr_seam
    q.extend_from_slice(&[0; 48]); // mr_signer_seam (Intel's module)
    q.extend_from_slice(&[0; 8]); // seam_attributes
    q.extend_from_slice(&attributes.to_le_bytes());
    q.extend_from_slice(&0xe7u64.to_le_bytes()); // xfam
    q.extend_from_slice(&c.mr_td);
    q.extend_from_slice(&[0; 48 * 3]); // mr_config_id, mr_owner, mr_owner_config
    q.extend_from_slice(&[0x4d; 48 * 4]); // rtmr0..3
    q.extend_from_slice(&c.report_data);
    debug_assert_eq!(q.len(), 632);
    let quote_sig: Signature = attestation.sign(&q);
    // QE report (384): binds the attestation key and the QE auth data.
    let auth_data = [0xa0u8; 32];
    let mut qe = vec![0u8; 384];
    qe[..16].copy_from_slice(&[1; 16]);
    qe[48] = 0x11; // INIT | MODE64BIT
    qe[64..96].copy_from_slice(&[0x3e; 32]); // mr_enclave
    qe[128..160].copy_from_slice(&QE_MRSIGNER);
    qe[256..258].copy_from_slice(&2u16.to_le_bytes()); // isv_prod_id
    qe[258..260].copy_from_slice(&QE_ISVSVN.to_le_bytes());
    let binding = Sha256::digest([attestation_pub.as_slice(), &auth_data].concat());
    qe[320..352].copy_from_slice(&binding);
    let qe_sig: Signature = key("pck").sign(&qe);
    // Signature data.
    let pem_bytes = pck_chain_pem.as_bytes();
    let mut auth = Vec::new();
    auth.extend_from_slice(&quote_sig.to_bytes());
    auth.extend_from_slice(&attestation_pub);
    auth.extend_from_slice(&6u16.to_le_bytes());
    let mut cert_data = qe;
    cert_data.extend_from_slice(&qe_sig.to_bytes());
    cert_data.extend_from_slice(&32u16.to_le_bytes());
    cert_data.extend_from_slice(&auth_data);
    cert_data.extend_from_slice(&5u16.to_le_bytes());
    cert_data.extend_from_slice(&(pem_bytes.len() as u32).to_le_bytes());
    cert_data.extend_from_slice(pem_bytes);
    auth.extend_from_slice(&(cert_data.len() as u32).to_le_bytes());
    auth.extend(cert_data);
    q.extend_from_slice(&(auth.len() as u32).to_le_bytes());
    q.extend(auth);
    q
}

fn collateral(knobs: TdxKnobs, at: i64) -> String {
    let hex = trace_hardware::hex;
    let status = if knobs.tcb_revoked { "Revoked" } else { "UpToDate" };
    let tcb_info = serde_json::json!({
        "id": "TDX", "version": 3,
        "issueDate": rfc3339(at - 86_400), "nextUpdate": rfc3339(at + 30 * 86_400),
        "fmspc": hex(&FMSPC), "pceId": "0000", "tcbType": 0, "tcbEvaluationDataNumber": 17,
        "tdxModule": {"mrsigner": "00".repeat(48), "attributes": "0000000000000000", "attributesMask": "FFFFFFFFFFFFFFFF"},
        "tcbLevels": [{
            "tcb": {"sgxtcbcomponents": svns(&CPUSVN), "pcesvn": PCESVN, "tdxtcbcomponents": svns(&TEE_TCB_SVN)},
            "tcbDate": "2026-01-01T00:00:00Z", "tcbStatus": status, "advisoryIDs": [],
        }],
    })
    .to_string();
    let qe_identity = serde_json::json!({
        "id": "TD_QE", "version": 2,
        "issueDate": rfc3339(at - 86_400), "nextUpdate": rfc3339(at + 30 * 86_400),
        "tcbEvaluationDataNumber": 17,
        "miscselect": "00000000", "miscselectMask": "FFFFFFFF",
        "attributes": "11000000000000000000000000000000", "attributesMask": "FBFFFFFFFFFFFFFF0000000000000000",
        "mrsigner": hex(&QE_MRSIGNER), "isvprodid": 2,
        "tcbLevels": [{"tcb": {"isvsvn": QE_ISVSVN}, "tcbDate": "2026-01-01T00:00:00Z", "tcbStatus": "UpToDate", "advisoryIDs": []}],
    })
    .to_string();
    let signer = key("tcb-signing");
    let sign = |text: &str| -> String { hex(&Signature::to_bytes(&signer.sign(text.as_bytes()))) };
    let issuer_chain = format!("{}{}", pem(&tcb_signing()), pem(&root()));
    let revoked: &[u8] = if knobs.pck_revoked { &[3] } else { &[] };
    serde_json::json!({
        "pck_crl_issuer_chain": format!("{}{}", pem(&pck_ca()), pem(&root())),
        "root_ca_crl": hex(&crl(ROOT, &key("root"), &[], at)),
        "pck_crl": hex(&crl(PCK_CA, &key("pck-ca"), revoked, at)),
        "tcb_info_issuer_chain": issuer_chain,
        "tcb_info_signature": sign(&tcb_info),
        "tcb_info": tcb_info,
        "qe_identity_issuer_chain": issuer_chain,
        "qe_identity_signature": sign(&qe_identity),
        "qe_identity": qe_identity,
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use trace_hardware::Verdict;

    const AT: i64 = 1_785_000_000;

    fn claims() -> TdClaims {
        TdClaims {
            mr_td: [0x6d; 48],
            report_data: [0x11; 64],
        }
    }

    fn appraise(knobs: TdxKnobs) -> trace_hardware::Appraisal {
        let (q, c) = evidence(&claims(), knobs, AT);
        trace_hardware::dcap::appraise_with_root(&q, c.as_bytes(), AT, &root_der())
    }

    #[test]
    fn rfc3339_dates_are_civil_dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(AT), "2026-07-25T17:20:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn a_synthetic_quote_verifies_under_its_root_only() {
        let a = appraise(TdxKnobs::default());
        assert_eq!(a.verdict, Verdict::Valid, "{:#?}", a.checks);
        assert_eq!(a.measurement, Some(format!("sha384:{}", "6d".repeat(48))));
        assert_eq!(a.report_data, Some("11".repeat(64)));
        assert_eq!(a.debug, Some(false));
        let (q, c) = evidence(&claims(), TdxKnobs::default(), AT);
        let a = trace_hardware::dcap::appraise(&q, c.as_bytes(), AT);
        assert_eq!(
            a.verdict,
            Verdict::Invalid,
            "Intel's root does not issue the test PCK CA"
        );
    }

    #[test]
    fn a_debug_td_verifies_and_says_so() {
        let a = appraise(TdxKnobs {
            debug: true,
            ..Default::default()
        });
        assert_eq!((a.verdict, a.debug), (Verdict::Valid, Some(true)), "{:#?}", a.checks);
    }

    #[test]
    fn revocation_expiry_and_tcb_status_are_refused() {
        let failed = |a: &trace_hardware::Appraisal| -> Vec<(&'static str, String)> {
            a.checks
                .iter()
                .filter(|c| !c.passed)
                .map(|c| (c.name.name(), c.detail.clone()))
                .collect()
        };
        for (knobs, check, why) in [
            (
                TdxKnobs {
                    pck_revoked: true,
                    ..Default::default()
                },
                "chain",
                "CertRevoked",
            ),
            (
                TdxKnobs {
                    pck_expired: true,
                    ..Default::default()
                },
                "validity",
                "CertExpired",
            ),
            (
                TdxKnobs {
                    tcb_revoked: true,
                    ..Default::default()
                },
                "chain",
                "TCB status is invalid: Revoked",
            ),
        ] {
            let a = appraise(knobs);
            assert_eq!(a.verdict, Verdict::Invalid, "{knobs:?}");
            let f = failed(&a);
            assert!(
                f.len() == 1 && f[0].0 == check && f[0].1.contains(why),
                "{knobs:?}: {f:?}"
            );
        }
        let (mut q, c) = evidence(&claims(), TdxKnobs::default(), AT);
        q[200] ^= 1; // mr_td, after signing
        let a = trace_hardware::dcap::appraise_with_root(&q, c.as_bytes(), AT, &root_der());
        assert_eq!(a.verdict, Verdict::Invalid);
        assert_eq!(failed(&a)[0].0, "signature", "{:?}", a.checks);
        // After the collateral's nextUpdate.
        let a = trace_hardware::dcap::appraise_with_root(
            &evidence(&claims(), TdxKnobs::default(), AT).0,
            c.as_bytes(),
            AT + 31 * 86_400,
            &root_der(),
        );
        assert_eq!(a.verdict, Verdict::Invalid);
    }
}
