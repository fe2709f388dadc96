//! `trace-conform sign` and `trace-conform keygen`.
//!
//! Owns: reading claims and a private JWK, writing the signed record (text forms as text,
//! COSE as bytes), and printing deterministic test keys. Does not own signing itself.

use crate::exit::{self, Exit};
use crate::inputs;
use crate::values::Format;
use std::io::Write;
use trace_record::{Alg, CoseTag, Form, SigningKey, json, sample, sign};

#[derive(clap::Args)]
pub struct Args {
    /// Claims (a JSON object; any cnf or signature is replaced), or - for stdin.
    pub claims: String,
    /// Private JWK file (OKP Ed25519 or EC P-256/P-384 with d).
    #[arg(long)]
    pub key: String,
    /// Envelope form to write (`--form` is accepted too).
    #[arg(long = "format", alias = "form", value_enum, default_value_t = Format::Embedded)]
    pub form: Format,
    /// Expected algorithm; refused when it does not match the key.
    #[arg(long)]
    pub alg: Option<String>,
    /// Write COSE_Sign1 without the CBOR tag 18.
    #[arg(long)]
    pub untagged: bool,
    /// kid to keep in cnf.jwk.
    #[arg(long)]
    pub kid: Option<String>,
    /// Output file (default: stdout).
    #[arg(long)]
    pub out: Option<String>,
}

#[derive(clap::Args)]
pub struct KeygenArgs {
    /// EdDSA, ES256 or ES384.
    #[arg(long)]
    pub alg: String,
    /// Name of the deterministic test key (its seed is published: never use it in production).
    #[arg(long, default_value = "primary")]
    pub name: String,
    /// Print only the public JWK.
    #[arg(long)]
    pub public: bool,
    /// Print only the RFC 7638 thumbprint of the public key (for --trusted-key).
    #[arg(long, conflicts_with = "public")]
    pub thumbprint: bool,
}

fn fail(msg: impl std::fmt::Display) -> Exit {
    exit::fail("sign", Exit::Usage, msg)
}

pub fn run(a: Args) -> Exit {
    let claims = match inputs::read(&a.claims).and_then(|b| json::parse(&b).map_err(|e| format!("{}: {e}", a.claims))) {
        Ok(json::Value::Object(o)) => o,
        Ok(_) => return fail("claims must be a JSON object"),
        Err(e) => return fail(e),
    };
    if trace_record::jcs::has_unsafe_integral_float(&json::Value::Object(claims.clone())) {
        return fail(
            "claims hold a number whose canonical form is an integer beyond 2^53-1 (e.g. 1e17): no strict verifier could check the signed bytes",
        );
    }
    let key = match inputs::read(&a.key).and_then(|b| json::parse(&b).map_err(|e| format!("{}: {e}", a.key))) {
        Ok(jwk) => match SigningKey::from_private_jwk(&jwk) {
            Ok(k) => k,
            Err(e) => return fail(format!("{}: {e}", a.key)),
        },
        Err(e) => return fail(e),
    };
    if let Some(name) = &a.alg
        && Alg::parse(name) != Some(key.alg())
    {
        return fail(format!(
            "--alg {name} does not match the key ({})",
            key.alg().jose_name()
        ));
    }
    let form = match a.form {
        Format::Embedded => Form::Embedded,
        Format::Jws => Form::Jws,
        Format::Cose => Form::Cose,
    };
    let tag = if a.untagged { CoseTag::Untagged } else { CoseTag::Tagged };
    let mut bytes = sign::sign(&claims, &key, a.kid.as_deref(), form, tag);
    if form != Form::Cose {
        bytes.push(b'\n');
    }
    let written = match &a.out {
        Some(path) => std::fs::write(path, &bytes).map_err(|e| format!("{path}: {e}")),
        None => std::io::stdout().lock().write_all(&bytes).map_err(|e| e.to_string()),
    };
    match written {
        Ok(()) => Exit::Ok,
        Err(e) => fail(e),
    }
}

pub fn keygen(a: KeygenArgs) -> Exit {
    let Some(alg) = Alg::parse(&a.alg) else {
        eprintln!("trace-conform keygen: --alg must be EdDSA, ES256 or ES384");
        return Exit::Usage;
    };
    let key = sample::test_key(alg, &a.name);
    if a.thumbprint {
        println!("{}", key.public_key().thumbprint());
        return Exit::Ok;
    }
    let jwk = if a.public {
        key.public_key().to_jwk()
    } else {
        key.to_private_jwk()
    };
    println!(
        "{}",
        String::from_utf8(trace_record::jcs::canonicalize(&json::Value::Object(jwk))).expect("utf-8")
    );
    Exit::Ok
}
