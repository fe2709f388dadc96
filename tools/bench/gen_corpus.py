#!/usr/bin/env python3
"""Writes N distinct TRACE v0.2 Level 0 records signed by agentrust-trace.

Usage: gen_corpus.py N DIR

Each record gets its own Ed25519 key (agentrust_trace.sign_record fills cnf.jwk and the
embedded signature), the current time as iat, platform software-only, appraisal none and
random digests; DIR/rec-NNNNN.json holds one pretty-printed record each, and
DIR.jsonl all of them, one per line. Records are fresh: time them within a day, or give
the verifiers a larger maximum age.
"""

import json
import pathlib
import secrets
import sys
import time

from agentrust_trace import sign_record
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


def digest() -> str:
    return "sha256:" + secrets.token_hex(32)


def claims(i: int, now: int) -> dict:
    return {
        "eat_profile": "tag:agentrust-io.com,2026:trace-v0.2",
        "iat": now,
        "subject": f"spiffe://bench.example/agent/{i}",
        "model": {"provider": "example", "model_id": "bench-model", "version": str(1 + i % 7)},
        "runtime": {"platform": "software-only", "measurement": digest()},
        "policy": {"bundle_hash": digest(), "enforcement_mode": "enforce"},
        "data_class": "internal",
        "build_provenance": {"slsa_level": 1, "digest": digest()},
        "appraisal": {"status": "none", "verifier": "https://verifier.bench.example/"},
    }


def main() -> int:
    count, out = int(sys.argv[1]), pathlib.Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    now = int(time.time())
    lines = []
    for i in range(count):
        record = sign_record(claims(i, now), Ed25519PrivateKey.generate())
        (out / f"rec-{i:05d}.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
        lines.append(json.dumps(record, separators=(",", ":")))
    out.with_suffix(".jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
