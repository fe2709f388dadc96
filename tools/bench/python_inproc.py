#!/usr/bin/env python3
"""Times the Python peers in-process over a corpus directory; prints JSON.

Usage: python_inproc.py DIR REPEATS [MODE]

With MODE, only that mode runs (so that a process's peak memory is one mode's).

Modes (file bytes are read before timing; each mode runs over the whole set REPEATS times):
  agentrust_trace.verify_record   json.loads + verify_record(record, record's cnf.jwk)
  trace_tests_level0              loader.parse_record + runner.run(level 0) + the verdict
Every record must be accepted by both, or the figures would time a failure path.
"""

import json
import pathlib
import statistics
import sys
import time

from agentrust_trace import verify_record
from trace_tests import loader, runner
from trace_tests.modules.unverified import finding_counts_as_level_failure


def at_verify(data: bytes) -> bool:
    record = json.loads(data)
    verify_record(record, record["cnf"]["jwk"], max_age_seconds=7 * 86400)
    return True


def tt_level0(data: bytes) -> bool:
    record, fmt = loader.parse_record(data)
    results = runner.run(record, fmt, 0, max_age_seconds=7 * 86400)
    return not any(finding_counts_as_level_failure(f, 0) for fs in results.values() for f in fs)


def main() -> int:
    files = sorted(pathlib.Path(sys.argv[1]).glob("*.json"))
    repeats = int(sys.argv[2])
    blobs = [f.read_bytes() for f in files]
    out = {}
    modes = (("agentrust_trace.verify_record", at_verify), ("trace_tests_level0", tt_level0))
    only = sys.argv[3] if len(sys.argv) > 3 else None
    for name, fn in modes:
        if only and name != only:
            continue
        runs = []
        for _ in range(repeats):
            started = time.perf_counter()
            accepted = sum(1 for b in blobs if fn(b))
            runs.append(time.perf_counter() - started)
            if accepted != len(blobs):
                print(f"{name}: accepted {accepted} of {len(blobs)}", file=sys.stderr)
                return 1
        out[name] = {"records": len(blobs), "seconds": runs, "median_seconds": statistics.median(runs)}
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
