#!/usr/bin/env python3
"""A thin JSON-over-stdio wrapper around the Python reference library, for the
Rust cross-implementation tests.

Run it with the interpreter of the pinned environment
(harness/python-requirements.txt), e.g.

    .venv/bin/python harness/conform/tests/peer/agentrust_peer.py < request.json

It reads ONE JSON request from stdin and writes ONE JSON response (one line,
ASCII, `\\u` escapes for everything else) to stdout. If stdin holds a JSON array,
each element is a request and the answer is an array of responses in the same
order, so a test can start Python once.

Requests and responses:

  {"op": "version"}
    -> {"python": "3.11.7", "agentrust_trace": "0.11.0", "rfc8785": "0.1.4",
        "cryptography": "..."}

  {"op": "sign", "record": {...}, "seed_hex": "<64 hex: Ed25519 private key seed>"}
    -> {"record": agentrust_trace.sign_record(record, key)}
    -> {"error": "<class>: <message>"} if the library refuses to sign
       (e.g. a value RFC 8785 has no form for).
    Note: sign_record REPLACES `cnf` with {"jwk": key_to_jwk(key)} (any `kid` or
    other cnf/jwk member in the input is dropped) and drops any input `signature`.

  {"op": "verify", "record": {...}, "trusted_jwk": {...}, "now": <int>,
   "max_age": <int or null>, "skew": <int>, "nonce": <str or null>,
   "allow_embedded_key": <bool>}
    -> {"accepted": true}
    -> {"accepted": false, "error": "<class>: <message>", "error_class": "<class>"}
    verify_record(record, trusted_jwk, now=now, max_age_seconds=max_age,
    max_future_skew_seconds=skew, expected_nonce=nonce,
    allow_embedded_key=allow_embedded_key). `record`, `trusted_jwk` and `now` are
    required; `max_age` defaults to 86400 (null disables the age bound), `skew`
    to 300, `nonce` to null, `allow_embedded_key` to false: the library's own
    defaults. Every exception raised by verify_record is a rejection; when the
    exception has no message (InvalidSignature) "error" is the class name alone.
    Arguments are passed through unchecked, so a bad `skew` or `trusted_jwk` is
    the library's rejection, not a malformed request.

  {"op": "jwk", "seed_hex": "..."}
    -> {"jwk": key_to_jwk(key), "thumbprint": jwk_thumbprint(jwk)}

  {"op": "canonicalize", "value": <any JSON>}
    -> {"hex": rfc8785.dumps(value).hex()}
    -> {"error": "<class>"}   (e.g. IntegerDomainError, CanonicalizationError)

Exit status: 0 when every request was well-formed (a refusal by the library is a
normal response), 2 for a malformed request (not JSON, unknown op, missing or
ill-typed member, bad seed_hex, or nesting too deep for Python's json decoder,
about 1000 levels; the reason goes to stderr and nothing to stdout),
3 when the library cannot be imported.

Requests are parsed with Python's default `json.loads`, as a library user would:
duplicate member names keep the last value, and NaN/Infinity literals are
accepted. The Rust side never sends either.
"""

from __future__ import annotations

import json
import platform
import sys
import warnings
from typing import Any

try:
    import rfc8785
    from agentrust_trace import jwk_thumbprint, key_to_jwk, sign_record, verify_record
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
except ImportError as exc:  # pragma: no cover - environment problem
    print(f"agentrust_peer: cannot import the reference library: {exc}", file=sys.stderr)
    sys.exit(3)

_MISSING = object()


class Malformed(Exception):
    """The request itself is wrong: the caller (the Rust test) has a bug."""


def _exc_text(exc: BaseException) -> str:
    msg = str(exc)
    return f"{type(exc).__name__}: {msg}" if msg else type(exc).__name__


def _member(req: dict[str, Any], name: str, default: Any = _MISSING) -> Any:
    if name in req:
        return req[name]
    if default is _MISSING:
        raise Malformed(f"op {req.get('op')!r} needs member {name!r}")
    return default


def _key(req: dict[str, Any]) -> Ed25519PrivateKey:
    seed_hex = _member(req, "seed_hex")
    if not isinstance(seed_hex, str) or len(seed_hex) != 64:
        raise Malformed("seed_hex must be a string of 64 hex digits")
    try:
        seed = bytes.fromhex(seed_hex)
    except ValueError as exc:
        raise Malformed(f"seed_hex is not hex: {exc}") from None
    return Ed25519PrivateKey.from_private_bytes(seed)


def _versions() -> dict[str, Any]:
    from importlib.metadata import version

    return {
        "python": platform.python_version(),
        "agentrust_trace": version("agentrust-trace"),
        "rfc8785": version("rfc8785"),
        "cryptography": version("cryptography"),
    }


def _sign(req: dict[str, Any]) -> dict[str, Any]:
    record = _member(req, "record")
    key = _key(req)
    try:
        signed = sign_record(record, key)
        # record_text: the record as Python writes it, so a caller can verify those bytes.
        return {"record": signed, "record_text": json.dumps(signed, ensure_ascii=False)}
    except Exception as exc:
        return {"error": _exc_text(exc)}


def _verify(req: dict[str, Any]) -> dict[str, Any]:
    # record_text (a JSON text) lets a caller send exact bytes; Python's json.loads then
    # decides what they mean (it keeps the last of duplicate members).
    if "record_text" in req:
        try:
            record = json.loads(req["record_text"])
        except ValueError as exc:
            return {"accepted": False, "error": _exc_text(exc), "error_class": type(exc).__name__}
    else:
        record = _member(req, "record")
    trusted_jwk = _member(req, "trusted_jwk")
    now = _member(req, "now")
    if isinstance(now, bool) or not isinstance(now, int):
        raise Malformed("now must be an integer (Unix seconds): the peer never reads the clock")
    kwargs = {
        "now": now,
        "max_age_seconds": _member(req, "max_age", 86400),
        "max_future_skew_seconds": _member(req, "skew", 300),
        "expected_nonce": _member(req, "nonce", None),
        "allow_embedded_key": _member(req, "allow_embedded_key", False),
    }
    try:
        with warnings.catch_warnings():
            # allow_embedded_key=True warns loudly; the caller asked for it.
            warnings.simplefilter("ignore")
            verify_record(record, trusted_jwk, **kwargs)
    except Exception as exc:
        return {"accepted": False, "error": _exc_text(exc), "error_class": type(exc).__name__}
    return {"accepted": True}


def _jwk(req: dict[str, Any]) -> dict[str, Any]:
    jwk = key_to_jwk(_key(req))
    return {"jwk": jwk, "thumbprint": jwk_thumbprint(jwk)}


def _canonicalize(req: dict[str, Any]) -> dict[str, Any]:
    value = _member(req, "value")
    try:
        return {"hex": rfc8785.dumps(value).hex()}
    except Exception as exc:
        return {"error": type(exc).__name__}


_OPS = {
    "version": lambda req: _versions(),
    "sign": _sign,
    "verify": _verify,
    "jwk": _jwk,
    "canonicalize": _canonicalize,
}


def handle(req: Any) -> dict[str, Any]:
    if not isinstance(req, dict):
        raise Malformed(f"a request is a JSON object, got {type(req).__name__}")
    op = req.get("op")
    if not isinstance(op, str) or op not in _OPS:
        raise Malformed(f"unknown op {op!r}; expected one of {sorted(_OPS)}")
    return _OPS[op](req)


def main() -> int:
    raw = sys.stdin.buffer.read()
    try:
        request = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        # RecursionError: nesting deeper than Python's json decoder can walk.
        print(f"agentrust_peer: stdin is not one JSON text Python can parse: {exc}", file=sys.stderr)
        return 2
    try:
        if isinstance(request, list):
            response: Any = [handle(r) for r in request]
        else:
            response = handle(request)
    except Malformed as exc:
        print(f"agentrust_peer: malformed request: {exc}", file=sys.stderr)
        return 2
    # ASCII output: every non-ASCII character (and any lone surrogate the library
    # echoed back) travels as a \u escape, so no encoding can get in the way.
    # allow_nan=False: a record holding inf/NaN cannot have been signed anyway.
    out = json.dumps(response, ensure_ascii=True, allow_nan=False, separators=(",", ":"))
    sys.stdout.write(out + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
