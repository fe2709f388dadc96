#!/usr/bin/env python3
"""TRACE adapter protocol v1 (harness/PROTOCOL.md) around the PyPI library agentrust-trace."""

import base64
import json
import os
import sys
from importlib.metadata import version

# stdout belongs to the protocol: keep a private handle on it, then send fd 1 (and any
# print() or C-level write from a library) to stderr, which the runner only logs.
OUT = os.fdopen(os.dup(1), "w", encoding="utf-8")
os.dup2(2, 1)

import rfc8785  # noqa: E402
from agentrust_trace import verify_record  # noqa: E402

PLATFORMS = [
    "intel-tdx",
    "amd-sev-snp",
    "azure-cvm-sev-snp",
    "nvidia-h100",
    "nvidia-blackwell",
    "aws-nitro",
    "arm-cca",
    "google-confidential-space",
    "tpm2",
    "software-only",
]
CAPS = {
    "ops": ["verify", "canonicalize", "ping", "shutdown"],
    "formats": ["embedded"],
    "algs": ["EdDSA"],
    "levels": [0],
    "platforms": PLATFORMS,
    "profiles": ["v0.2"],
    "error_detail": "none",
    "accepts_flags": [],
}
# The example's own name and version, so its reports are never taken for those of
# harness/adapters/agentrust-trace; the build metadata names the library release it ran.
IMPL = {
    "name": "example-python",
    "version": f"0.1.0+agentrust-trace.{version('agentrust-trace')}",
    "language": "python",
}


def b64d(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def b64e(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode("ascii")


def text(exc):  # the exception in words, without lone surrogates (they are not valid JSON text)
    msg = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return msg.encode("utf-8", "backslashreplace").decode("utf-8")


def rejected(exc):  # the library said no: that is a verdict, not an error
    return "ok", {"verdict": "reject", "errors": [{"native": text(exc)}]}


def hello(req):
    if not req["protocol"]["min"] <= 1 <= req["protocol"]["max"]:
        return "unsupported", "this adapter speaks protocol 1 only"
    return "ok", {"protocol": 1, "framing": "jsonl", "implementation": IMPL, "capabilities": CAPS}


def verify(req):
    if (req["format"], req["level"], req["profile"]) != ("embedded", 0, "v0.2"):
        return "unsupported", "only embedded records at level 0 under profile v0.2"
    jwks = [k for k in req["trusted_keys"] if isinstance(k, dict)]
    if req["trusted_keys"] and not jwks:
        return "unsupported", "verify_record needs key material; a thumbprint alone cannot be used"
    data = b64d(req["record_b64u"])
    try:  # parse as a user of the library would: it takes a dict, not bytes
        verify_record(
            json.loads(data.decode("utf-8")),
            jwks[0] if jwks else None,
            now=req["verification_time"],
            max_age_seconds=req["max_age"],
            max_future_skew_seconds=req["skew"],
            expected_nonce=req["nonce"],
        )
    except Exception as exc:
        return rejected(exc)
    return "ok", {"verdict": "accept", "errors": []}


def canonicalize(req):
    data = b64d(req["input_b64u"])
    try:
        out = rfc8785.dumps(json.loads(data.decode("utf-8")))
    except Exception as exc:
        return rejected(exc)
    return "ok", {"verdict": "accept", "output_b64u": b64e(out)}


OPS = {
    "hello": hello,
    "verify": verify,
    "canonicalize": canonicalize,
    "ping": lambda req: ("ok", {}),
    "shutdown": lambda req: ("ok", {}),
}

for line in sys.stdin.buffer:  # end of input means shutdown
    req = json.loads(line)
    handler = OPS.get(req["op"], lambda r: ("unsupported", f"op {r['op']!r} is not implemented here"))
    try:
        status, body = handler(req)
    except Exception as exc:
        status, body = "harness_error", text(exc)
    resp = {"trace_adapter": 1, "id": req["id"], "status": status}
    resp["result" if status == "ok" else "message"] = body
    OUT.write(json.dumps(resp, ensure_ascii=True, separators=(",", ":")) + "\n")
    OUT.flush()
    if req["op"] == "shutdown":
        break
