#!/usr/bin/env bash
# The project's test command (the second command at the top of README.md; .ci/run ends here).
#
# Makes sure .venv holds the pinned Python peer and lint tools (harness/python-requirements.txt,
# tools/lint-requirements.txt), creating or repairing it when needed, then runs the lanes in
# order, each timed, all of them even after a failure:
#   lint      cargo fmt --check, cargo clippy -D warnings, ruff check and ruff format --check;
#   tests     cargo test --workspace (debug), with TRACE_CONFORM_PYTHON pointing at the venv,
#             and the criterion bench once in test mode;
#   vectors   the vector regeneration check and lint, the synthetic fixtures, replay, and the
#             main job (`trace-conform run` into target/selfcheck);
#   mutants   the mutation check of the latest change (TRACE_CONFORM_MUTANTS_BASE, "skip" skips);
#   reports   the real implementations through their adapters against the published reports.
# Ends with one line: the tests and checks that passed and failed, and the time of the whole
# script (setting up the venv included). Exit 1 when any failed.
#
# Fuzzing is not a lane: the committed seeds and regressions replay through every fuzz
# target's oracle under `cargo test` (harness/oracles/tests/replay.rs); exploring beyond them
# is tools/fuzz-smoke.sh, which .ci/run runs after this script, and ClusterFuzzLite.
#
# Environment: PYTHON picks the interpreter used to create the venv (default: the first of
# python3.11, python3, python on PATH). Extra arguments are passed to `cargo test`.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD
venv=$root/.venv
reqs=("$root/harness/python-requirements.txt" "$root/tools/lint-requirements.txt")

# True when the venv's interpreter exists and every pinned distribution is installed at
# its pinned version.
venv_ok() {
    [ -x "$venv/bin/python" ] || return 1
    "$venv/bin/python" - "${reqs[@]}" <<'PY'
import sys
from importlib.metadata import PackageNotFoundError, version

bad = []
lines = [line for path in sys.argv[1:] for line in open(path, encoding="utf-8")]
for line in lines:
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
        --progress-bar off "${reqs[@]/#/--requirement=}"
    if ! venv_ok; then
        echo "tools/test.sh: $venv still does not match ${reqs[*]}" >&2
        exit 1
    fi
fi

# The older releases the reports lane publishes, each in its own venv under .venvs/
# (harness/releases/releases.toml; made or repaired only where its pins changed).
"$venv/bin/python" tools/releases.py venvs

export TRACE_CONFORM_PYTHON=$venv/bin/python

# --- lanes -----------------------------------------------------------------------------
cargo_log=$root/target/test-sh-cargo-test.log
mkdir -p "$root/target"
tests_lane_failed=0
lane_results=()
checks_passed=0
checks_failed=0

# lane NAME FUNCTION: runs FUNCTION with errexit in a subshell (its first failing command
# fails the lane), times it, and records the result; later lanes run all the same. Every
# lane but "tests" counts as one check in the closing line; "tests" counts its tests, and
# itself as a failed check only when it failed with no failing test (a build error).
lane() {
    local name=$1 fn=$2 start=$SECONDS rc
    echo
    echo "== tools/test.sh: lane $name"
    set +e
    (set -e; "$fn")
    rc=$?
    set -e
    local took=$((SECONDS - start)) result
    if [ $rc = 0 ]; then
        result="passed in $(minutes $took)"
        [ "$name" = tests ] || checks_passed=$((checks_passed + 1))
    else
        result="FAILED (exit $rc) in $(minutes $took)"
        if [ "$name" = tests ]; then
            tests_lane_failed=1
        else
            checks_failed=$((checks_failed + 1))
        fi
    fi
    lane_results+=("$name: $result")
    echo "== tools/test.sh: lane $name: $result"
}

minutes() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

python_files() { git ls-files '*.py'; }

lint_lane() {
    cargo fmt --all --check
    cargo clippy --locked --workspace --all-targets -q -- -D warnings
    mapfile -t py < <(python_files)
    "$venv/bin/ruff" check "${py[@]}"
    "$venv/bin/ruff" format --check "${py[@]}"
}

tests_lane() {
    local rc=0
    # The log is read afterwards for the closing line's test counts.
    cargo test --locked --workspace --no-fail-fast "$@" 2>&1 | tee "$cargo_log" || rc=$?
    # The criterion bench once in test mode: it builds and its inputs verify (the library's
    # own unit tests ran above).
    # (--workspace, not -p trace-benches: the same features as above, so nothing but the
    # bench itself is compiled again.)
    cargo test --locked -q --workspace --bench verify 2>&1 | tee -a "$cargo_log" || rc=$?
    # Under CI the CI-recipe installs (ci_recipes.rs) are done with, passed or failed: free
    # their disk before .ci/run's fuzz build.
    if [ "${CI:-}" = true ]; then
        rm -rf target/ci-recipes
        df -h . | tail -1
    fi
    return $rc
}

# The CLI as the tests lane built it: `cargo build -p trace-conform` would build it again
# with other features of a few shared crates (those the test-only dependencies turn on), and
# with it most of the workspace (a minute on two cores).
# With extra arguments for the tests lane (which may change the build), a plain build.
build_cli() {
    if [ ${#tests_args[@]} -eq 0 ]; then
        cargo test --locked -q --workspace --no-run
    else
        cargo build --locked -q -p trace-conform
    fi
}

vectors_lane() {
    build_cli
    local tc=target/debug/trace-conform
    "$tc" vectors generate --check
    "$tc" vectors lint
    # The synthetic captures are current and replay with their expected verdicts.
    "$tc" fixtures generate --check fixtures
    "$tc" fixtures check fixtures
    "$tc" replay fixtures
    # The main job: the whole vector set against the built-in reference, through the protocol.
    "$tc" run --out target/selfcheck
}

mutants_lane() {
    # Mutants in the rule-engine and runner code changed since TRACE_CONFORM_MUTANTS_BASE
    # (default HEAD~1) must be killed or explained as equivalent (issue 10); the committed
    # mutation report must be current.
    python3 tools/mutants/report.py --check
    python3 tools/mutants/test_report.py
    tools/mutants/check-diff.sh "${TRACE_CONFORM_MUTANTS_BASE:-HEAD~1}"
}

reports_lane() {
    # The real implementations through their adapters; any change from the committed reports fails.
    build_cli
    tools/publish-reports.sh --check target/debug/trace-conform
}

lane lint lint_lane
tests_args=("$@")
tests_with_args() { tests_lane "${tests_args[@]}"; }
lane tests tests_with_args
lane vectors vectors_lane
if [ "${TRACE_CONFORM_MUTANTS_BASE:-HEAD~1}" != skip ]; then
    lane mutants mutants_lane
fi
lane reports reports_lane

# --- the closing line -------------------------------------------------------------------
read -r tests_passed tests_failed < <(
    grep -a -E '^test result: ' "$cargo_log" 2>/dev/null |
        sed -E 's/.* ([0-9]+) passed; ([0-9]+) failed.*/\1 \2/' |
        awk '{p += $1; f += $2} END {print p + 0, f + 0}'
)
echo
echo "== tools/test.sh: lanes"
printf '   %s\n' "${lane_results[@]}"
if [ "$tests_lane_failed" = 1 ] && [ "$tests_failed" = 0 ]; then
    checks_failed=$((checks_failed + 1))
fi
echo "tools/test.sh: $((tests_passed + checks_passed)) passed, $((tests_failed + checks_failed)) failed" \
    "($tests_passed tests and $checks_passed other checks passed," \
    "$tests_failed tests and $checks_failed other checks failed) in $(minutes $SECONDS)"
[ "$checks_failed" = 0 ] && [ "$tests_lane_failed" = 0 ]
