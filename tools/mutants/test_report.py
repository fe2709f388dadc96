#!/usr/bin/env python3
"""Checks that the mutation gate can fail: a missed mutant passes the diff-scoped check only
when reports/mutation/survivors.toml explains it as equivalent. Run by tools/test.sh."""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EQUIVALENT = 'harness/record/src/jcs.rs: replace increment -> Option<String> with Some("xyzzy".into()) (+2:5)'
GAP = "harness/runner/src/run.rs: replace + with - in Worker<'_>::run_one (+40:70)"


def gate(outcomes):
    run = {
        "scope": "engine",
        "mutants": [
            {"key": key, "file": key.split(":")[0], "line": 1, "outcome": outcome} for key, outcome in outcomes
        ],
    }
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(run, f)
    r = subprocess.run(
        [sys.executable, str(ROOT / "tools/mutants/report.py"), "--gate", f.name], capture_output=True, text=True
    )
    Path(f.name).unlink()
    return r.returncode


cases = [
    ([("harness/record/src/x.rs: replace f -> bool with true (+1:5)", "caught")], 0),
    ([("harness/record/src/x.rs: replace f -> bool with true (+1:5)", "timeout"), ("y", "unviable")], 0),
    ([(EQUIVALENT, "missed")], 0),
    ([("harness/record/src/x.rs: replace f -> bool with true (+1:5)", "missed")], 1),
    ([(GAP, "missed")], 1),
    ([(EQUIVALENT, "missed"), ("harness/record/src/x.rs: delete ! in f (+2:9)", "missed")], 1),
]
failed = [(c, want) for c, want in cases if gate(c) != want]
for c, want in failed:
    print(f"gate({c}) should exit {want}", file=sys.stderr)
sys.exit(1 if failed else 0)
