//! Raw Intel PCS responses as DCAP collateral: what `GET …/certification/v4/tcb`,
//! `…/qe/identity` and `…/pckcrl` return (the body, and the issuer chain PCS sends in a
//! header), plus the Root CA's CRL, put together as `dcap-qvl`'s `QuoteCollateralV3`.
//!
//! Owns: the file names a capture gives those responses, and taking the signed member of a
//! TCB info or QE identity body (`tcbInfo`, `enclaveIdentity`) exactly as its bytes stand,
//! since Intel signs those bytes and a re-encoding (another member order, other escapes)
//! would not verify. Does not own any check: `dcap` appraises the collateral.

/// A capture's raw PCS responses: (file name, what it holds). The issuer chains are the
/// header values (`TCB-Info-Issuer-Chain`, `SGX-Enclave-Identity-Issuer-Chain`,
/// `SGX-PCK-CRL-Issuer-Chain`), URL-decoded to PEM.
pub const FILES: [(&str, &str); 7] = [
    (
        "tcb_info.json",
        "the TCB info body: {\"tcbInfo\": …, \"signature\": hex}",
    ),
    ("tcb_info_issuer_chain.pem", "its issuer chain (TCB Signing, Root CA)"),
    (
        "qe_identity.json",
        "the QE identity body: {\"enclaveIdentity\": …, \"signature\": hex}",
    ),
    ("qe_identity_issuer_chain.pem", "its issuer chain"),
    ("pck_crl.der", "the PCK CRL (Platform or Processor CA), DER"),
    ("pck_crl_issuer_chain.pem", "its issuer chain (PCK CA, Root CA)"),
    ("root_ca_crl.der", "the Intel SGX Root CA's CRL, DER"),
];

/// The other name a PCK CRL may have (the platform CA's, as PCS names the query).
pub const PCK_CRL_ALIASES: [&str; 2] = ["pck_crl.der", "pck_crl_platform.der"];

/// The raw text of the top-level member `name` of a JSON object, exactly as it stands in
/// `body`; None when `body` is not an object or has no such member. A scanner, not a
/// validator: it finds the member's extent (strings read with their escapes, brackets
/// counted) and leaves judging the text to the signature over it and to dcap-qvl's parser.
/// The member's name must appear unescaped, as PCS writes it; the first of two wins.
pub fn raw_member<'a>(body: &'a str, name: &str) -> Option<&'a str> {
    let b = body.as_bytes();
    let mut i = skip_ws(b, 0);
    if b.get(i) != Some(&b'{') {
        return None;
    }
    i += 1;
    loop {
        i = skip_ws(b, i);
        let key_end = string_end(b, i)?;
        let key = &body[i + 1..key_end - 1];
        i = skip_ws(b, key_end);
        if b.get(i) != Some(&b':') {
            return None;
        }
        let start = skip_ws(b, i + 1);
        let end = value_end(b, start)?;
        if key == name {
            return Some(&body[start..end]);
        }
        i = skip_ws(b, end);
        match b.get(i) {
            Some(b',') => i += 1,
            _ => return None,
        }
    }
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while b.get(i).is_some_and(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// The index just past the string starting at `i` (its opening quote).
fn string_end(b: &[u8], i: usize) -> Option<usize> {
    if b.get(i) != Some(&b'"') {
        return None;
    }
    let mut j = i + 1;
    loop {
        match b.get(j)? {
            b'\\' => j += 2,
            b'"' => return Some(j + 1),
            _ => j += 1,
        }
    }
}

/// The index just past the value starting at `i`: a string, an object or array (nested
/// brackets counted, strings skipped), or a scalar up to the next delimiter.
fn value_end(b: &[u8], i: usize) -> Option<usize> {
    match b.get(i)? {
        b'"' => string_end(b, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            loop {
                match b.get(j)? {
                    b'"' => {
                        j = string_end(b, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
        }
        _ => {
            let mut j = i;
            while b
                .get(j)
                .is_some_and(|c| !matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'))
            {
                j += 1;
            }
            (j > i).then_some(j)
        }
    }
}

/// Whether the capture holds any of the issuer chains: then its raw PCS responses are meant as
/// collateral, and a piece missing or damaged makes it invalid rather than unverifiable.
pub fn has_issuer_chains(files: &crate::platforms::Files) -> bool {
    [
        "tcb_info_issuer_chain.pem",
        "qe_identity_issuer_chain.pem",
        "pck_crl_issuer_chain.pem",
    ]
    .iter()
    .any(|n| files.contains_key(*n))
}

/// The signed member and the hex signature of a TCB info or QE identity body.
fn signed_body(body: &[u8], member: &str, what: &str) -> Result<(String, Vec<u8>), String> {
    let text = std::str::from_utf8(body).map_err(|_| format!("{what} is not UTF-8"))?;
    let signed = raw_member(text, member).ok_or_else(|| format!("{what} has no \"{member}\" member"))?;
    if !signed.starts_with('{') {
        return Err(format!("{what}'s \"{member}\" is not an object"));
    }
    let signature = raw_member(text, "signature")
        .and_then(|s| s.strip_prefix('"')?.strip_suffix('"'))
        .and_then(|h| crate::unhex(h.as_bytes()))
        .ok_or_else(|| format!("{what} has no hex \"signature\""))?;
    Ok((signed.to_string(), signature))
}

/// The collateral a capture's raw PCS responses make, or why they make none; None when the
/// capture has none of them (so another layout applies).
pub fn collateral(files: &crate::platforms::Files) -> Option<Result<dcap_qvl::QuoteCollateralV3, String>> {
    use crate::platforms::first;
    let any = FILES.iter().any(|(n, _)| files.contains_key(*n)) || first(files, &PCK_CRL_ALIASES).is_some();
    if !any {
        return None;
    }
    let get = |names: &[&str]| {
        first(files, names).ok_or_else(|| format!("raw PCS collateral without {}", names.join(" or ")))
    };
    let text = |names: &[&str]| -> Result<String, String> {
        String::from_utf8(get(names)?.to_vec()).map_err(|_| format!("{} is not UTF-8", names[0]))
    };
    Some((|| {
        let (tcb_info, tcb_info_signature) = signed_body(get(&["tcb_info.json"])?, "tcbInfo", "tcb_info.json")?;
        let (qe_identity, qe_identity_signature) =
            signed_body(get(&["qe_identity.json"])?, "enclaveIdentity", "qe_identity.json")?;
        Ok(dcap_qvl::QuoteCollateralV3 {
            pck_crl_issuer_chain: text(&["pck_crl_issuer_chain.pem"])?,
            root_ca_crl: get(&["root_ca_crl.der"])?.to_vec(),
            pck_crl: get(&PCK_CRL_ALIASES)?.to_vec(),
            tcb_info_issuer_chain: text(&["tcb_info_issuer_chain.pem"])?,
            tcb_info,
            tcb_info_signature,
            qe_identity_issuer_chain: text(&["qe_identity_issuer_chain.pem"])?,
            qe_identity,
            qe_identity_signature,
            pck_certificate_chain: None,
        })
    })())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_member_is_taken_exactly_as_it_stands() {
        let body = r#" {"tcbInfo": {"b":1, "a":"x}\"]"}, "signature":"0a0b", "n": -1.5e3 ,"l":[1,[2]]}"#;
        assert_eq!(raw_member(body, "tcbInfo"), Some(r#"{"b":1, "a":"x}\"]"}"#));
        assert_eq!(raw_member(body, "signature"), Some(r#""0a0b""#));
        assert_eq!(raw_member(body, "n"), Some("-1.5e3"));
        assert_eq!(raw_member(body, "l"), Some("[1,[2]]"));
        assert_eq!(raw_member(body, "missing"), None);
        for broken in [
            "",
            "[]",
            "{\"a\" 1}",
            "{\"a\":{",
            "{\"a\":\"x",
            "{\"a\":1 \"b\":2}",
            "{\"a\":}",
        ] {
            assert_eq!(raw_member(broken, "b"), None, "{broken}");
        }
        let (signed, signature) = signed_body(body.as_bytes(), "tcbInfo", "t").unwrap();
        assert_eq!(
            (signed.as_str(), signature),
            (r#"{"b":1, "a":"x}\"]"}"#, vec![0x0a, 0x0b])
        );
        assert!(signed_body(br#"{"tcbInfo":"x","signature":"0a"}"#, "tcbInfo", "t").is_err());
        assert!(signed_body(br#"{"tcbInfo":{},"signature":"zz"}"#, "tcbInfo", "t").is_err());
    }
}
