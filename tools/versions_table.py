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


def state(result):
    """What a vector did, to compare releases: "pass" (a pass, or an unexpected pass: it
    passed), "not tested", or its failing outcome; for a known failure, the outcome under it
    (its detail begins with it), so two releases failing one vector differently differ."""
    outcome = result["outcome"]
    if outcome in ("pass", "xpass"):
        return "pass"
    if outcome in ("not_claimed", "skipped", "not_run"):
        return "not tested"
    if outcome == "xfail":
        return "known " + (result.get("detail") or "").split(" (known failing", 1)[0]
    return outcome


def shown(result):
    """A cell of the changed-vectors table."""
    s = state(result)
    if s == "pass":
        return "✓" if result["outcome"] == "pass" else "✓ (xpass)"
    if s == "not tested":
        return "–"
    if s.startswith("known "):
        return "~ " + cell_text(s[len("known ") :])
    return "✗ " + cell_text(s)


def version_key(version):
    """As releases order: numeric parts as numbers, a pre-release before its release."""
    core, _, pre = version.split("+", 1)[0].partition("-")

    def parts(text):
        return [(int(p), "") if p.isdigit() else (float("inf"), p) for p in text.split(".")]

    return (parts(core), pre == "", parts(pre) if pre else [])


def cell_text(text):
    """Text as one Markdown table cell: no line breaks, Markdown's specials escaped."""
    text = " ".join(str(text).split())
    return re.sub(r"[|\\`*_<>\[\]()]", lambda m: "\\" + m.group(0), text)


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
    out = []
    out.append("\n## Across versions\n")
    out.append("Each implementation's published releases, oldest first: the same vectors through the same adapter,")
    out.append("the older releases each in a venv of their own (harness/releases/releases.toml) and scored against")
    out.append("the newest release's profile (IMPL-41). So for an older release a known failure (~) is a vector the")
    out.append("newest release is also known to fail (the older one may fail it otherwise: the table below shows")
    out.append("how), a failure (✗) one the newest release does not fail, and an unexpected pass (xpass, counted as")
    out.append('failed here as in its report) one the newest release fails and this one passed. "Now pass" counts')
    out.append("the vectors both versions tested that the version before did not pass and this one passes (an")
    out.append('unexpected pass is a pass); "no longer pass" the reverse.\n')
    out.append(
        "| implementation | version | passed | known | failed | not tested | level reached | now pass | no longer pass |"
    )
    out.append("|---|---|---|---|---|---|---|---|---|")
    changed = {}
    for impl in sorted(groups):
        runs = sorted(groups[impl], key=lambda r: version_key(r[0]))
        before = None
        for version, name, s in runs:
            cats = {r["id"]: category(r) for r in s["results"]}
            states = {r["id"]: state(r) for r in s["results"]}
            n = {c: sum(1 for v in cats.values() if v == c) for c in ("passed", "known", "failed", "not tested")}
            fixed = broken = "–"
            if before is not None:
                both = [i for i in states if i in before and "not tested" not in (states[i], before[i])]
                fixed = sum(1 for i in both if before[i] != "pass" and states[i] == "pass")
                broken = sum(1 for i in both if before[i] == "pass" and states[i] != "pass")
            reached = "none" if s["level_reached"] is None else s["level_reached"]
            out.append(
                f"| {cell_text(impl)} | [{cell_text(version)}](<{name}/summary.md>) | {n['passed']} | {n['known']} "
                f"| {n['failed']} | {n['not tested']} | {reached} | {fixed} | {broken} |"
            )
            before = states
        if len(runs) > 1:
            changed[impl] = runs
    out.append("\n### Vectors whose outcome changed between versions\n")
    out.append("Per implementation with more than one release, every vector tested by at least two of them whose")
    out.append("outcome is not the same in all: ✓ passed (xpass: a vector the newest release's profile lists as")
    out.append("failing), ~ a known failure with the outcome under it (the newest release's profile says why the")
    out.append("newest fails it), ✗ failed with its outcome, – not tested.")
    for impl, runs in changed.items():
        results = [{r["id"]: r for r in s["results"]} for _, _, s in runs]
        ids = sorted({i for rs in results for i in rs})
        rows = []
        for i in ids:
            states = [state(rs[i]) if i in rs else "not tested" for rs in results]
            tested = [x for x in states if x != "not tested"]
            if len(tested) >= 2 and len(set(tested)) > 1:
                cells = [shown(rs[i]) if i in rs else "–" for rs in results]
                rows.append(f"| {cell_text(i)} | " + " | ".join(cells) + " |")
        out.append(f"\n#### {cell_text(impl)}: {len(rows)} vectors\n")
        if not rows:
            out.append("Every vector has the same outcome in every version.")
            continue
        out.append("| vector | " + " | ".join(cell_text(v) for v, _, _ in runs) + " |")
        out.append("|---|" + "---|" * len(runs))
        out.extend(rows)
    # Written whole only once everything was read, so a failure leaves nothing half-written.
    sys.stdout.write("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
