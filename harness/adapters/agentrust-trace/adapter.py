#!/usr/bin/env python3
"""TRACE adapter protocol v1 (harness/PROTOCOL.md) around PyPI agentrust-trace 0.11.0
(and its older releases 0.9.0 and 0.10.0, whose verify_record takes fewer inputs: README,
"Older releases").

The adapter translates: request members become the arguments of `verify_record`,
`sign_record` and `rfc8785.dumps`, and what those return or raise becomes a response.
It never decides a verdict: every `accept` is a `verify_record` call that returned, every
`reject` is an exception raised by the library (or by `json.loads`, which is how a user of
the library, whose API takes a dict, gets one from bytes). See README.md.
"""

import base64
import contextlib
import hashlib
import inspect
import json
import os
import sys
import time
from importlib.metadata import version

# The shared adapter kit sits one folder up; it reserves stdout for protocol lines.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import adapter_kit

OUT = adapter_kit.protocol_stdout()

import rfc8785  # noqa: E402
from agentrust_trace import jwk_thumbprint, key_to_jwk, sign_record, verify_record  # noqa: E402
from cryptography.exceptions import InvalidSignature  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402
from jsonschema import ValidationError  # noqa: E402

# verify_record's keyword parameters differ by release. 0.9.0 has no `now` (it reads
# time.time()), no `max_future_skew_seconds` (no check of an iat in the future) and no
# revocation bundle; 0.10.0 added all three. The adapter passes only what the installed
# release takes: without `now` it pins the clock the library reads (`clock_at`); without the
# bundle parameters it does not claim the `revocation` input; a skew the release cannot be
# given is not passed (the release's own behaviour, no future check, is what is scored).
VERIFY_SIGNATURE = inspect.signature(verify_record)
VERIFY_TAKES = set(VERIFY_SIGNATURE.parameters)
# The keyword arguments an older release may lack, each handled as above. Every other one is
# always passed, so a release that renamed or dropped it fails the signature check: a
# harness_error, never a silently weaker call.
MAY_LACK = {"now", "max_future_skew_seconds", "revocation_bundle", "trusted_bundle_keys", "max_bundle_age_seconds"}
TAKES_NOW = "now" in VERIFY_TAKES
TAKES_REVOCATION_BUNDLE = {"revocation_bundle", "trusted_bundle_keys"} <= VERIFY_TAKES


@contextlib.contextmanager
def clock_at(seconds):
    """time.time() returns `seconds` inside the block (for a release whose verify_record has
    no `now` and reads time.time() itself, as 0.9.0 does with a function-level `import time`).
    The adapter answers one request at a time, so nothing else reads the clock meanwhile."""
    real = time.time
    time.time = lambda: float(seconds)
    try:
        yield
    finally:
        time.time = real


CAPS = {
    "ops": ["verify", "sign", "canonicalize", "ping", "shutdown"],
    "formats": ["embedded"],
    "algs": ["EdDSA"],
    "levels": [0],
    "platforms": adapter_kit.PLATFORMS,
    "profiles": ["v0.2"],
    "error_detail": "class",
    "accepts_flags": [],
    "inputs": ["revocation"] if TAKES_REVOCATION_BUNDLE else [],
}
IMPL = {
    "name": "agentrust-trace",
    "version": version("agentrust-trace"),
    "language": "python",
    "homepage": "https://github.com/agentrust-io/trace-spec",
}

# Stand-in trust anchor for a thumbprint that does NOT name the record's cnf.jwk (README,
# "Trusted keys"). Its seed is derived from the published string below, so it protects
# nothing; its only job is not to be the record's key. Should a record ever embed this very
# key, the adapter passes no key at all instead, so the stand-in can never make a match.
PLACEHOLDER_JWK = key_to_jwk(
    Ed25519PrivateKey.from_private_bytes(
        hashlib.sha256(b"trace-conformance agentrust-trace adapter: stand-in for an unmatched thumbprint").digest()
    )
)
PLACEHOLDER_TP = jwk_thumbprint(PLACEHOLDER_JWK)


def b64d(s):
    if not isinstance(s, str):
        raise ValueError("a *_b64u member is not a string")
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def b64e(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode("ascii")


def text(exc):
    """The exception in words, without lone surrogates (they are not valid JSON text)."""
    msg = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return msg.encode("utf-8", "backslashreplace").decode("utf-8")


def pointer(path):
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


# --- translation of the library's refusals into error classes --------------------------------
# Each row: (exception type, substring of str(exc), class). The first match wins. The
# substrings are the library's own messages (agentrust_trace/sign.py of 0.11.0, and the older
# releases' wording where it differs, marked); a message that matches no row keeps its text in
# `native` and gets no class, rather than a guess.
MESSAGES = [
    (ValueError, "record must be a JSON object", "input/not-object"),
    (ValueError, "record carries the superseded v0.1 profile", "profile/legacy-v0.1"),
    (ValueError, "is not in this verifier's accepted set", "profile/mismatch"),
    (ValueError, "record has no 'eat_profile'", "profile/mismatch"),
    (ValueError, "Verification is refused rather than attempted", "profile/mismatch"),  # 0.9.0, 0.10.0
    (ValueError, "record has no 'signature' field", "signature/missing"),
    (ValueError, "signature must be a base64url string", "signature/encoding"),
    (ValueError, "signature is not valid base64url", "signature/encoding"),
    (ValueError, "signature is not canonical base64url", "signature/encoding"),
    (ValueError, "verify_record requires a trusted key", "key/not-pinned"),
    (ValueError, "unsupported JWK kty", "key/unsupported"),
    (ValueError, "unsupported JWK crv", "key/unsupported"),
    (ValueError, "cannot compute a JWK thumbprint for kty", "key/unsupported"),
    (ValueError, "JWK missing 'x' field", "key/malformed"),
    (ValueError, "JWK 'x' must be a base64url string", "key/malformed"),
    (ValueError, "JWK 'x' is not valid base64url", "key/malformed"),
    (ValueError, "JWK 'x' is not canonical base64url", "key/malformed"),
    (ValueError, "is missing required thumbprint member", "key/malformed"),
    (ValueError, "An Ed25519 public key is 32 bytes long", "key/wrong-length"),
    (ValueError, "record has no valid cnf.jwk confirmation key", "key/missing"),
    (ValueError, "does not identify the trusted key", "key/untrusted"),
    (ValueError, "record has no valid integer 'iat'", "schema/integer-token"),
    (ValueError, "in the future, exceeds max_future_skew_seconds", "freshness/future"),
    (ValueError, "record is stale", "freshness/stale"),
    (ValueError, "runtime.nonce does not match expected_nonce", "freshness/nonce"),
    (ValueError, "signing key is revoked", "revocation/key-revoked"),
]


# Schema violations. The library wraps the jsonschema.ValidationError it got from its own
# schema (agentrust_trace/schema/trace-v0.2.json) as the ValueError's __cause__, which names
# the member (absolute_path), the schema keyword that failed (validator) and the value
# (instance). The class is the suite's class for the rule about that member: this is the
# same translation an [error_map] over the native text "… schema at policy.bundle_hash: …"
# would make, done on the structured form. The members listed are those the suite's rule
# catalogue gives a class of their own (vectors/rules/catalog.toml); a violation anywhere
# else is schema/violation (TR-SCH-001), whatever keyword failed.
MEMBER_CLASSES = {
    ("subject",): "schema/subject",
    ("policy", "bundle_hash"): "schema/digest",
    ("runtime", "measurement"): "schema/digest",
    ("build_provenance", "digest"): "schema/digest",
    ("policy", "enforcement_mode"): "schema/enum",
    ("appraisal", "status"): "schema/enum",
    ("policy", "policy_uri"): "schema/uri",
    ("appraisal", "verifier"): "schema/uri",
    ("appraisal", "policy_ref"): "schema/uri",
    ("build_provenance", "slsa_level"): "schema/range",
    ("tool_transcript", "call_count"): "schema/range",
}
JWK_MEMBERS = {"kty", "crv", "x", "y", "n", "e", "kid"}  # the members the schema names
SAFE = 2**53 - 1


def schema_class(err):
    path = tuple(str(p) for p in err.absolute_path)
    kw = err.validator
    if path in MEMBER_CLASSES:
        return MEMBER_CLASSES[path]
    if path in (("cnf",), ("cnf", "jwk")):
        if kw == "not":  # not: anyOf required d, p, q, dp, dq, qi, k
            return "key/private-member"
        if (kw == "required" and "'kty'" in err.message) or kw == "type":
            return "key/missing"
    if len(path) >= 3 and path[:2] == ("cnf", "jwk") and path[2] not in JWK_MEMBERS and kw == "anyOf":
        # $defs/canonicalizableValue: no non-integer numbers, integers in the safe range
        value = err.instance
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > SAFE:
            return "input/unsafe-integer"
        if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
            return "input/non-finite-number"
        return "key/non-canonicalizable-extra"
    if path == ("runtime", "platform") and kw == "const":
        return "origin/platform"  # the schema's only const on runtime.platform: the origin rule
    return "schema/violation"


def classify(exc):
    """(class or None, pointer or None) for an exception the library raised."""
    if isinstance(exc, InvalidSignature):
        return "signature/invalid", "/signature"
    cause = exc.__cause__
    if isinstance(exc, ValueError) and isinstance(cause, ValidationError):
        # "record does not conform to the TRACE v0.2 schema at …": the library's schema check
        return schema_class(cause), pointer(cause.absolute_path)
    if isinstance(exc, UnicodeEncodeError) and "surrogates not allowed" in str(exc):
        return "input/lone-surrogate", None  # raised while sorting member names (UTF-16)
    if isinstance(exc, rfc8785.IntegerDomainError):
        return "input/unsafe-integer", None
    if isinstance(exc, rfc8785.FloatDomainError):
        return "input/non-finite-number", None
    if isinstance(exc, rfc8785.CanonicalizationError) and "non-UTF-8 codepoints" in str(exc):
        return "input/lone-surrogate", None
    if isinstance(exc, rfc8785.CanonicalizationError) and "nests too deeply" in str(exc):
        return "input/too-deep", None
    for kind, needle, cls in MESSAGES:
        if isinstance(exc, kind) and needle in str(exc):
            return cls, None
    return None, None


def rejected(exc, cls=None, ptr=None):
    """The library (or json.loads in front of it) said no: a verdict, not an error."""
    if cls is None:
        cls, ptr = classify(exc)
    err = {"native": text(exc)}
    if cls:
        err["class"] = cls
    if ptr:
        err["pointer"] = ptr
    return "ok", {"verdict": "reject", "errors": [err]}


def parse(data):
    """bytes -> (value, None) or (None, rejection): json.loads, as a user of the library would."""
    try:
        doc = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, rejected(exc, "input/not-utf8")
    try:
        return json.loads(doc), None
    except RecursionError as exc:
        return None, rejected(exc, "input/too-deep")
    except ValueError as exc:  # json.JSONDecodeError
        return None, rejected(exc, "input/syntax")


def trusted_key(keys, record):
    """The one trust anchor to hand to verify_record (README, "Trusted keys")."""
    if not keys:
        return None
    key = keys[0]
    if isinstance(key, dict):
        return key  # a JWK, passed as-is
    # An RFC 7638 thumbprint carries no key material. If it is the thumbprint of the
    # record's own cnf.jwk, that JWK is the key it names. Otherwise pass a key that
    # cannot be the record's key, so that the library refuses the record as it would
    # refuse it under the real (unknown) anchor.
    cnf = record.get("cnf") if isinstance(record, dict) else None
    jwk = cnf.get("jwk") if isinstance(cnf, dict) else None
    try:
        embedded = jwk_thumbprint(jwk) if isinstance(jwk, dict) else None
    except ValueError:
        embedded = None
    if embedded is not None and embedded == key:
        return jwk
    if embedded == PLACEHOLDER_TP:
        return None
    return PLACEHOLDER_JWK


def verify(req):
    if (req["format"], req["level"], req["profile"], req["strict"]) != ("embedded", 0, "v0.2", False):
        return "unsupported", "only embedded records at level 0 under profile v0.2 (not strict)"
    keys = req["trusted_keys"]
    if len(keys) > 1:
        return "unsupported", "verify_record takes one trusted key; a set of anchors cannot be passed"
    record, refusal = parse(b64d(req["record_b64u"]))
    if refusal:
        return refusal
    anchor = trusted_key(keys, record)
    now, max_age, skew, nonce = (req[k] for k in ("verification_time", "max_age", "skew", "nonce"))
    if not all(type(v) is int for v in (now, max_age, skew)) or not (nonce is None or isinstance(nonce, str)):
        raise ValueError("verification_time, max_age and skew must be integers, nonce a string or null")
    # Revocation inputs go to the library's own bundle check (S2 §3.2.3). It has no input
    # for the record's log entry, so `revocation.entry` cannot be passed on.
    rev = req.get("revocation") or {}
    options = {
        "now": now,
        "max_age_seconds": max_age,
        "max_future_skew_seconds": skew,
        "expected_nonce": nonce,
        "revocation_bundle": rev.get("bundle"),
        "trusted_bundle_keys": rev.get("bundle_keys"),
        "max_bundle_age_seconds": rev.get("max_bundle_age", 86400),
    }
    options = {k: v for k, v in options.items() if k in VERIFY_TAKES or k not in MAY_LACK}
    # A call this release cannot take is the adapter's mistake, never the library's verdict.
    VERIFY_SIGNATURE.bind(record, anchor, **options)
    try:
        with contextlib.nullcontext() if TAKES_NOW else clock_at(now):
            result = verify_record(record, anchor, **options)
    except Exception as exc:
        return rejected(exc)
    warnings = []
    if not TAKES_REVOCATION_BUNDLE:  # 0.9.0 returns None: no revocation outcome to report
        return "ok", {"verdict": "accept", "errors": [], "warnings": warnings}
    check = result.revocation
    native = f"VerificationResult.revocation = {check.outcome!r} (cause {check.cause!r})"
    if check.outcome == "no_check_performed":
        warnings.append({"class": "revocation/not-checked", "native": native})
    elif check.outcome == "unverified_for_revocation":
        warnings.append({"class": "revocation/unverified", "native": native})
    elif check.outcome == "verified":
        warnings.append({"class": "revocation/checked", "native": native})
    return "ok", {"verdict": "accept", "errors": [], "warnings": warnings}


def canonicalize(req):
    value, refusal = parse(b64d(req["input_b64u"]))
    if refusal:
        return refusal
    try:
        out = rfc8785.dumps(value)
    except RecursionError as exc:
        return rejected(exc, "input/too-deep")
    except Exception as exc:
        return rejected(exc)
    return "ok", {"verdict": "accept", "output_b64u": b64e(out)}


def sign(req):
    key = req["key"]
    if req["format"] != "embedded":
        return "unsupported", "agentrust-trace writes the embedded form only"
    if key.get("kty") != "OKP" or key.get("crv") != "Ed25519":
        return "unsupported", "agentrust-trace signs with Ed25519 only"
    seed = b64d(key["d"])  # a conversion failure here is the adapter's: harness_error
    private = Ed25519PrivateKey.from_private_bytes(seed)
    try:
        record = sign_record(req["claims"], private)
        data = json.dumps(record).encode()
    except ValueError as exc:
        return "harness_error", f"sign_record refused the claims (the protocol has no sign rejection): {text(exc)}"
    return "ok", {"record_b64u": b64e(data)}


def unknown(req):
    return "unsupported", f"op {req.get('op')!r} is not implemented by this adapter"


OPS = {
    "hello": adapter_kit.hello_op(IMPL, CAPS),
    "verify": verify,
    "sign": sign,
    "canonicalize": canonicalize,
    "ping": lambda req: ("ok", {}),
    "shutdown": lambda req: ("ok", {}),
}


def main():
    return adapter_kit.serve(OUT, OPS, unknown, text)


if __name__ == "__main__":
    sys.exit(main())
