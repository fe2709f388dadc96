#!/usr/bin/env python3
"""Memory under hostile volume (SECURITY.md, promise 4), measured rather than asserted.

Usage: memory.py TRACE_CONFORM [--records N] [--answer-mib M]

Three workloads, each a separate process whose peak resident set (ru_maxrss of the waited
child) is recorded:

1. `verify` of a JSON Lines stream of N copies of a genuine Level 0 record (the committed
   vector anc::transparency::absent-at-level-0), JSON output to /dev/null;
2. `verify --output json` of 300,000 lines of `{}`: the input that used to exhaust memory;
3. `run` of the whole vector set against a fauxplementation answering M MiB to every verify
   request (each answer a protocol violation), with the size of the reports it wrote.

Writes the section between the memory markers of reports/benchmarks.md (appended when
absent) and prints it. Bounds from issue 19: 256 MB, 512 MB, reports under 50 MB.
"""

import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BEGIN, END = "<!-- memory:begin -->", "<!-- memory:end -->"
MB = 1000 * 1000


def genuine_record():
    with open(os.path.join(ROOT, "vectors/anc/transparency.json"), encoding="utf-8") as f:
        vf = json.load(f)
    for g in vf["groups"]:
        for t in g["tests"]:
            if t["id"] == "anc::transparency::absent-at-level-0":
                record = json.dumps(json.loads(t["input"]["record_text"]), separators=(",", ":"))
                # A JWK object in the vector file (format v2); the CLI takes its JSON text.
                key = json.dumps(g["trusted_keys"][0], separators=(",", ":"))
                return record, key, g["verification_time"]
    sys.exit("the reference record is gone from vectors/anc/transparency.json")


def measure(argv, stdout=subprocess.DEVNULL):
    """Runs argv alone; returns (exit code, seconds, peak RSS in bytes)."""
    started = time.monotonic()
    proc = subprocess.Popen(argv, stdout=stdout, stderr=subprocess.DEVNULL, cwd=ROOT)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.monotonic() - started
    code = os.waitstatus_to_exitcode(status)
    return code, seconds, usage.ru_maxrss * 1024


def tree_size(path):
    total = 0
    for d, _, files in os.walk(path):
        for f in files:
            total += os.path.getsize(os.path.join(d, f))
    return total


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--records", type=int, default=1_000_000)
    ap.add_argument("--answer-mib", type=int, default=16)
    a = ap.parse_args()
    binary = os.path.abspath(a.binary)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        record, key, now = genuine_record()
        stream = os.path.join(tmp, "records.jsonl")
        with open(stream, "w", encoding="utf-8") as f:
            line = record + "\n"
            for _ in range(a.records):
                f.write(line)
        size = os.path.getsize(stream)
        code, secs, rss = measure(
            [binary, "verify", stream, "--trusted-key", key, "--now", str(now), "--output", "json"]
        )
        os.remove(stream)
        rows.append(
            (
                f"`verify` of {a.records:,} genuine records as JSON Lines ({size / MB:,.0f} MB), `--output json`",
                code,
                secs,
                rss,
                256 * MB,
                None,
                None,
            )
        )

        empties = os.path.join(tmp, "empties.jsonl")
        with open(empties, "w", encoding="utf-8") as f:
            f.write("{}\n" * 300_000)
        code, secs, rss = measure([binary, "verify", empties, "--output", "json"])
        rows.append(("`verify --output json` of 300,000 lines of `{}`", code, secs, rss, 256 * MB, None, None))

        out = os.path.join(tmp, "reports")
        faux = os.path.join(ROOT, "harness/runner/tests/fauxplementations/faux.py")
        adapter = f"python3 {faux} huge-answer {a.answer_mib}"
        code, secs, rss = measure([binary, "run", "--adapter", adapter, "--restart-budget", "100000", "--out", out])
        with open(os.path.join(out, "summary.json"), encoding="utf-8") as f:
            counts = json.load(f)["counts"]
        reports = tree_size(out)
        shutil.rmtree(out)
        rows.append(
            (
                f"`run` of the vector set against an adapter answering {a.answer_mib} MiB per verify "
                f"request ({counts['protocol_violation']} protocol violations)",
                code,
                secs,
                rss,
                512 * MB,
                reports,
                50 * MB,
            )
        )

    lines = [
        BEGIN,
        "## Memory under hostile volume",
        "",
        f"Written by `tools/bench/memory.py` on {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC "
        f"with `{os.path.relpath(binary, ROOT)}`. Peak resident set of each process (ru_maxrss), "
        "one process per row (SECURITY.md, promise 4).",
        "",
        "| Workload | exit | seconds | peak memory | bound | reports | bound | met |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for what, code, secs, rss, bound, reports, rbound in rows:
        met = rss <= bound and (reports is None or reports <= rbound)
        lines.append(
            f"| {what} | {code} | {secs:.1f} | {rss / MB:.1f} MB | {bound / MB:.0f} MB | "
            f"{'' if reports is None else f'{reports / MB:.2f} MB'} | {'' if rbound is None else f'{rbound / MB:.0f} MB'} | "
            f"{'yes' if met else '**no**'} |"
        )
    lines.append(END)
    section = "\n".join(lines) + "\n"
    path = os.path.join(ROOT, "reports/benchmarks.md")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if BEGIN in text and END in text:
        text = text[: text.index(BEGIN)] + section + text[text.index(END) + len(END) + 1 :]
    else:
        text = text.rstrip("\n") + "\n\n" + section
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    print(section)


if __name__ == "__main__":
    main()
