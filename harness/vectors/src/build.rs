//! One builder struct with documented misbehaviour knobs, turned into one vector.
//!
//! Owns: [`Build`] (context, claims, key, form, knobs, expectation) and [`Build::bytes`],
//! which signs the (possibly broken) claims for real and then applies the post-signing
//! knobs. Every knob that is set must change the bytes; a knob with no effect is a
//! generator error, so a vector can never claim a misbehaviour it does not contain.
//! Does not own which vectors exist (`sets`) or the file layout (`generate`).

use crate::action_build::ActionBuild;
use crate::anchor_build::AnchorKnob;
use crate::chain_build::{ChainBuild, issuer_key, unrelated_issuer_key};
use crate::companion_build::{ContentMarkingBuild, ServerProvenanceBuild};
use crate::depth_build::DepthBuild;
use crate::evidence_build::EvidenceKnob;
use crate::revocation_build::RevocationBuild;
use coset::{CborSerializable, CoseSign1Builder, HeaderBuilder};
use trace_protocol::Op;
use trace_record::audit::{ReceiptPolicy, seal};
use trace_record::json::{Object, Value};
use trace_record::sample::{self, SAMPLE_IAT};
use trace_record::{Alg, CoseTag, Form, SigningKey, b64, jcs};
use trace_vector_format::format::{Context, Expected, ExpectedError, Input, Intermediates, Outcome, VerdictKind};

/// How the signature is spoiled after a genuine signing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignatureKnob {
    Genuine,
    /// No signature at all (embedded: no member; JWS: empty segment; COSE: empty bstr).
    Omit,
    /// base64url with `=` padding.
    Padded,
    /// The standard base64 alphabet (`+`, `/`) instead of the URL-safe one.
    StandardAlphabet,
    /// The unused low bits of the last base64url character set.
    TrailingBits,
    /// The last n bytes dropped.
    Truncate(usize),
    /// ECDSA only: S replaced by n - S (the malleable high-S twin).
    HighS,
    /// The signature over the same bytes by another key.
    OtherKey(&'static str),
    /// Ed25519 only: S replaced by S + L, the group order (RFC 8032 §5.1.7 refuses S >= L).
    NonCanonicalS,
}

/// Envelope (JWS, COSE) payload misbehaviour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnvelopePayload {
    Canonical,
    /// Signed over the canonical bytes with a space after every comma (not RFC 8785).
    NonCanonical,
    /// Payload nil (detached; COSE only).
    Detached,
}

/// How the COSE_Sign1 message itself is encoded (RFC 9052 §9 constrains only what is
/// signed, so each is a valid message).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CoseWire {
    /// Preferred (shortest) encodings throughout.
    Preferred,
    /// Tag 18 in its two-byte form (0xD8 0x12) instead of 0xD2.
    TagTwoBytes,
    /// The outer array with indefinite length (0x9F ... 0xFF).
    IndefiniteArray,
    /// A COSE_Sign message (tag 98, RFC 9052 §4.1) with the record key as its one signer,
    /// instead of a COSE_Sign1.
    CoseSign,
}

pub struct Build {
    pub description: String,
    pub spec_refs: Vec<String>,
    pub ctx: Context,
    pub claims: Object,
    pub alg: Alg,
    pub key_name: &'static str,
    pub kid: Option<String>,
    pub cose_tag: CoseTag,
    /// The JWS protected header text, instead of `{"alg":"<alg>"}`.
    pub jws_header: Option<String>,
    /// The COSE protected-header algorithm id, instead of the key's.
    pub cose_alg: Option<i64>,
    /// Put a `crit` label into the COSE protected header.
    pub cose_crit: bool,
    pub payload: EnvelopePayload,
    pub cose_wire: CoseWire,
    /// Replaces `cnf.jwk` (the record is still signed by the build's key).
    pub cnf_jwk: Option<Value>,
    pub signature: SignatureKnob,
    /// Changes to the signed content after signing: (from, to) on the record's JSON text,
    /// applied inside the JWS payload or COSE payload as the form requires.
    pub tamper: Vec<(String, String)>,
    /// Edits of the final bytes that keep the signed content (e.g. `1785000000.0`) or
    /// break the encoding itself (e.g. a Latin-1 byte).
    pub text_edits: Vec<(Vec<u8>, Vec<u8>)>,
    /// Keep only this many bytes of the final input (a truncated transfer).
    pub cut_to: Option<usize>,
    /// Bytes to write verbatim instead of building a record.
    pub raw: Option<Vec<u8>>,
    /// Bytes appended after the envelope.
    pub trailing: Vec<u8>,
    /// Wrap the claims in a cMCP RuntimeClaim envelope signed over this canonical form.
    pub cmcp: Option<trace_record::cmcp::CmcpCanonicalization>,
    /// Pin the build key's thumbprint as the trusted key (the default); off for vectors
    /// about the trust anchor itself.
    pub pin_key: bool,
    /// A `verify-chain` vector: an audit bundle (and its claim) instead of a record.
    pub chain: Option<ChainBuild>,
    /// A `verify-action-receipt` vector: an action-receipt document instead of a record.
    pub action: Option<ActionBuild>,
    /// Anchor the final record in a batch and give the verifier an inclusion receipt.
    pub anchor: Option<AnchorKnob>,
    /// A `verify-provenance-depth` vector: a depth document instead of a record.
    pub depth: Option<DepthBuild>,
    /// A `verify-server-provenance` vector: a server provenance document instead of a record.
    pub server_provenance: Option<ServerProvenanceBuild>,
    /// A `verify-content-marking` vector: a content-marking document instead of a record.
    pub content_marking: Option<ContentMarkingBuild>,
    /// Give the verifier a revocation bundle for the record's key.
    pub revocation: Option<RevocationBuild>,
    /// Give the verifier synthetic hardware evidence for the record.
    pub evidence: Option<EvidenceKnob>,
    /// What kind of evidence (Nitro unless [`Build::snp_evidence`] says otherwise).
    pub evidence_source: crate::evidence_build::EvidenceSource,
    pub expected: Expected,
}

impl Build {
    pub fn new(description: &str) -> Build {
        Build {
            description: description.to_string(),
            spec_refs: Vec::new(),
            ctx: Context::verify("embedded", "software-only", SAMPLE_IAT),
            claims: sample::base_claims(),
            alg: Alg::EdDSA,
            key_name: "primary",
            kid: None,
            cose_tag: CoseTag::Tagged,
            jws_header: None,
            cose_alg: None,
            cose_crit: false,
            payload: EnvelopePayload::Canonical,
            cose_wire: CoseWire::Preferred,
            cnf_jwk: None,
            signature: SignatureKnob::Genuine,
            tamper: Vec::new(),
            text_edits: Vec::new(),
            cut_to: None,
            raw: None,
            trailing: Vec::new(),
            pin_key: true,
            cmcp: None,
            chain: None,
            action: None,
            anchor: None,
            depth: None,
            server_provenance: None,
            content_marking: None,
            revocation: None,
            evidence: None,
            evidence_source: Default::default(),
            expected: Expected::only(Outcome::Valid),
        }
    }

    // --- fluent setters used by the builders -------------------------------------------

    pub fn form(&mut self, form: Form) -> &mut Self {
        self.ctx.format = form.name().into();
        self
    }
    pub fn alg(&mut self, alg: Alg) -> &mut Self {
        self.alg = alg;
        self
    }
    pub fn set(&mut self, pointer: &str, value: Value) -> &mut Self {
        sample::set_pointer(&mut self.claims, pointer, value);
        self
    }
    pub fn set_str(&mut self, pointer: &str, value: &str) -> &mut Self {
        self.set(pointer, Value::String(value.into()))
    }
    pub fn set_json(&mut self, pointer: &str, json: &str) -> &mut Self {
        let v = trace_record::json::parse(json.as_bytes()).expect("builder JSON parses");
        self.set(pointer, v)
    }
    pub fn remove(&mut self, pointer: &str) -> &mut Self {
        sample::remove_pointer(&mut self.claims, pointer);
        self
    }
    pub fn tamper(&mut self, from: &str, to: &str) -> &mut Self {
        self.tamper.push((from.into(), to.into()));
        self
    }
    pub fn text_edit(&mut self, from: &str, to: &str) -> &mut Self {
        self.byte_edit(from.as_bytes(), to.as_bytes())
    }
    pub fn byte_edit(&mut self, from: &[u8], to: &[u8]) -> &mut Self {
        self.text_edits.push((from.to_vec(), to.to_vec()));
        self
    }
    pub fn spec(&mut self, r: &str) -> &mut Self {
        self.spec_refs.push(r.into());
        self
    }
    pub fn level(&mut self, level: u8) -> &mut Self {
        self.ctx.level = level;
        self
    }
    /// Hardware-shaped claims on `platform` (Level 1/2 content).
    pub fn hardware(&mut self, platform: &str) -> &mut Self {
        self.claims = sample::hardware_claims();
        self.platform(platform)
    }
    pub fn platform(&mut self, platform: &str) -> &mut Self {
        self.ctx.platform = platform.into();
        self.set_str("/runtime/platform", platform)
    }
    pub fn now_offset(&mut self, seconds: i64) -> &mut Self {
        self.ctx.verification_time = SAMPLE_IAT + seconds;
        self
    }
    /// Pins a public key, given as a JWK.
    pub fn trust_jwk(&mut self, jwk: Object) -> &mut Self {
        self.ctx.trusted_keys.push(Value::Object(jwk).to_serde());
        self
    }
    /// Pins a public key by its RFC 7638 thumbprint.
    pub fn trust_thumbprint(&mut self, thumbprint: String) -> &mut Self {
        self.ctx.trusted_keys.push(serde_json::Value::String(thumbprint));
        self
    }
    /// Must be accepted; `controls` names the rules it is a positive control for.
    pub fn valid(&mut self, controls: &[&str]) -> &mut Self {
        self.expected.result = Outcome::Valid;
        self.expected.controls = controls.iter().map(|s| s.to_string()).collect();
        self
    }
    /// Must be rejected, for `rule` with error class `class`.
    pub fn invalid(&mut self, class: &str, rule: &str) -> &mut Self {
        self.expected.result = Outcome::Invalid;
        self.expected.verdict = Some(VerdictKind::Reject);
        self.expected.error = Some(ExpectedError {
            class: class.into(),
            rules: vec![rule.into()],
        });
        self
    }
    /// Must not be accepted because `rule` cannot be checked with the inputs given (class
    /// `class`): the verdict is `unverified`, and a `reject` conforms too.
    pub fn unverified(&mut self, class: &str, rule: &str) -> &mut Self {
        self.invalid(class, rule);
        self.expected.verdict = Some(VerdictKind::Unverified);
        self
    }
    /// Must be answered `unverified` (never `reject`) because nothing was presented and
    /// absence is not a failed check; `rule` records the absence with class `class`.
    pub fn absent(&mut self, class: &str, rule: &str) -> &mut Self {
        self.invalid(class, rule);
        self.expected.verdict = Some(VerdictKind::Absent);
        self
    }
    /// Either outcome conforms; `flag` says what the choice depends on.
    pub fn acceptable(&mut self, flag: &str, controls: &[&str]) -> &mut Self {
        self.expected.result = Outcome::Acceptable;
        self.expected.flags.push(flag.into());
        self.expected.controls = controls.iter().map(|s| s.to_string()).collect();
        self
    }
    pub fn warning(&mut self, rule: &str) -> &mut Self {
        self.expected.warnings.push(rule.into());
        self
    }

    // --- materialising -------------------------------------------------------------------

    pub fn key(&self) -> SigningKey {
        key_named(self.alg, self.key_name)
    }

    fn record(&self) -> Object {
        let mut record = self.claims.clone();
        let jwk = match &self.cnf_jwk {
            Some(v) => v.clone(),
            None => {
                let mut jwk = self.key().public_key().to_jwk();
                if let Some(kid) = &self.kid {
                    jwk.insert("kid", Value::String(kid.clone()));
                }
                Value::Object(jwk)
            }
        };
        sample::set_pointer(&mut record, "/cnf/jwk", jwk);
        record
    }

    fn sign_bytes(&self, msg: &[u8]) -> Vec<u8> {
        match &self.signature {
            SignatureKnob::OtherKey(name) => key_named(self.alg, name).sign(msg),
            _ => self.key().sign(msg),
        }
    }

    fn spoil_raw(&self, sig: Vec<u8>) -> Result<Vec<u8>, String> {
        Ok(match &self.signature {
            SignatureKnob::Truncate(n) => sig[..sig.len().saturating_sub(*n)].to_vec(),
            SignatureKnob::HighS => high_s(self.alg, &sig)?,
            SignatureKnob::NonCanonicalS => s_plus_group_order(self.alg, &sig)?,
            _ => sig,
        })
    }

    fn encode_sig(&self, sig: &[u8]) -> Result<String, String> {
        let plain = b64::encode(sig);
        let spoiled = match self.signature {
            SignatureKnob::Padded => format!("{plain}{}", "=".repeat((4 - plain.len() % 4) % 4)),
            SignatureKnob::StandardAlphabet => plain.replace('-', "+").replace('_', "/"),
            SignatureKnob::TrailingBits => {
                let mut chars: Vec<char> = plain.chars().collect();
                let last = chars.pop().ok_or("empty signature")?;
                const ALPHABET: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
                let index = ALPHABET.find(last).ok_or("not base64url")?;
                chars.push(ALPHABET.as_bytes()[index | 1] as char);
                chars.into_iter().collect()
            }
            _ => plain.clone(),
        };
        if self.signature != SignatureKnob::Genuine
            && matches!(
                self.signature,
                SignatureKnob::Padded | SignatureKnob::StandardAlphabet | SignatureKnob::TrailingBits
            )
            && spoiled == plain
        {
            return Err(format!("signature knob {:?} had no effect", self.signature));
        }
        Ok(spoiled)
    }

    /// A `verify-chain` vector whose bundle is these exact bytes (no claim).
    pub fn chain_raw(&mut self, bundle: &str) -> &mut Self {
        self.ctx.op = Op::VerifyChain;
        self.pin_key = false;
        self.raw = Some(bundle.as_bytes().to_vec());
        self
    }

    /// Makes this a `verify-chain` vector and returns its chain knobs.
    pub fn chain(&mut self) -> &mut ChainBuild {
        self.ctx.op = Op::VerifyChain;
        self.pin_key = false;
        self.chain.get_or_insert_with(ChainBuild::default)
    }

    /// Gives the verifier a revocation bundle and returns its knobs.
    /// Tells the verifier the policy bundle hash it expects (S2 §3.3 step 5): the input
    /// `policy`, `{bundle_hash}`.
    pub fn expected_policy(&mut self, bundle_hash: &str) -> &mut Self {
        self.ctx.policy = Some(serde_json::json!({ "bundle_hash": bundle_hash }));
        self
    }

    /// Gives the verifier a deployment profile (`{fips, min_slsa_level,
    /// require_policy_evaluation}`).
    pub fn deployment(&mut self, profile: serde_json::Value) -> &mut Self {
        self.ctx.deployment = Some(profile);
        self
    }

    /// Gives the verifier reference values: the measurements a RIM endorses.
    pub fn reference_measurements(&mut self, measurements: &[&str]) -> &mut Self {
        self.ctx.reference_values = Some(serde_json::json!({ "measurements": measurements }));
        self
    }

    pub fn revocation(&mut self) -> &mut RevocationBuild {
        self.revocation.get_or_insert_with(RevocationBuild::default)
    }

    /// Makes this a `verify-action-receipt` vector and returns its knobs.
    pub fn action(&mut self) -> &mut ActionBuild {
        self.ctx.op = Op::VerifyActionReceipt;
        self.pin_key = false;
        self.action.get_or_insert_with(ActionBuild::default)
    }

    /// Makes this a `verify-provenance-depth` vector attempted at `depth`; returns its knobs.
    pub fn depth(&mut self, depth: trace_record::provenance::Depth) -> &mut DepthBuild {
        self.ctx.op = Op::VerifyProvenanceDepth;
        self.pin_key = false;
        self.depth.get_or_insert_with(|| DepthBuild::at(depth))
    }

    /// Makes this a `verify-server-provenance` vector and returns its knobs.
    pub fn server_provenance(&mut self) -> &mut ServerProvenanceBuild {
        self.ctx.op = Op::VerifyServerProvenance;
        self.pin_key = false;
        self.server_provenance
            .get_or_insert_with(ServerProvenanceBuild::default)
    }

    /// Makes this a `verify-content-marking` vector and returns its knobs.
    pub fn content_marking(&mut self) -> &mut ContentMarkingBuild {
        self.ctx.op = Op::VerifyContentMarking;
        self.pin_key = false;
        self.content_marking.get_or_insert_with(ContentMarkingBuild::default)
    }

    /// What the implementation must report besides its verdict (the verified depth, the
    /// assurance, the binding), scored like canonical output.
    pub fn reports(&mut self, value: &str) -> &mut Self {
        self.expected.output_text = Some(value.into());
        self
    }

    /// A `replay-evidence` vector on `platform` whose request input is `input` (JSON text).
    fn replay_evidence(&mut self, platform: &str, input: String) -> &mut Self {
        self.ctx.op = Op::ReplayEvidence;
        self.ctx.platform = platform.into();
        self.pin_key = false;
        self.raw = Some(input.into_bytes());
        self
    }

    /// A `replay-evidence` vector: synthetic Nitro evidence spoiled by `knob`.
    pub fn replay(&mut self, knob: crate::evidence_build::ReplayKnob) -> &mut Self {
        let input = crate::evidence_build::replay_input(knob, self.ctx.verification_time);
        self.replay_evidence("aws-nitro", input)
    }

    /// A `replay-evidence` vector: a synthetic SEV-SNP report spoiled by `knob`.
    pub fn replay_snp(&mut self, knob: crate::evidence_build::SnpKnob) -> &mut Self {
        let input = crate::evidence_build::snp_replay_input(knob, self.ctx.verification_time);
        self.replay_evidence("amd-sev-snp", input)
    }

    /// A `replay-evidence` vector: a synthetic CCA capture spoiled by `knob`.
    pub fn replay_cca(&mut self, knob: crate::evidence_capture::CcaReplayKnob) -> &mut Self {
        self.replay_evidence("arm-cca", crate::evidence_capture::cca_replay_input(knob))
    }

    /// A `replay-evidence` vector: a synthetic TDX capture spoiled by `knob`.
    pub fn replay_tdx(&mut self, knob: crate::evidence_capture::TdxReplayKnob) -> &mut Self {
        let input = crate::evidence_capture::tdx_replay_input(knob, self.ctx.verification_time);
        self.replay_evidence("intel-tdx", input)
    }

    /// A `replay-evidence` vector: a synthetic TPM quote spoiled by `knob`.
    pub fn replay_tpm(&mut self, knob: crate::evidence_build::TpmKnob) -> &mut Self {
        let input = crate::evidence_build::tpm_replay_input(knob, self.ctx.verification_time);
        self.replay_evidence("tpm2", input)
    }

    /// A `replay-evidence` vector: a synthetic Azure CVM capture spoiled by `knob`.
    pub fn replay_azure(&mut self, knob: crate::evidence_build::AzureKnob) -> &mut Self {
        self.replay_evidence("azure-cvm-sev-snp", crate::evidence_build::azure_replay_input(knob))
    }

    /// A `replay-evidence` vector: a synthetic GPU report spoiled by `knob`.
    pub fn replay_gpu(&mut self, knob: crate::evidence_build::GpuKnob) -> &mut Self {
        self.replay_evidence("nvidia-h100", crate::evidence_build::gpu_replay_input(knob))
    }

    /// Give the verifier a synthetic SEV-SNP report for the record, spoiled by `knob`.
    pub fn snp_evidence(&mut self, knob: EvidenceKnob) -> &mut Self {
        self.evidence = Some(knob);
        self.evidence_source = crate::evidence_build::EvidenceSource::Snp;
        self
    }

    /// Give the verifier synthetic evidence from `source` for the record, spoiled by `knob`.
    /// Sources whose platform measures otherwise than SHA-384 (TPM, token and CCA: `sha256:`;
    /// GPU: the report's measurement record) set the record's measurement to what their
    /// genuine evidence measures; call it after [`Build::hardware`].
    pub fn evidence_from(&mut self, source: crate::evidence_build::EvidenceSource, knob: EvidenceKnob) -> &mut Self {
        use crate::evidence_build::EvidenceSource;
        use crate::evidence_capture::{GPU_BLOCK, SHA256_MEASUREMENT};
        match source {
            EvidenceSource::Tpm | EvidenceSource::Token | EvidenceSource::Cca => {
                self.set_str("/runtime/measurement", SHA256_MEASUREMENT);
            }
            EvidenceSource::Gpu | EvidenceSource::GpuBlackwell => {
                self.set_str("/runtime/measurement", &trace_synthetic::spdm_measurement(GPU_BLOCK));
            }
            _ => {}
        }
        self.evidence = Some(knob);
        self.evidence_source = source;
        self
    }

    /// A `verify-provenance-depth` vector whose document is these exact bytes.
    pub fn depth_raw(&mut self, document: &str) -> &mut Self {
        self.ctx.op = Op::VerifyProvenanceDepth;
        self.pin_key = false;
        self.raw = Some(document.as_bytes().to_vec());
        self
    }

    /// The vector's input and intermediates (for `verify-chain`: the bundle and the claim).
    pub fn input(&self) -> Result<(Input, Intermediates), String> {
        if let Some(depth) = &self.depth {
            return Ok((Input::from_bytes(&depth.materialize()?), Intermediates::default()));
        }
        if let Some(action) = &self.action {
            return Ok((Input::from_bytes(&action.materialize()?), Intermediates::default()));
        }
        if let Some(sp) = &self.server_provenance {
            return Ok((Input::from_bytes(&sp.materialize()?), Intermediates::default()));
        }
        if let Some(cm) = &self.content_marking {
            return Ok((Input::from_bytes(&cm.materialize()?), Intermediates::default()));
        }
        if let Some(chain) = &self.chain {
            let (bundle, claim_text) = chain.materialize()?;
            let mut input = Input::from_bytes(&bundle);
            input.claim_text = claim_text;
            return Ok((input, Intermediates::default()));
        }
        let (bytes, intermediates) = self.bytes()?;
        Ok((Input::from_bytes(&bytes), intermediates))
    }

    /// The group context, with the build key pinned unless `pin_key` is off.
    pub fn context(&self) -> Context {
        let mut ctx = self.ctx.clone();
        if self.cmcp.is_some() {
            ctx.record_kind = Some("runtime-claim".into());
        }
        if self.cmcp == Some(trace_record::cmcp::CmcpCanonicalization::Pyjson) && ctx.cmcp_canonicalization.is_none() {
            ctx.cmcp_canonicalization = Some("pyjson".into());
        }
        if let Some(chain) = &self.chain {
            let configured = [
                chain.issuer_configured.then(issuer_key),
                chain.unrelated_issuer.then(unrelated_issuer_key),
            ];
            ctx.issuer_keys = configured
                .into_iter()
                .flatten()
                .map(|k| Value::Object(k.public_key().to_jwk()).to_serde())
                .collect();
            if chain.receipt_form == ReceiptPolicy::CmcpCompat {
                ctx.receipts = Some(ReceiptPolicy::CmcpCompat.name().into());
            }
        }
        if let Some(knob) = self.evidence {
            let jwk = Value::Object(self.key().public_key().to_jwk());
            let measurement = self
                .claims
                .get("runtime")
                .and_then(|r| r.pointer("/measurement"))
                .and_then(Value::as_str)
                .map(str::to_string);
            let text = crate::evidence_build::input_json(
                knob,
                self.evidence_source,
                &jwk,
                measurement.as_deref(),
                ctx.verification_time,
            )
            .expect("the evidence knob applies");
            ctx.evidence = Some(serde_json::from_str(&text).expect("the evidence input is JSON"));
        }
        if let Some(rev) = &self.revocation {
            let text = rev
                .inputs_json(&self.key().public_key(), self.kid.as_deref(), ctx.verification_time)
                .expect("the revocation knobs apply");
            ctx.revocation = Some(serde_json::from_str(&text).expect("the revocation input is JSON"));
        }
        if let Some(knob) = self.anchor {
            let (bytes, _) = self.bytes().expect("bytes build before the context is asked for");
            let receipt = crate::anchor_build::receipt(&bytes, knob).expect("the anchor knob applies");
            ctx.inclusion = Some(Value::Object(receipt).to_serde());
        }
        if self.pin_key && ctx.trusted_keys.is_empty() {
            // As a public JWK: every library can take one; thumbprints have their own vectors.
            ctx.trusted_keys
                .push(Value::Object(self.key().public_key().to_jwk()).to_serde());
        }
        ctx
    }

    /// The vector's input bytes and intermediates.
    pub fn bytes(&self) -> Result<(Vec<u8>, Intermediates), String> {
        if let Some(raw) = &self.raw {
            return Ok((raw.clone(), Intermediates::default()));
        }
        if let Some(canon) = self.cmcp {
            return self.cmcp_claim(canon);
        }
        let record = self.record();
        let canonical = jcs::canonicalize(&Value::Object(record.clone()));
        let form = trace_vector_format::options::form_named(&self.ctx.format)?;
        let omit = self.signature == SignatureKnob::Omit;
        let (mut bytes, signing_input) = match form {
            Form::Embedded => {
                if record.contains("signature") {
                    return Err("an embedded record's signature member is made by the signature knob, not set".into());
                }
                let sig = self.spoil_raw(self.sign_bytes(&canonical))?;
                let mut signed = record.clone();
                if !omit {
                    signed.insert("signature", Value::String(self.encode_sig(&sig)?));
                }
                (jcs::canonicalize(&Value::Object(signed)), canonical.clone())
            }
            Form::Jws => {
                let header = self
                    .jws_header
                    .clone()
                    .unwrap_or_else(|| format!("{{\"alg\":\"{}\"}}", self.alg.jose_name()));
                let payload = self.payload_bytes(&canonical)?;
                let input = format!("{}.{}", b64::encode(header.as_bytes()), b64::encode(&payload));
                let sig = self.spoil_raw(self.sign_bytes(input.as_bytes()))?;
                let sig_text = if omit { String::new() } else { self.encode_sig(&sig)? };
                (format!("{input}.{sig_text}").into_bytes(), input.into_bytes())
            }
            Form::Cose => self.cose(&canonical)?,
        };
        for (from, to) in &self.tamper {
            bytes = tamper(&bytes, form, from, to)?;
        }
        for (from, to) in &self.text_edits {
            bytes = replace_once(&bytes, from, to)?;
        }
        bytes.extend_from_slice(&self.trailing);
        if let Some(n) = self.cut_to {
            if n >= bytes.len() {
                return Err("cut_to does not shorten the input".into());
            }
            bytes.truncate(n);
        }
        let intermediates = Intermediates {
            canonical_text: String::from_utf8(canonical).ok(),
            signing_input_b64u: Some(b64::encode(&signing_input)),
        };
        Ok((bytes, intermediates))
    }

    /// A RuntimeClaim: `{cmcp_version, trace: <claims>, gateway, signature}`, signed by the
    /// key in `trace.cnf.jwk` over the chosen canonical form of the envelope.
    fn cmcp_claim(&self, canon: trace_record::cmcp::CmcpCanonicalization) -> Result<(Vec<u8>, Intermediates), String> {
        // The gateway's shape, committing a session with no tool calls.
        let entries = seal::sample_entries("conformance-session", &[], &self.key(), ReceiptPolicy::Trace);
        let mut claim = seal::claim_for(&entries, &self.key(), SAMPLE_IAT);
        // The cMCP trace object never carries these (the claim model forbids them).
        let mut trace = self.record();
        for gap in ["model", "build_provenance", "appraisal"] {
            trace.remove(gap);
        }
        claim.insert("trace", Value::Object(trace));
        let input = canon.bytes(&Value::Object(claim.clone()));
        let sig = self.spoil_raw(self.sign_bytes(&input))?;
        if self.signature != SignatureKnob::Omit {
            claim.insert("signature", Value::String(self.encode_sig(&sig)?));
        }
        let mut bytes = jcs::canonicalize(&Value::Object(claim));
        for (from, to) in &self.tamper {
            bytes = replace_once(&bytes, from.as_bytes(), to.as_bytes())?;
        }
        for (from, to) in &self.text_edits {
            bytes = replace_once(&bytes, from, to)?;
        }
        Ok((
            bytes,
            Intermediates {
                canonical_text: String::from_utf8(input.clone()).ok(),
                signing_input_b64u: Some(b64::encode(&input)),
            },
        ))
    }

    fn cose(&self, canonical: &[u8]) -> Result<(Vec<u8>, Vec<u8>), String> {
        let alg_id = self.cose_alg.unwrap_or(self.alg.cose_id());
        let mut header = HeaderBuilder::new();
        if self.cose_crit {
            header = header.add_critical_label(coset::RegisteredLabelWithPrivate::PrivateUse(-65_537));
        }
        let mut header = header.build();
        header.alg = Some(
            match <coset::iana::Algorithm as coset::iana::EnumI64>::from_i64(alg_id) {
                Some(a) => coset::RegisteredLabelWithPrivate::Assigned(a),
                None => coset::RegisteredLabelWithPrivate::PrivateUse(alg_id),
            },
        );
        let payload = self.payload_bytes(canonical)?;
        if self.cose_wire == CoseWire::CoseSign {
            let signature = coset::CoseSignatureBuilder::new().protected(header).build();
            let sign = coset::CoseSignBuilder::new()
                .payload(payload)
                .add_created_signature(signature, b"", |tbs| self.sign_bytes(tbs))
                .build();
            let tbs = sign.tbs_data(b"", &sign.signatures[0]);
            let bytes =
                coset::TaggedCborSerializable::to_tagged_vec(sign).map_err(|e| format!("COSE encoding: {e}"))?;
            return Ok((bytes, tbs));
        }
        let mut sign1 = CoseSign1Builder::new().protected(header).payload(payload).build();
        let tbs = sign1.tbs_data(b"");
        sign1.signature = if self.signature == SignatureKnob::Omit {
            Vec::new()
        } else {
            self.spoil_raw(self.sign_bytes(&tbs))?
        };
        if self.payload == EnvelopePayload::Detached {
            sign1.payload = None;
        }
        let mut bytes = sign1.to_vec().map_err(|e| format!("COSE encoding: {e}"))?;
        if self.cose_wire == CoseWire::IndefiniteArray {
            if bytes.first() != Some(&0x84) {
                return Err("COSE_Sign1 did not encode as an array of four".into());
            }
            bytes[0] = 0x9F;
            bytes.push(0xFF);
        }
        let tag: &[u8] = match (self.cose_tag, self.cose_wire) {
            (CoseTag::Untagged, CoseWire::TagTwoBytes) => return Err("a two-byte tag needs CoseTag::Tagged".into()),
            (CoseTag::Untagged, _) => &[],
            (CoseTag::Tagged, CoseWire::TagTwoBytes) => &[0xD8, 0x12],
            (CoseTag::Tagged, _) => &[0xD2],
        };
        Ok(([tag, &bytes].concat(), tbs))
    }

    /// The bytes an envelope carries as its payload.
    fn payload_bytes(&self, canonical: &[u8]) -> Result<Vec<u8>, String> {
        Ok(match self.payload {
            EnvelopePayload::Canonical | EnvelopePayload::Detached => canonical.to_vec(),
            EnvelopePayload::NonCanonical => String::from_utf8(canonical.to_vec())
                .map_err(|e| e.to_string())?
                .replace(",\"", ", \"")
                .into_bytes(),
        })
    }

    /// A `canonicalize` vector: `input` must canonicalize to `output`, or, with `None`,
    /// be refused with `class` under `rule`.
    pub fn canonicalize(&mut self, input: &str, output: Result<&str, (&str, &str)>) -> &mut Self {
        self.ctx.op = Op::Canonicalize;
        self.raw = Some(input.as_bytes().to_vec());
        match output {
            Ok(out) => {
                self.expected.result = Outcome::Valid;
                self.expected.output_text = Some(out.into());
                self.expected.controls = vec!["TR-CAN-001".into()];
            }
            Err((class, rule)) => {
                self.invalid(class, rule);
            }
        }
        self
    }
}

/// A test key by name; `rfc8037` is the published RFC 8037 A.1 Ed25519 key.
pub fn key_named(alg: Alg, name: &str) -> SigningKey {
    if name == "rfc8037" {
        sample::rfc8037_key()
    } else {
        sample::test_key(alg, name)
    }
}

fn replace_once(bytes: &[u8], from: &[u8], to: &[u8]) -> Result<Vec<u8>, String> {
    let at = bytes
        .windows(from.len())
        .position(|w| w == from)
        .ok_or_else(|| format!("edit target {:?} not found", String::from_utf8_lossy(from)))?;
    Ok([&bytes[..at], to, &bytes[at + from.len()..]].concat())
}

/// Changes signed content after signing, inside whatever envelope carries it.
fn tamper(bytes: &[u8], form: Form, from: &str, to: &str) -> Result<Vec<u8>, String> {
    match form {
        Form::Embedded => replace_once(bytes, from.as_bytes(), to.as_bytes()),
        Form::Jws => {
            let text = std::str::from_utf8(bytes).map_err(|e| e.to_string())?;
            let parts: Vec<&str> = text.split('.').collect();
            let payload = b64::decode(parts.get(1).ok_or("no payload segment")?).map_err(|e| format!("{e:?}"))?;
            let changed = replace_once(&payload, from.as_bytes(), to.as_bytes())?;
            let mut parts: Vec<String> = parts.iter().map(|s| s.to_string()).collect();
            parts[1] = b64::encode(&changed);
            Ok(parts.join(".").into_bytes())
        }
        Form::Cose => {
            if from.len() != to.len() {
                return Err("COSE tampering must keep the payload length".into());
            }
            replace_once(bytes, from.as_bytes(), to.as_bytes())
        }
    }
}

/// An Ed25519 signature with S + L in place of S: the same group element, a non-canonical
/// scalar (L = 2^252 + 27742317777372353535851937790883648493, little-endian below).
fn s_plus_group_order(alg: Alg, sig: &[u8]) -> Result<Vec<u8>, String> {
    const L: [u8; 32] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ];
    if alg != Alg::EdDSA || sig.len() != 64 {
        return Err("NonCanonicalS applies to Ed25519 signatures only".into());
    }
    let mut out = sig.to_vec();
    let mut carry = 0u16;
    for (i, l) in L.iter().enumerate() {
        let sum = u16::from(out[32 + i]) + u16::from(*l) + carry;
        out[32 + i] = sum as u8;
        carry = sum >> 8;
    }
    if carry != 0 {
        return Err("S + L overflowed 256 bits".into());
    }
    Ok(out)
}

/// The high-S twin of a low-S ECDSA signature.
fn high_s(alg: Alg, sig: &[u8]) -> Result<Vec<u8>, String> {
    match alg {
        Alg::ES256 => {
            let s = p256::ecdsa::Signature::from_slice(sig).map_err(|e| e.to_string())?;
            let (r, s) = s.split_scalars();
            Ok(p256::ecdsa::Signature::from_scalars(r.to_bytes(), (-*s).to_bytes())
                .map_err(|e| e.to_string())?
                .to_bytes()
                .to_vec())
        }
        _ => Err("HighS applies to ES256 vectors only".into()),
    }
}
