#!/usr/bin/env bash
# Builds the fuzz targets for ClusterFuzzLite / OSS-Fuzz, and for tools/fuzz-smoke.sh.
#
# In: $SRC (the directory holding the trace-conformance checkout, or the checkout itself),
# $OUT (where binaries, seed corpora and dictionaries go), optional $FUZZ_BUILD_ARGS
# (tools/fuzz-smoke.sh passes `-s none` to build without a sanitizer on stable Rust;
# OSS-Fuzz's own environment supplies the sanitizer). Out: $OUT/<target>, $OUT/<target>.dict,
# $OUT/<target>_seed_corpus.zip (seeds from the vectors and fuzz/seeds/<target>). Optional
# $TRACE_CONFORM_BIN: a built trace-conform to take the seeds from (else `cargo run`).
set -euo pipefail

repo=${SRC:?}/trace-conformance
[ -d "$repo/fuzz" ] || repo=$SRC
: "${OUT:?}"
cd "$repo"

read -r -a build_args <<<"${FUZZ_BUILD_ARGS:-}"
(cd fuzz && cargo fuzz build -O "${build_args[@]}")
triple=$(rustc -vV | sed -n 's/^host: //p')

seeds=$(mktemp -d)
trap 'rm -rf "$seeds"' EXIT
# The seeds come from the vectors: through TRACE_CONFORM_BIN when the caller built the CLI
# already (tools/test.sh), else through cargo run.
if [ -n "${TRACE_CONFORM_BIN:-}" ]; then
    "$TRACE_CONFORM_BIN" vectors corpus --out "$seeds" >/dev/null
else
    cargo run --locked -q -p trace-conform -- vectors corpus --out "$seeds" >/dev/null
fi
for target in $(cd fuzz && cargo fuzz list); do
    # A hard link where the file system allows one: each binary is tens of MB.
    ln -f "fuzz/target/$triple/release/$target" "$OUT/$target" 2>/dev/null ||
        cp "fuzz/target/$triple/release/$target" "$OUT/$target"
    cp fuzz/dict/trace.dict "$OUT/$target.dict"
    mkdir -p "$seeds/$target"
    if [ -d "fuzz/seeds/$target" ]; then
        cp fuzz/seeds/"$target"/* "$seeds/$target/"
    fi
    rm -f "$OUT/${target}_seed_corpus.zip"
    (cd "$seeds/$target" && find . -type f -print0 | xargs -0 -r python3 -c '
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    for f in sys.argv[2:]:
        z.write(f)
' "$OUT/${target}_seed_corpus.zip")
done
echo "built $(cd fuzz && cargo fuzz list | wc -l) targets into $OUT"
