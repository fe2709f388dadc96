#!/usr/bin/env bash
# Mutation testing of the rule engine and of the runner's comparison code (issue 10).
#
#   tools/mutants/run.sh SCOPE [--shard K/N | --untested LIMIT] [--rerun-missed [--summary NAME]] [-- ARGS...]
#   tools/mutants/run.sh SCOPE --in-diff FILE
#
# SCOPE  engine   every mutant of trace-record (the rule engine, its codecs and signers),
#                 killed by the tests named in .cargo/mutants.toml
#        runner   the runner's outcome, profile and selection code and the vector scorer
#                 (trace_vector_format::score), killed by trace-runner's, trace-vector-format's and trace-vectors' tests
#
# A full scope takes hours on two cores, so it can run in round-robin shards (each shard a
# spread sample of every module). Each run's outcomes are summarised into
# reports/mutation/<scope>[-K-of-N].json (committed); tools/mutants/report.py turns every
# summary there into reports/mutation.md. The scratch tree is made beside the checkout so
# that tests reading ../shared run (they skip when it is absent).
#
# --untested LIMIT: test up to LIMIT mutants of the current tree that no committed summary
# of SCOPE has tested (matched by key, so earlier runs survive unrelated edits; evenly
# spaced through the list). Each such run is summarised into SCOPE-more-<n>.json. This is
# how a full run is finished in parts after the code moved under earlier shards.
#
# --rerun-missed: re-test only the mutants that run's summary lists as missed (after a
# vector or test was added to kill them) and merge the new outcomes into it. --summary NAME
# names the run (reports/mutation/NAME.json) when it is not a shard, e.g. engine-more-1.
#
# --in-diff FILE: only the mutants in code FILE (a unified diff) touches; the summary goes
# to target/mutants/SCOPE-diff.json and every missed mutant must be explained as equivalent
# in reports/mutation/survivors.toml (tools/mutants/check-diff.sh; exit 1 otherwise).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
scope=${1:?usage: tools/mutants/run.sh engine|runner [--shard K/N] [-- ARGS]}
shift
shard=""
in_diff=""
rerun=""
untested=""
summary_name=""
while [ $# -gt 0 ]; do
    case $1 in
        --shard) shard=$2; shift 2 ;;
        --in-diff) in_diff=$(realpath "$2"); shift 2 ;;
        --rerun-missed) rerun=1; shift ;;
        --untested) untested=$2; shift 2 ;;
        --summary) summary_name=$2; shift 2 ;;
        *) break ;;
    esac
done
[ "${1:-}" = "--" ] && shift

bin=$(tools/mutants/install.sh)
export PATH=$(dirname "$bin"):$PATH

case $scope in
    engine)
        # Mutants of trace-record are tested by its own tests and by the vector tests.
        args=(-p trace-record --test-package trace-record,trace-vector-format,trace-vectors)
        baseline=(-p trace-record -p trace-vector-format -p trace-vectors
                  $(python3 -c 'import tomllib; print(" ".join(tomllib.load(open(".cargo/mutants.toml","rb"))["additional_cargo_args"]))'))
        ;;
    runner)
        # The files are listed in tools/mutants/runner-files (check-diff.sh reads it too).
        args=(--no-config --profile mutants -p trace-runner -p trace-vector-format)
        while read -r file; do
            args+=(-f "$file")
        done < tools/mutants/runner-files
        args+=(--test-package trace-runner,trace-vector-format,trace-vectors
              --cargo-arg=--lib --cargo-arg=--test --cargo-arg=generated)
        baseline=(-p trace-runner -p trace-vector-format -p trace-vectors --lib --test generated)
        ;;
    *)
        echo "unknown scope $scope (engine or runner)" >&2
        exit 2
        ;;
esac

name=$scope
sharding=()
if [ -n "$in_diff" ]; then
    name="$scope-diff"
    sharding=(--in-diff "$in_diff")
    generated=$(cargo mutants --list "${sharding[@]}" "${args[@]}" | wc -l)
    if [ "$generated" = 0 ]; then
        echo "$scope: the diff touches no mutable code"
        exit 0
    fi
elif [ -n "$shard" ]; then
    name="$scope-${shard%/*}-of-${shard#*/}"
    sharding=(--shard "$shard" --sharding round-robin --no-shuffle)
fi
if [ -n "$untested" ]; then
    n=1
    while [ -e "reports/mutation/$scope-more-$n.json" ]; do n=$((n + 1)); done
    name="$scope-more-$n"
    cargo mutants --list --json "${args[@]}" > "$root/target/mutants-list.json"
    sharding=()
    while read -r pattern; do
        sharding+=(--re "$pattern")
    done < <(python3 tools/mutants/summarise.py --untested-patterns "$root/target/mutants-list.json" "$scope" "$untested")
    if [ ${#sharding[@]} = 0 ]; then
        echo "every mutant of $scope has been tested"
        exit 0
    fi
    shard="more-$n"
fi
[ -n "$summary_name" ] && name=$summary_name
summary=reports/mutation/$name.json
if [ -n "$rerun" ]; then
    sharding=()
    while read -r pattern; do
        sharding+=(--re "$pattern")
    done < <(python3 tools/mutants/summarise.py --missed-patterns "$summary")
    if [ ${#sharding[@]} = 0 ]; then
        echo "$summary lists no missed mutants"
        exit 0
    fi
    name="$name-rerun"
fi
# The commit the mutated tree was copied from ("+dirty" when it had uncommitted changes).
commit=$(git rev-parse HEAD)
git diff --quiet HEAD -- harness || commit="$commit+dirty"
out=$root/target/mutants/$name
mkdir -p "$out"
if [ -d "$root/../shared" ]; then
    export TMPDIR
    TMPDIR=$(cd "$root/.." && pwd)
fi
export TRACE_CONFORM_PYTHON=${TRACE_CONFORM_PYTHON:-$root/.venv/bin/python}

# cargo-mutants runs its baseline over the mutated package only, where the vector tests
# named in the configuration do not exist; so the baseline is run here, over exactly the
# packages and tests every mutant gets, and cargo-mutants skips its own. Fixed limits: the
# unmutated killing tests take about 4 s, so a mutant still testing after 20 s loops.
echo "baseline: the killing tests on the unmutated tree" >&2
cargo test -q --profile mutants "${baseline[@]}" >&2
status=0
cargo mutants --baseline skip --timeout 20 --build-timeout 900 --output "$out" "${sharding[@]}" "$@" "${args[@]}" || status=$?
# cargo-mutants exits 2 when mutants were missed and 3 on timeouts: results, not errors.
case $status in
    0|2|3) ;;
    *) echo "cargo mutants failed (exit $status)" >&2; exit "$status" ;;
esac
if [ -n "$in_diff" ]; then
    python3 tools/mutants/summarise.py "$out/mutants.out" "$out.json" \
        --scope "$scope" --generated "$generated" --commit "$commit"
    exec python3 tools/mutants/report.py --gate "$out.json"
fi
if [ -n "$rerun" ]; then
    python3 tools/mutants/summarise.py "$out/mutants.out" "$summary" --rerun --commit "$commit"
    exec python3 tools/mutants/report.py
fi
generated=$(cargo mutants --list "${args[@]}" | wc -l)
python3 tools/mutants/summarise.py "$out/mutants.out" "$summary" \
    --scope "$scope" ${shard:+--shard "$shard"} --generated "$generated" --commit "$commit"
python3 tools/mutants/report.py
