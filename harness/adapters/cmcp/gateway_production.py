#!/usr/bin/env python3
"""The cMCP reference gateway as a producer: its claims and audit bundles as a production log.

Usage: .venv/bin/python harness/adapters/cmcp/gateway_production.py

Runs gateway_driver.py (the real gateway of cmcp-runtime, dev mode, on loopback) over the
scenarios basic, reset and two-sessions, and prints a production log
(trace-conform/production.v1, harness/PROTOCOL.md section 10) on standard output for
`trace-conform producer --command`: per closed session, one case for its RuntimeClaim alone
and one for its audit bundle with the claim that commits to it.

What each case expects comes from what the driver asked the gateway to do, not from the
claim or bundle checked: the number of calls, how many the policy denies (the bundle denies
salesforce.contacts, research cmcp.md §5), the session's place in the sequence, and the
session the driver closed and exported (after a reset, the successor the gateway's operator
route named in its reply; gateway_driver.py checks every later call was served by it). Records
are verified at the time this script ends, so a claim issued at a wrong time fails its
freshness check. The claim is trusted by its own
cnf key: in dev mode the gateway signs with a key made at start and published nowhere else,
so the claim proves consistency with that key, not who signed it. The receipt issuer's key
is the one the driver gave the mock upstream.

The driver's misbound scenario is left out: a receipt the upstream bound to another call is
the upstream's error, which the gateway passes on unchecked (research cmcp.md §1.7); our
verifier's refusal of it is tested in harness/conform/tests/cmcp_producer.rs.
"""

import base64
import json
import pathlib
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
SCENARIOS = ("basic", "reset", "two-sessions")
CLAIM_BASIS = ["D-24", "IMPL-11", "S2 §3.1 tool_transcript"]
CHAIN_BASIS = ["IMPL-11", "D-26", "S2 §3.3.2"]


def b64u(value) -> str:
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(text).decode().rstrip("=")


def drive(name: str) -> tuple[dict, dict]:
    scenario = json.loads((HERE / "scenarios" / f"{name}.json").read_text(encoding="utf-8"))
    done = subprocess.run(
        [sys.executable, str(HERE / "gateway_driver.py")],
        input=json.dumps(scenario).encode(),
        capture_output=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        sys.stderr.write(done.stderr.decode(errors="replace"))
        raise SystemExit(f"gateway_driver.py failed on scenario {name} (exit {done.returncode})")
    return scenario, json.loads(done.stdout)


def cases(name: str, scenario: dict, run: dict, now: int):
    for index, (asked, got) in enumerate(zip(scenario["sessions"], run["sessions"], strict=True)):
        claim, bundle = got["claim"], got["bundle"]
        calls = asked["calls"]
        slug = f"{name}-{asked['label']}"
        verify = {
            "level": 0,
            "verification_time": now,
            "record_kind": "runtime-claim",
            "cmcp_canonicalization": "pyjson",
            "trusted_keys": [claim["trace"]["cnf"]["jwk"]],
        }
        expect = {
            "/cmcp_version": "1.0",
            "/trace/runtime/platform": "software-only",
            "/trace/tool_transcript/call_count": len(calls),
            "/gateway/call_summary/tool_calls_total": len(calls),
            "/gateway/call_summary/tool_calls_denied": calls.count("deny"),
            "/gateway/call_summary/tool_calls_allowed": len(calls) - calls.count("deny"),
            "/gateway/sequence_number": index + 1,
        }
        expect["/gateway/session_id"] = got["internal_session_id"]
        yield {
            "case": f"producer::gateway::{slug}-claim",
            "description": f"the RuntimeClaim of scenario {name}, session {asked['label']}: calls {', '.join(calls)}"
            + (f", reset after {asked['reset_after']}" if asked.get("reset_after") is not None else ""),
            "statements": CLAIM_BASIS,
            "rules": ["TR-SIG-001", "TR-SCH-001"],
            "produced": {"record_b64u": b64u(claim)},
            "expect": {"record": expect},
            "verify": verify,
        }
        chain_expect = {"/session_id": got["internal_session_id"]}
        yield {
            "case": f"producer::gateway::{slug}-chain",
            "description": f"the audit bundle of scenario {name}, session {asked['label']}, with its claim",
            "statements": CHAIN_BASIS,
            "rules": ["TR-AUD-002", "TR-AUD-003", "TR-AUD-005", "TR-AUD-006", "TR-AUD-008", "TR-EXT-003"],
            "produced": {"bundle_b64u": b64u(bundle), "claim_b64u": b64u(claim)},
            "expect": {"record": chain_expect},
            "verify": dict(verify, issuer_keys=[run["issuer"]["jwk"]], receipts="trace"),
        }


def main() -> int:
    runs = [(name, *drive(name)) for name in SCENARIOS]
    now = int(time.time())
    lines = [line for name, scenario, run in runs for line in cases(name, scenario, run, now)]
    version = runs[-1][2]["gateway_version"]
    header = {
        "schema": "trace-conform/production.v1",
        "producer": {
            "name": "cmcp-gateway",
            "version": version,
            "language": "python",
            "homepage": "https://github.com/agentrust-io/cmcp",
        },
    }
    print(json.dumps(header))
    for line in lines:
        print(json.dumps(line, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
