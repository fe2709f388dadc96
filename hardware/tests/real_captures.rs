//! Replays the real captures vendored under fixtures/captures/ (evidence from real hardware,
//! taken from public repositories with their manifests: fixtures/captures/README.md) and
//! checks each against its manifest's expected verdict, then mutates them: a flipped byte
//! anywhere in the signed part, a time outside the certificates' window, a VCEK from another
//! chip, a truncated report.

use std::collections::BTreeMap;
use std::path::PathBuf;
use trace_hardware::CheckName;
use trace_hardware::{Verdict, replay};

/// `fixtures/captures/<sub>`, which is part of the repository: its absence is a failure.
fn captures(sub: &str) -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/captures")
        .join(sub);
    assert!(p.is_dir(), "{} is missing from the checkout", p.display());
    Some(p)
}

fn files(dir: &std::path::Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_file())
        .map(|e| {
            (
                e.file_name().to_string_lossy().to_string(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn every_sev_snp_capture_replays_with_its_expected_verdict() {
    let Some(root) = captures("amd-sev-snp") else { return };
    let dirs = replay::find_captures(&root).expect("captures are found");
    assert_eq!(dirs.len(), 3, "{dirs:?}");
    for dir in dirs {
        let r = replay::replay(&dir, None).expect("manifest reads");
        assert!(r.file_problems.is_empty(), "{}: {:?}", dir.display(), r.file_problems);
        for case in &r.cases {
            assert!(
                case.as_expected(),
                "{} {:?}: expected {:?}, got {:#?}",
                case.capture,
                case.variant,
                case.expected,
                case.appraisal
            );
        }
    }
}

#[test]
fn mutations_of_real_sev_snp_evidence_are_refused() {
    let Some(root) = captures("amd-sev-snp/trustee-milan-vcek") else {
        return;
    };
    let good = files(&root);
    let at = 1_675_209_600;
    assert_eq!(replay::appraise("amd-sev-snp", &good, at).verdict, Verdict::Valid);
    // A flipped bit anywhere in the signed bytes (measurement, report_data, policy, TCB).
    for offset in [0x08, 0x50, 0x90, 0x180, 0x29F] {
        let mut f = good.clone();
        f.get_mut("report.bin").unwrap()[offset] ^= 0x01;
        let a = replay::appraise("amd-sev-snp", &f, at);
        assert_eq!(a.verdict, Verdict::Invalid, "flip at {offset:#x}: {:#?}", a.checks);
    }
    // The signature itself damaged.
    let mut f = good.clone();
    f.get_mut("report.bin").unwrap()[0x2A0] ^= 0x01;
    assert_eq!(replay::appraise("amd-sev-snp", &f, at).verdict, Verdict::Invalid);
    // Outside the VCEK's window (before its notBefore, and after its notAfter).
    for t in [1_600_000_000, 1_900_000_000 + 300_000_000] {
        let a = replay::appraise("amd-sev-snp", &good, t);
        assert_eq!(a.verdict, Verdict::Invalid, "at {t}");
        assert!(a.checks.iter().any(|c| c.name == CheckName::Validity && !c.passed));
    }
    // A truncated report.
    let mut f = good.clone();
    f.get_mut("report.bin").unwrap().truncate(1000);
    assert_eq!(replay::appraise("amd-sev-snp", &f, at).verdict, Verdict::Invalid);
    // The VCEK of another chip (from the other Milan capture): chain fine, report not its.
    if let Some(other) = captures("amd-sev-snp/go-sev-guest-milan") {
        let mut f = good.clone();
        f.insert("vcek.der".into(), std::fs::read(other.join("vcek.der")).unwrap());
        let a = replay::appraise("amd-sev-snp", &f, at);
        assert_eq!(a.verdict, Verdict::Invalid);
        assert!(
            a.checks
                .iter()
                .any(|c| c.name == CheckName::ReportSignature && !c.passed),
            "{:#?}",
            a.checks
        );
        assert!(
            a.checks.iter().any(|c| c.name == CheckName::VcekHwid && !c.passed),
            "{:#?}",
            a.checks
        );
    }
}

#[test]
fn facts_come_from_the_report() {
    let Some(root) = captures("amd-sev-snp/go-sev-guest-milan") else {
        return;
    };
    let r = replay::replay(&root, None).expect("replays");
    let a = &r.cases[0].appraisal;
    assert_eq!(
        a.measurement.as_deref(),
        Some("sha384:b07af9620f3b839b47996422ddec6058338951d984e312115131ea82705eaf5b6bdf8a9ece31a5a608eb0cf2e4872b01")
    );
    assert_eq!(a.debug, Some(true), "the guest policy of this capture allows debug");
    assert!(a.report_data.as_deref().unwrap().starts_with("0102030405000000"));
}

#[test]
fn nitro_captures_replay_and_mutations_are_refused() {
    let Some(root) = captures("aws-nitro") else { return };
    for dir in replay::find_captures(&root).expect("captures are found") {
        let r = replay::replay(&dir, None).expect("manifest reads");
        assert!(r.file_problems.is_empty(), "{:?}", r.file_problems);
        for case in &r.cases {
            assert!(case.as_expected(), "{}: {:#?}", case.capture, case.appraisal);
        }
    }
    let dir = root.join("nitro-attest-2025-01-06");
    let good = files(&dir);
    let at = 1_736_179_625;
    assert_eq!(replay::appraise("aws-nitro", &good, at).verdict, Verdict::Valid);
    // The enclave certificate lives 3 hours: a day later the chain is out of its window.
    let a = replay::appraise("aws-nitro", &good, at + 86_400);
    assert_eq!(a.verdict, Verdict::Invalid);
    assert!(a.checks.iter().any(|c| c.name == CheckName::Validity && !c.passed));
    // The last byte is in the signature; one near the middle is in the signed payload.
    let doc = &good["attestation.cose"];
    for at_byte in [doc.len() - 1, doc.len() / 2] {
        let mut f = good.clone();
        f.get_mut("attestation.cose").unwrap()[at_byte] ^= 0x01;
        assert_eq!(
            replay::appraise("aws-nitro", &f, at).verdict,
            Verdict::Invalid,
            "flip at {at_byte}"
        );
    }
    // Truncated.
    let mut f = good.clone();
    f.get_mut("attestation.cose").unwrap().truncate(100);
    assert_eq!(replay::appraise("aws-nitro", &f, at).verdict, Verdict::Invalid);
}

#[test]
fn a_nitro_document_binds_the_tls_key_in_user_data() {
    let Some(dir) = captures("aws-nitro/evervault-ga-2023-09-18") else {
        return;
    };
    let r = replay::replay(&dir, None).expect("replays");
    let a = &r.cases[0].appraisal;
    assert_eq!(a.debug, Some(true), "debug enclave: PCR0 all zero");
    // user_data is the DER SubjectPublicKeyInfo of the bound TLS certificate (research §0.3).
    use x509_cert::der::{Decode, Encode};
    let cert = x509_cert::Certificate::from_der(&std::fs::read(dir.join("bound_tls_cert.der")).unwrap()).unwrap();
    let spki = cert.tbs_certificate.subject_public_key_info.to_der().unwrap();
    let hex: String = spki.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(a.report_data.as_deref(), Some(hex.as_str()));
}

#[test]
fn tokens_replay_against_their_key_snapshot_and_mutations_are_refused() {
    for sub in ["gcp-confidential-space", "azure-maa"] {
        let Some(root) = captures(sub) else { return };
        for dir in replay::find_captures(&root).expect("captures are found") {
            let r = replay::replay(&dir, None).expect("manifest reads");
            assert!(
                r.file_problems.is_empty() && r.cases.iter().all(|c| c.as_expected()),
                "{:#?}",
                r.cases
            );
        }
    }
    let Some(dir) = captures("gcp-confidential-space/atlas-pca-sev-2026-10-08") else {
        return;
    };
    let good = files(&dir);
    let at = 1_791_497_844;
    let a = replay::appraise("gcp-confidential-space", &good, at);
    assert_eq!(a.verdict, Verdict::Valid);
    assert_eq!(a.debug, Some(false));
    assert!(a.measurement.as_deref().unwrap().starts_with("sha256:b1c058a8"));
    // Past exp (1 hour), and before nbf.
    assert_eq!(
        replay::appraise("gcp-confidential-space", &good, at + 3_600).verdict,
        Verdict::Invalid
    );
    assert_eq!(
        replay::appraise("gcp-confidential-space", &good, at - 3_600).verdict,
        Verdict::Invalid
    );
    // A claim changed (one character of the payload segment), and the signature changed.
    let token = String::from_utf8(good["token.jwt"].clone()).unwrap();
    let dot = token.find('.').unwrap();
    for at_char in [dot + 10, token.trim_end().len() - 3] {
        let mut t = token.clone().into_bytes();
        t[at_char] = if t[at_char] == b'A' { b'B' } else { b'A' };
        let mut f = good.clone();
        f.insert("token.jwt".into(), t);
        assert_eq!(
            replay::appraise("gcp-confidential-space", &f, at).verdict,
            Verdict::Invalid,
            "change at {at_char}"
        );
    }
    // A key snapshot without the token's kid.
    let mut f = good.clone();
    f.insert("jwks.json".into(), br#"{"keys":[]}"#.to_vec());
    assert_eq!(
        replay::appraise("gcp-confidential-space", &f, at).verdict,
        Verdict::Invalid
    );
}

#[test]
fn gpu_reports_replay_and_mutations_are_refused() {
    let Some(root) = captures("nvidia-gpu") else { return };
    for dir in replay::find_captures(&root).expect("captures are found") {
        let r = replay::replay(&dir, None).expect("manifest reads");
        assert!(
            r.file_problems.is_empty() && r.cases.iter().all(|c| c.as_expected()),
            "{:#?}",
            r.cases
        );
    }
    let a_dir = root.join("nvtrust-h100-550.90.07");
    let good = files(&a_dir);
    let at = 1_740_614_400;
    let a = replay::appraise("nvidia-h100", &good, at);
    assert_eq!(a.verdict, Verdict::Valid);
    assert_eq!(
        a.report_data.as_deref().map(str::len),
        Some(64),
        "the 32-byte requester nonce"
    );
    // A changed hex digit in the nonce (signed) and in the signature.
    let hex_text = String::from_utf8(good["attestation_report.hex"].clone()).unwrap();
    let trimmed = hex_text.trim_end().len();
    for at_char in [10, trimmed - 5] {
        let mut t = hex_text.clone().into_bytes();
        t[at_char] = if t[at_char] == b'0' { b'1' } else { b'0' };
        let mut f = good.clone();
        f.insert("attestation_report.hex".into(), t);
        assert_eq!(
            replay::appraise("nvidia-h100", &f, at).verdict,
            Verdict::Invalid,
            "change at {at_char}"
        );
    }
    // The other GPU's chain: a genuine chain, but not this report's signer.
    let mut f = good.clone();
    f.insert(
        "device_cert_chain.pem".into(),
        std::fs::read(root.join("trustee-h100-580.95.05/device_cert_chain.pem")).unwrap(),
    );
    let a = replay::appraise("nvidia-h100", &f, at);
    assert_eq!(a.verdict, Verdict::Invalid);
    assert!(a.checks.iter().any(|c| c.name == CheckName::Signature && !c.passed));
    // The chain without its root: the last certificate is not the pinned CA.
    let pem = String::from_utf8(good["device_cert_chain.pem"].clone()).unwrap();
    let cut = pem.rfind("-----BEGIN CERTIFICATE-----").unwrap();
    let mut f = good.clone();
    f.insert("device_cert_chain.pem".into(), pem.as_bytes()[..cut].to_vec());
    assert_eq!(replay::appraise("nvidia-h100", &f, at).verdict, Verdict::Invalid);
}

#[test]
fn every_hardware_platform_has_a_real_capture_or_says_why_none_is_public() {
    let root = captures("").expect("fixtures/captures");
    let mut covered = std::collections::BTreeSet::new();
    for dir in replay::find_captures(&root).expect("captures are found") {
        let manifest = std::fs::read_to_string(dir.join("MANIFEST.toml")).unwrap();
        let line = manifest.lines().find(|l| l.starts_with("trace_runtime_platform = "));
        if let Some(value) = line.and_then(|l| l.split('"').nth(1)) {
            covered.insert(value.to_string());
        }
    }
    for platform in trace_record::platform::Platform::ALL
        .into_iter()
        .filter(|p| p.is_hardware())
    {
        if covered.contains(platform.name()) {
            continue;
        }
        // No public capture: the platform's folder says where the team looked and what a
        // vendor must submit (hardware/SUBMITTING.md).
        let readme = root.join(platform.name()).join("README.md");
        let text = std::fs::read_to_string(&readme)
            .unwrap_or_else(|_| panic!("{}: no real capture and no {}", platform.name(), readme.display()));
        assert!(
            text.contains("## Where we looked") && text.contains("## What a vendor must submit"),
            "{}",
            readme.display()
        );
    }
    assert!(covered.contains("nvidia-blackwell"), "{covered:?}");
}

#[test]
fn a_gpu_report_is_evidence_of_the_generation_its_chain_names_only() {
    let Some(root) = captures("nvidia-gpu") else { return };
    let hopper = files(&root.join("nvtrust-h100-550.90.07"));
    let blackwell = files(&root.join("attestation-sdk-gb100-575.32"));
    let (hopper_at, blackwell_at) = (1_740_614_400, 1_757_376_000);
    assert_eq!(
        replay::appraise("nvidia-h100", &hopper, hopper_at).verdict,
        Verdict::Valid
    );
    let a = replay::appraise("nvidia-blackwell", &blackwell, blackwell_at);
    assert_eq!(a.verdict, Verdict::Valid, "{:#?}", a.checks);
    let platform = a
        .checks
        .iter()
        .find(|c| c.name == CheckName::GpuGeneration)
        .expect("a generation check");
    assert!(platform.detail.contains("GB100"), "{}", platform.detail);
    // Each genuine report, signature and chain valid, presented as the other generation:
    // only the platform check fails.
    for (platform, capture, at, names) in [
        ("nvidia-blackwell", &hopper, hopper_at, "GH100"),
        ("nvidia-h100", &blackwell, blackwell_at, "GB100"),
    ] {
        let a = replay::appraise(platform, capture, at);
        assert_eq!(a.verdict, Verdict::Invalid, "{platform}");
        assert_eq!(failed(&a), vec!["gpu-generation"], "{platform}: {:#?}", a.checks);
        let check = a.checks.iter().find(|c| c.name == CheckName::GpuGeneration).unwrap();
        assert!(check.detail.contains(names), "{}", check.detail);
    }
}

#[test]
fn a_tpm_quote_without_a_vendor_chain_is_unverifiable_and_mutations_are_invalid() {
    let Some(dir) = captures("tpm2/cmcp-azure-vtpm-2026-07-27") else {
        return;
    };
    let good = files(&dir);
    let at = 1_785_110_400;
    let a = replay::appraise("tpm2", &good, at);
    assert_eq!(a.verdict, Verdict::Unverifiable, "{:#?}", a.checks);
    assert_eq!(
        a.measurement.as_deref(),
        Some("sha256:461684441feb67717a22b7f43096ec2f92a6582f5987f82729b3749180fede61")
    );
    // The quote changed (in extraData), the signature changed, another nonce expected.
    for (file, offset) in [("quote.msg", 0x30), ("quote.sig", 7)] {
        let mut f = good.clone();
        f.get_mut(file).unwrap()[offset] ^= 1;
        assert_eq!(replay::appraise("tpm2", &f, at).verdict, Verdict::Invalid, "{file}");
    }
    let mut f = good.clone();
    f.insert("nonce.hex".into(), b"00".repeat(32));
    assert_eq!(replay::appraise("tpm2", &f, at).verdict, Verdict::Invalid);
    let mut f = good.clone();
    f.get_mut("quote.msg").unwrap().push(0);
    assert_eq!(
        replay::appraise("tpm2", &f, at).verdict,
        Verdict::Invalid,
        "trailing bytes"
    );
}

#[test]
fn dcap_quotes_replay_with_their_collateral_and_mutations_are_refused() {
    let Some(dir) = captures("intel-tdx/dcap-qvl-tdx-v4") else {
        return;
    };
    let good = files(&dir);
    let at = 1_751_328_000;
    let a = replay::appraise("intel-tdx", &good, at);
    assert_eq!(a.verdict, Verdict::Valid, "{:#?}", a.checks);
    assert_eq!(
        a.measurement.as_deref(),
        Some("sha384:91eb2b44d141d4ece09f0c75c2c53d247a3c68edd7fafe8a3520c942a604a407de03ae6dc5f87f27428b2538873118b7")
    );
    assert!(a.report_data.as_deref().unwrap().starts_with("9a9d48e7f6799642"));
    assert_eq!(a.debug, Some(false));
    // Collateral windows: before the TCB info was issued, after it expired (30 days).
    for t in [1_750_291_200, 1_752_969_600] {
        assert_eq!(
            replay::appraise("intel-tdx", &good, t).verdict,
            Verdict::Invalid,
            "at {t}"
        );
    }
    // report_data sits at quote offset 568 in a v4 TDX quote: a flipped bit there is refused.
    let mut f = good.clone();
    f.get_mut("quote.bin").unwrap()[568] ^= 1;
    assert_eq!(replay::appraise("intel-tdx", &f, at).verdict, Verdict::Invalid);
    // Another platform's collateral (the SGX capture's) does not fit this quote.
    if let Some(sgx) = captures("intel-sgx/dcap-qvl-sgx-v3") {
        let mut f = good.clone();
        f.insert(
            "collateral.json".into(),
            std::fs::read(sgx.join("collateral.json")).unwrap(),
        );
        assert_eq!(replay::appraise("intel-tdx", &f, at).verdict, Verdict::Invalid);
        // The revocation data the collateral carries is checked: with only its PCK CRL
        // swapped for the SGX capture's (the Processor CA's, which did not issue this PCK)
        // the PCK's revocation status is unknown, and the quote is refused.
        let mut collateral: serde_json::Value = serde_json::from_slice(&good["collateral.json"]).unwrap();
        let sgx_collateral: serde_json::Value =
            serde_json::from_slice(&std::fs::read(sgx.join("collateral.json")).unwrap()).unwrap();
        assert_ne!(collateral["pck_crl"], sgx_collateral["pck_crl"]);
        collateral["pck_crl"] = sgx_collateral["pck_crl"].clone();
        let mut f = good.clone();
        f.insert("collateral.json".into(), serde_json::to_vec(&collateral).unwrap());
        let a = replay::appraise("intel-tdx", &f, at);
        assert_eq!(a.verdict, Verdict::Invalid, "{:#?}", a.checks);
        assert!(
            a.checks
                .iter()
                .any(|c| !c.passed && c.detail.contains("UnknownRevocationStatus")),
            "{:#?}",
            a.checks
        );
    }
    for sub in [
        "intel-tdx/dcap-qvl-tdx-v5-outdated",
        "intel-tdx/go-tdx-guest-v5-90c06f",
        "intel-sgx/dcap-qvl-sgx-v3",
    ] {
        let Some(d) = captures(sub) else { return };
        let r = replay::replay(&d, None).expect("manifest reads");
        assert!(r.cases.iter().all(|c| c.as_expected()), "{sub}: {:#?}", r.cases);
    }
}

#[test]
fn an_azure_cvm_capture_links_report_runtime_data_ak_and_quote() {
    let Some(dir) = captures("azure-cvm/cmcp-azure-cvm-snp-2026-07-20") else {
        return;
    };
    let good = files(&dir);
    let at = 1_784_592_000;
    let a = replay::appraise("azure-cvm-sev-snp", &good, at);
    assert_eq!(a.verdict, Verdict::Valid, "{:#?}", a.checks);
    assert!(a.measurement.as_deref().unwrap().starts_with("sha384:5b0ce64ad1c1f637"));
    // Each link broken on its own: the runtime data, the quote signature, the nonce.
    let mut f = good.clone();
    f.get_mut("runtime_data.json").unwrap().push(b' ');
    let a = replay::appraise("azure-cvm-sev-snp", &f, at);
    assert!(a.verdict == Verdict::Invalid && a.checks.iter().any(|c| c.name == CheckName::RuntimeData && !c.passed));
    let mut f = good.clone();
    let sig = f.get_mut("quote.sig").unwrap();
    let last = sig.len() - 1;
    sig[last] ^= 1;
    let a = replay::appraise("azure-cvm-sev-snp", &f, at);
    assert!(a.verdict == Verdict::Invalid && a.checks.iter().any(|c| c.name == CheckName::VtpmQuote && !c.passed));
    let mut f = good.clone();
    f.insert("nonce.hex".into(), b"00".repeat(64));
    let a = replay::appraise("azure-cvm-sev-snp", &f, at);
    assert!(a.verdict == Verdict::Invalid && a.checks.iter().any(|c| c.name == CheckName::Nonce && !c.passed));
}

#[test]
fn the_trustee_azure_capture_binds_runtime_data_and_pcrs() {
    let Some(dir) = captures("azure-cvm/trustee-az-snp-vtpm") else {
        return;
    };
    let good = files(&dir);
    let at = 1_748_736_000;
    let a = replay::appraise("azure-cvm-sev-snp", &good, at);
    assert_eq!(a.verdict, Verdict::Valid, "{:#?}", a.checks);
    assert!(
        a.checks.iter().any(|c| c.name == CheckName::PcrDigest && c.passed),
        "{:#?}",
        a.checks
    );
    // PCR 0 reported differently from what the quote signed.
    let text = String::from_utf8(good["evidence-v1.json"].clone()).unwrap();
    let pcr0 = "e15c44796beabf46abcec7c57e590942041e47497e4ec27571c8b7664f48dced";
    assert!(text.contains(pcr0));
    let mut f = good.clone();
    f.insert(
        "evidence-v1.json".into(),
        text.replacen(pcr0, &"0".repeat(64), 1).into_bytes(),
    );
    let a = replay::appraise("azure-cvm-sev-snp", &f, at);
    assert!(
        a.verdict == Verdict::Invalid && a.checks.iter().any(|c| c.name == CheckName::PcrDigest && !c.passed),
        "{:#?}",
        a.checks
    );
}

/// Flips one byte of `name` at `offset` (counted from the end when negative).
fn flipped(good: &BTreeMap<String, Vec<u8>>, name: &str, offset: isize) -> BTreeMap<String, Vec<u8>> {
    let mut f = good.clone();
    let bytes = f.get_mut(name).unwrap();
    let at = if offset < 0 {
        bytes.len() - offset.unsigned_abs()
    } else {
        offset as usize
    };
    bytes[at] ^= 1;
    f
}

fn failed(a: &trace_hardware::Appraisal) -> Vec<&'static str> {
    a.checks.iter().filter(|c| !c.passed).map(|c| c.name.name()).collect()
}

#[test]
fn a_dcap_quote_without_usable_collateral_is_unverifiable_and_mutations_are_invalid() {
    let Some(dir) = captures("intel-tdx/go-tdx-guest-spr-e4-2023") else {
        return;
    };
    // Its raw PCS responses without the issuer chains PCS sends as headers: no usable collateral.
    let mut good = files(&dir);
    for chain in [
        "pck_crl_issuer_chain.pem",
        "tcb_info_issuer_chain.pem",
        "qe_identity_issuer_chain.pem",
    ] {
        assert!(good.remove(chain).is_some(), "{chain}");
    }
    let at = 1_688_169_600;
    let a = replay::appraise("intel-tdx", &good, at);
    assert_eq!(a.verdict, Verdict::Unverifiable, "{:#?}", a.checks);
    assert_eq!(failed(&a), ["tcb"], "only the missing collateral stands");
    assert_eq!(
        a.measurement.as_deref(),
        Some("sha384:6363b8043668a3ad953278e10389574d326c6749fb78aa810ecd9336923db86f22fc00b8dcd404bc10d5e119d7215cbb")
    );
    assert_eq!(a.debug, Some(false));
    // Each link broken on its own, each is invalid (never merely unverifiable):
    // MRTD (signed by the attestation key), the attestation key (bound by the QE report),
    // the QE report's signature (by the PCK key), and a time before the PCK certificate.
    for (f, check) in [
        (flipped(&good, "quote.bin", 184), "signature"),
        (flipped(&good, "quote.bin", 700), "qe-binding"),
        (flipped(&good, "quote.bin", 1160), "report-signature"),
    ] {
        let a = replay::appraise("intel-tdx", &f, at);
        assert_eq!(a.verdict, Verdict::Invalid, "{check}: {:#?}", a.checks);
        assert!(failed(&a).contains(&check), "{check}: {:?}", failed(&a));
    }
    let a = replay::appraise("intel-tdx", &good, 1_600_000_000);
    assert_eq!(a.verdict, Verdict::Invalid);
    assert!(failed(&a).contains(&"validity"), "{:?}", failed(&a));
}

#[test]
fn raw_pcs_responses_are_read_as_collateral_exactly_as_intel_signed_them() {
    let Some(dir) = captures("intel-tdx/go-tdx-guest-spr-e4-2023") else {
        return;
    };
    let good = files(&dir);
    let at = 1_688_169_600;
    // With the issuer chains the TCB is evaluated: this 2022 quote matches no TCB level of the
    // June 2023 TCB info, which is what go-tdx-guest's own test of it expects.
    let a = replay::appraise("intel-tdx", &good, at);
    assert_eq!(a.verdict, Verdict::Invalid, "{:#?}", a.checks);
    let tcb_level = |a: &trace_hardware::Appraisal| a.checks.iter().any(|c| c.detail.contains("No matching TCB level"));
    assert!(tcb_level(&a), "{:#?}", a.checks);
    // The TCB info re-encoded (the same members, another layout) is no longer what Intel
    // signed, and one changed value inside the signed member is refused as well: both before
    // any TCB level is looked at.
    let tcb_info = String::from_utf8(good["tcb_info.json"].clone()).unwrap();
    let reencoded = tcb_info.replacen("{\"id\":\"TDX\",", "{ \"id\": \"TDX\",", 1);
    let changed = tcb_info.replacen("\"tcbEvaluationDataNumber\":15", "\"tcbEvaluationDataNumber\":16", 1);
    for (what, text) in [("re-encoded", reencoded), ("changed", changed)] {
        assert_ne!(text, tcb_info, "{what}");
        let mut f = good.clone();
        f.insert("tcb_info.json".into(), text.into_bytes());
        let a = replay::appraise("intel-tdx", &f, at);
        assert_eq!(a.verdict, Verdict::Invalid, "{what}");
        assert!(!tcb_level(&a), "{what}: {:#?}", a.checks);
    }
    // Another issuer chain for the TCB info (the PCK CRL's) does not sign it.
    let mut f = good.clone();
    f.insert(
        "tcb_info_issuer_chain.pem".into(),
        good["pck_crl_issuer_chain.pem"].clone(),
    );
    let a = replay::appraise("intel-tdx", &f, at);
    assert!(a.verdict == Verdict::Invalid && !tcb_level(&a), "{:#?}", a.checks);
    // After the TCB info's nextUpdate (2023-07-18) the collateral is stale.
    let a = replay::appraise("intel-tdx", &good, 1_690_000_000);
    assert!(a.verdict == Verdict::Invalid && !tcb_level(&a), "{:#?}", a.checks);
    assert!(
        a.checks.iter().any(|c| c.detail.contains("TCBInfo expired")),
        "{:#?}",
        a.checks
    );
    // A complete set of raw PCS responses from another upstream appraises in full, as valid,
    // and one changed byte of its PCK CRL (in the signature) makes it invalid.
    if let Some(automata) = captures("intel-tdx/automata-solana-00806f050000") {
        let raw = files(&automata);
        let when = 1_751_932_800;
        let a = replay::appraise("intel-tdx", &raw, when);
        assert_eq!(a.verdict, Verdict::Valid, "{:#?}", a.checks);
        assert!(
            a.checks.iter().any(|c| c.detail.contains("TCB status OutOfDate")),
            "{:#?}",
            a.checks
        );
        let a = replay::appraise("intel-tdx", &flipped(&raw, "pck_crl.der", -5), when);
        assert_eq!(a.verdict, Verdict::Invalid, "{:#?}", a.checks);
    }
    // Raw responses that come with their issuer chains but miss a piece, or whose body has no
    // signed member, are refused with the reason, never downgraded to unverifiable.
    let mut renamed = good.clone();
    renamed.insert(
        "tcb_info.json".into(),
        tcb_info.replacen("\"tcbInfo\"", "\"tcbInfX\"", 1).into_bytes(),
    );
    let mut no_root_crl = good.clone();
    no_root_crl.remove("root_ca_crl.der");
    for (what, f, says) in [
        ("no tcbInfo", renamed, "no \"tcbInfo\" member"),
        ("no root CRL", no_root_crl, "root_ca_crl.der"),
    ] {
        let a = replay::appraise("intel-tdx", &f, at);
        assert_eq!(a.verdict, Verdict::Invalid, "{what}");
        assert_eq!(failed(&a), ["collateral"], "{what}: {:#?}", a.checks);
        assert!(
            a.checks.iter().any(|c| c.detail.contains(says)),
            "{what}: {:#?}",
            a.checks
        );
    }
}

#[test]
fn the_trustee_azure_tdx_capture_binds_runtime_data_and_is_unverifiable() {
    let Some(dir) = captures("azure-cvm/trustee-az-tdx-vtpm") else {
        return;
    };
    let good = files(&dir);
    let at = 1_704_067_200;
    let a = replay::appraise("azure-cvm-tdx", &good, at);
    assert_eq!(a.verdict, Verdict::Unverifiable, "{:#?}", a.checks);
    assert_eq!(failed(&a), ["tcb"], "{:#?}", a.checks);
    assert!(a.checks.iter().any(|c| c.name == CheckName::RuntimeData && c.passed));
    assert!(a.checks.iter().any(|c| c.name == CheckName::PcrDigest && c.passed));
    let text = String::from_utf8(good["evidence-v1.json"].clone()).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    // Another runtime data than the TD quote binds: one character of the HCL blob's JSON.
    let hcl = json["hcl_report"].as_str().unwrap();
    let mut raw = base64_decode(hcl);
    let brace = raw.windows(2).position(|w| w == b"{\"").unwrap();
    raw[brace + 1] = b' ';
    let mut damaged = json.clone();
    damaged["hcl_report"] = base64_encode(&raw).into();
    let mut f = good.clone();
    f.insert("evidence-v1.json".into(), damaged.to_string().into_bytes());
    let a = replay::appraise("azure-cvm-tdx", &f, at);
    assert_eq!(a.verdict, Verdict::Invalid, "{:#?}", a.checks);
    assert!(failed(&a).contains(&"runtime-data"), "{:?}", failed(&a));
    // The vTPM quote's signature changed.
    let mut damaged = json.clone();
    let sig = damaged["tpm_quote"]["signature"].as_str().unwrap().to_string();
    let last = if sig.ends_with('0') { "1" } else { "0" };
    damaged["tpm_quote"]["signature"] = format!("{}{last}", &sig[..sig.len() - 1]).into();
    let mut f = good.clone();
    f.insert("evidence-v1.json".into(), damaged.to_string().into_bytes());
    let a = replay::appraise("azure-cvm-tdx", &f, at);
    assert_eq!(a.verdict, Verdict::Invalid, "{:#?}", a.checks);
    assert!(failed(&a).contains(&"vtpm-quote"), "{:?}", failed(&a));
}

fn base64_decode(text: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text.trim_end_matches('='))
        .unwrap()
}

fn base64_encode(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Random damage to every file of every shared capture: any verdict, never a panic.
#[test]
fn damaged_captures_never_panic() {
    let Some(root) = captures("") else { return };
    let mut state: u64 = 0x0dd_ba11_5eed;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut runs = 0;
    for dir in replay::find_captures(&root).expect("captures are found") {
        let m = trace_hardware::manifest::read(&dir).expect("manifest");
        let good = files(&dir);
        for name in good.keys() {
            for _ in 0..12 {
                let mut f = good.clone();
                let b = f.get_mut(name).unwrap();
                if b.is_empty() {
                    continue;
                }
                let at = (next() % b.len() as u64) as usize;
                match next() % 3 {
                    0 => b[at] ^= 1 << (next() % 8),
                    1 => b.truncate(at),
                    _ => b.insert(at, next() as u8),
                }
                let r = std::panic::catch_unwind(|| replay::appraise(&m.platform, &f, m.verify.verification_time_unix));
                assert!(r.is_ok(), "{} {name} at {at} panicked", m.name);
                runs += 1;
            }
        }
    }
    assert!(runs > 300, "{runs}");
}

/// The certificates of a PEM bundle, in order.
fn pem_certs(path: &std::path::Path) -> Vec<x509_cert::Certificate> {
    use x509_cert::der::Decode;
    let text = std::fs::read_to_string(path).unwrap();
    text.split("-----BEGIN CERTIFICATE-----")
        .skip(1)
        .map(|block| {
            let body: String = block
                .split("-----END CERTIFICATE-----")
                .next()
                .unwrap()
                .split_whitespace()
                .collect();
            x509_cert::Certificate::from_der(&base64_decode_std(&body)).unwrap()
        })
        .collect()
}

fn base64_decode_std(text: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(text).unwrap()
}

#[test]
fn the_ark_crl_a_capture_carries_is_checked_and_holds_it_to_its_ark_window_and_list() {
    let Some(root) = captures("azure-cvm") else { return };
    let good = files(&root.join("trustee-az-snp-vtpm"));
    let at = 1_748_736_000; // 2025-06-01, inside ARK-Milan CRL 6's window
    let a = replay::appraise("azure-cvm-sev-snp", &good, at);
    assert_eq!(a.verdict, Verdict::Valid, "{:#?}", a.checks);
    let revocation = a
        .checks
        .iter()
        .find(|c| c.name == CheckName::Revocation)
        .expect("checked");
    assert!(
        revocation.passed && revocation.detail.contains("not among them"),
        "{}",
        revocation.detail
    );
    // Without the CRL, revocation is not checked (and not claimed).
    let mut without = good.clone();
    without.remove("ark_crl.pem");
    let a = replay::appraise("azure-cvm-sev-snp", &without, at);
    assert_eq!(a.verdict, Verdict::Valid);
    assert!(!a.checks.iter().any(|c| c.name == CheckName::Revocation));
    // After its nextUpdate (2026-05-12) the CRL no longer says anything: only that fails.
    let a = replay::appraise("azure-cvm-sev-snp", &good, 1_780_272_000);
    assert_eq!(failed(&a), vec!["revocation"], "{:#?}", a.checks);
    // Another ARK's CRL, and a CRL whose signature was changed.
    let mut other = good.clone();
    other.insert("ark_crl.pem".into(), good["ark_crl_genoa.pem"].clone());
    assert_eq!(
        failed(&replay::appraise("azure-cvm-sev-snp", &other, at)),
        vec!["revocation"]
    );
    let pem = String::from_utf8(good["ark_crl.pem"].clone()).unwrap();
    let end = pem.find("-----END").unwrap();
    let mut tampered = pem.into_bytes();
    let i = end - 10; // inside the signature's base64, before the padding
    tampered[i] = if tampered[i] == b'A' { b'B' } else { b'A' };
    let mut forged = good.clone();
    forged.insert("ark_crl.pem".into(), tampered);
    let a = replay::appraise("azure-cvm-sev-snp", &forged, at);
    assert_eq!(failed(&a), vec!["revocation"], "{:#?}", a.checks);
    let check = a.checks.iter().find(|c| c.name == CheckName::Revocation).unwrap();
    assert!(check.detail.contains("does not verify"), "{}", check.detail);
    // The window's edges: from thisUpdate (2025-05-06T12:39:06Z) until before nextUpdate
    // (2026-05-12T00:00:00Z).
    for (t, current) in [
        (1_746_535_146 - 1, false),
        (1_746_535_146, true),
        (1_778_544_000 - 1, true),
        (1_778_544_000, false),
    ] {
        let a = replay::appraise("azure-cvm-sev-snp", &good, t);
        let revoked = failed(&a) == vec!["revocation"];
        assert_eq!(
            (a.verdict == Verdict::Valid, revoked),
            (current, !current),
            "at {t}: {:#?}",
            a.checks
        );
    }

    // ARK-Genoa's CRL 4 lists serial 02:00:01, an earlier SEV-Genoa ASK: the current ASK
    // (02:00:02) passes, the same ASK with the listed serial is refused.
    let genoa = pem_certs(&captures("roots").unwrap().join("amd/ask_ark_genoa.pem"));
    let (ask, ark) = (&genoa[0], &genoa[1]);
    let crl = &good["ark_crl_genoa.pem"];
    let (ok, detail) = trace_hardware::amd_crl::check(crl, ark, ask, at);
    assert!(ok, "{detail}");
    let mut revoked_ask = ask.clone();
    revoked_ask.tbs_certificate.serial_number =
        x509_cert::serial_number::SerialNumber::new(&[0x02, 0x00, 0x01]).unwrap();
    let (ok, detail) = trace_hardware::amd_crl::check(crl, ark, &revoked_ask, at);
    assert!(!ok && detail.contains("revokes the chain's ASK"), "{detail}");
    // Held to the ARK it names: Milan's ARK did not issue Genoa's CRL.
    let milan = pem_certs(&captures("roots").unwrap().join("amd/ask_ark_milan.pem"));
    let (ok, detail) = trace_hardware::amd_crl::check(crl, &milan[1], ask, at);
    assert!(!ok && detail.contains("not by the chain's ARK"), "{detail}");
}
