#!/usr/bin/env python3
"""The "Across versions" part of reports/COMPARISON.md, from published summaries.

    tools/versions_table.py ROOT NAME...   (NAME: a folder of ROOT holding summary.json)

Owns: grouping the published runs by implementation, ordering each group's versions as
releases order, and writing two tables in Markdown to stdout: each version's counts with
what changed since the version before, and every vector whose outcome is not the same in
all the versions that tested it. Does not run anything nor decide an outcome: every cell is
a summary's (tools/publish-reports.sh publishes them; IMPL-41 says how to read them).
"""

import json
import re
import sys

SYMBOL = {"passed": "✓", "known": "~", "not tested": "–"}


def category(result):
    outcome = result["outcome"]
    if outcome == "pass":
        return "passed"
    if outcome == "xfail" or result.get("flaky"):
        return "known"
    if outcome in ("not_claimed", "skipped", "not_run"):
        return "not tested"
    return "failed"


def version_key(version):
    """As releases order: numeric parts as numbers, a pre-release before its release."""
    core, _, pre = version.split("+", 1)[0].partition("-")

    def parts(text):
        return [(int(p), "") if p.isdigit() else (float("inf"), p) for p in text.split(".")]

    return (parts(core), pre == "", parts(pre) if pre else [])


def cell_text(text):
    return re.sub(r"[|\\`*_<>\[\]]", lambda m: "\\" + m.group(0), text)


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    root, names = argv[0], argv[1:]
    groups = {}
    for name in names:
        with open(f"{root}/{name}/summary.json", encoding="utf-8") as f:
            s = json.load(f)
        impl = s["implementation"]
        groups.setdefault(impl["name"], []).append((impl["version"], name, s))
    print("\n## Across versions\n")
    print("Each implementation's published releases, oldest first: the same vectors through the same adapter,")
    print("the older releases each in a venv of their own (harness/releases/releases.toml) and scored against")
    print("the newest release's profile (IMPL-41). So for an older release a known failure (~) is a difference")
    print("the newest release shares, a failure (✗) one the newest release does not have, and an unexpected")
    print('pass one the newest release has and this one had not. "Now pass" counts the vectors both')
    print('versions tested that did not pass in the version before and pass in this one; "no longer pass" the')
    print("reverse.\n")
    print(
        "| implementation | version | passed | known | failed | not tested | level reached | now pass | no longer pass |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    changed = {}
    for impl in sorted(groups):
        runs = sorted(groups[impl], key=lambda r: version_key(r[0]))
        before = None
        for version, name, s in runs:
            cats = {r["id"]: category(r) for r in s["results"]}
            n = {c: sum(1 for v in cats.values() if v == c) for c in ("passed", "known", "failed", "not tested")}
            fixed = broken = "–"
            if before is not None:
                both = [i for i in cats if i in before and "not tested" not in (cats[i], before[i])]
                fixed = sum(1 for i in both if before[i] != "passed" and cats[i] == "passed")
                broken = sum(1 for i in both if before[i] == "passed" and cats[i] != "passed")
            reached = "none" if s["level_reached"] is None else s["level_reached"]
            print(
                f"| {cell_text(impl)} | [{cell_text(version)}]({name}/summary.md) | {n['passed']} | {n['known']} "
                f"| {n['failed']} | {n['not tested']} | {reached} | {fixed} | {broken} |"
            )
            before = cats
        if len(runs) > 1:
            changed[impl] = runs
    print("\n### Vectors whose outcome changed between versions\n")
    print("Per implementation with more than one release, every vector tested by at least two of them whose")
    print("outcome is not the same in all: ✓ passed, ~ known failure (the newest release's profile says why),")
    print("✗ failed (with its outcome), – not tested.")
    for impl, runs in changed.items():
        results = [{r["id"]: r for r in s["results"]} for _, _, s in runs]
        ids = sorted({i for rs in results for i in rs})
        rows = []
        for i in ids:
            cells = [category(rs[i]) if i in rs else "not tested" for rs in results]
            tested = [c for c in cells if c != "not tested"]
            if len(tested) >= 2 and len(set(tested)) > 1:
                shown = [
                    SYMBOL.get(c) or f"✗ {cell_text(rs[i]['outcome'])}" for c, rs in zip(cells, results, strict=True)
                ]
                rows.append(f"| `{i.replace('`', chr(39))}` | " + " | ".join(shown) + " |")
        print(f"\n#### {cell_text(impl)}: {len(rows)} vectors\n")
        if not rows:
            print("Every vector has the same outcome in every version.")
            continue
        print("| vector | " + " | ".join(cell_text(v) for v, _, _ in runs) + " |")
        print("|---|" + "---|" * len(runs))
        print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
