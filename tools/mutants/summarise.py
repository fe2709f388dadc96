#!/usr/bin/env python3
"""Summarises one cargo-mutants run (its mutants.out) into the committed form read by
report.py: every mutant with a key that survives line shifts, and its outcome.

    summarise.py MUTANTS_OUT DEST.json --scope SCOPE [--shard K/N] --generated N --commit C
    summarise.py MUTANTS_OUT DEST.json --rerun --commit C   (merge a re-run of DEST's missed mutants)
    summarise.py --missed-patterns DEST.json       (print a --re pattern per missed mutant)
    summarise.py --untested-patterns LIST.json SCOPE LIMIT
        (print a --re pattern for up to LIMIT mutants of `cargo mutants --list --json` that no
        committed summary of SCOPE has tested, evenly spaced through the list)
"""

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

OUTCOMES = {
    "CaughtMutant": "caught",
    "MissedMutant": "missed",
    "Timeout": "timeout",
    "Unviable": "unviable",
}


def describe(mutant):
    """The mutant's name without its line and column, then where it sits in its function
    (lines from the function's first line, and the column), so that the key survives edits
    elsewhere in the file and tells apart two equal changes in one function."""
    name = mutant["name"]
    file = mutant["file"]
    prefix, _, change = name.partition(": ")
    assert prefix.startswith(file), name
    start = mutant["span"]["start"]
    function = mutant.get("function") or {}
    first = function.get("span", {}).get("start", {}).get("line", 0)
    return f"{file}: {change} (+{start['line'] - first}:{start['column']})"


def rows_of(outcomes):
    rows = []
    for o in outcomes["outcomes"]:
        scenario = o["scenario"]
        if not isinstance(scenario, dict) or "Mutant" not in scenario:
            continue
        m = scenario["Mutant"]
        rows.append(
            {
                "key": describe(m),
                "file": m["file"],
                "line": m["span"]["start"]["line"],
                "function": (m.get("function") or {}).get("function_name"),
                "genre": m.get("genre"),
                "outcome": OUTCOMES.get(o["summary"], o["summary"]),
            }
        )
    rows.sort(key=lambda r: (r["file"], r["line"], r["key"]))
    return rows


def unplaced(key):
    """A key without its (+lines:column) suffix."""
    return re.sub(r" \(\+\d+:\d+\)$", "", key)


def missed_patterns(dest):
    """One anchored --re pattern per missed mutant of DEST (line and column left free)."""
    for r in json.loads(dest.read_text())["mutants"]:
        if r["outcome"] != "missed":
            continue
        file, _, change = r["key"].partition(": ")
        change = unplaced(change)
        print(f"^{re.escape(file)}:\\d+:\\d+: {re.escape(change)}$")


def untested_patterns(listing, scope, limit):
    """Exact --re patterns for mutants of the current tree that no run of SCOPE has tested
    (matched by key, so a run made before unrelated edits still counts), evenly spaced so
    that each part is a sample of every module."""
    tested = set()
    for p in Path(__file__).resolve().parents[2].joinpath("reports/mutation").glob("*.json"):
        summary = json.loads(p.read_text())
        if summary.get("scope") == scope:
            tested.update(r["key"] for r in summary["mutants"])
    rest = [m for m in json.loads(listing.read_text()) if describe(m) not in tested]
    if len(rest) > limit:
        rest = [rest[i * len(rest) // limit] for i in range(limit)]
    for m in rest:
        print(f"^{re.escape(m['name'])}$")


def merge_rerun(mutants_out, dest, commit):
    """Re-tested mutants replace their rows; the summary records the re-run's commit."""
    summary = json.loads(dest.read_text())
    missed_before = sum(1 for r in summary["mutants"] if r["outcome"] == "missed")
    fresh = {r["key"]: r for r in rows_of(json.loads((mutants_out / "outcomes.json").read_text()))}
    # A mutant whose place in its function moved (an edit above it) is the same mutant when
    # its change is the only one of that kind in that function.
    by_change = {}
    for r in fresh.values():
        by_change.setdefault(unplaced(r["key"]), []).append(r)
    for i, r in enumerate(summary["mutants"]):
        if r["outcome"] != "missed":
            continue
        same = fresh.get(r["key"])
        if same is None and len(by_change.get(unplaced(r["key"]), [])) == 1:
            same = by_change[unplaced(r["key"])][0]
        if same is not None:
            summary["mutants"][i] = dict(same, rerun=True)
    summary.setdefault("reruns", []).append({"commit": commit, "mutants": len(fresh), "missed_before": missed_before})
    summary["counts"] = dict(Counter(r["outcome"] for r in summary["mutants"]))
    dest.write_text(json.dumps(summary, indent=1) + "\n")
    print(f"{dest}: {summary['counts']} after re-running {len(fresh)}")


def main():
    if sys.argv[1:2] == ["--missed-patterns"]:
        missed_patterns(Path(sys.argv[2]))
        return
    if sys.argv[1:2] == ["--untested-patterns"]:
        untested_patterns(Path(sys.argv[2]), sys.argv[3], int(sys.argv[4]))
        return
    ap = argparse.ArgumentParser()
    ap.add_argument("mutants_out", type=Path)
    ap.add_argument("dest", type=Path)
    ap.add_argument("--scope")
    ap.add_argument("--shard")
    ap.add_argument("--generated", type=int, help="mutants in the whole scope")
    ap.add_argument("--rerun", action="store_true")
    ap.add_argument("--commit", required=True, help="the commit the mutated tree was copied from")
    a = ap.parse_args()
    if a.rerun:
        merge_rerun(a.mutants_out, a.dest, a.commit)
        return
    outcomes = json.loads((a.mutants_out / "outcomes.json").read_text())
    rows = rows_of(outcomes)
    commit = a.commit
    summary = {
        "format": "trace-mutation-summary/1",
        "scope": a.scope,
        "shard": a.shard,
        "tool": f"cargo-mutants {outcomes.get('cargo_mutants_version')}",
        "commit": commit,
        "generated_in_scope": a.generated,
        "start_time": outcomes.get("start_time"),
        "end_time": outcomes.get("end_time"),
        "counts": dict(Counter(r["outcome"] for r in rows)),
        "mutants": rows,
    }
    a.dest.parent.mkdir(parents=True, exist_ok=True)
    a.dest.write_text(json.dumps(summary, indent=1) + "\n")
    print(f"{a.dest}: {summary['counts']}")


if __name__ == "__main__":
    main()
