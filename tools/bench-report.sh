#!/usr/bin/env bash
# Writes reports/benchmarks.md and reports/benchmarks.json: a fresh 10,000-record Level 0
# corpus made with agentrust-trace, timed side by side in one run through every path
# (tools/bench/run_all.py says which). Needs the pinned Python peers in .venv
# (tools/test.sh creates it). Takes about ten minutes on two cores, most of it the
# release build and the Python peers.
#
#   tools/bench-report.sh [--records N] [--cli-sample K] [--repeats R] [--seconds S]
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
    echo "tools/bench-report.sh: .venv is missing; run tools/test.sh once first" >&2
    exit 2
fi
cargo build --locked --release -q -p trace-conform
exec .venv/bin/python tools/bench/run_all.py target/release/trace-conform .venv/bin/python "$@"
