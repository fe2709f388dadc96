#!/usr/bin/env python3
"""The older releases of harness/releases/releases.toml: their pins and their venvs.

    tools/releases.py venvs         make or repair .venvs/<package>-<version>/ from the pins
    tools/releases.py pin [NAME]    resolve and write harness/releases/<NAME>.txt (network)
    tools/releases.py list          one line per release: adapter, interpreter, package, version

Owns: the venv of each older release (created with this interpreter, filled with
`pip install -r` of its pin file, recorded as current by the SHA-256 of that file in
.venvs/<name>/pins.sha256) and the resolution of those pins. Does not run any release:
tools/publish-reports.sh does, through the adapters, with the interpreters `list` names.

`pin` installs the release into a scratch venv constrained to every version
harness/python-requirements.txt pins (the release's own package left out), so that an older
release differs from the newest only in itself where its requirements allow it; then it
writes `pip freeze`.
"""

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LIST = os.path.join(ROOT, "harness", "releases", "releases.toml")
MAIN_PINS = os.path.join(ROOT, "harness", "python-requirements.txt")
VENVS = os.path.join(ROOT, ".venvs")
PIP = ["-m", "pip", "--disable-pip-version-check", "--no-input"]


def releases():
    with open(LIST, "rb") as f:
        doc = tomllib.load(f)
    out = []
    for r in doc.get("release", []):
        # Names become folder names (.venvs/<name>, reports/<name>): PyPI's characters only.
        if not (
            re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", r["package"])
            and re.fullmatch(r"[0-9][A-Za-z0-9.+!-]*", r["version"])
        ):
            sys.exit(f"{LIST}: {r['package']!r} {r['version']!r} is not a PyPI package name and version")
        if not re.fullmatch(r"[a-z0-9-]+", r["adapter"]):
            sys.exit(f"{LIST}: adapter {r['adapter']!r} is not a folder name of harness/adapters/")
        name = f"{r['package']}-{r['version']}"
        adapter = os.path.join(ROOT, "harness", "adapters", r["adapter"])
        if not os.path.isfile(os.path.join(adapter, "adapter.py")):
            sys.exit(f"{LIST}: release {name} names adapter {r['adapter']!r}, which has no adapter.py")
        out.append({**r, "name": name})
    return out


def pins_path(release):
    return os.path.join(ROOT, "harness", "releases", f"{release['name']}.txt")


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def python_of(venv):
    return os.path.join(venv, "bin", "python")


def make_venvs():
    for r in releases():
        pins = pins_path(r)
        if not os.path.isfile(pins):
            sys.exit(f"{pins} is missing: run tools/releases.py pin {r['name']}")
        venv = os.path.join(VENVS, r["name"])
        marker = os.path.join(venv, "pins.sha256")
        want = digest(pins)
        if os.path.isfile(marker) and os.access(python_of(venv), os.X_OK):
            with open(marker, encoding="ascii") as f:
                if f.read().strip() == want:
                    continue
        print(f"tools/releases.py: making {venv} from {os.path.relpath(pins, ROOT)}", file=sys.stderr)
        shutil.rmtree(venv, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", "--clear", venv], check=True)
        subprocess.run([python_of(venv), *PIP, "install", "--progress-bar", "off", "-r", pins], check=True)
        with open(marker, "w", encoding="ascii") as f:
            f.write(want + "\n")


def constraints_without(package):
    lines = []
    with open(MAIN_PINS, encoding="utf-8") as f:
        for line in f:
            spec = line.split("#", 1)[0].strip()
            if spec and spec.partition("==")[0].strip().lower() != package.lower():
                lines.append(spec)
    return lines


def pin(only):
    chosen = [r for r in releases() if only is None or r["name"] == only]
    if not chosen:
        sys.exit(f"no release named {only!r} in {LIST}")
    for r in chosen:
        with tempfile.TemporaryDirectory(prefix="trace-releases-") as scratch:
            venv = os.path.join(scratch, "venv")
            constraints = os.path.join(scratch, "constraints.txt")
            with open(constraints, "w", encoding="utf-8") as f:
                f.write("\n".join(constraints_without(r["package"])) + "\n")
            subprocess.run([sys.executable, "-m", "venv", venv], check=True)
            spec = f"{r['package']}=={r['version']}"
            subprocess.run([python_of(venv), *PIP, "install", "-q", spec, "-c", constraints], check=True)
            frozen = subprocess.run(
                [python_of(venv), *PIP, "freeze", "--all", "--exclude", "pip", "--exclude", "setuptools"],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        header = (
            f"# {r['name']}: the older release run through harness/adapters/{r['adapter']} (harness/releases/releases.toml).\n"
            f"# Written by `tools/releases.py pin {r['name']}`: pip install {spec}, constrained to the\n"
            "# versions harness/python-requirements.txt pins, then pip freeze on Python 3.11.\n"
        )
        with open(pins_path(r), "w", encoding="utf-8") as f:
            f.write(header + frozen)
        print(f"wrote {os.path.relpath(pins_path(r), ROOT)}", file=sys.stderr)


def main(argv):
    if argv[:1] == ["venvs"] and len(argv) == 1:
        make_venvs()
    elif argv[:1] == ["pin"] and len(argv) <= 2:
        pin(argv[1] if len(argv) == 2 else None)
    elif argv[:1] == ["list"] and len(argv) == 1:
        for r in releases():
            print("\t".join([r["adapter"], python_of(os.path.join(VENVS, r["name"])), r["package"], r["version"]]))
    else:
        print("usage:\n" + "\n".join(__doc__.strip().splitlines()[2:5]), file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
