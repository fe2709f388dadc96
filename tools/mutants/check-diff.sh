#!/usr/bin/env bash
# The CI-sized mutation check (issue 10): mutants only in the code changed since BASE
# (default HEAD~1; uncommitted changes count too), in the rule engine (trace-record) and in
# the runner's comparison code. Fails when one survives that reports/mutation/survivors.toml
# does not explain as equivalent, so a new rule cannot land without a vector that kills
# its mutants.
#
#   tools/mutants/check-diff.sh [BASE]
set -euo pipefail
cd "$(dirname "$0")/../.."
base=${1:-HEAD~1}
if ! git rev-parse -q --verify "$base^{commit}" >/dev/null; then
    echo "mutation check skipped: $base is not a commit in this checkout"
    exit 0
fi
mkdir -p target/mutants
status=0
check() {
    local scope=$1
    shift
    local diff=target/mutants/$scope-changes.diff
    git diff "$base" -- "$@" >"$diff"
    if [ ! -s "$diff" ]; then
        echo "$scope: no change since $base"
        return
    fi
    tools/mutants/run.sh "$scope" --in-diff "$diff" || status=1
}
check engine harness/record/src
mapfile -t runner_files < tools/mutants/runner-files
check runner "${runner_files[@]}"
exit $status
