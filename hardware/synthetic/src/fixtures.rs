//! The project's synthetic captures (`fixtures/synthetic/` at the repository root): capture
//! directories in the format of the real captures (`trace-hwcapture/1`, `fixtures/captures/`),
//! made from the synthetic evidence with the project's test roots (pinned by `[verify] root_sha256`), each with
//! negative variants, so that `trace-conform replay fixtures/` exercises every verifier that
//! has a synthetic form without any vendor hardware.
//!
//! Owns: what each synthetic capture holds (file bytes and manifest text), deterministically.
//! Does not write files (`trace-conform fixtures generate` does) or judge evidence.

use std::collections::BTreeMap;
use std::fmt::Write;

/// The pinned verification time of every synthetic capture (2026-07-25T17:20:00Z).
pub const VERIFICATION_TIME: i64 = 1_785_000_000;
const VERIFICATION_TIME_TEXT: &str = "2026-07-25T17:20:00Z";

/// One capture directory: its path below `fixtures/`, its files and its MANIFEST.toml.
pub struct Fixture {
    pub dir: String,
    pub files: BTreeMap<String, Vec<u8>>,
    pub manifest: String,
}

/// A variant: the capture with the file `replace` swapped for `with`, and its verdict.
struct Variant {
    name: &'static str,
    verdict: &'static str,
    replace: &'static str,
    with: &'static str,
    why: &'static str,
}

/// A negative variant: the capture with one file swapped is invalid.
fn invalid(name: &'static str, replace: &'static str, with: &'static str, why: &'static str) -> Variant {
    Variant {
        name,
        verdict: "invalid",
        replace,
        with,
        why,
    }
}

/// Every synthetic capture, in a fixed order.
pub fn all() -> Vec<Fixture> {
    vec![
        nitro(),
        nvidia(),
        snp(),
        tpm(),
        azure(),
        confidential_space(),
        tdx(),
        cca(),
    ]
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    trace_hardware::hex(&sha2::Sha256::digest(bytes))
}

struct Describe<'a> {
    slug: &'a str,
    platform: &'a str,
    format: &'a str,
    description: &'a str,
    root_sha256: String,
    evidence: &'a [(&'a str, String)],
    variants: &'a [Variant],
}

fn fixture(d: Describe, files: BTreeMap<String, Vec<u8>>) -> Fixture {
    let mut m = String::new();
    let q = |s: &str| toml::Value::String(s.to_string()).to_string();
    let _ = writeln!(
        m,
        "# Synthetic capture made by `trace-conform fixtures generate` with the project's test"
    );
    let _ = writeln!(
        m,
        "# roots (hardware/synthetic/src/fixtures.rs). Not vendor evidence; do not edit, regenerate."
    );
    let _ = writeln!(m, "schema = \"trace-hwcapture/1\"");
    let _ = writeln!(m, "name = {}", q(&format!("synthetic/{}", d.slug)));
    let _ = writeln!(m, "platform = {}", q(d.platform));
    let _ = writeln!(m, "trace_runtime_platform = {}", q(d.platform));
    let _ = writeln!(m, "format = {}", q(d.format));
    let _ = writeln!(m, "description = {}", q(d.description));
    let _ = writeln!(m, "\n[source]\nrepo = \"trace-conformance\"\nlicense = \"Apache-2.0\"");
    let _ = writeln!(m, "submitter = \"trace-conformance (synthetic)\"");
    let _ = writeln!(
        m,
        "\n[capture]\ncaptured = \"generated, deterministic from the test keys\""
    );
    let _ = writeln!(m, "hardware = \"none: synthetic\"");
    let _ = writeln!(m, "\n[evidence]");
    for (k, v) in d.evidence {
        let _ = writeln!(m, "{k} = {}", q(v));
    }
    let _ = writeln!(m, "\n[verify]\noffline = \"full\"");
    let _ = writeln!(m, "verification_time = \"{VERIFICATION_TIME_TEXT}\"");
    let _ = writeln!(m, "verification_time_unix = {VERIFICATION_TIME}");
    let _ = writeln!(
        m,
        "# The project's synthetic test root, pinned instead of the vendor's."
    );
    let _ = writeln!(m, "root_sha256 = {}", q(&d.root_sha256));
    let _ = writeln!(m, "\n[sha256]");
    for (name, bytes) in &files {
        let _ = writeln!(m, "{} = \"{}\"", q(name), sha256_hex(bytes));
    }
    let _ = writeln!(m, "\n[expect]\nverdict = \"valid\"");
    for v in d.variants {
        let _ = writeln!(m, "\n[[expect.variant]]\n# {}", v.why);
        let _ = writeln!(m, "name = {}\nverdict = {}", q(v.name), q(v.verdict));
        let _ = writeln!(m, "replace = {{ {} = {} }}", q(v.replace), q(v.with));
    }
    Fixture {
        dir: format!("synthetic/{}", d.slug),
        files,
        manifest: m,
    }
}

fn nitro() -> Fixture {
    let doc = |issued_at| {
        crate::nitro_document(&crate::NitroClaims {
            pcr0: [0x5a; 48],
            user_data: vec![0x11; 32],
            issued_at,
        })
    };
    let genuine = doc(VERIFICATION_TIME - 60);
    let mut flipped = genuine.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 1;
    let files = BTreeMap::from([
        ("attestation.cose".to_string(), genuine),
        (
            "attestation-expired.cose".to_string(),
            doc(VERIFICATION_TIME - 4 * 3600),
        ),
        ("attestation-signature-flipped.cose".to_string(), flipped),
    ]);
    fixture(
        Describe {
            slug: "aws-nitro",
            platform: "aws-nitro",
            format: "Nitro attestation document (COSE_Sign1, ES384) with its certificate and CA bundle",
            description: "An enclave document issued a minute before the pinned time by a certificate of the synthetic Nitro root.",
            root_sha256: crate::nitro_test_root_sha256(),
            evidence: &[
                ("measurement", format!("sha384:{} (PCR0)", "5a".repeat(48))),
                ("report_data", format!("{} (user_data)", "11".repeat(32))),
            ],
            variants: &[
                invalid(
                    "expired",
                    "attestation.cose",
                    "attestation-expired.cose",
                    "Issued four hours before the pinned time: its three-hour certificate has expired.",
                ),
                invalid(
                    "signature-flipped",
                    "attestation.cose",
                    "attestation-signature-flipped.cose",
                    "One bit of the COSE signature flipped.",
                ),
            ],
        },
        files,
    )
}

fn nvidia() -> Fixture {
    let (report, chain) = crate::spdm_report([0x42; 32], [0x24; 48]);
    let mut nonce_changed = report.clone();
    nonce_changed.replace_range(8..9, "5");
    let files = BTreeMap::from([
        ("attestation_report.hex".to_string(), report.into_bytes()),
        (
            "attestation_report-nonce-changed.hex".to_string(),
            nonce_changed.into_bytes(),
        ),
        ("device_cert_chain.pem".to_string(), chain.into_bytes()),
    ]);
    fixture(
        Describe {
            slug: "nvidia-h100",
            platform: "nvidia-h100",
            format: "SPDM GET_MEASUREMENTS request and MEASUREMENTS response (hex), device chain (PEM, leaf first)",
            description: "One SHA-384 measurement block signed by a device key that the synthetic Device Identity CA certifies.",
            root_sha256: crate::nvidia_test_root_sha256(),
            evidence: &[("report_data", format!("{} (requester nonce)", "42".repeat(32)))],
            variants: &[invalid(
                "nonce-changed",
                "attestation_report.hex",
                "attestation_report-nonce-changed.hex",
                "A hex digit of the signed requester nonce changed.",
            )],
        },
        files,
    )
}

fn snp() -> Fixture {
    use crate::snp;
    let claims = || snp::SnpClaims::new([0x5a; 48], [0x11; 64]);
    let mut flipped = snp::report(&claims());
    flipped[0x90] ^= 1;
    let mut tcb = claims();
    tcb.reported_tcb[6] -= 1;
    let mut chip = claims();
    chip.chip_id[9] ^= 0xff;
    let expired = snp::VcekFields {
        not_after: VERIFICATION_TIME - 3600,
        ..snp::VcekFields::default()
    };
    let files = BTreeMap::from([
        ("report.bin".to_string(), snp::report(&claims())),
        ("report-measurement-flipped.bin".to_string(), flipped),
        ("report-tcb-below-vcek.bin".to_string(), snp::report(&tcb)),
        ("report-other-chip.bin".to_string(), snp::report(&chip)),
        ("vcek.der".to_string(), snp::vcek(&snp::VcekFields::default())),
        ("vcek-expired.der".to_string(), snp::vcek(&expired)),
        ("cert_chain.pem".to_string(), snp::ca_bundle_pem().into_bytes()),
    ]);
    fixture(
        Describe {
            slug: "amd-sev-snp",
            platform: "amd-sev-snp",
            format: "SEV-SNP ATTESTATION_REPORT v3 (Genoa), VCEK (DER), ASK + ARK bundle (PEM, RSA-PSS)",
            description: "A report signed by the VCEK of a synthetic chip, certified by the synthetic ASK and ARK.",
            root_sha256: snp::test_ark_sha256(),
            evidence: &[
                ("measurement", format!("sha384:{}", "5a".repeat(48))),
                ("report_data", "11".repeat(64)),
                ("policy", "0x30000 (not debuggable)".into()),
            ],
            variants: &[
                invalid(
                    "measurement-flipped",
                    "report.bin",
                    "report-measurement-flipped.bin",
                    "One bit of MEASUREMENT flipped after signing.",
                ),
                invalid(
                    "tcb-below-vcek",
                    "report.bin",
                    "report-tcb-below-vcek.bin",
                    "REPORTED_TCB one SNP SPL below what the VCEK certifies.",
                ),
                invalid(
                    "other-chip",
                    "report.bin",
                    "report-other-chip.bin",
                    "CHIP_ID differs from the VCEK's hwID.",
                ),
                invalid(
                    "vcek-expired",
                    "vcek.der",
                    "vcek-expired.der",
                    "The VCEK expired an hour before the pinned time.",
                ),
            ],
        },
        files,
    )
}

fn tpm() -> Fixture {
    use crate::tpm;
    let nonce = [0x42u8; 32];
    let quote = tpm::quote(&tpm::QuoteClaims {
        extra_data: nonce.to_vec(),
        pcrs: (0..8).collect(),
        pcr_digest: [0x24; 32],
    });
    let mut changed = quote.clone();
    let last = changed.len() - 1;
    changed[last] ^= 1;
    let files = BTreeMap::from([
        ("quote.msg".to_string(), quote.clone()),
        ("quote-changed.msg".to_string(), changed),
        ("quote.sig".to_string(), tpm::signature(&quote)),
        ("ak.pub".to_string(), tpm::ak_pem().into_bytes()),
        (
            "akcert.der".to_string(),
            tpm::ak_certificate(VERIFICATION_TIME - 86_400, VERIFICATION_TIME + 86_400),
        ),
        (
            "akcert-expired.der".to_string(),
            tpm::ak_certificate(VERIFICATION_TIME - 7200, VERIFICATION_TIME - 3600),
        ),
        ("ak_ca.der".to_string(), tpm::ca_der()),
        ("nonce.hex".to_string(), trace_hardware::hex(&nonce).into_bytes()),
        ("nonce-other.hex".to_string(), "43".repeat(32).into_bytes()),
    ]);
    fixture(
        Describe {
            slug: "tpm2",
            platform: "tpm2",
            format: "TPMS_ATTEST quote and TPMT_SIGNATURE (RSASSA/SHA-256), AK public key (PEM), AK certificate and its CA (DER), nonce (hex)",
            description: "A quote over PCRs 0-7 (SHA-256 bank) signed by an AK that the synthetic TPM CA certifies.",
            root_sha256: tpm::ca_sha256(),
            evidence: &[
                ("measurement", format!("sha256:{} (pcrDigest)", "24".repeat(32))),
                ("report_data", format!("{} (extraData)", "42".repeat(32))),
            ],
            variants: &[
                invalid(
                    "quote-changed",
                    "quote.msg",
                    "quote-changed.msg",
                    "One bit of pcrDigest flipped after the AK signed.",
                ),
                invalid(
                    "ak-certificate-expired",
                    "akcert.der",
                    "akcert-expired.der",
                    "The AK certificate expired an hour before the pinned time.",
                ),
                invalid(
                    "other-nonce",
                    "nonce.hex",
                    "nonce-other.hex",
                    "The verifier asked for another nonce than the quote's extraData.",
                ),
            ],
        },
        files,
    )
}

fn azure() -> Fixture {
    use crate::{azure, snp};
    let mut files = azure::capture(&azure::AzureClaims {
        measurement: [0x5b; 48],
        runtime_data: azure::runtime_data(),
        nonce: vec![0x6e; 64],
        debug: false,
    });
    let mut changed = files["quote.msg"].clone();
    let last = changed.len() - 1;
    changed[last] ^= 1;
    files.insert("quote-changed.msg".into(), changed);
    files.insert("nonce-other.hex".into(), "00".repeat(64).into_bytes());
    files.insert("runtime_data-other.json".into(), b"{\"keys\":[]}".to_vec());
    fixture(
        Describe {
            slug: "azure-cvm-sev-snp",
            platform: "azure-cvm-sev-snp",
            format: "cMCP layout: SNP report, VCEK/ASK/ARK chain (PEM), HCL runtime data (JSON), vTPM quote and signature, nonce (hex)",
            description: "REPORT_DATA is SHA-256 of the runtime data, which carries the synthetic AK as HCLAkPub; the AK signs a quote over SHA-256 of the nonce.",
            root_sha256: snp::test_ark_sha256(),
            evidence: &[
                (
                    "measurement",
                    format!("sha384:{} (paravisor launch measurement)", "5b".repeat(48)),
                ),
                ("nonce", "6e".repeat(64)),
            ],
            variants: &[
                invalid(
                    "quote-changed",
                    "quote.msg",
                    "quote-changed.msg",
                    "One bit of the quote's pcrDigest flipped after the AK signed.",
                ),
                invalid(
                    "other-nonce",
                    "nonce.hex",
                    "nonce-other.hex",
                    "The verifier asked for another nonce than the one the quote covers.",
                ),
                invalid(
                    "other-runtime-data",
                    "runtime_data.json",
                    "runtime_data-other.json",
                    "Runtime data other than the report binds, and without the AK.",
                ),
            ],
        },
        files,
    )
}

fn confidential_space() -> Fixture {
    use crate::token;
    let jwt = |nbf: i64| {
        token::confidential_space_token(&token::TokenClaims {
            image_digest: &format!("sha256:{}", "c1".repeat(32)),
            dbgstat: "disabled-since-boot",
            eat_nonce: "42".repeat(32),
            nbf,
            exp: nbf + 3600,
        })
    };
    let genuine = jwt(VERIFICATION_TIME - 60);
    // The claims of another token under this one's header and signature.
    let other = jwt(VERIFICATION_TIME - 120);
    let parts: Vec<&str> = genuine.split('.').collect();
    let spliced = format!(
        "{}.{}.{}",
        parts[0],
        other.split('.').nth(1).unwrap_or_default(),
        parts[2]
    );
    let files = BTreeMap::from([
        ("token.jwt".to_string(), genuine.clone().into_bytes()),
        (
            "token-expired.jwt".to_string(),
            jwt(VERIFICATION_TIME - 7200).into_bytes(),
        ),
        ("token-claims-swapped.jwt".to_string(), spliced.into_bytes()),
        ("jwks.json".to_string(), token::jwks()),
    ]);
    fixture(
        Describe {
            slug: "google-confidential-space",
            platform: "google-confidential-space",
            format: "Confidential Space attestation token (JWT, RS256) and the signer's key snapshot (JWKS)",
            description: "A token issued a minute before the pinned time by the synthetic signer, pinned by its RFC 7638 thumbprint instead of a snapshot of Google's keys.",
            root_sha256: token::signer_sha256(),
            evidence: &[
                ("measurement", format!("sha256:{} (image_digest)", "c1".repeat(32))),
                ("report_data", format!("{} (eat_nonce)", "42".repeat(32))),
            ],
            variants: &[
                invalid(
                    "expired",
                    "token.jwt",
                    "token-expired.jwt",
                    "Issued two hours before the pinned time: its one-hour validity has ended.",
                ),
                invalid(
                    "claims-swapped",
                    "token.jwt",
                    "token-claims-swapped.jwt",
                    "The claims of another token under this one's signature.",
                ),
            ],
        },
        files,
    )
}

fn tdx() -> Fixture {
    use crate::tdx;
    let claims = tdx::TdClaims {
        mr_td: [0x6d; 48],
        report_data: [0x11; 64],
    };
    let (quote, collateral) = tdx::evidence(&claims, tdx::TdxKnobs::default(), VERIFICATION_TIME);
    let spoiled = |knobs| tdx::evidence(&claims, knobs, VERIFICATION_TIME).1.into_bytes();
    let mut changed = quote.clone();
    changed[184] ^= 1; // MRTD, after signing
    let files = BTreeMap::from([
        ("quote.bin".to_string(), quote),
        ("quote-mrtd-changed.bin".to_string(), changed),
        ("collateral.json".to_string(), collateral.into_bytes()),
        (
            "collateral-pck-revoked.json".to_string(),
            spoiled(tdx::TdxKnobs {
                pck_revoked: true,
                ..Default::default()
            }),
        ),
        (
            "collateral-tcb-revoked.json".to_string(),
            spoiled(tdx::TdxKnobs {
                tcb_revoked: true,
                ..Default::default()
            }),
        ),
        ("root_ca.der".to_string(), tdx::root_der()),
    ]);
    fixture(
        Describe {
            slug: "intel-tdx",
            platform: "intel-tdx",
            format: "TD quote v4 (quote.bin), QuoteCollateralV3 JSON (collateral.json), the SGX root (root_ca.der)",
            description: "A TD quote whose QE report and PCK chain, CRLs, TCB info and QE identity all chain to the synthetic SGX root (ECDSA P-256), TCB status UpToDate.",
            root_sha256: tdx::root_sha256(),
            evidence: &[
                ("measurement", format!("sha384:{} (MRTD)", "6d".repeat(48))),
                ("report_data", format!("{} (REPORT_DATA)", "11".repeat(64))),
            ],
            variants: &[
                invalid(
                    "mrtd-changed",
                    "quote.bin",
                    "quote-mrtd-changed.bin",
                    "One bit of MRTD flipped after the attestation key signed the quote.",
                ),
                invalid(
                    "pck-revoked",
                    "collateral.json",
                    "collateral-pck-revoked.json",
                    "The PCK CRL lists the PCK certificate.",
                ),
                invalid(
                    "tcb-revoked",
                    "collateral.json",
                    "collateral-tcb-revoked.json",
                    "The TCB info says the platform's TCB level is Revoked.",
                ),
            ],
        },
        files,
    )
}

fn cca() -> Fixture {
    use crate::cca;
    let token = |lifecycle| {
        cca::token(&cca::CcaClaims {
            challenge: [0x11; 64],
            rim: [0x7a; 32],
            lifecycle,
        })
    };
    let genuine = token(cca::LIFECYCLE_SECURED);
    let mut flipped = genuine.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 1; // the realm token's signature
    let files = BTreeMap::from([
        ("token.cbor".to_string(), genuine),
        ("token-realm-signature-flipped.cbor".to_string(), flipped),
        ("token-debug-lifecycle.cbor".to_string(), token(cca::LIFECYCLE_DEBUG)),
        ("token-decommissioned.cbor".to_string(), token(0x6000)),
        ("iak.der".to_string(), cca::iak_spki_der()),
    ]);
    fixture(
        Describe {
            slug: "arm-cca",
            platform: "arm-cca",
            format: "CCA token collection (CBOR tag 399: platform and realm COSE_Sign1), the IAK's SubjectPublicKeyInfo (DER)",
            description: "A realm token signed by its RAK, bound by the platform token's challenge; the platform token signed ES256 by the synthetic IAK, pinned by the SHA-256 of its SubjectPublicKeyInfo.",
            root_sha256: cca::iak_sha256(),
            evidence: &[
                (
                    "measurement",
                    format!("sha256:{} (realm initial measurement)", "7a".repeat(32)),
                ),
                ("report_data", format!("{} (realm challenge)", "11".repeat(64))),
            ],
            variants: &[
                invalid(
                    "realm-signature-flipped",
                    "token.cbor",
                    "token-realm-signature-flipped.cbor",
                    "One bit of the realm token's signature flipped.",
                ),
                Variant {
                    name: "debug-lifecycle",
                    verdict: "valid",
                    replace: "token.cbor",
                    with: "token-debug-lifecycle.cbor",
                    why: "A platform in the non-PSA-RoT debug lifecycle state: authentic, and its debug state is a fact Level 1 refuses.",
                },
                invalid(
                    "decommissioned",
                    "token.cbor",
                    "token-decommissioned.cbor",
                    "A decommissioned platform (lifecycle 0x6000) attests nothing.",
                ),
            ],
        },
        files,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_fixture_replays_with_its_expected_verdicts_and_is_deterministic() {
        let scratch = std::env::temp_dir().join(format!("trace-fixtures-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&scratch);
        let (a, b) = (all(), all());
        assert_eq!(a.len(), 8);
        for (f, again) in a.iter().zip(&b) {
            assert_eq!((&f.files, &f.manifest), (&again.files, &again.manifest), "{}", f.dir);
            let dir = scratch.join(&f.dir);
            std::fs::create_dir_all(&dir).expect("scratch");
            for (name, bytes) in &f.files {
                std::fs::write(dir.join(name), bytes).expect("write");
            }
            std::fs::write(dir.join("MANIFEST.toml"), &f.manifest).expect("write");
            let capture = trace_hardware::manifest::load(&dir).expect("the manifest reads");
            assert!(
                !capture.manifest.expect.variant.is_empty(),
                "{}: no negative variant",
                f.dir
            );
            assert_eq!(capture.problems, Vec::<String>::new());
            let r = trace_hardware::replay::replay(&dir, None).expect("replays");
            for c in &r.cases {
                assert!(
                    c.as_expected(),
                    "{} {:?}: {:?}, expected {:?}: {:#?}",
                    f.dir,
                    c.variant,
                    c.appraisal.verdict,
                    c.expected,
                    c.appraisal.checks
                );
            }
            // Without the pin (as a vendor capture would be read), nothing is valid; except
            // a token, whose capture brings its key snapshot, which is then the trust.
            if f.dir.ends_with("confidential-space") {
                continue;
            }
            let unpinned = std::fs::read_to_string(dir.join("MANIFEST.toml"))
                .expect("read")
                .replace("root_sha256 = ", "# root_sha256 = ");
            std::fs::write(dir.join("MANIFEST.toml"), unpinned).expect("write");
            let r = trace_hardware::replay::replay(&dir, None).expect("replays");
            assert_ne!(
                r.cases[0].appraisal.verdict,
                trace_hardware::Verdict::Valid,
                "{}",
                f.dir
            );
        }
        let _ = std::fs::remove_dir_all(&scratch);
    }
}
