#!/usr/bin/env python3
"""TRACE adapter protocol v1 (harness/PROTOCOL.md) around PyPI agentrust-trace-tests 0.6.2
(and its older releases 0.5.0 to 0.6.1, whose entry points differ: README, "Older releases").

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
import importlib
import inspect
import os
import pkgutil
import sys
import tempfile
import time as _stdlib_time
import types
from importlib.metadata import version

# The shared adapter kit sits one folder up; it reserves stdout for protocol lines.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import adapter_kit

OUT = adapter_kit.protocol_stdout()

import trace_tests.modules  # noqa: E402
from trace_tests import loader, runner  # noqa: E402

try:
    from trace_tests.modules.unverified import finding_counts_as_level_failure  # 0.6.0 and later
except ModuleNotFoundError as missing:  # 0.5.x has no modules.unverified
    if missing.name != "trace_tests.modules.unverified":
        raise

    def finding_counts_as_level_failure(finding, level):
        """0.5.x decides the level in cli._print_report: every `fail`, and every
        `unverified` from Level 1 ("unverified findings must fail the run at any level that
        requires signatures")."""
        return finding.failed() or (finding.unverified() and level >= 1)


# runner.run's keyword parameters differ by release: `expected_nonce` exists from 0.5.1,
# `receipt` (TR-ANC-002's inclusion receipt) from 0.6.0. The adapter passes only what the
# installed release takes: it claims the `inclusion` input only when it can pass it on, and
# answers `unsupported` for a nonce the release cannot be given (PROTOCOL.md 4.13: inside
# the claims that is scored unsupported_claimed, a reported failure, never a verdict).
RUN_SIGNATURE = inspect.signature(runner.run)
TAKES_NONCE = "expected_nonce" in RUN_SIGNATURE.parameters
TAKES_RECEIPT = "receipt" in RUN_SIGNATURE.parameters

CAPS = {
    "ops": ["verify", "ping", "shutdown"],
    "formats": ["embedded"],
    "algs": ["EdDSA"],
    "levels": [0, 1, 2],
    "platforms": adapter_kit.PLATFORMS,
    "profiles": ["v0.2"],
    "error_detail": "rule",
    "accepts_flags": [],
    "inputs": ["inclusion"] if TAKES_RECEIPT else [],
}
IMPL = {
    "name": "agentrust-trace-tests",
    "version": version("agentrust-trace-tests"),
    "language": "python",
    "homepage": "https://github.com/agentrust-io/trace-spec/tree/main/conformance",
}

# The check modules that read the clock (`now = int(time.time())` through their module-level
# name `time`): TR-ENV-002 (iat) in every release, and TR-APR-004 (appraisal.timestamp) from
# 0.6.0. No other code on the runner.run path reads it (cli.py stamps reports with datetime,
# which runner.run never reaches). Found at start-up: every check module whose `time` is the
# standard module is pinned. A release in which some module names `time` as anything else, or
# in which tr_env does not read it, is refused (every verify a harness_error) rather than run
# against the wall clock.
CHECK_MODULES = [
    importlib.import_module(f"trace_tests.modules.{m.name}") for m in pkgutil.iter_modules(trace_tests.modules.__path__)
]
CLOCK_MODULES = tuple(m for m in CHECK_MODULES if getattr(m, "time", None) is _stdlib_time)
CLOCK_OK = any(m.__name__ == "trace_tests.modules.tr_env" for m in CLOCK_MODULES) and all(
    getattr(m, "time", _stdlib_time) is _stdlib_time for m in CHECK_MODULES
)

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


# Before 0.6.1 load_record reads the file with read_text and json.loads and lets these out
# (the CLI prints a traceback and exits 1): the library threw instead of answering, which is
# a rejection (PROTOCOL.md, "Libraries that throw instead of returning a verdict"). Any other
# exception out of a loader call is the adapter's (a harness_error, through adapter_kit).
FILE_LOADER_THROWS = (UnicodeDecodeError, RecursionError)


@contextlib.contextmanager
def loader_call(data):
    """(the release's loader as a function of no arguments over the record's bytes, the
    exceptions it throws instead of answering): parse_record (0.6.1 and later) reads bytes;
    before it, load_record(path) read a file, so the bytes are written to a temporary file
    first, as `trace-tests verify --record FILE` would read them. The file is the adapter's;
    only the call is the library's."""
    if hasattr(loader, "parse_record"):
        yield (lambda: loader.parse_record(data)), ()
        return
    with tempfile.TemporaryDirectory(prefix="trace-tests-adapter-") as folder:
        path = os.path.join(folder, "record.json")
        with open(path, "wb") as f:
            f.write(data)
        yield (lambda: loader.load_record(path)), FILE_LOADER_THROWS


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
    if nonce is not None and not TAKES_NONCE:
        return "unsupported", f"trace-tests {IMPL['version']} cannot be given an expected nonce"
    if not CLOCK_OK:
        return "harness_error", "cannot pin trace-tests' clock: its check modules do not all read time.time()"
    # `inclusion` (an anchor receipt) is passed as trace-tests' `receipt` (its --receipt), in
    # the releases that take one (a release that does not, does not claim the input).
    # Not passed, because trace-tests has no such input: `skew` (fixed at 60 s in TR-ENV-002
    # and TR-APR-004) and `trusted_keys` (it verifies with the record's own cnf.jwk).
    data = b64d(req["record_b64u"])
    with loader_call(data) as (load, throws):
        try:
            record, fmt = load()
        except loader.LoadError as exc:
            native = str(exc)
            if native.startswith("File not found"):  # the adapter's temporary file
                return "harness_error", text(f"LoadError: {native}")
            rule = next((r for prefix, r in LOAD_ERRORS if native.startswith(prefix)), None)
            err = {"native": text(f"LoadError: {native}")}
            if rule:
                err["rule"] = rule
            return "ok", {"verdict": "reject", "errors": [err]}
        except throws as exc:
            return "ok", {"verdict": "reject", "errors": [{"native": exc_text(exc)}]}
    options = {"max_age_seconds": max_age}
    if TAKES_NONCE:
        options["expected_nonce"] = nonce
    if TAKES_RECEIPT:
        options["receipt"] = req.get("inclusion")
    # A call this release cannot take is the adapter's mistake, never the library's verdict.
    RUN_SIGNATURE.bind(record, fmt, level, **options)
    try:
        with clock_at(now):
            results = runner.run(record, fmt, level, **options)
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
