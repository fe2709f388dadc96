"""Answers inclusion-proof questions with trace-verify (PyPI), the registry's own verifier.

One JSON object per input line: {"claim": {...}, "leaf_index", "audit_path": ["sha256:..."],
"leaf_count", "merkle_root": "sha256:..."}. One line out per line in: {"included": bool}, or
{"error": "..."} when trace-verify raises. It never decides anything itself.
"""

import json
import sys

from trace_verify._verify import decode_hash, verify_inclusion

for line in sys.stdin:
    q = json.loads(line)
    try:
        ok = verify_inclusion(
            q["claim"],
            q["leaf_index"],
            [decode_hash(p) for p in q["audit_path"]],
            q["leaf_count"],
            decode_hash(q["merkle_root"]),
        )
        out = {"included": bool(ok)}
    except Exception as exc:
        out = {"error": f"{type(exc).__name__}: {exc}"}
    sys.stdout.write(json.dumps(out) + "\n")
