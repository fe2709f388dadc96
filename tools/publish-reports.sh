#!/usr/bin/env bash
# Regenerates the published results: reports/<implementation>-<version>/{summary.md,summary.json}
# for the reference and for each real implementation run through its adapter (issue 5),
# reports/COMPARISON.md, the table in README.md, and the dashboard in reports/site/.
#
#   tools/publish-reports.sh [--check] [path/to/trace-conform]   (default: target/debug/trace-conform)
#   --check: publish into a scratch folder and fail if anything differs from reports/ (CI).
#
# Runs, from the repository root, with the pinned Python peers in .venv
# (harness/python-requirements.txt; tools/test.sh creates it):
#
#   reference        trace-conform run                          -> reports/trace-record-<version>/
#   agentrust-trace  trace-conform run --adapter '.venv/bin/python harness/adapters/agentrust-trace/adapter.py'
#                      --profile harness/adapters/agentrust-trace/profile.toml
#                                                               -> reports/agentrust-trace-<version>/
#   trace-tests      trace-conform run --adapter '.venv/bin/python harness/adapters/trace-tests/adapter.py'
#                      --profile harness/adapters/trace-tests/profile.toml
#                                                               -> reports/agentrust-trace-tests-<version>/
#   cmcp             trace-conform run --adapter '.venv/bin/python harness/adapters/cmcp/adapter.py'
#                      --profile harness/adapters/cmcp/profile.toml
#                                                               -> reports/cmcp-runtime-<version>/
#   agentrust-trace-adapters (a producer)
#                    trace-conform producer --command '.venv/bin/python harness/adapters/agentrust-trace-adapters/driver.py'
#                      --profile harness/adapters/agentrust-trace-adapters/profile.toml
#                                                               -> reports/agentrust-trace-adapters-<version>/
#   cmcp-gateway (a producer)
#                    trace-conform producer --command '.venv/bin/python harness/adapters/cmcp/gateway_production.py'
#                                                               -> reports/cmcp-gateway-<version>/
#                    (producers are in COMPARISON.md's producer table; not in the README table
#                    nor the dashboard, which compare verifiers)
#   older releases   each release of harness/releases/releases.toml, in its own venv
#                    .venvs/<package>-<version>/ (tools/releases.py venvs), through its
#                    implementation's adapter and the newest release's profile (IMPL-41)
#                                                               -> reports/<package>-<version>/
#                    (in COMPARISON.md's "Across versions" and the dashboard's history; a
#                    history run's unexpected results are its differences, not a failure of
#                    this script, but a run that cannot complete is)
#
# The folder name is the implementation's name and version as its summary.json states them
# (what the adapter's hello reported). Only summary.md and summary.json are copied; the other
# report files (index.html, junit.xml, cases/) stay in a temporary directory that is removed.
#
# Deterministic: summary.json is normalised before it is copied, so that a re-run with the
# same binary, vectors and peers is byte-identical:
#   - every results[].duration_ms is set to 0 (timings vary from run to run);
#   - an adapter path under this checkout is written relative to it (the reference run
#     records the binary's absolute path).
# The JSON is rewritten in the runner's own layout (2-space indent, final newline).
#
# Exit status: 0 when every run exited 0 (all results as expected with the profiles);
# 1 when a run reported unexpected results (its report is still published, so the change is
# visible in the diff); 2 on usage errors or when a run could not complete (nothing is
# published for that run).
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD

check=0
if [ "${1:-}" = "--check" ]; then
    check=1
    shift
fi
if [ $# -gt 1 ]; then
    echo "usage: $0 [--check] [path/to/trace-conform]" >&2
    exit 2
fi
bin=${1:-target/debug/trace-conform}
if [ ! -x "$bin" ]; then
    echo "$0: $bin is not an executable (build it with cargo build, or pass its path)" >&2
    exit 2
fi
py=.venv/bin/python
if [ ! -x "$py" ]; then
    echo "$0: $py is missing; create the venv with tools/test.sh or" \
        "'python3 -m venv .venv && .venv/bin/pip install -r harness/python-requirements.txt'" >&2
    exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/trace-publish.XXXXXX")
trap 'rm -rf "$work"' EXIT

status=0
# With --check nothing under reports/ is written: the runs are published into $work/published
# and compared with the committed reports; any difference fails (exit 1) until the reports
# are regenerated on purpose.
dest_root=reports
[ "$check" -eq 0 ] || dest_root="$work/published"
published=()

producers=()
history=()
# publish NAME [run options...]: one run into $work/NAME, then normalise and copy.
# PUBLISH_COMMAND (default run) names the trace-conform command: producer for a producer.
publish() {
    local name=$1 rc=0
    shift
    echo "== $name" >&2
    "$bin" "${PUBLISH_COMMAND:-run}" "$@" --out "$work/$name" >"$work/$name.log" 2>&1 || rc=$?
    tail -n 2 "$work/$name.log" >&2
    if [ "$rc" -ge 2 ] || [ ! -f "$work/$name/summary.json" ]; then
        echo "$0: run '$name' failed (exit $rc); not published. Log:" >&2
        cat "$work/$name.log" >&2
        status=2
        return
    fi
    [ "$rc" -eq 0 ] || [ -n "${HISTORY:-}" ] || { [ "$status" -ne 0 ] || status=1; }
    local dest
    dest=$("$py" - "$work/$name/summary.json" "$root" <<'PY'
import json, os, sys

path, root = sys.argv[1], sys.argv[2]
with open(path, encoding="utf-8") as f:
    summary = json.load(f)
for result in summary.get("results", []):
    if "duration_ms" in result:
        result["duration_ms"] = 0
prefix = root.rstrip("/") + "/"
summary["adapter"] = [a[len(prefix):] if isinstance(a, str) and a.startswith(prefix) else a
                      for a in summary.get("adapter") or []]
vector_set = summary.get("vector_set") or {}
if isinstance(vector_set.get("source"), str) and vector_set["source"].startswith(prefix):
    vector_set["source"] = vector_set["source"][len(prefix):]
with open(path, "w", encoding="utf-8") as f:
    f.write(json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
impl = summary["implementation"]
name = f"{impl['name']}-{impl['version']}"
if not name or "/" in name or name.startswith("."):
    sys.exit(f"refusing report folder name {name!r}")
print(name)
PY
    )
    if [ -n "${HISTORY:-}" ] && [ "$dest" != "$HISTORY" ]; then
        echo "$0: the run of $HISTORY names itself $dest: its venv does not hold that release" >&2
        status=2
        return
    fi
    mkdir -p "$dest_root/$dest"
    cp "$work/$name/summary.md" "$work/$name/summary.json" "$dest_root/$dest/"
    if [ "${PUBLISH_COMMAND:-run}" = producer ]; then
        producers+=("$dest")
    elif [ -n "${HISTORY:-}" ]; then
        history+=("$dest")
    else
        published+=("$dest")
    fi
    echo "   -> $dest_root/$dest/ (exit $rc)" >&2
}

publish reference
publish agentrust-trace \
    --adapter "$py harness/adapters/agentrust-trace/adapter.py" \
    --profile harness/adapters/agentrust-trace/profile.toml
publish trace-tests \
    --adapter "$py harness/adapters/trace-tests/adapter.py" \
    --profile harness/adapters/trace-tests/profile.toml
publish cmcp \
    --adapter "$py harness/adapters/cmcp/adapter.py" \
    --profile harness/adapters/cmcp/profile.toml
# Producers: what a library builds, checked by `trace-conform producer` from its driver's
# production log (records signed with a fixed key at a fixed time, so the report repeats).
PUBLISH_COMMAND=producer publish agentrust-trace-adapters \
    --command "$py harness/adapters/agentrust-trace-adapters/driver.py" \
    --profile harness/adapters/agentrust-trace-adapters/profile.toml
# The real cMCP gateway (fresh keys and times each run; the report holds only outcomes).
PUBLISH_COMMAND=producer publish cmcp-gateway \
    --command "$py harness/adapters/cmcp/gateway_production.py"
# Older releases, each through its implementation's adapter from its own venv.
releases=$("$py" tools/releases.py list) || exit 2
while IFS=$'\t' read -r adapter release_py package version; do
    [ -n "$adapter" ] || continue
    if [ ! -x "$release_py" ]; then
        echo "$0: $release_py is missing; make the venvs with 'tools/releases.py venvs'" >&2
        status=2
        continue
    fi
    HISTORY="$package-$version" publish "$package-$version" \
        --adapter "$release_py harness/adapters/$adapter/adapter.py" \
        --profile "harness/adapters/$adapter/profile.toml"
done <<<"$releases"

# The comparison table (implementation x level x form, and the other operations), from the
# published summaries; also written into README.md between its comparison markers.
comparison() {
    "$py" - "$@" <<'PY'
import json, sys
root, prefix, names = sys.argv[1], sys.argv[2], sys.argv[3:]
print("# Implementations compared\n")
print("Generated by `tools/publish-reports.sh` from the summary.json files beside this one.")
print("Cells: pass / known difference (xfail, explained in the adapter's profile.toml) /")
print("unexpected / not claimed. `verify` is split by form; the other operations have one")
print("column each. Level 1 and 2 are reached only with hardware evidence (synthetic, under the")
print("project's test root) and inclusion receipts: the optional `evidence` and `inclusion` inputs.\n")
cols = [("verify", "embedded"), ("verify", "jws"), ("verify", "cose"), ("canonicalize", None),
        ("verify-chain", None), ("verify-action-receipt", None), ("verify-provenance-depth", None),
        ("verify-server-provenance", None), ("verify-content-marking", None), ("replay-evidence", None)]
head = [f"verify {f}" if op == "verify" else op for op, f in cols]
print("| implementation | level | " + " | ".join(head) + " | level reached |")
print("|---|---|" + "---|" * len(cols) + "---|")
for name in names:
    s = json.load(open(f"{root}/{name}/summary.json", encoding="utf-8"))
    for level in (0, 1, 2):
        cells = []
        for op, form in cols:
            rs = [r for r in s["results"] if r["level"] == level and r["op"] == op
                  and (form is None or r["format"] == form)]
            if not rs:
                cells.append("")
                continue
            n = lambda *o: sum(1 for r in rs if r["outcome"] in o)
            bad = sum(1 for r in rs if r["outcome"] not in ("pass", "xfail", "not_claimed", "skipped", "not_run"))
            cells.append(f"{n('pass')} / {n('xfail')} / {bad} / {n('not_claimed')}")
        reached = s["level_reached"] if level == 0 else ""
        reached = "none" if reached is None else reached
        print(f"| [{name}]({prefix}{name}/summary.md) | {level} | " + " | ".join(cells) + f" | {reached} |")
PY
}
comparison "$dest_root" "" "${published[@]}" > "$dest_root/COMPARISON.md"
# Producers have their own table: what they built and refused, not what they verify.
"$py" - "$dest_root" "${producers[@]}" >> "$dest_root/COMPARISON.md" <<'PY'
import json, sys
root, names = sys.argv[1], sys.argv[2:]
print("\n## Producers\n")
print("Checked with `trace-conform producer`: each record (or audit bundle) a producer built for a")
print("case must verify with the reference and hold what the case expects; each input it must")
print("refuse must be refused with the error the case names. Columns say what the producer did;")
print("cells: pass / known difference (xfail, explained in the driver's profile.toml) / unexpected.\n")
print("| producer | built | refused | unreadable log lines | level reached |")
print("|---|---|---|---|---|")
for name in names:
    s = json.load(open(f"{root}/{name}/summary.json", encoding="utf-8"))
    def cell(rs):
        n = lambda *o: sum(1 for r in rs if r["outcome"] in o)
        return f"{n('pass')} / {n('xfail')} / {len(rs) - n('pass', 'xfail', 'skipped')}"
    built = [r for r in s["results"] if r["format"] not in ("none", "log")]
    refused = [r for r in s["results"] if r["format"] == "none"]
    unreadable = sum(1 for r in s["results"] if r["format"] == "log")
    reached = "none" if s["level_reached"] is None else s["level_reached"]
    print(f"| [{name}]({name}/summary.md) | {cell(built)} | {cell(refused)} | {unreadable} | {reached} |")
PY
# Each verifier across its versions: the newest release's run and the older releases'.
"$py" tools/versions_table.py "$dest_root" "${published[@]}" "${history[@]}" > "$work/versions.md"
cat "$work/versions.md" >> "$dest_root/COMPARISON.md"
# README.md carries the same table (without its heading) between two marker lines.
comparison "$dest_root" "reports/" "${published[@]}" | grep '^|' > "$work/readme-table.md"
splice_readme() {
    "$py" - "$1" "$work/readme-table.md" <<'PY'
import sys
readme, table = sys.argv[1], open(sys.argv[2], encoding="utf-8").read()
text = open(readme, encoding="utf-8").read()
begin, end = "<!-- comparison:begin -->\n", "<!-- comparison:end -->"
if begin not in text or end not in text:
    sys.exit(f"{readme} has no comparison markers")
head, rest = text.split(begin, 1)
_, tail = rest.split(end, 1)
sys.stdout.write(head + begin + table + end + tail)
PY
}
# The dashboard of every implementation published (trace-conform dashboard), in reports/site/,
# with the throughput table of the bench run tools/bench-report.sh published in
# reports/benchmarks.json (read as committed: bench figures vary between runs, so --check
# compares the page they give, never a fresh measurement).
site_dirs=()
for d in "${published[@]}" "${history[@]}"; do
    site_dirs+=("$dest_root/$d")
done
"$bin" dashboard "${site_dirs[@]}" --bench reports/benchmarks.json --out "$dest_root/site" >/dev/null
splice_readme README.md > "$work/README.md"
[ "$check" -eq 1 ] || cp "$work/README.md" README.md
if [ "$check" -eq 1 ]; then
    if ! diff -u reports/COMPARISON.md "$dest_root/COMPARISON.md" >&2; then
        echo "$0: reports/COMPARISON.md is out of date" >&2
        status=1
    fi
    if ! diff -u README.md "$work/README.md" >&2; then
        echo "$0: the comparison table in README.md is out of date" >&2
        status=1
    fi
    if ! diff -ru reports/site "$dest_root/site" >&2; then
        echo "$0: reports/site is out of date" >&2
        status=1
    fi
    for d in "${published[@]}" "${history[@]}" "${producers[@]}"; do
        if ! diff -ru "reports/$d" "$dest_root/$d" >&2; then
            echo "$0: results changed from the committed reports/$d; regenerate with tools/publish-reports.sh and review the diff" >&2
            status=1
        fi
    done
fi
exit "$status"
