#!/usr/bin/env python3
"""TRACE adapter protocol v1 (harness/PROTOCOL.md) around PyPI agentrust-trace-tests 0.6.2.

trace-tests is the incumbent conformance suite; it is also a verifier of records: its library
runs one check module per area and returns findings with TR codes. This adapter asks it for
its level verdict on each vector, exactly as `trace-tests verify --record R --level L` would
reach it, so its verdicts can be compared with the suite's vector by vector:

  parse_record(bytes) -> runner.run(record, fmt, level, max_age_seconds, expected_nonce)
  -> reject if any finding counts as a failure at that level
     (modules.unverified.finding_counts_as_level_failure), else accept.

It never decides a verdict. The only thing it adds is the clock: trace-tests reads
time.time() in two modules, and the adapter points those modules' `time` at a clock that
returns the request's verification_time for the duration of the call (README, "Clock").
"""

import base64
import contextlib
import os
import sys
import time as _stdlib_time
import types
from importlib.metadata import version

# The shared adapter kit sits one folder up; it reserves stdout for protocol lines.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import adapter_kit

OUT = adapter_kit.protocol_stdout()

from trace_tests import loader, runner  # noqa: E402
from trace_tests.modules import tr_apr, tr_env  # noqa: E402
from trace_tests.modules.unverified import finding_counts_as_level_failure  # noqa: E402

CAPS = {
    "ops": ["verify", "ping", "shutdown"],
    "formats": ["embedded"],
    "algs": ["EdDSA"],
    "levels": [0, 1, 2],
    "platforms": adapter_kit.PLATFORMS,
    "profiles": ["v0.2"],
    "error_detail": "rule",
    "accepts_flags": [],
    "inputs": ["inclusion"],
}
IMPL = {
    "name": "agentrust-trace-tests",
    "version": version("agentrust-trace-tests"),
    "language": "python",
    "homepage": "https://github.com/agentrust-io/trace-spec/tree/main/conformance",
}

# The modules of 0.6.2 that read the clock (`now = int(time.time())`): TR-ENV-002 (iat) and
# TR-APR-004 (appraisal.timestamp). No other module of the package reads it (cli.py stamps
# reports with datetime, which runner.run never reaches). Checked at start-up, so that a
# version that reads time some other way is refused rather than run against the wall clock.
CLOCK_MODULES = (tr_env, tr_apr)
CLOCK_OK = all(getattr(m, "time", None) is _stdlib_time for m in CLOCK_MODULES)

# The loader's refusals (LoadError, no TR code: the CLI exits 2) in the suite's rule ids.
# Only where the loader's refusal means exactly the suite's rule.
LOAD_ERRORS = [
    ("Invalid JSON: not UTF-8", "TR-GEN-001"),
    ("Invalid JSON: duplicate member name", "TR-GEN-003"),
    ("Invalid JSON: nested too deeply", "TR-GEN-005"),
    ("Record must be a JSON object", "TR-GEN-008"),
    ("Invalid JSON: ", "TR-GEN-002"),  # json.JSONDecodeError: after the more specific ones
]


@contextlib.contextmanager
def clock_at(seconds):
    """trace-tests' `time.time()` returns `seconds` inside the block, and only there."""
    fake = types.SimpleNamespace(time=lambda: float(seconds))
    saved = [(m, m.time) for m in CLOCK_MODULES]
    try:
        for m in CLOCK_MODULES:
            m.time = fake
        yield
    finally:
        for m, original in saved:
            m.time = original


def b64d(s):
    if not isinstance(s, str):
        raise ValueError("a *_b64u member is not a string")
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def text(s):
    """Text without lone surrogates (they are not valid JSON text)."""
    return s.encode("utf-8", "backslashreplace").decode("utf-8")


def exc_text(exc):
    return text(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)


def verify(req):
    if (req["format"], req["profile"], req["strict"]) != ("embedded", "v0.2", False):
        return "unsupported", "trace-tests reads JSON records under the v0.2 profile only"
    level = req["level"]
    now, max_age, nonce = req["verification_time"], req["max_age"], req["nonce"]
    if (
        level not in (0, 1, 2)
        or not all(type(v) is int for v in (now, max_age))
        or not (nonce is None or isinstance(nonce, str))
    ):
        raise ValueError("level 0-2, integer verification_time and max_age, string or null nonce expected")
    if not CLOCK_OK:
        return "harness_error", "cannot pin trace-tests' clock: tr_env/tr_apr no longer read time.time()"
    # `inclusion` (an anchor receipt) is passed as trace-tests' `receipt` (its --receipt).
    # Not passed, because trace-tests has no such input: `skew` (fixed at 60 s in TR-ENV-002
    # and TR-APR-004) and `trusted_keys` (it verifies with the record's own cnf.jwk).
    data = b64d(req["record_b64u"])
    try:
        record, fmt = loader.parse_record(data)
    except loader.LoadError as exc:
        native = str(exc)
        rule = next((r for prefix, r in LOAD_ERRORS if native.startswith(prefix)), None)
        err = {"native": text(f"LoadError: {native}")}
        if rule:
            err["rule"] = rule
        return "ok", {"verdict": "reject", "errors": [err]}
    try:
        with clock_at(now):
            results = runner.run(
                record, fmt, level, max_age_seconds=max_age, expected_nonce=nonce, receipt=req.get("inclusion")
            )
    except Exception as exc:
        return "ok", {"verdict": "reject", "errors": [{"native": exc_text(exc)}]}
    errors, warnings = [], []
    for module in results:
        for f in results[module]:
            if finding_counts_as_level_failure(f, level):
                errors.append({"rule": f.code, "native": text(f"{f.code} {f.status.value}: {f.message}")})
            elif f.unverified():
                warnings.append({"rule": f.code, "native": text(f"{f.code} {f.status.value}: {f.message}")})
    verdict = "reject" if errors else "accept"
    result = {"verdict": verdict, "errors": errors}
    if warnings:
        result["warnings"] = warnings
    return "ok", result


def unknown(req):
    return "unsupported", f"op {req.get('op')!r} is not implemented by this adapter (trace-tests only verifies)"


OPS = {
    "hello": adapter_kit.hello_op(IMPL, CAPS),
    "verify": verify,
    "ping": lambda req: ("ok", {}),
    "shutdown": lambda req: ("ok", {}),
}


def main():
    return adapter_kit.serve(OUT, OPS, unknown, exc_text)


if __name__ == "__main__":
    sys.exit(main())
