"""Shared plumbing for Python adapters of protocol v1 (harness/PROTOCOL.md).

Owns: reserving stdout for protocol lines, the `hello` answer and the request loop. Each adapter keeps its
own operations and its own mapping of the library's results; nothing here decides a verdict.
"""

import json
import os
import sys

# Every `runtime.platform` value of the record schema (the table is trace_record::platform;
# harness/record/tests/platform_lists.rs checks this copy against it).
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


# Requests an adapter built on `serve` may be sent ahead of its answers (the `pipeline`
# capability): `serve` reads them in order from its input and answers each in turn, so
# requests sent ahead simply wait in the pipe.
PIPELINE = 16


def hello_op(implementation, capabilities):
    """The `hello` operation of an adapter that speaks protocol 1 only and answers through
    `serve`: it answers with the implementation and capabilities given (plus `pipeline`),
    or `unsupported` when 1 is outside the runner's range."""
    claims = {**capabilities, "pipeline": PIPELINE}

    def hello(req):
        if not req["protocol"]["min"] <= 1 <= req["protocol"]["max"]:
            return "unsupported", "this adapter speaks protocol 1 only"
        return "ok", {"protocol": 1, "framing": "jsonl", "implementation": implementation, "capabilities": claims}

    return hello


def protocol_stdout():
    """Keeps a private handle on stdout for protocol lines and points fd 1 (print(),
    library warnings, C-level writes) at stderr, which the runner only logs. Call it
    before importing the library under test."""
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return out


def serve(out, ops, unknown, describe_error):
    """Answers one JSON request per input line until `shutdown` or end of input.

    `ops` maps op names to functions returning (status, result-or-message); `unknown`
    answers any other op; `describe_error` turns an exception raised by the adapter
    itself (not a library verdict) into the message of a harness_error."""
    for line in sys.stdin.buffer:
        req = json.loads(line)
        try:
            status, body = ops.get(req["op"], unknown)(req)
        except Exception as exc:
            status, body = "harness_error", describe_error(exc)
        resp = {"trace_adapter": 1, "id": req["id"], "status": status}
        if status == "ok":
            resp["result"] = body
        elif body:
            resp["message"] = body
        out.write(json.dumps(resp, ensure_ascii=True, separators=(",", ":")) + "\n")
        out.flush()
        if req["op"] == "shutdown":
            break
    return 0
