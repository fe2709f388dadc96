//! The knobs of the companion-format vectors: a `verify-server-provenance` document (an MCP
//! server provenance record signed by a test publisher, and the tools the server serves)
//! and a `verify-content-marking` document (a `com.agentrust-io.trace` assertion, the record
//! bytes fetched from its URL and the consumer's trusted key), each broken in one
//! documented way.
//!
//! Owns: [`ServerProvenanceBuild`], [`ContentMarkingBuild`] and their materialisation.
//! Every edit must change the document; one with no effect is a generator error. Does not
//! own which companion vectors exist (`sets::companion`).

use crate::anchor_build::{self, AnchorKnob};
use trace_record::companion::server_provenance::{FORMAT, catalog_hash};
use trace_record::json::{Number, Object, Value};
use trace_record::sample::{self, SAMPLE_IAT, hex};
use trace_record::{Alg, CoseTag, Form, b64, jcs, json};

/// Where the subject of the document (record or assertion) is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Presence {
    Present,
    Null,
    Absent,
}

/// One edit: the RFC 6901 pointer and the new value (`None` removes the member).
pub type Edit = (&'static str, Option<Value>);

fn apply(o: &mut Object, edits: &[Edit], what: &str) -> Result<(), String> {
    for (pointer, value) in edits {
        let before = Value::Object(o.clone());
        match value {
            Some(v) => sample::set_pointer(o, pointer, v.clone()),
            None => sample::remove_pointer(o, pointer),
        }
        if Value::Object(o.clone()) == before {
            return Err(format!("{what} edit {pointer} had no effect"));
        }
    }
    Ok(())
}

fn parse(text: &str) -> Value {
    json::parse(text.as_bytes()).expect("builder JSON parses")
}

fn digest(seed: &str) -> String {
    seed_digest(seed)
}

/// The tools the sample server serves: hashed members plus ones SP §4 leaves out.
pub fn served_tools() -> Value {
    parse(
        r#"[
  {"name": "search_docs", "description": "Search the product documentation", "input_schema": {"type": "object", "properties": {"query": {"type": "string"}}, "required": ["query"]}, "annotations": {"readOnlyHint": true}},
  {"name": "fetch_page", "description": "Fetch one documentation page by path", "input_schema": {"type": "object", "properties": {"path": {"type": "string"}}}, "output_schema": {"type": "string"}},
  {"name": "summarize", "description": "Summarize a passage in three sentences", "input_schema": {"type": "object", "properties": {"text": {"type": "string"}}}}
]"#,
    )
}

#[derive(Clone, Debug)]
pub struct ServerProvenanceBuild {
    pub presence: Presence,
    pub require_record: bool,
    pub kind: &'static str,
    /// Record edits made before signing.
    pub record: Vec<Edit>,
    /// Record edits made after signing (the record changed in transit).
    pub tampered: Vec<Edit>,
    /// Edits of the served tool list, after the record committed to it.
    pub served: Vec<Edit>,
    /// Sign with this test key instead of the one in cnf.jwk.
    pub signer: Option<&'static str>,
    /// Supply an inclusion receipt for the signed record.
    pub anchor: Option<AnchorKnob>,
    /// Edits of the whole document, made last.
    pub document: Vec<Edit>,
}

impl Default for ServerProvenanceBuild {
    fn default() -> Self {
        ServerProvenanceBuild {
            presence: Presence::Present,
            require_record: false,
            kind: "publisher-asserted",
            record: Vec::new(),
            tampered: Vec::new(),
            served: Vec::new(),
            signer: None,
            anchor: None,
            document: Vec::new(),
        }
    }
}

const PUBLISHER_KEY: &str = "spv-publisher";

impl ServerProvenanceBuild {
    fn record(&self, tools: &Value) -> Result<Object, String> {
        let count = tools.as_array().map_or(0, Vec::len) as i64;
        let attestation = match self.kind {
            "tee-attested" => format!(
                r#"{{"platform": "amd-sev-snp", "measurement": "sha384:{}"}}"#,
                "5a".repeat(48)
            ),
            _ => "null".into(),
        };
        let text = format!(
            r#"{{
  "format": "{FORMAT}",
  "kind": "{kind}",
  "issued_at": {SAMPLE_IAT},
  "identity": {{
    "artifact": {{"package": "pkg:npm/%40acme/mcp-docs@2.1.0", "digest": "{artifact}"}},
    "endpoint": {{"url": "https://mcp.acme.example/", "spki_sha256": "{spki}"}}
  }},
  "publisher": "did:web:acme.example",
  "tool_catalog": {{"hash": "{hash}", "tool_count": {count}}},
  "attestation": {attestation}
}}"#,
            kind = self.kind,
            artifact = digest("server entrypoint"),
            spki = digest("server subject public key info"),
            hash = catalog_hash(tools).ok_or("the sample tools hash")?,
        );
        let mut record = match parse(&text) {
            Value::Object(o) => o,
            _ => unreachable!("an object"),
        };
        let key = sample::test_key(Alg::EdDSA, PUBLISHER_KEY);
        let mut cnf = Object::new();
        cnf.insert("jwk", Value::Object(key.public_key().to_jwk()));
        record.insert("cnf", Value::Object(cnf));
        apply(&mut record, &self.record, "record")?;
        let signer = sample::test_key(Alg::EdDSA, self.signer.unwrap_or(PUBLISHER_KEY));
        let sig = signer.sign(&jcs::canonicalize(&Value::Object(record.clone())));
        record.insert("signature", Value::String(b64::encode(&sig)));
        apply(&mut record, &self.tampered, "record after signing")?;
        Ok(record)
    }

    /// The document's bytes (RFC 8785).
    pub fn materialize(&self) -> Result<Vec<u8>, String> {
        let tools = served_tools();
        let mut doc = Object::new();
        let mut context = Object::new();
        if self.require_record {
            context.insert("require_record", Value::Bool(true));
        }
        doc.insert("context", Value::Object(context));
        let record = self.record(&tools)?;
        if let Some(knob) = self.anchor {
            let receipt = anchor_build::receipt(&jcs::canonicalize(&Value::Object(record.clone())), knob)?;
            doc.insert("inclusion", Value::Object(receipt));
        }
        match self.presence {
            Presence::Present => doc.insert("record", Value::Object(record)),
            Presence::Null => doc.insert("record", Value::Null),
            Presence::Absent => {}
        }
        let mut holder = Object::new();
        holder.insert("tools", tools);
        let served: Vec<Edit> = self.served.iter().map(|(p, v)| (*p, v.clone())).collect();
        apply(&mut holder, &served, "served tools")?;
        doc.insert("served_tools", holder.remove("tools").unwrap_or(Value::Null));
        apply(&mut doc, &self.document, "document")?;
        Ok(jcs::canonicalize(&Value::Object(doc)))
    }
}

/// The record's envelope in a content-marking vector.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FetchedRecord {
    /// The record signed by the trusted key, as published.
    Genuine,
    /// The record signed by a key the consumer does not trust.
    UntrustedSigner,
    /// The genuine record with one value changed after signing.
    Tampered,
    /// The genuine record's bytes with whitespace added (same JSON, other bytes).
    Reformatted,
    /// The genuine record's bytes and a trailing newline.
    TrailingNewline,
}

#[derive(Clone, Debug)]
pub struct ContentMarkingBuild {
    pub presence: Presence,
    pub require_assertion: bool,
    /// Claims edits before the record is signed.
    pub claims: Vec<Edit>,
    pub fetched: FetchedRecord,
    /// Assertion edits (pointers under the assertion object), made after hashing.
    pub assertion: Vec<Edit>,
    /// The digest algorithm of record.hash.
    pub alg: &'static str,
    /// Compute record.hash over the genuine record even when another is fetched.
    pub hash_genuine: bool,
    /// Name an anchor; with a knob, supply an inclusion receipt for the record.
    pub anchor: Option<Option<AnchorKnob>>,
    /// Edits of the whole document, made last.
    pub document: Vec<Edit>,
}

impl Default for ContentMarkingBuild {
    fn default() -> Self {
        ContentMarkingBuild {
            presence: Presence::Present,
            require_assertion: false,
            claims: Vec::new(),
            fetched: FetchedRecord::Genuine,
            assertion: Vec::new(),
            alg: "sha256",
            hash_genuine: false,
            anchor: None,
            document: Vec::new(),
        }
    }
}

const RECORD_KEY: &str = "cmk-record";

impl ContentMarkingBuild {
    fn sign(&self, key: &str) -> Result<Vec<u8>, String> {
        let mut claims = sample::base_claims();
        apply(&mut claims, &self.claims, "claims")?;
        let key = sample::test_key(Alg::EdDSA, key);
        Ok(trace_record::sign::sign(
            &claims,
            &key,
            None,
            Form::Embedded,
            CoseTag::Tagged,
        ))
    }

    fn fetched(&self, genuine: &[u8]) -> Result<Vec<u8>, String> {
        Ok(match self.fetched {
            FetchedRecord::Genuine => genuine.to_vec(),
            FetchedRecord::UntrustedSigner => self.sign("cmk-someone-else")?,
            FetchedRecord::Tampered => {
                let text = String::from_utf8(genuine.to_vec()).map_err(|e| e.to_string())?;
                let changed = text.replacen("\"internal\"", "\"public\"", 1);
                if changed == text {
                    return Err("Tampered needs data_class internal".into());
                }
                changed.into_bytes()
            }
            FetchedRecord::TrailingNewline => [genuine, b"\n"].concat(),
            FetchedRecord::Reformatted => {
                let text = String::from_utf8(genuine.to_vec()).map_err(|e| e.to_string())?;
                text.replacen('{', "{ ", 1).into_bytes()
            }
        })
    }

    /// The document's bytes (RFC 8785).
    pub fn materialize(&self) -> Result<Vec<u8>, String> {
        let genuine = self.sign(RECORD_KEY)?;
        let fetched = self.fetched(&genuine)?;
        let hashed = if self.hash_genuine { &genuine } else { &fetched };
        let hash = trace_record::companion::digest_text(self.alg, hashed).ok_or("sha256 or sha384")?;
        let claims = match json::parse(&genuine) {
            Ok(Value::Object(o)) => o,
            _ => return Err("the record is an embedded JSON object".into()),
        };
        let said = |name: &str| claims.get(name).cloned().unwrap_or(Value::Null);
        let mut data = Object::new();
        data.insert("version", Value::Number(Number::Int(1)));
        let mut record = Object::new();
        record.insert(
            "url",
            Value::String("https://registry.example/records/2026/07/25/sample.json".into()),
        );
        record.insert("hash", Value::String(hash));
        record.insert("alg", Value::String(self.alg.into()));
        data.insert("record", Value::Object(record));
        data.insert("subject", said("subject"));
        data.insert("eat_profile", said("eat_profile"));
        let mut doc = Object::new();
        if let Some(knob) = self.anchor {
            data.insert(
                "anchor",
                Value::String("https://registry.example/entries/2026-07-25-001".into()),
            );
            if let Some(knob) = knob {
                doc.insert("inclusion", Value::Object(anchor_build::receipt(&fetched, knob)?));
            }
        }
        let mut assertion = Object::new();
        assertion.insert("label", Value::String("com.agentrust-io.trace".into()));
        assertion.insert("data", Value::Object(data));
        apply(&mut assertion, &self.assertion, "assertion")?;
        let mut context = Object::new();
        context.insert("verification_time", Value::Number(Number::Int(SAMPLE_IAT + 60)));
        let trusted = sample::test_key(Alg::EdDSA, RECORD_KEY).public_key().to_jwk();
        context.insert("trusted_keys", Value::Array(vec![Value::Object(trusted)]));
        if self.require_assertion {
            context.insert("require_assertion", Value::Bool(true));
        }
        doc.insert("context", Value::Object(context));
        match self.presence {
            Presence::Present => doc.insert("assertion", Value::Object(assertion)),
            Presence::Null => doc.insert("assertion", Value::Null),
            Presence::Absent => {}
        }
        doc.insert("record_b64u", Value::String(b64::encode(&fetched)));
        apply(&mut doc, &self.document, "document")?;
        Ok(jcs::canonicalize(&Value::Object(doc)))
    }
}

/// `sha256:` and the hex of SHA-256 over a seed text (stable sample digests).
pub fn seed_digest(seed: &str) -> String {
    use sha2::{Digest, Sha256};
    format!("sha256:{}", hex(&Sha256::digest(seed.as_bytes())))
}
