#!/usr/bin/env python3
"""Measures every path side by side in one run and writes reports/benchmarks.{md,json}.

Usage: run_all.py TRACE_CONFORM PYTHON [--records N] [--cli-sample K] [--repeats R] [--out DIR]

TRACE_CONFORM is a release build of trace-conform; PYTHON the venv interpreter holding the
pinned peers (agentrust-trace, agentrust-trace-tests). Called by tools/bench-report.sh.
"""

import argparse
import json
import os
import pathlib
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from importlib import metadata  # noqa: F401  (versions are read inside the venv below)

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
MAX_AGE = str(7 * 86400)
# The adapters of the implementations tools/publish-reports.sh publishes: the dashboard's
# throughput table is drawn from this one bench run (issue 22).
PUBLISHED_ADAPTERS = ("agentrust-trace", "trace-tests", "cmcp")


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


def peak_kb(pid):
    """VmHWM of a running process in kB (0 once it has exited): the peak of its own memory
    since its exec. ru_maxrss would not do: Linux carries the forking parent's high-water
    mark into it, so every child of this (large) Python process would report at least that."""
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8") as status:
            line = next((x for x in status if x.startswith("VmHWM:")), "VmHWM: 0 kB")
    except OSError:
        return 0
    return int(line.split()[1])


def waited(cmd, env=None, stdout=subprocess.DEVNULL):
    """Runs one command (it must exit 0); returns (seconds, peak resident set in bytes, read
    from /proc every 2 ms while it runs), and its output when captured."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.DEVNULL, env=env, text=True)
    peak, chunks = 0, []
    if proc.stdout:
        # Read in a thread so that a full pipe never stalls the command while it is sampled.
        reader = threading.Thread(target=lambda: chunks.append(proc.stdout.read()), daemon=True)
        reader.start()
    while proc.poll() is None:
        peak = max(peak, peak_kb(proc.pid))
        time.sleep(0.002)
    seconds = time.perf_counter() - started
    if proc.stdout:
        reader.join()
    if proc.returncode != 0:
        sys.exit(f"{cmd[0]} failed with {proc.returncode}: {' '.join(map(str, cmd[1:]))}")
    return seconds, peak * 1024, (chunks[0] if chunks else None)


def timed(cmd, repeats, env=None):
    """Seconds of `repeats` runs of one command, and the largest peak memory among them."""
    runs = [waited(cmd, env) for _ in range(repeats)]
    return [s for s, _, _ in runs], max(m for _, m, _ in runs)


def spread(measured, records):
    seconds, peak = measured
    med = statistics.median(seconds)
    return {
        "runs": len(seconds),
        "median_seconds": med,
        "min_seconds": min(seconds),
        "max_seconds": max(seconds),
        "records": records,
        "records_per_second": records / med,
        "us_per_record": med / records * 1e6,
        "peak_memory_bytes": peak,
    }


def proc_field(path, name):
    """The value of the first `name: value` line of a /proc file, or "unknown"."""
    with open(path, encoding="utf-8") as lines:
        return next((line.split(":", 1)[1].strip() for line in lines if line.startswith(name)), "unknown")


def machine(python):
    cpu = proc_field("/proc/cpuinfo", "model name")
    mem = proc_field("/proc/meminfo", "MemTotal")
    versions = run(
        [
            python,
            "-c",
            "import sys; from importlib.metadata import version as v; "
            "print(sys.version.split()[0], v('agentrust-trace'), v('agentrust-trace-tests'), v('cryptography'))",
        ]
    )
    py, at, tt, crypto = versions.stdout.split()
    return {
        "cpu": cpu,
        "threads": os.cpu_count(),
        "memory": mem,
        "kernel": platform.release(),
        "rustc": run(["rustc", "--version"]).stdout.strip(),
        "python": py,
        "agentrust-trace": at,
        "agentrust-trace-tests": tt,
        "cryptography": crypto,
    }


def per_process(cmds, files):
    """Per-record wall time of one process per record, for each command template."""
    out = {}
    for name, template in cmds.items():
        samples = []
        for f in files:
            started = time.perf_counter()
            subprocess.run(
                [a.replace("{}", str(f)) for a in template],
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            samples.append(time.perf_counter() - started)
        samples.sort()
        out[name] = {
            "processes": len(samples),
            "median_ms": statistics.median(samples) * 1e3,
            "p90_ms": samples[int(0.9 * (len(samples) - 1))] * 1e3,
            "min_ms": samples[0] * 1e3,
            "max_ms": samples[-1] * 1e3,
        }
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("tc")
    ap.add_argument("python")
    ap.add_argument("--records", type=int, default=10_000)
    ap.add_argument("--cli-sample", type=int, default=100)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--seconds", type=float, default=6.0)
    ap.add_argument("--out", default=str(ROOT / "reports"))
    a = ap.parse_args()
    tc, py = str(pathlib.Path(a.tc).resolve()), a.python
    results = {"machine": machine(py), "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    with tempfile.TemporaryDirectory() as tmp:
        corpus = pathlib.Path(tmp) / "corpus"
        print(f"corpus: {a.records} records with agentrust-trace", file=sys.stderr)
        run([py, str(HERE / "gen_corpus.py"), str(a.records), str(corpus)])
        jsonl = corpus.with_suffix(".jsonl")
        files = sorted(corpus.glob("*.json"))
        verify = [tc, "verify", "--level", "0", "--allow-embedded-key", "--max-age", MAX_AGE, "--output", "json"]
        print("trace-conform verify (batch)", file=sys.stderr)
        results["trace_conform_verify_dir"] = spread(timed(verify + [str(corpus)], a.repeats), len(files))
        results["trace_conform_verify_jsonl"] = spread(timed(verify + [str(jsonl)], a.repeats), len(files))
        # The command as typed, with its default text output: the path the ceiling target is on.
        text = verify[: verify.index("--output")]
        results["trace_conform_verify_jsonl_text"] = spread(timed(text + [str(jsonl)], a.repeats), len(files))
        # The same stream five times over: memory per record is constant if the peak stays put.
        five = corpus.with_suffix(".x5.jsonl")
        five.write_bytes(jsonl.read_bytes() * 5)
        results["trace_conform_verify_jsonl_x5"] = spread(timed(text + [str(five)], a.repeats), 5 * len(files))
        one = dict(os.environ, RAYON_NUM_THREADS="1")
        results["trace_conform_verify_dir_1_thread"] = spread(timed(verify + [str(corpus)], a.repeats, one), len(files))
        print("trace-conform bench --corpus (the reference and every published adapter)", file=sys.stderr)
        adapters = []
        for name in PUBLISHED_ADAPTERS:
            folder = ROOT / "harness/adapters" / name
            adapters += ["--adapter", f"{py} {folder / 'adapter.py'}", "--profile", str(folder / "profile.toml")]
        bench = run(
            [
                tc,
                "bench",
                "--corpus",
                str(corpus),
                "--max-age",
                MAX_AGE,
                "--seconds",
                str(a.seconds),
                *adapters,
                "--output",
                "json",
            ],
            cwd=ROOT,
        )
        results["bench_corpus"] = json.loads(bench.stdout)
        print("trace-conform bench (vector set)", file=sys.stderr)
        results["bench_vectors"] = json.loads(run([tc, "bench", "--seconds", "2", "--output", "json"], cwd=ROOT).stdout)
        print("Python peers in-process", file=sys.stderr)
        results["python_in_process"] = {}
        for mode in ("agentrust_trace.verify_record", "trace_tests_level0"):
            cmd = [py, str(HERE / "python_inproc.py"), str(corpus), "3", mode]
            _, peak, out = waited(cmd, stdout=subprocess.PIPE)
            figures = json.loads(out)[mode]
            results["python_in_process"][mode] = spread((figures["seconds"], peak), figures["records"])
        print(f"one process per record ({a.cli_sample} records each)", file=sys.stderr)
        trace_tests = str(pathlib.Path(py).parent / "trace-tests")
        results["per_process"] = per_process(
            {
                "trace-conform verify": [
                    tc,
                    "verify",
                    "--level",
                    "0",
                    "--allow-embedded-key",
                    "--max-age",
                    MAX_AGE,
                    "{}",
                ],
                "trace-tests verify": [trace_tests, "verify", "--record", "{}", "--level", "0", "--max-age", MAX_AGE],
            },
            files[: a.cli_sample],
        )
    out = pathlib.Path(a.out)
    (out / "benchmarks.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    # The memory section (tools/bench/memory.py) is measured separately and kept as it is.
    page = render(results)
    previous = (out / "benchmarks.md").read_text(encoding="utf-8") if (out / "benchmarks.md").exists() else ""
    begin, end = "<!-- memory:begin -->", "<!-- memory:end -->"
    if begin in previous and end in previous:
        page = page.rstrip("\n") + "\n\n" + previous[previous.index(begin) : previous.index(end) + len(end)] + "\n"
    (out / "benchmarks.md").write_text(page, encoding="utf-8")
    print(f"wrote {out / 'benchmarks.md'}", file=sys.stderr)
    return 0


def mb(nbytes):
    return f"{nbytes / 1e6:.1f} MB"


def render(r) -> str:
    m = r["machine"]
    ours = r["trace_conform_verify_dir"]
    jsonl, jsonl5 = r["trace_conform_verify_jsonl_text"], r["trace_conform_verify_jsonl_x5"]
    at = r["python_in_process"]["agentrust_trace.verify_record"]
    tt = r["python_in_process"]["trace_tests_level0"]
    corpus = r["bench_corpus"]
    eddsa = next(x for x in corpus["in_process"] if x["alg"] == "EdDSA")
    # The ceilings, measured in the same run: the bare signature check of these records on
    # every core, and on one thread (for the paths that use one).
    all_cores, one_thread = eddsa["ceiling_per_second"], eddsa["bare_signature_per_second"]
    suite = r["bench_vectors"]["suite"]
    pp = r["per_process"]
    rows = [
        ("`trace-conform verify FILE.jsonl` (all cores, one process, text output)", jsonl, all_cores),
        ("`trace-conform verify FILE.jsonl`, the stream five times over (text output)", jsonl5, all_cores),
        ("`trace-conform verify FILE.jsonl --output json`", r["trace_conform_verify_jsonl"], all_cores),
        ("`trace-conform verify DIR --output json` (one file per record)", ours, all_cores),
        (
            "`trace-conform verify DIR --output json`, RAYON_NUM_THREADS=1",
            r["trace_conform_verify_dir_1_thread"],
            one_thread,
        ),
        ("`agentrust_trace.verify_record` in-process (one thread)", at, one_thread),
        ("trace-tests Level 0 in-process (parse + run + verdict, one thread)", tt, one_thread),
    ]
    lines = [
        "# Verification throughput",
        "",
        "Produced by `tools/bench-report.sh` (do not edit by hand); the raw figures are in",
        "`benchmarks.json`. Every path was timed side by side in one run on one corpus:",
        f"{ours['records']:,} distinct TRACE v0.2 Level 0 records, each signed by",
        "`agentrust_trace.sign_record` with its own Ed25519 key (`tools/bench/gen_corpus.py`),",
        "verified at Level 0 trusting each record's own `cnf.jwk`.",
        "",
        f"Machine: {m['cpu']}, {m['threads']} hardware threads, {m['memory']} memory, Linux {m['kernel']};",
        f"{m['rustc']}; Python {m['python']}, agentrust-trace {m['agentrust-trace']}, "
        f"agentrust-trace-tests {m['agentrust-trace-tests']}, cryptography {m['cryptography']}. Measured {r['date']}.",
        "",
        "**The ceiling** is what the hardware allows: the bare signature check of the same records",
        "(decode the raw key, `verify_strict`) and nothing else, timed in the same run "
        f"(`trace-conform bench --corpus`): {all_cores:,.0f} records/s on all {eddsa['threads']} threads, "
        f"{one_thread:,.0f}/s on one. Each path below is shown against the ceiling of the threads it uses "
        "(x1.00 would be the limit).",
        "",
        "## Whole corpus",
        "",
        "| Path | records/s (median) | spread of the runs (s) | per record | over the ceiling | peak memory |",
        "|---|---:|---|---:|---:|---:|",
    ]
    for name, s, ceiling in rows:
        lines.append(
            f"| {name} | {s['records_per_second']:,.0f} | {s['min_seconds']:.3f}–{s['max_seconds']:.3f} "
            f"({s['runs']} runs, median {s['median_seconds']:.3f}) | {s['us_per_record']:.1f} µs "
            f"| x{ceiling / s['records_per_second']:.2f} | {mb(s['peak_memory_bytes'])} |"
        )
    lines += [
        "",
        "## Through the adapter protocol (`trace-conform bench --corpus`)",
        "",
        "Every published implementation, measured in the same run. Only records every timed "
        "implementation answered as expected are timed "
        f"({corpus['workload']['timed']:,} of {corpus['workload']['inputs']:,}); one that answered none "
        "is listed untimed. One adapter process each; the ceiling is one thread's. Latency counts from "
        "when the adapter could start on a request (its sending, or the previous answer when requests "
        "are in flight).",
        "",
        "| Implementation | answered as expected | in flight | cold start p50 | ping p50 | throughput "
        "| over the ceiling | latency p50 / p90 / p99 | in-adapter (bench op) | adapter peak memory |",
        "|---|---:|---:|---:|---:|---:|---:|---|---:|---:|",
    ]
    for i in corpus["implementations"]:
        inner = f"{i['in_adapter_ns'] / 1e3:.1f} µs" if i.get("in_adapter_ns") else "not claimed"
        peak = mb(i["peak_memory_kb"] * 1000) if i.get("peak_memory_kb") else "unknown"

        def head(in_flight, i=i):
            return (
                f"| {i['implementation']} | {i['correct']:,} of {i['correct'] + i['incorrect']:,} "
                f"| {in_flight} | {i['cold_start']['p50_us'] / 1e3:.1f} ms | {i['ping']['p50_us']:.0f} µs "
            )

        if not i.get("throughput"):
            lines.append(head("–") + f"| not timed: it answered no record as expected | | | | {peak} |")
            continue
        for t in [i["throughput"]] + ([i["throughput_pipelined"]] if i.get("throughput_pipelined") else []):
            lines.append(
                head(t["in_flight"]) + f"| {t['per_second']:,.0f}/s | x{one_thread / t['per_second']:.2f} "
                f"| {t['latency']['p50_us']:.0f} / {t['latency']['p90_us']:.0f} / {t['latency']['p99_us']:.0f} µs "
                f"| {inner} | {peak} |"
            )
    lines += [
        "",
        "## One process per record",
        "",
        f"| Command | median | p90 | range ({pp['trace-conform verify']['processes']} records) |",
        "|---|---:|---:|---|",
    ]
    for name, s in pp.items():
        lines.append(
            f"| `{name}` | {s['median_ms']:.1f} ms | {s['p90_ms']:.1f} ms | {s['min_ms']:.1f}–{s['max_ms']:.1f} ms |"
        )
    jsonl_ratio = all_cores / jsonl["records_per_second"]
    growth = jsonl5["peak_memory_bytes"] / max(jsonl["peak_memory_bytes"], 1)
    targets = [
        (
            "Full Level 0 verify over a bare Ed25519 verify of the same records (one thread)",
            f"x{eddsa['overhead_ratio']:.2f}",
            "at most x1.15 (issue 22)",
            eddsa["overhead_ratio"] <= 1.15,
        ),
        (
            "`trace-conform verify FILE.jsonl` (text output) over the ceiling on all cores",
            f"x{jsonl_ratio:.2f}",
            "at most x1.25 (issue 22)",
            jsonl_ratio <= 1.25,
        ),
        (
            "Peak memory of `verify FILE.jsonl`, five times the records over once (text output)",
            f"x{growth:.2f} ({mb(jsonl5['peak_memory_bytes'])} / {mb(jsonl['peak_memory_bytes'])})",
            "constant: at most x1.1",
            growth <= 1.1,
        ),
        (
            "Vector suite through the protocol (pipelined) over in-process",
            f"x{suite['ratio']:.2f} ({suite['pipelined_ms']:.0f} ms / {suite['in_process_ms']:.0f} ms; "
            f"one request at a time x{suite['ratio_one_at_a_time']:.2f})",
            "at most x1.2 (issue 22)",
            suite["ratio"] <= 1.2,
        ),
        (
            "`trace-conform verify` over `agentrust_trace.verify_record` (records/s)",
            f"x{ours['records_per_second'] / at['records_per_second']:.0f}",
            "at least x100",
            ours["records_per_second"] / at["records_per_second"] >= 100,
        ),
        (
            "Single-record `trace-conform verify` process over trace-tests' CLI",
            f"x{pp['trace-conform verify']['median_ms'] / pp['trace-tests verify']['median_ms']:.3f}",
            "under x0.1",
            pp["trace-conform verify"]["median_ms"] / pp["trace-tests verify"]["median_ms"] < 0.1,
        ),
    ]
    lines += ["", "## Targets", "", "| Measure | measured | target | met |", "|---|---:|---|---|"]
    for name, got, want, ok in targets:
        lines.append(f"| {name} | {got} | {want} | {'yes' if ok else '**no**'} |")
    lines += [
        "",
        f"The ceiling on all cores is x{all_cores / at['records_per_second']:.0f} of `agentrust_trace.verify_record` "
        "here: a x100 target is out of reach wherever the Python library runs faster than a hundredth of it.",
    ]
    lines += [
        "",
        "In-process detail (one thread unless noted), from the same run:",
        "",
        "| Algorithm | records | full verify | bare signature | overhead | full verify, all cores "
        "| ceiling (bare, all cores) | over the ceiling |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for x in corpus["in_process"] + [dict(y, alg=y["alg"] + " (vector set)") for y in r["bench_vectors"]["in_process"]]:
        lines.append(
            f"| {x['alg']} | {x['records']} | {x['verify_per_second']:,.0f}/s | "
            f"{x['bare_signature_per_second']:,.0f}/s | x{x['overhead_ratio']:.2f} | {x['batch_per_second']:,.0f}/s "
            f"| {x['ceiling_per_second']:,.0f}/s | x{x['ceiling_over_batch']:.2f} |"
        )
    lines += [
        "",
        "Ed25519 batch verification is not used: ed25519-dalek's batch equation is cofactored while",
        "the single check (`verify_strict`) is not, so a crafted signature could pass a batch and",
        "fail alone; a reference verifier must give one answer however records are grouped.",
        "",
        "Reproduce: `tools/bench-report.sh` (release build, fresh corpus, about ten minutes).",
        "Micro-benchmarks: `cargo bench -p trace-benches`, then `tools/criterion-ratios.py`.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
