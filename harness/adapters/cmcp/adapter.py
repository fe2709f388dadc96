#!/usr/bin/env python3
"""TRACE adapter protocol v1 (harness/PROTOCOL.md) around cmcp_verify of PyPI cmcp-runtime 0.7.1.

cmcp_verify is the verifier of the cMCP reference gateway. It verifies cMCP RuntimeClaims
(`verify_trace_claim`) and exported audit bundles with their receipts (`verify_audit_bundle`);
it never verifies a plain TRACE Trust Record, so the adapter claims `record_kinds:
["runtime-claim"]`. Requests become calls:

  verify        json.loads(record) -> verify_trace_claim(claim, ApprovedHashes from the claim,
                max_attestation_age_seconds=max_age, trusted_public_key_hex=<the one JWK's x>)
  verify-chain  json.loads(bundle), json.loads(claim) -> verify_audit_bundle(bundle, claim,
                external_evidence_keys={sha256(raw): raw}) and, with a claim, verify_trace_claim
                as above.

It never decides a verdict: `accept` means the library reported no failure_reason (and, for a
chain, `AuditBundleResult.verified`), `reject` means it reported one (or raised). The one
thing the adapter adds is the clock: cmcp_verify reads `datetime.now(tz=UTC)` through the
name `datetime` of the module cmcp_verify.verify, and the adapter points that name at a
clock that returns the request's verification_time for the duration of the call (README,
"Clock"). See README.md for the mapping of codes and failure texts to error classes.
"""

import base64
import contextlib
import datetime as _dt
import hashlib
import json
import os
import re
import sys
from importlib.metadata import version

# The shared adapter kit sits one folder up; it reserves stdout for protocol lines.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import adapter_kit

OUT = adapter_kit.protocol_stdout()

import cmcp_verify.verify as cmcp_verify_module  # noqa: E402
from cmcp_verify import (  # noqa: E402
    ApprovedHashes,
    VerificationError,
    verify_audit_bundle,
    verify_trace_claim,
)

# Platforms whose claims verify_trace_claim appraises with a verdict of its own. It answers
# UNSUPPORTED_PROVIDER for nvidia-h100, nvidia-blackwell, aws-nitro, arm-cca and
# google-confidential-space, whatever the claim says. intel-tdx is appraised, but its path
# probes Intel's DCAP service over the network (5 s timeout, the request's whole budget), which
# an adapter must never need; so it is not claimed (README, "What it claims").
PLATFORMS = ["software-only", "tpm2", "amd-sev-snp", "azure-cvm-sev-snp"]
CAPS = {
    "ops": ["verify", "verify-chain", "ping", "shutdown"],
    "formats": ["embedded"],
    "algs": ["EdDSA"],
    "levels": [0],
    "platforms": PLATFORMS,
    "profiles": ["v0.2"],
    "record_kinds": ["runtime-claim"],
    "error_detail": "class",
    "accepts_flags": [],
}
IMPL = {
    "name": "cmcp-runtime",
    "version": version("cmcp-runtime"),
    "language": "python",
    "homepage": "https://github.com/agentrust-io/cmcp",
}


# --- clock -----------------------------------------------------------------------------------
# cmcp_verify.verify does `from datetime import UTC, datetime` and reads the clock in exactly one
# place, `_check_attestation_freshness`: `now = datetime.now(tz=UTC)`. No other code on the paths
# of verify_trace_claim and verify_audit_bundle reads it for the inputs the protocol can give
# (the certificate-validity checks of agent_manifest run only with pinned roots, which the
# protocol never sends). The adapter swaps the module's `datetime` for a subclass whose now()
# returns verification_time, inside the library call only.

_REAL_DATETIME = _dt.datetime


@contextlib.contextmanager
def clock_at(seconds):
    """cmcp_verify.verify's `datetime.now()` returns `seconds` (Unix time) inside the block."""
    pinned = _REAL_DATETIME.fromtimestamp(seconds, tz=_dt.UTC)

    class PinnedDatetime(_REAL_DATETIME):
        @classmethod
        def now(cls, tz=None):
            if tz is None:  # naive local time, as datetime.now() gives it
                return pinned.astimezone().replace(tzinfo=None)
            return pinned.astimezone(tz)

        @classmethod
        def utcnow(cls):
            return pinned.replace(tzinfo=None)

    saved = cmcp_verify_module.datetime
    cmcp_verify_module.datetime = PinnedDatetime
    try:
        yield
    finally:
        cmcp_verify_module.datetime = saved


def _clock_self_test():
    """True when pinning works: the module holds the real datetime class, and the freshness
    check measures an age against the pinned time, not the wall clock."""
    if cmcp_verify_module.datetime is not _REAL_DATETIME:
        return False
    t = 1_700_000_000
    generated = _REAL_DATETIME.fromtimestamp(t - 3000, tz=_dt.UTC).isoformat()
    probe = {"gateway": {"attestation_generated_at": generated}}
    with clock_at(t):
        age, _ = cmcp_verify_module._check_attestation_freshness(probe, 86400)
    return age == 3000 and cmcp_verify_module.datetime is _REAL_DATETIME


CLOCK_OK = _clock_self_test()


# --- plumbing --------------------------------------------------------------------------------


def b64d(s):
    if not isinstance(s, str):
        raise ValueError("a *_b64u member is not a string")
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def b64u_canonical(s):
    """Strict unpadded base64url (RFC 4648 §5), for the adapter's own key conversion."""
    if not isinstance(s, str) or not re.fullmatch(r"[A-Za-z0-9_-]*", s) or len(s) % 4 == 1:
        raise ValueError("not unpadded base64url")
    raw = base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))
    if base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii") != s:
        raise ValueError("not canonical base64url")
    return raw


def text(s):
    """Text without lone surrogates (they are not valid JSON text)."""
    return str(s).encode("utf-8", "backslashreplace").decode("utf-8")


def exc_text(exc):
    return text(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)


def error(native, cls=None, rule=None, ptr=None):
    err = {"native": text(native)}
    if rule:
        err["rule"] = rule
    if cls:
        err["class"] = cls
    if ptr is not None:
        err["pointer"] = ptr
    return err


def parse(data, what):
    """bytes -> (value, None) or (None, error): json.loads, as a user of the dict API would."""
    try:
        doc = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, error(f"{what}: {exc_text(exc)}", "input/not-utf8", "TR-GEN-001")
    try:
        return json.loads(doc), None
    except RecursionError as exc:
        return None, error(f"{what}: {exc_text(exc)}", "input/too-deep", "TR-GEN-005")
    except ValueError as exc:  # json.JSONDecodeError
        return None, error(f"{what}: {exc_text(exc)}", "input/syntax", "TR-GEN-002")


def ed25519_raw(jwk):
    """The raw 32-byte key of an OKP/Ed25519 JWK; None if the JWK is another kind of key
    (cmcp_verify pins Ed25519 keys only); ValueError if it is an Ed25519 JWK the adapter
    cannot convert (harness_error)."""
    if not isinstance(jwk, dict) or jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
        return None
    raw = b64u_canonical(jwk.get("x"))
    if len(raw) != 32:
        raise ValueError(f"Ed25519 JWK x decodes to {len(raw)} bytes, not 32")
    return raw


def pinned_key_hex(keys):
    """(hex or None, None) for trusted_public_key_hex, or (None, message) for `unsupported`.

    verify_trace_claim takes at most one out-of-band key, as hex of the raw Ed25519 key, and
    with none it checks the signature with trace.cnf.jwk alone (README, "Trusted keys")."""
    if not isinstance(keys, list):
        raise ValueError("trusted_keys is not an array")
    if not keys:
        return None, None
    if len(keys) > 1:
        return (
            None,
            "verify_trace_claim takes one pinned key (trusted_public_key_hex); a set of anchors cannot be passed",
        )
    key = keys[0]
    if isinstance(key, str):
        return None, "verify_trace_claim pins a raw Ed25519 key; an RFC 7638 thumbprint carries no key material"
    raw = ed25519_raw(key)
    if raw is None:
        return None, "verify_trace_claim pins Ed25519 keys only (trusted_public_key_hex)"
    return raw.hex(), None


def claim_member(claim, *path):
    """A string member of the claim, or "" (for the unpinned ApprovedHashes)."""
    value = claim
    for name in path:
        if not isinstance(value, dict):
            return ""
        value = value.get(name)
    return value if isinstance(value, str) else ""


def context(req):
    now, max_age = req["verification_time"], req["max_age"]
    if not all(type(v) is int for v in (now, max_age)):
        raise ValueError("verification_time and max_age must be integers")
    if req.get("cmcp_canonicalization", "jcs") != "pyjson":
        # cmcp_verify knows one canonical form, sorted-ASCII JSON; it is not switched (README).
        print(
            f"[cmcp adapter] {req.get('case')}: cmcp_canonicalization "
            f"{req.get('cmcp_canonicalization', 'jcs (default)')!r} requested; cmcp_verify "
            "checks the signature over sorted-ASCII JSON, its only form",
            file=sys.stderr,
        )
    return now, max_age


# --- what verify_trace_claim reports --------------------------------------------------------
# The class is the suite's class for what the code means; where the code alone is ambiguous,
# the `details` key the library wrote says which check failed. Codes that mean nothing the
# suite has a class for keep their text in `native` only.

SIGNATURE_DETAILS = [  # prefix of details["signature_error"] -> (class, rule)
    ("signature field is empty", "signature/missing", "TR-SIG-001"),
    ("cannot decode signature", "signature/encoding", "TR-SIG-006"),
    ("cannot parse trace.cnf.jwk.x", "key/malformed", "TR-SIG-002"),
    ("Ed25519 signature verification failed", "signature/invalid", "TR-SIG-001"),
]


def claim_class(res):
    """(class, rule, pointer) for a VerificationResult whose failure_reason is set."""
    code, details = res.failure_reason, res.details
    if code == VerificationError.CLAIM_MALFORMED:
        parts = details.get("malformed_field", "claim").split(".")
        ptr = "" if parts == ["claim"] else "/" + "/".join(parts)
        if not all(re.fullmatch(r"[A-Za-z0-9_]+", p) for p in parts):
            ptr = None  # a pydantic location that is not a member path
        return "envelope/malformed", "TR-WIR-002", ptr
    if code == VerificationError.SIGNATURE_INVALID:
        detail = details.get("signature_error", "")
        for prefix, cls, rule in SIGNATURE_DETAILS:
            if detail.startswith(prefix):
                ptr = "/trace/cnf/jwk/x" if cls.startswith("key/") else "/signature"
                return cls, rule, ptr
        return None, None, None
    if code == VerificationError.PUBLIC_KEY_NOT_BOUND:
        if "public_key_binding" in details:  # cnf.jwk thumbprint vs report_data[:32]
            return "evidence/hardware-unverified", "TR-RTE-006", "/trace/runtime/nonce"
        return "key/untrusted", "TR-SIG-009", "/trace/cnf/jwk"  # the pinned key differs
    if code == VerificationError.ATTESTATION_STALE:
        # age -1 is the library's "attestation_generated_at missing or unreadable"
        if details.get("attestation_age_seconds") == "-1":
            return None, None, "/gateway/attestation_generated_at"
        return "freshness/stale", None, "/gateway/attestation_generated_at"
    if code == VerificationError.HARDWARE_ATTESTATION_FAILED:
        return "evidence/hardware-unverified", "TR-RTE-006", None
    return None, None, None


def claim_native(res):
    details = "; ".join(f"{k}: {v}" for k, v in res.details.items())
    return f"{res.failure_reason.value} ({res.status.value})" + (f": {details}" if details else "")


def run_claim(claim, now, max_age, key_hex):
    """verify_trace_claim at `now`: (VerificationResult, None) or (None, exception it raised)."""
    approved = ApprovedHashes(
        policy_bundle_hash=claim_member(claim, "trace", "policy", "bundle_hash"),
        tool_catalog_hash=claim_member(claim, "gateway", "catalog", "hash"),
    )
    try:
        with clock_at(now):
            return verify_trace_claim(
                claim, approved, max_attestation_age_seconds=max_age, trusted_public_key_hex=key_hex
            ), None
    except Exception as exc:
        return None, exc


def claim_findings(res, exc, prefix=""):
    """(errors, warnings) for what verify_trace_claim returned or raised."""
    if exc is not None:
        return [error(f"{prefix}verify_trace_claim raised {exc_text(exc)}")], []
    if res.failure_reason is None:
        # Accepted with fields left unverified (partially_verified): at level 0 that is the
        # hardware attestation of a software-only claim. Each is passed on as an advisory.
        return [], [
            error(
                f"{prefix}{f} not verified" + (f": {res.details[f]}" if f in res.details else ""),
                "evidence/hardware-unverified" if f == "hardware_attestation" else None,
            )
            for f in res.unverified_fields
        ]
    cls, rule, ptr = claim_class(res)
    return [error(prefix + claim_native(res), cls, rule, ptr)], []


# --- what verify_audit_bundle reports -------------------------------------------------------
# AuditBundleResult.failures is a list of sentences (cmcp_verify/verify.py of 0.7.1). Each is
# matched against these patterns, first match wins; the class and rule are the catalogue's rule
# for the check that sentence reports. `{i}` in a pointer is the entry index the sentence names.
RECEIPT = "EXTERNAL_EVIDENCE_VERIFICATION_FAILED: "
BUNDLE_FAILURES = [
    (r"^bundle(\.entries(\[\d+\])?)? has invalid object or array shape$", "chain/malformed", "TR-AUD-001", "/entries"),
    (r"^claim((\.[a-z_]+)*) has invalid object or array shape$", "envelope/malformed", "TR-WIR-002", "{p}"),
    (r"^bundle has no entries$", "chain/malformed", "TR-AUD-001", "/entries"),
    (r"^entry (\d+): hash mismatch", "chain/hash-mismatch", "TR-AUD-002", "/entries/{i}"),
    (r"^entry (\d+): chain link broken$", "chain/link-broken", "TR-AUD-003", "/entries/{i}/prev_entry_hash"),
    (
        r"^entry (\d+): session_id must be a non-empty string$",
        "chain/session-epoch",
        "TR-AUD-004",
        "/entries/{i}/session_id",
    ),
    (
        r"^entry (\d+): session_id changes without a recorded session_reset",
        "chain/session-epoch",
        "TR-AUD-004",
        "/entries/{i}/session_id",
    ),
    (r"^entry (\d+): session_reset does not name", "chain/session-epoch", "TR-AUD-004", "/entries/{i}/detail"),
    (
        r"^entry (\d+): " + RECEIPT + "external_execution_evidence is not an object$",
        "evidence/receipt-malformed",
        "TR-EXT-001",
        "/entries/{i}/external_execution_evidence",
    ),
    (
        r"^entry (\d+): " + RECEIPT + "external_execution_evidence linked_call_id does not match",
        "evidence/receipt-misbound",
        "TR-EXT-002",
        "/entries/{i}/external_execution_evidence/linked_call_id",
    ),
    (
        r"^entry (\d+): " + RECEIPT + "issuer_key_id must be lowercase hex",
        "evidence/receipt-malformed",
        "TR-EXT-001",
        "/entries/{i}/external_execution_evidence/issuer_key_id",
    ),
    (
        r"^entry (\d+): " + RECEIPT + "evidence_hash must be",
        "evidence/receipt-malformed",
        "TR-EXT-001",
        "/entries/{i}/external_execution_evidence/evidence_hash",
    ),
    (
        r"^entry (\d+): " + RECEIPT + "unsupported evidence_type",
        "evidence/receipt-malformed",
        "TR-EXT-001",
        "/entries/{i}/external_execution_evidence/evidence_type",
    ),
    (
        r"^entry (\d+): " + RECEIPT + "no trusted key for external evidence issuer_key_id",
        "evidence/issuer-unknown",
        "TR-EXT-004",
        "/entries/{i}/external_execution_evidence/issuer_key_id",
    ),
    (
        r"^entry (\d+): " + RECEIPT + "external_execution_evidence signature is invalid$",
        "evidence/receipt-signature-invalid",
        "TR-EXT-003",
        "/entries/{i}/external_execution_evidence/signature",
    ),
    (
        r"^entry (\d+): " + RECEIPT + "external_execution_evidence could not be verified",
        "evidence/receipt-signature-invalid",
        "TR-EXT-003",
        "/entries/{i}/external_execution_evidence/signature",
    ),
    (r"^entry (\d+): tool_name must be a string$", "chain/summary-mismatch", "TR-AUD-006", "/entries/{i}/tool_name"),
    (
        r"^claim trace\.tool_transcript\.hash (is missing|does not match)",
        "chain/commitment-mismatch",
        "TR-AUD-005",
        "/trace/tool_transcript/hash",
    ),
    (
        r"^claim trace\.tool_transcript\.call_count does not match",
        "chain/summary-mismatch",
        "TR-AUD-006",
        "/trace/tool_transcript/call_count",
    ),
    (
        r"^claim gateway\.call_summary\.(\w+) does not match",
        "chain/summary-mismatch",
        "TR-AUD-006",
        "/gateway/call_summary/{i}",
    ),
    (r"^claim gateway\.session_id does not match", "chain/session-mismatch", "TR-AUD-007", "/gateway/session_id"),
    (r"^bundle root does not match", "chain/commitment-mismatch", "TR-AUD-005", "/gateway/audit_chain/root"),
    (r"^bundle tip does not match", "chain/commitment-mismatch", "TR-AUD-005", "/gateway/audit_chain/tip"),
    (r"^bundle has \d+ entries, claim says", "chain/commitment-mismatch", "TR-AUD-005", "/gateway/audit_chain/length"),
    (r"^bundle_signature is missing$", "signature/missing", "TR-AUD-008", "/bundle_signature"),
    (r"^claim has no confirmation key to check bundle_signature", "key/missing", "TR-AUD-008", "/trace/cnf/jwk"),
    (r"^bundle_signature is invalid$", "signature/invalid", "TR-AUD-008", "/bundle_signature"),
    (r"^bundle_signature could not be checked", "signature/invalid", "TR-AUD-008", "/bundle_signature"),
]
BUNDLE_PATTERNS = [(re.compile(p), cls, rule, ptr) for p, cls, rule, ptr in BUNDLE_FAILURES]


def bundle_error(failure):
    for pattern, cls, rule, ptr in BUNDLE_PATTERNS:
        m = pattern.search(failure)
        if m:
            if ptr and "{i}" in ptr:
                ptr = ptr.replace("{i}", m.group(1))
            if ptr == "{p}":  # claim.gateway.audit_chain -> /gateway/audit_chain
                ptr = m.group(1).replace(".", "/")
            return error(failure, cls, rule, ptr)
    return error(failure)  # a sentence this table does not know: text only, no guess


# --- operations ------------------------------------------------------------------------------


def verify(req):
    if (req["format"], req["level"], req["profile"], req["strict"]) != ("embedded", 0, "v0.2", False):
        return "unsupported", "only embedded RuntimeClaims at level 0 under profile v0.2 (not strict)"
    if req.get("nonce") is not None:
        return "unsupported", "verify_trace_claim has no expected-nonce input"
    now, max_age = context(req)
    key_hex, why = pinned_key_hex(req["trusted_keys"])
    if why:
        return "unsupported", why
    if not CLOCK_OK:
        return "harness_error", "cannot pin cmcp_verify's clock: cmcp_verify.verify no longer reads datetime.now"
    claim, refusal = parse(b64d(req["record_b64u"]), "record")
    if refusal:
        return "ok", {"verdict": "reject", "errors": [refusal]}
    res, exc = run_claim(claim, now, max_age, key_hex)
    errors, warnings = claim_findings(res, exc)
    result = {"verdict": "reject" if errors else "accept", "errors": errors}
    if warnings:
        result["warnings"] = warnings
    return "ok", result


def issuer_key_map(keys):
    """external_evidence_keys for verify_audit_bundle: {lowercase hex SHA-256(raw): raw}, or
    None when no issuer key is given (cMCP's own "no keys configured": receipts unchecked)."""
    if not isinstance(keys, list):
        raise ValueError("issuer_keys is not an array")
    if not keys:
        return None, None
    out = {}
    for jwk in keys:
        raw = ed25519_raw(jwk)
        if raw is None:
            return None, "verify_audit_bundle takes raw Ed25519 issuer keys only"
        out[hashlib.sha256(raw).hexdigest()] = raw
    return out, None


def verify_chain(req):
    now, max_age = context(req)
    # `receipts` (trace or cmcp-compat) is not read: cmcp_verify has one receipt behaviour,
    # and the adapter cannot switch it (README, "Receipts").
    evidence_keys, why = issuer_key_map(req["issuer_keys"])
    if why:
        return "unsupported", why
    key_hex, why = pinned_key_hex(req["trusted_keys"])
    if why:
        return "unsupported", why
    if not CLOCK_OK:
        return "harness_error", "cannot pin cmcp_verify's clock: cmcp_verify.verify no longer reads datetime.now"
    bundle, refusal = parse(b64d(req["bundle_b64u"]), "bundle")
    if refusal:
        return "ok", {"verdict": "reject", "errors": [refusal]}
    claim = None
    if req["claim_b64u"] is not None:
        claim, refusal = parse(b64d(req["claim_b64u"]), "claim")
        if refusal:
            return "ok", {"verdict": "reject", "errors": [refusal]}

    errors, warnings = [], []
    try:
        bundle_result = verify_audit_bundle(bundle, claim, external_evidence_keys=evidence_keys)
    except Exception as exc:
        errors.append(error(f"verify_audit_bundle raised {exc_text(exc)}"))
    else:
        if not bundle_result.verified:
            errors.extend(bundle_error(f) for f in bundle_result.failures)
            if not bundle_result.failures:  # not verified, no reason given
                errors.append(error("verify_audit_bundle: verified = false, no failure listed"))

    if req["claim_b64u"] is not None:
        res, exc = run_claim(claim, now, max_age, key_hex)
        claim_errors, claim_warnings = claim_findings(res, exc, prefix="claim: ")
        errors.extend(claim_errors)
        warnings.extend(claim_warnings)

    result = {"verdict": "reject" if errors else "accept", "errors": errors}
    if warnings:
        result["warnings"] = warnings
    return "ok", result


def unknown(req):
    return "unsupported", f"op {req.get('op')!r} is not implemented by this adapter (cmcp_verify only verifies)"


OPS = {
    "hello": adapter_kit.hello_op(IMPL, CAPS),
    "verify": verify,
    "verify-chain": verify_chain,
    "ping": lambda req: ("ok", {}),
    "shutdown": lambda req: ("ok", {}),
}


def main():
    if not CLOCK_OK:
        print("[cmcp adapter] clock self-test failed: verify and verify-chain answer harness_error", file=sys.stderr)
    return adapter_kit.serve(OUT, OPS, unknown, exc_text)


if __name__ == "__main__":
    sys.exit(main())
