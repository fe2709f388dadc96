"""Producer driver for agentrust-trace-adapters (PyPI, pinned in harness/python-requirements.txt).

Asks the package's builders (build_record, build_openshell_record) for one record per case,
from inputs written here for the test (policy bytes, an OpenShell policy and agent-control
manifest, OCSF events), signs each record it builds with agentrust_trace.sign_record, and
prints a production log (trace-conform/production.v1, harness/PROTOCOL.md section 10) on
standard output: a header, then per case what was asked, what came back (the signed record,
or the error the builder raised) and what the case expects. `trace-conform producer
--command` scores it against the reference.

Deterministic: a fixed signing key (derived from a label), a fixed iat, and every record
verified one minute after it. Nothing here decides an outcome; the expectations cite the
spec statement or the package promise they rest on.
"""

import base64
import hashlib
import json
import sys
from importlib.metadata import version

from agentrust_trace import sign_record
from agentrust_trace_adapters import (
    OpenShellEvidence,
    PolicyEvidence,
    SourceSystem,
    build_openshell_record,
    build_record,
)
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

IAT = 1785000000
KEY = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"trace-conformance producer driver key").digest())
JWK = {
    "kty": "OKP",
    "crv": "Ed25519",
    "x": base64.urlsafe_b64encode(KEY.public_key().public_bytes_raw()).decode().rstrip("="),
}
VERIFY = {"level": 0, "verification_time": IAT + 60, "max_age": 86400, "trusted_keys": [JWK]}

POLICY = b'permit(principal, action == Action::"read", resource);\n'
ARTIFACT = b"registry.example.org/support-bot@build-4711\n"
TRANSCRIPT = b'{"calls":[{"tool":"search"},{"tool":"fetch"},{"tool":"summarise"}]}\n'
SUBJECT = "spiffe://example.org/agent/support-bot"
SANDBOX = "sbx-7f3a"
OPENSHELL_VERSION = "0.0.105"
OPENSHELL_POLICY = b"version: 1\nnetwork:\n  allow:\n    - host: api.example.org\n      port: 443\n"
ACS_MANIFEST = b"apiVersion: agt/v1\nkind: AgentControl\ntools:\n  - name: fetch\n    decision: allow\n"
DECISIONS = ({"tool": "fetch", "decision": "allow", "rule": "tools[0]"}, {"tool": "shell", "decision": "deny"})


def sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


WORKLOAD = sha256(ARTIFACT)
# A complete OpenShell event of this sandbox whose class_uid appears twice: only the check for
# duplicate members can refuse it.
DUPLICATED = (
    '{"class_uid": 4001, "class_uid": 4001, "time": 1785000000002, "metadata": {"product": '
    '{"vendor_name": "OpenShell", "name": "OpenShell Sandbox Supervisor", "version": "0.0.105"}, '
    '"uid": "sbx-7f3a"}}\n'
)


def ocsf(sandbox=SANDBOX, vendor="OpenShell", extra=""):
    """Two OCSF events (network and process activity) as the OpenShell supervisor writes them."""
    events = []
    for i, class_uid in enumerate((4001, 1007)):
        product = {"vendor_name": vendor, "name": "OpenShell Sandbox Supervisor", "version": OPENSHELL_VERSION}
        event = {"class_uid": class_uid, "time": 1785000000000 + i, "metadata": {"product": product, "uid": sandbox}}
        events.append(json.dumps(event, sort_keys=True))
    return ("\n".join(events) + "\n" + extra).encode()


def generic(producer="https://gateway.vendor.example/v2", kind="third-party-control-plane", mode="declared", **kw):
    policy = kw.pop("policy", None) or PolicyEvidence(bundle=POLICY, enforcement_mode=mode)
    source = SourceSystem(producer=producer, kind=kind, source_event_id="evt-7f3a")
    args = dict(
        source=source,
        subject=SUBJECT,
        model_provider="example",
        model_id="support-model",
        policy=policy,
        data_class="internal",
        jwk=JWK,
        workload_digest=WORKLOAD,
        iat=IAT,
    )
    args.update(kw)
    return build_record(**args)


def openshell(**kw):
    fields = dict(
        sandbox_id=SANDBOX,
        policy_revision="42",
        openshell_policy=OPENSHELL_POLICY,
        acs_manifest=ACS_MANIFEST,
        ocsf_jsonl=ocsf(),
        acs_decisions=DECISIONS,
        capture_start=1785000000000,
        capture_end=1785000061000,
        capture_complete=True,
        openshell_version=OPENSHELL_VERSION,
    )
    fields.update(kw)
    return build_openshell_record(
        OpenShellEvidence(**fields),
        subject=SUBJECT,
        model_provider="example",
        model_id="support-model",
        data_class="internal",
        workload_digest=WORKLOAD,
        jwk=JWK,
        iat=IAT,
    )


# What every record built from someone else's evidence must say of itself: S2 §3.1.1 (origin,
# and software-only when origin is not self) and the package's three fixed fields.
ASSEMBLED = {"/runtime/platform": "software-only", "/appraisal/status": "none", "/build_provenance/digest": WORKLOAD}
ORIGIN = ["S2 §3.1.1"]
MODES = ["S2 §4.3"]


def record_case(case, description, build, claims, statements, rules):
    return {
        "case": case,
        "description": description,
        "build": build,
        "statements": statements,
        "rules": rules,
        "expect": {"record": dict(ASSEMBLED, **claims)},
    }


def refusal_case(case, description, build, error, promise, mentions=None):
    """An input the package documents it refuses (IMPL-40): `promise` quotes where. No rule
    of the spec asks for these refusals, so none is named."""
    expect = {"refusal": error}
    if mentions:
        expect["mentions"] = mentions
    return {
        "case": case,
        "description": description,
        "build": build,
        "statements": ["IMPL-40", f"agentrust-trace-adapters 0.2.0: {promise}"],
        "rules": [],
        "expect": expect,
    }


def third_party(mode, producer="https://gateway.vendor.example/v2"):
    return {
        "/origin/kind": "third-party-control-plane",
        "/origin/producer": producer,
        "/origin/source_event_id": "evt-7f3a",
        "/policy/enforcement_mode": mode,
        "/policy/bundle_hash": sha256(POLICY),
    }


CASES = [
    record_case(
        "producer::generic::declared-policy",
        "build_record with a URI producer and enforcement_mode declared",
        lambda: generic(),
        third_party("declared"),
        ORIGIN + MODES,
        ["TR-ORG-001", "TR-POL-002", "TR-POL-001"],
    ),
    record_case(
        "producer::generic::readme-producer-name",
        "build_record with the producer name its README shows (vendor-gateway/2.1), which it also writes to appraisal.verifier",
        lambda: generic(producer="vendor-gateway/2.1"),
        third_party("declared", "vendor-gateway/2.1"),
        ORIGIN + ["S2 §3.1 appraisal", "schema/trace-claim.json appraisal.verifier (format uri)"],
        ["TR-ORG-001", "TR-APR-002"],
    ),
    record_case(
        "producer::generic::log-import-with-transcript",
        "build_record for a log import under an enforcing policy, with the transcript bytes, their call count and URI",
        lambda: generic(
            kind="log-import",
            mode="enforce",
            transcript_bytes=TRANSCRIPT,
            tool_call_count=3,
            transcript_uri="https://logs.vendor.example/t/1",
        ),
        dict(
            third_party("enforce"),
            **{
                "/origin/kind": "log-import",
                "/tool_transcript/hash": sha256(TRANSCRIPT),
                "/tool_transcript/call_count": 3,
            },
        ),
        ORIGIN + ["S2 §3.1 tool_transcript"],
        ["TR-ORG-001", "TR-TXN-002"],
    ),
    record_case(
        "producer::generic::silent-mode",
        "build_record under a silent policy, with the model's weights digest",
        lambda: generic(mode="silent", model_weights_digest=sha256(b"weights")),
        dict(third_party("silent"), **{"/model/weights_digest": sha256(b"weights")}),
        ORIGIN + MODES,
        ["TR-ORG-001", "TR-POL-002"],
    ),
    refusal_case(
        "producer::generic::refuses-empty-policy",
        "PolicyEvidence with empty policy bytes: the digest of nothing",
        lambda: generic(policy=PolicyEvidence(bundle=b"", enforcement_mode="declared")),
        "MissingEvidence",
        'README: PolicyEvidence(bundle=b"") raises MissingEvidence',
    ),
    refusal_case(
        "producer::generic::refuses-name-of-bytes",
        "PolicyEvidence given the policy's name instead of its bytes",
        lambda: generic(policy=PolicyEvidence(bundle="policy-v1.2", enforcement_mode="declared")),
        "MissingEvidence",
        "README: constructors take bytes, not names of bytes, and raise MissingEvidence rather than degrading",
    ),
    refusal_case(
        "producer::generic::refuses-default-enforcement-mode",
        "PolicyEvidence without an enforcement_mode, which the package documents has no default",
        lambda: generic(policy=PolicyEvidence(bundle=POLICY)),
        "TypeError",
        "README: since 0.2.0 enforcement_mode is required and has no default",
        mentions="enforcement_mode",
    ),
    refusal_case(
        "producer::generic::refuses-missing-workload-digest",
        "build_record with no build_provenance digest to state",
        lambda: generic(workload_digest=None),
        "MissingEvidence",
        "README: build_record(..., workload_digest=None) raises MissingEvidence",
    ),
    refusal_case(
        "producer::generic::refuses-placeholder-digest",
        "build_record with sha256:placeholder as the workload digest",
        lambda: generic(workload_digest="sha256:placeholder"),
        "ValueError",
        "README: a placeholder is the failure the package exists to prevent",
    ),
    refusal_case(
        "producer::generic::refuses-self-origin",
        "SourceSystem of kind self: a runtime's own record needs no adapter",
        lambda: generic(kind="self"),
        "ValueError",
        "SourceSystem docstring: 'self' is rejected here",
    ),
    refusal_case(
        "producer::generic::refuses-count-without-transcript",
        "a tool-call count with no transcript bytes to hash",
        lambda: generic(tool_call_count=2),
        "ValueError",
        "builder.py, the check beside tool_call_count: a count without a hash is an unbound assertion",
    ),
    refusal_case(
        "producer::generic::refuses-millisecond-ingestion-time",
        "origin.ingested_at in milliseconds",
        lambda: build_record(
            source=SourceSystem(producer="https://gateway.vendor.example/v2", ingested_at=IAT * 1000),
            subject=SUBJECT,
            model_provider="example",
            model_id="m",
            policy=PolicyEvidence(bundle=POLICY, enforcement_mode="declared"),
            data_class="internal",
            jwk=JWK,
            workload_digest=WORKLOAD,
            iat=IAT,
        ),
        "ValueError",
        "evidence.py, the check on ingested_at: milliseconds are refused as implausible Unix seconds",
    ),
    record_case(
        "producer::openshell::complete-capture",
        "build_openshell_record over a complete capture, both layers enforcing",
        lambda: openshell(),
        {
            "/origin/kind": "third-party-control-plane",
            "/origin/producer": f"nvidia-openshell/{OPENSHELL_VERSION}",
            "/origin/source_event_id": SANDBOX,
            "/policy/enforcement_mode": "enforce",
            "/tool_transcript/call_count": len(DECISIONS),
        },
        ORIGIN + MODES + ["S2 §3.1 appraisal", "schema/trace-claim.json appraisal.verifier (format uri)"],
        ["TR-ORG-001", "TR-POL-002", "TR-APR-002"],
    ),
    record_case(
        "producer::openshell::advisory-layer",
        "build_openshell_record with the agent-control layer advisory",
        lambda: openshell(acs_mode="advisory"),
        {"/policy/enforcement_mode": "advisory"},
        ORIGIN + MODES,
        ["TR-ORG-001", "TR-POL-002"],
    ),
    refusal_case(
        "producer::openshell::refuses-incomplete-capture",
        "a capture marked incomplete",
        lambda: openshell(capture_complete=False),
        "ValueError",
        "README: the adapter refuses incomplete capture",
    ),
    refusal_case(
        "producer::openshell::refuses-foreign-events",
        "OCSF events from another vendor's product",
        lambda: openshell(ocsf_jsonl=ocsf(vendor="OtherVendor")),
        "ValueError",
        "README: the adapter refuses non-OpenShell OCSF events",
    ),
    refusal_case(
        "producer::openshell::refuses-other-sandbox",
        "OCSF events of another sandbox",
        lambda: openshell(ocsf_jsonl=ocsf(sandbox="sbx-other")),
        "ValueError",
        "README: the adapter refuses non-OpenShell OCSF events (events of another sandbox)",
    ),
    refusal_case(
        "producer::openshell::refuses-empty-events",
        "an OCSF capture with no events",
        lambda: openshell(ocsf_jsonl=b"\n"),
        "ValueError",
        "README: the adapter refuses malformed or missing OCSF events",
    ),
    refusal_case(
        "producer::openshell::refuses-duplicate-member",
        "an OCSF event with a duplicated member",
        lambda: openshell(ocsf_jsonl=ocsf(extra=DUPLICATED)),
        "ValueError",
        "README: the adapter refuses malformed OCSF events",
    ),
    refusal_case(
        "producer::openshell::refuses-missing-revision",
        "an OpenShell policy without its revision",
        lambda: openshell(policy_revision=" "),
        "ValueError",
        "README: the adapter refuses a missing policy revision",
    ),
]


def line(case):
    out = {k: case[k] for k in ("case", "description", "statements", "rules", "expect")}
    out["verify"] = VERIFY
    try:
        record = case["build"]()
    except Exception as exc:  # the builder's refusal is the result being scored
        # The class and the classes it is a kind of (MissingEvidence is a ValueError).
        kinds = [c.__name__ for c in type(exc).__mro__ if c not in (object, BaseException, Exception)]
        out["refused"] = {"error": type(exc).__name__, "classes": kinds, "message": str(exc)}
        return out
    # Signing is this driver's part, not the builder's: a failure here is the driver's own,
    # so it ends the run (a non-zero exit) instead of passing for a refusal.
    signed = sign_record(record, KEY)
    text = json.dumps(signed, separators=(",", ":"), ensure_ascii=False).encode()
    out["produced"] = {"record_b64u": base64.urlsafe_b64encode(text).decode().rstrip("=")}
    return out


def main() -> int:
    header = {
        "schema": "trace-conform/production.v1",
        "producer": {
            "name": "agentrust-trace-adapters",
            "version": version("agentrust-trace-adapters"),
            "language": "python",
            "homepage": "https://github.com/agentrust-io/integrations",
        },
    }
    print(json.dumps(header))
    for case in CASES:
        print(json.dumps(line(case), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
