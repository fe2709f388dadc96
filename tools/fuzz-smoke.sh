#!/usr/bin/env bash
# Runs every fuzz target (or the named ones) for SECONDS each, seeded from the vectors.
#
#   tools/fuzz-smoke.sh [SECONDS] [TARGET ...]      (default: 10 seconds, every target)
#
# Installs the pinned cargo-fuzz under target/tools/ when missing, builds the targets
# through .clusterfuzzlite/build.sh (no sanitizer: stable Rust; optimisation level
# TRACE_CONFORM_FUZZ_OPT_LEVEL, default 1) into target/fuzz-out/, and
# runs each with its seed corpus, the dictionary, and the documented bounds (2 s per input,
# 1 GiB). New corpus entries stay in target/fuzz-corpus/. Exit 1 when a target finds a
# crash, a timeout or an out-of-memory input (kept in target/fuzz-out/artifacts/).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
seconds=${1:-10}
shift || true

cargo_fuzz_version=0.13.2
export PATH=$root/target/tools/bin:$PATH
if ! cargo fuzz --version 2>/dev/null | grep -q "$cargo_fuzz_version"; then
    cargo install --locked --quiet cargo-fuzz --version "$cargo_fuzz_version" --root "$root/target/tools"
fi

out=$root/target/fuzz-out
mkdir -p "$out/artifacts"
# A smoke run needs coverage, not speed: optimisation level 1 and line tables only build in
# about three quarters of the time of ClusterFuzzLite's release build (-O3, debug = 1).
CARGO_PROFILE_RELEASE_OPT_LEVEL=${TRACE_CONFORM_FUZZ_OPT_LEVEL:-1} \
    CARGO_PROFILE_RELEASE_DEBUG=line-tables-only \
    SRC=$root OUT=$out FUZZ_BUILD_ARGS="-s none" bash .clusterfuzzlite/build.sh

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(cd fuzz && cargo fuzz list)
fi
failed=()
for t in "${targets[@]}"; do
    corpus=$root/target/fuzz-corpus/$t
    mkdir -p "$corpus"
    python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' \
        "$out/${t}_seed_corpus.zip" "$corpus"
    echo "== $t (${seconds}s)"
    if ! "$out/$t" "$corpus" -dict="$out/$t.dict" -timeout=2 -rss_limit_mb=1024 \
        -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$out/artifacts/$t-" \
        2>"$out/$t.log"; then
        failed+=("$t")
        tail -30 "$out/$t.log"
    fi
    grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb" "$out/$t.log" | tr '\n' ' ' || true
    echo
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz-smoke: findings in ${failed[*]} (inputs under $out/artifacts/); see fuzz/README.md" >&2
    exit 1
fi
echo "fuzz-smoke: ${#targets[@]} target(s) ran ${seconds}s each without a finding"
