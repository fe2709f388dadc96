#!/usr/bin/env python3
"""Runs every command shown in docs/*.md, so the per-audience pages stay true.

Usage: docs_examples.py path/to/trace-conform [docs/page.md ...]

For each page: a fresh copy of the repository's files (tracked and untracked, not ignored)
in a temporary directory, with `.venv` and `../shared` linked to the real ones and the
given trace-conform first on PATH; then each ```sh block in order, with
`bash -eu` (no pipefail: `| head` closes pipes, as in an interactive shell). A block whose first line is `# (run by WHERE)` is run elsewhere and
skipped here (WHERE must name a file of the repository); `# (needs PATH)` skips the block,
with a message, when PATH does not exist. ```yaml blocks that use the GitHub Action or
extend the GitLab jobs may only set inputs and variables those recipes declare, and a
workflow (a block with `jobs:`) must fit in under ten lines (a shard matrix, a job with
`strategy:`, and its merge job in under 25). ```toml blocks must parse.
After a page's blocks, the copy must be as clean as before (`git status`: nothing new that
.gitignore does not cover, nothing changed): the examples write only where a reader's
checkout ignores. Exit 0 when every block passed, 1 otherwise.
"""

import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```", re.S | re.M)


def copy_repository(dest: pathlib.Path) -> None:
    files = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout.split(b"\0")
    for name in filter(None, files):
        src = ROOT / name.decode()
        if src.is_file():
            (dest / name.decode()).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name.decode())
    if (ROOT / ".venv").exists():
        (dest / ".venv").symlink_to(ROOT / ".venv")
    if (ROOT.parent / "shared").exists():
        (dest.parent / "shared").symlink_to(ROOT.parent / "shared")


def check_yaml(text: str) -> list[str]:
    problems = []
    doc = yaml.safe_load(text)
    action_inputs = set(yaml.safe_load((ROOT / "action.yml").read_text())["inputs"])
    gitlab_vars = set(yaml.safe_load((ROOT / "tools/ci/gitlab-ci.yml").read_text())[".trace-conformance"]["variables"])
    if isinstance(doc, dict) and "jobs" in doc:
        lines = len(text.strip().splitlines())
        # A plain gate fits in under ten lines; a shard matrix with its merge job in 25.
        sharded = any(isinstance(j, dict) and "strategy" in j for j in doc["jobs"].values())
        limit = 25 if sharded else 10
        if lines >= limit:
            problems.append(f"the workflow is {lines} lines; the promise is under {limit}")
        for job in doc["jobs"].values():
            for step in job.get("steps", []):
                if "trace-conformance@" in str(step.get("uses", "")):
                    unknown = set(step.get("with", {})) - action_inputs
                    if unknown:
                        problems.append(f"action.yml has no inputs {sorted(unknown)}")
    for name, job in doc.items() if isinstance(doc, dict) else []:
        if isinstance(job, dict) and str(job.get("extends", "")).startswith(".trace-conformance"):
            unknown = set(job.get("variables", {})) - gitlab_vars
            if unknown:
                problems.append(f"{name}: the GitLab job has no variables {sorted(unknown)}")
    return problems


def run_page(page: pathlib.Path, tc: pathlib.Path) -> int:
    failures = 0
    text = page.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        repo = pathlib.Path(tmp) / "repo"
        repo.mkdir()
        copy_repository(repo)
        # The copy as a checkout, so that what the examples leave behind shows as it would
        # in the reader's: anything new that .gitignore does not cover, or anything changed.
        git = ["git", "-c", "core.autocrlf=false"]
        subprocess.run(git + ["init", "-q"], cwd=repo, check=True)
        subprocess.run(git + ["add", "-A"], cwd=repo, check=True)
        subprocess.run(
            git
            + [
                "-c",
                "user.name=docs",
                "-c",
                "user.email=docs@invalid",
                "commit",
                "-q",
                "--no-verify",
                "-m",
                "before the examples",
            ],
            cwd=repo,
            check=True,
        )
        env = dict(os.environ, PATH=f"{tc.parent}{os.pathsep}{os.environ['PATH']}")
        for m in BLOCK.finditer(text):
            lang, body = m.group(1), m.group(2)
            line = text[: m.start()].count("\n") + 1
            where = f"{page.relative_to(ROOT)}:{line}"
            if lang == "yaml":
                for p in check_yaml(body):
                    print(f"FAIL {where}: {p}")
                    failures += 1
                continue
            if lang == "toml":
                try:
                    tomllib.loads(body)
                except tomllib.TOMLDecodeError as e:
                    print(f"FAIL {where}: {e}")
                    failures += 1
                continue
            if lang != "sh":
                continue
            first = body.splitlines()[0] if body.strip() else ""
            delegated = re.match(r"# \(run by (.+)\)", first)
            if delegated:
                named = re.findall(r"[\w./-]+\.(?:rs|sh|py)|\.ci/run", delegated.group(1))
                missing = [n for n in named if not (ROOT / n).exists()]
                if not named or missing:
                    print(f"FAIL {where}: delegated to {delegated.group(1)!r}, which names no file here")
                    failures += 1
                else:
                    print(f"delegated {where} ({delegated.group(1)})")
                continue
            needs = re.match(r"# \(needs (.+)\)", first)
            if needs and not (repo / needs.group(1)).exists():
                print(f"SKIP {where}: {needs.group(1)} is absent")
                continue
            r = subprocess.run(["bash", "-eu", "-c", body], cwd=repo, env=env, capture_output=True, text=True)
            if r.returncode != 0:
                print(
                    f"FAIL {where}: exit {r.returncode}\n{body}\n--- stdout\n{r.stdout[-3000:]}\n--- stderr\n{r.stderr[-3000:]}"
                )
                failures += 1
            else:
                print(f"ok   {where}")
        left = subprocess.run(
            git + ["status", "--porcelain", "--untracked-files=all"],
            cwd=repo,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.splitlines()
        if left:
            shown = "\n  ".join(left[:20])
            print(
                f"FAIL {page.relative_to(ROOT)}: its examples leave the checkout unclean "
                f"(write under target/ or another ignored folder):\n  {shown}"
            )
            failures += 1
    return failures


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    tc = pathlib.Path(sys.argv[1]).resolve()
    pages = [pathlib.Path(p).resolve() for p in sys.argv[2:]] or sorted((ROOT / "docs").glob("*.md"))
    failures = sum(run_page(p, tc) for p in pages)
    print(f"{failures} failure(s) in {len(pages)} page(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
