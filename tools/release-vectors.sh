#!/usr/bin/env bash
# Packages the vector set for implementers who do not use our runner:
#
#   tools/release-vectors.sh OUT_DIR [PREVIOUS_INDEX_JSON]
#
# writes OUT_DIR/trace-vectors-<version>/ (every vector file, the vector-file JSON Schema,
# the rules catalog, RETIRED, AUTHORING.md, COVERAGE.md, index.json and CHANGES), then a
# reproducible OUT_DIR/trace-vectors-<version>.tar.gz (sorted names, zero times and owners)
# and its .sha256. CHANGES lists added, changed and retired ids against
# PREVIOUS_INDEX_JSON (the index.json of the last release); without it, everything is added.
# Uses $TRACE_CONFORM, else trace-conform on PATH, else `cargo run`.
# Exit 1 when ids vanished without a RETIRED entry, 2 on usage errors.
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: $0 OUT_DIR [PREVIOUS_INDEX_JSON]" >&2
    exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(mkdir -p "$1" && cd "$1" && pwd)
previous=${2:-}

if [ -n "${TRACE_CONFORM:-}" ]; then
    tc() { "$TRACE_CONFORM" "$@"; }
elif command -v trace-conform >/dev/null 2>&1; then
    tc() { trace-conform "$@"; }
else
    tc() { cargo run --locked -q --manifest-path "$root/Cargo.toml" -p trace-conform -- "$@"; }
fi

version=$(tc --version | awk '{print $2}')
name=trace-vectors-$version
stage=$out/$name
rm -rf "$stage" "$out/$name.tar.gz" "$out/$name.tar.gz.sha256"
mkdir -p "$stage"

# Refuse a set that is not current or does not lint: a release is what CI checked.
tc vectors generate --check --dir "$root/vectors" >/dev/null
tc vectors lint --dir "$root/vectors" >/dev/null

(cd "$root/vectors" && find . -name '*.json' -not -path './regressions/*' | sort | while read -r f; do
    mkdir -p "$stage/$(dirname "$f")"
    cp "$f" "$stage/$f"
done)
cp -r "$root/vectors/rules" "$stage/"
for f in RETIRED AUTHORING.md COVERAGE.md; do
    cp "$root/vectors/$f" "$stage/"
done

status=0
if [ -n "$previous" ]; then
    tc vectors index --dir "$root/vectors" --previous "$previous" --out "$stage" || status=$?
else
    tc vectors index --dir "$root/vectors" --out "$stage" || status=$?
fi
if [ "$status" -gt 1 ]; then
    exit "$status"
fi

(cd "$out" && tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf - "$name" | gzip -n >"$name.tar.gz")
(cd "$out" && sha256sum "$name.tar.gz" >"$name.tar.gz.sha256")
echo "$out/$name.tar.gz"
cat "$out/$name.tar.gz.sha256"
exit "$status"
