#!/usr/bin/env python3
"""Prints each criterion group's benches as ratios to the group's `bare-signature` bench.

Usage: tools/criterion-ratios.py [target/criterion]

Reads the median estimate of every bench criterion wrote (new/estimates.json) and prints
one line per bench: its median time, and its time over the bare signature check of the
same records measured in the same run. Exits 1 when no results are found.
"""

import json
import pathlib
import sys


def median_ns(bench_dir: pathlib.Path):
    est = bench_dir / "new" / "estimates.json"
    if not est.is_file():
        return None
    return json.loads(est.read_text())["median"]["point_estimate"]


def main() -> int:
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "target/criterion")
    groups = sorted(p for p in root.iterdir() if p.is_dir() and p.name != "report") if root.is_dir() else []
    found = False
    for group in groups:
        benches = {b.name: median_ns(b) for b in sorted(group.iterdir()) if b.is_dir() and b.name != "report"}
        benches = {k: v for k, v in benches.items() if v is not None}
        if not benches:
            continue
        found = True
        base = benches.get("bare-signature")
        print(group.name)
        for name, ns in benches.items():
            ratio = f"x{ns / base:.2f} of bare-signature" if base else "(no bare-signature in this group)"
            print(f"  {name:<16} {ns / 1e3:>12.2f} us  {ratio}")
    if not found:
        print(f"no criterion results under {root}: run `cargo bench -p trace-benches` first", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
