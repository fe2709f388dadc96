#!/usr/bin/env bash
# The project's test command (README "Quick start"; .ci/run ends here).
#
#   1. makes sure .venv holds the pinned Python peer (harness/python-requirements.txt),
#      creating or repairing it when needed;
#   2. cargo test --workspace (debug), with TRACE_CONFORM_PYTHON pointing at that venv;
#   3. the vector regeneration check and lint, then the main job, `trace-conform run`,
#      into target/selfcheck; every fuzz target for a few seconds; the mutation check of
#      the latest change; the published reports.
#
# Environment: PYTHON picks the interpreter used to create the venv (default: the first of
# python3.11, python3, python on PATH). Extra arguments are passed to `cargo test`.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD
venv=$root/.venv
reqs=$root/harness/python-requirements.txt

# True when the venv's interpreter exists and every pinned distribution is installed at
# its pinned version.
venv_ok() {
    [ -x "$venv/bin/python" ] || return 1
    "$venv/bin/python" - "$reqs" <<'PY'
import sys
from importlib.metadata import PackageNotFoundError, version

bad = []
for line in open(sys.argv[1], encoding="utf-8"):
    line = line.split("#", 1)[0].strip()
    if not line:
        continue
    name, _, pinned = line.partition("==")
    try:
        have = version(name.strip())
    except PackageNotFoundError:
        have = None
    if have != pinned.strip():
        bad.append(f"{name.strip()}: want {pinned.strip()}, have {have}")
if bad:
    print("\n".join(bad), file=sys.stderr)
    sys.exit(1)
PY
}

find_python() {
    if [ -n "${PYTHON:-}" ]; then
        echo "$PYTHON"
        return
    fi
    local p
    for p in python3.11 python3 python; do
        if command -v "$p" >/dev/null 2>&1; then
            echo "$p"
            return
        fi
    done
    echo "tools/test.sh: no Python interpreter found (set PYTHON)" >&2
    return 1
}

if ! venv_ok; then
    if [ ! -x "$venv/bin/python" ]; then
        py=$(find_python)
        echo "tools/test.sh: creating $venv with $py"
        "$py" -m venv --clear "$venv"
    fi
    echo "tools/test.sh: installing the pinned Python peer into $venv"
    "$venv/bin/python" -m pip install --disable-pip-version-check --no-input \
        --progress-bar off -r "$reqs"
    if ! venv_ok; then
        echo "tools/test.sh: $venv still does not match $reqs" >&2
        exit 1
    fi
fi

export TRACE_CONFORM_PYTHON=$venv/bin/python

echo "tools/test.sh: cargo test --workspace"
cargo test --locked --workspace --no-fail-fast "$@"
# The criterion benches once each in test mode: they build and their inputs verify.
cargo test --locked -q -p trace-benches --benches
# Under CI the CI-recipe installs (one build directory per source, ci_recipes.rs) are done
# with: free their disk before the fuzz build.
if [ "${CI:-}" = true ]; then
    rm -rf target/ci-recipes
    df -h . | tail -1
fi

echo "tools/test.sh: vectors check and lint, the reference through the protocol, published reports"
cargo run --locked -q -p trace-conform -- vectors generate --check
cargo run --locked -q -p trace-conform -- vectors lint
# The synthetic captures are current and replay with their expected verdicts.
cargo run --locked -q -p trace-conform -- fixtures generate --check fixtures
cargo run --locked -q -p trace-conform -- fixtures check fixtures
cargo run --locked -q -p trace-conform -- replay fixtures
cargo run --locked -q -p trace-conform -- run --out target/selfcheck
# Every fuzz target for a few seconds (TRACE_CONFORM_FUZZ_SECONDS, 0 skips); the first run
# installs the pinned cargo-fuzz under target/tools/.
if [ "${TRACE_CONFORM_FUZZ_SECONDS:-5}" != 0 ]; then
    tools/fuzz-smoke.sh "${TRACE_CONFORM_FUZZ_SECONDS:-5}"
fi
# Mutation check of the latest change (issue 10): mutants in the rule-engine and runner
# code changed since TRACE_CONFORM_MUTANTS_BASE (default HEAD~1; "skip" skips) must be
# killed or explained as equivalent; the committed mutation report must be current.
python3 tools/mutants/report.py --check
python3 tools/mutants/test_report.py
if [ "${TRACE_CONFORM_MUTANTS_BASE:-HEAD~1}" != skip ]; then
    tools/mutants/check-diff.sh "${TRACE_CONFORM_MUTANTS_BASE:-HEAD~1}"
fi
# The real implementations through their adapters; any change from the committed reports fails.
cargo build --locked -q -p trace-conform
tools/publish-reports.sh --check target/debug/trace-conform
