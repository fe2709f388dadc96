#!/usr/bin/env python3
"""Deliberately broken adapters ("fauxplementations") for testing the runner itself.

Usage: faux.py MODE [N [ID_LOG]]. Each mode misbehaves in one documented way; the runner must turn
each into its outcome and still write a complete report. Not an implementation of TRACE.
"""

import json
import os
import queue
import subprocess
import sys
import threading
import time

# Text an attacker would put in reports: markup, a forged Markdown table row, terminal
# escape sequences, a bidirectional override.
HOSTILE = "<script>alert(1)</script>\n| pass | 999 |\x1b[2J\x1b]0;owned\x07\u202e"

# MODE@K claims the `pipeline` capability with depth K (the runner may send K requests
# before the first answer); the mode's misbehaviour is otherwise the same.
MODE, _, DEPTH = sys.argv[1].partition("@")
N = int(sys.argv[2]) if len(sys.argv) > 2 else 3
# Every request id is appended to this file, so that a test can hold the runner to ids
# unique across the adapter processes of one run.
ID_LOG = sys.argv[3] if len(sys.argv) > 3 else None

CAPS = {
    "ops": ["verify", "canonicalize", "ping", "shutdown"],
    "formats": ["embedded", "jws", "cose"],
    "algs": ["EdDSA", "ES256", "ES384"],
    "levels": [0, 1, 2],
    "platforms": [
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
    ],
    "profiles": ["v0.2", "v0.2-strict", "v0.1"],
    "error_detail": "rule",
    "accepts_flags": [],
}


if DEPTH:
    CAPS = {**CAPS, "pipeline": int(DEPTH)}


def send(obj, end="\n"):
    sys.stdout.write(json.dumps(obj) + end)
    sys.stdout.flush()


def result_for(req):
    op = req.get("op")
    if op in ("ping", "shutdown"):
        return {}
    if MODE == "reject-all" or (MODE == "reorder" and "invalid" in req.get("case", "")):
        return {"verdict": "reject", "errors": []}
    if MODE == "wrong-class":
        return {"verdict": "reject", "errors": [{"rule": "TR-GEN-002", "class": "input/syntax"}]}
    if op == "canonicalize":
        return {"verdict": "accept", "output_b64u": req["input_b64u"]}
    if MODE == "extra-member":
        # A member no schema lists: the answer is otherwise well formed.
        return {"verdict": "accept", "errors": [], "warnings": [], "debug_trace": "parsed ok"}
    return {"verdict": "accept", "errors": [], "warnings": []}


def subset():
    """A partial implementation: the reference (`trace-conform serve`, its path in the
    environment variable TRACE_CONFORM_BIN) claiming only embedded EdDSA at Level 0 under
    v0.2, its answers relayed unchanged."""
    ref = subprocess.Popen(
        [os.environ["TRACE_CONFORM_BIN"], "serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    for line in sys.stdin:
        ref.stdin.write(line)
        ref.stdin.flush()
        answer = json.loads(ref.stdout.readline())
        if json.loads(line).get("op") == "hello":
            caps = answer["result"]["capabilities"]
            caps.update({"formats": ["embedded"], "algs": ["EdDSA"], "levels": [0], "profiles": ["v0.2"]})
            answer["result"]["implementation"] = {"name": "faux-subset", "version": "0.0.1", "language": "python"}
        send(answer)
        if answer.get("result") == {} and json.loads(line).get("op") == "shutdown":
            break
    ref.stdin.close()
    ref.wait()


def requests():
    """The request lines, in order. In `reorder` mode, every line already waiting is read
    too and the batch is handed over last first, so a pipelining runner gets its answers
    out of order."""
    if MODE != "reorder":
        yield from sys.stdin
        return
    lines = queue.Queue()

    def read_all():
        for line in sys.stdin:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read_all, daemon=True).start()
    while True:
        batch = [lines.get()]
        time.sleep(0.05)
        while not lines.empty():
            batch.append(lines.get())
        sys.stderr.write(f"faux: answering a batch of {len([x for x in batch if x is not None])}\n")
        sys.stderr.flush()
        for line in reversed(batch):
            if line is None:
                return
            yield line


def main():
    if MODE == "subset":
        subset()
        return
    if MODE == "exits-at-once":
        sys.exit(0)
    if MODE == "slow-start":
        time.sleep(1.5)
    count = 0
    seen = set()
    for line in requests():
        req = json.loads(line)
        rid, op = req.get("id"), req.get("op")
        if ID_LOG:
            with open(ID_LOG, "a") as log:
                log.write(str(rid) + "\n")
        # Every mode holds the runner to unique request ids (PROTOCOL.md).
        if rid in seen:
            send({"trace_adapter": 1, "id": rid, "status": "harness_error", "message": "repeated id " + str(rid)})
            continue
        seen.add(rid)
        if op == "hello":
            if MODE == "refuses-hello":
                send({"trace_adapter": 1, "id": rid, "status": "unsupported", "message": "not today"})
                continue
            version = 2 if MODE == "lying-hello" else 1
            release = "main" if MODE == "unversioned" else "0.0.1"
            name = "faux-" + MODE + (HOSTILE if MODE == "hostile-text" else "")
            send(
                {
                    "trace_adapter": 1,
                    "id": rid,
                    "status": "ok",
                    "result": {
                        "protocol": version,
                        "framing": "jsonl",
                        "implementation": {"name": name, "version": release, "language": "python"},
                        "capabilities": CAPS,
                    },
                }
            )
            if MODE == "deaf":
                # Never reads again: a request larger than the pipe cannot be written.
                time.sleep(3600)
            continue
        count += 1
        if MODE == "crash-nth" and count == N:
            sys.stderr.write(f"faux: crashing on request {count}\n")
            sys.stderr.flush()
            sys.exit(3)
        if MODE == "close-after-two" and op == "verify" and req.get("case") == "v0":
            # Takes the next request too, stops reading (so the runner's next write fails),
            # answers the first at once and the second a moment later, and exits. Only for
            # case v0: a restarted process answers as usual.
            second = json.loads(sys.stdin.readline())
            os.close(0)
            send({"trace_adapter": 1, "id": rid, "status": "ok", "result": result_for(req)})
            time.sleep(0.05)
            send({"trace_adapter": 1, "id": second["id"], "status": "ok", "result": result_for(second)})
            sys.exit(3)
        if MODE == "slow" and op == "verify":
            time.sleep(0.4)
        if MODE == "hang-marked" and op == "verify" and "hang" in req.get("case", ""):
            time.sleep(3600)
        if MODE == "hang" and op == "verify":
            sys.stderr.write("faux: hanging\n")
            sys.stderr.flush()
            time.sleep(3600)
        if MODE == "partial" and op == "verify":
            sys.stdout.write('{"trace_adapter": 1, "id": "' + str(rid) + '", "sta')
            sys.stdout.flush()
            time.sleep(3600)
        if MODE == "hostile-text" and op == "verify":
            sys.stderr.write(HOSTILE + "\n")
            sys.stderr.flush()
            send(
                {
                    "trace_adapter": 1,
                    "id": rid,
                    "status": "ok",
                    "result": {"verdict": HOSTILE, "errors": [{"rule": HOSTILE, "class": HOSTILE}]},
                }
            )
            continue
        if MODE == "huge-answer" and op == "verify":
            # N MiB of answer: an array of zeros in an extra member.
            pad = "0," * (N * 512 * 1024) + "0"
            sys.stdout.write(
                f'{{"trace_adapter": 1, "id": "{rid}", "status": "ok", "result": '
                f'{{"verdict": "accept", "errors": [], "pad": [{pad}]}}}}\n'
            )
            sys.stdout.flush()
            continue
        if MODE == "orphan" and op == "verify":
            # A child in its own session (out of the process group), then a crash.
            subprocess.Popen(
                ["sleep", str(N)],
                start_new_session=True,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            sys.exit(3)
        if MODE == "exit-holding-stdout" and op == "verify":
            # The child inherits stdout, so the runner never sees end of file; then exit.
            subprocess.Popen(["sleep", str(N)], start_new_session=True, stdin=subprocess.DEVNULL)
            sys.exit(3)
        if MODE == "noise" and op == "verify":
            print("debug: verifying a record")
            sys.stdout.flush()
        send({"trace_adapter": 1, "id": rid, "status": "ok", "result": result_for(req)})
        if op == "shutdown":
            return


main()
