#!/usr/bin/env python3
"""Runs the CI recipes' steps on this machine, as their CI systems would, for the tests.

  run_locally.py github --workspace DIR [--input NAME=VALUE ...] [--dry-run]
  run_locally.py gitlab --workspace DIR [--job NAME] [--var NAME=VALUE ...] [--dry-run]

github: reads action.yml (composite), evaluates the `${{ inputs.* }}` and
`${{ github.action_path | action_repository }}` expressions it uses, runs each `run:` step
with bash in DIR (GITHUB_ENV lines carried to later steps, GITHUB_STEP_SUMMARY a file in
DIR, `if: always()` honoured, later steps skipped after a failure) and, for
actions/upload-artifact, checks the path it would upload exists and is not empty.
gitlab: reads tools/ci/gitlab-ci.yml, takes the job named by --job (default
`.trace-conformance`; `extends:` of one level is followed, the job's variables over its
base's) with the given variables over its defaults, expands `$NAME` in variable values as
GitLab does, runs its script lines as one `bash -e` script in DIR, and checks the artifact
paths and the junit report. --dry-run runs nothing: it prints what each step or the job
would be given (the evaluated step environments and upload names; the job's variables and
artifact paths). Prints a JSON account of the steps on
stdout (what the steps print goes to stderr); exits 1
when the job failed, 2 on usage errors or a recipe this runner cannot evaluate.
"""

import argparse
import json
import os
import pathlib
import re
import subprocess
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXPR = re.compile(r"\$\{\{\s*([^}]+?)\s*\}\}")


def evaluate(text, context):
    def one(m):
        key = m.group(1)
        if key not in context:
            raise SystemExit(f"run_locally: cannot evaluate ${{{{ {key} }}}}")
        return context[key]

    return EXPR.sub(one, str(text))


def github(workspace: pathlib.Path, inputs: dict, dry_run: bool = False) -> dict:
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    declared = action["inputs"]
    unknown = set(inputs) - set(declared)
    if unknown:
        raise SystemExit(f"run_locally: action.yml has no inputs {sorted(unknown)}")
    context = {f"inputs.{k}": str(inputs.get(k, v.get("default", ""))) for k, v in declared.items()}
    context["github.action_path"] = str(ROOT)
    context["github.action_repository"] = ""
    env_file, summary = workspace / "github_env", workspace / "step_summary.md"
    env_file.write_text("")
    summary.write_text("")
    carried = {}
    steps, failed = [], False
    if dry_run:
        planned = []
        for step in action["runs"]["steps"]:
            plan = {"name": step.get("name", "?")}
            plan["env"] = {k: evaluate(v, context) for k, v in step.get("env", {}).items()}
            plan["with"] = {k: evaluate(v, context) for k, v in step.get("with", {}).items()}
            planned.append(plan)
        return {"steps": planned, "failed": False}
    for step in action["runs"]["steps"]:
        name = step.get("name", "?")
        condition = step.get("if", "success()")
        if failed and condition != "always()":
            steps.append({"name": name, "status": "skipped"})
            continue
        if "run" in step:
            env = dict(
                os.environ,
                **carried,
                GITHUB_ENV=str(env_file),
                GITHUB_STEP_SUMMARY=str(summary),
                GITHUB_ACTION_PATH=str(ROOT),
                GITHUB_WORKSPACE=str(workspace),
            )
            env.update({k: evaluate(v, context) for k, v in step.get("env", {}).items()})
            code = subprocess.run(
                ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", evaluate(step["run"], context)],
                cwd=workspace,
                env=env,
                stdout=sys.stderr,
            ).returncode
            for line in env_file.read_text().splitlines():
                if "=" in line:
                    k, _, v = line.partition("=")
                    carried[k] = v
            steps.append({"name": name, "status": "success" if code == 0 else "failure", "exit": code})
            failed = failed or code != 0
        elif step.get("uses", "").startswith("actions/upload-artifact@"):
            path = workspace / evaluate(step["with"]["path"], context)
            files = sorted(str(p.relative_to(path)) for p in path.rglob("*") if p.is_file()) if path.is_dir() else []
            ok = bool(files)
            steps.append({"name": name, "status": "success" if ok else "failure", "uploaded": files})
            failed = failed or not ok
        else:
            raise SystemExit(f"run_locally: cannot run step {name!r} here")
    return {"steps": steps, "failed": failed, "summary": summary.read_text(), "env": carried}


def resolve_job(doc: dict, name: str) -> dict:
    """The job with its one level of `extends:` applied: keys from the job over its base's,
    variables merged with the job's winning."""
    if name not in doc:
        raise SystemExit(f"run_locally: gitlab-ci.yml has no job {name}")
    job = dict(doc[name])
    base_name = job.pop("extends", None)
    if base_name is None:
        return job
    base = doc[base_name]
    if "extends" in base:
        raise SystemExit(f"run_locally: {base_name} extends again; one level is evaluated")
    merged = dict(base, **job)
    merged["variables"] = dict(base.get("variables", {}), **job.get("variables", {}))
    return merged


# GitLab's predefined variables a recipe may use (given with --var).
PREDEFINED = {"CI_NODE_INDEX", "CI_NODE_TOTAL"}


def gitlab(
    workspace: pathlib.Path, variables: dict, job_name: str = ".trace-conformance", dry_run: bool = False
) -> dict:
    doc = yaml.safe_load((ROOT / "tools/ci/gitlab-ci.yml").read_text())
    job = resolve_job(doc, job_name)
    unknown = set(variables) - set(job["variables"]) - PREDEFINED
    if unknown:
        raise SystemExit(f"run_locally: the job has no variables {sorted(unknown)}")
    env = dict(os.environ)
    given = {k: v for k, v in variables.items() if k in PREDEFINED}
    env.update(given)
    # Job variables may refer to predefined ones ($CI_NODE_INDEX); GitLab expands them.
    expand_in = lambda text, scope: re.sub(r"\$(\w+)", lambda m: scope.get(m.group(1), ""), text)  # noqa: E731
    env.update({k: expand_in(str(v), env) for k, v in job["variables"].items()})
    env.update(variables)
    if dry_run:
        keys = set(job["variables"]) | set(variables)
        return {
            "variables": {k: env[k] for k in sorted(keys)},
            "artifacts": [expand_in(p, env) for p in job["artifacts"]["paths"]],
            "junit": expand_in(job["artifacts"]["reports"]["junit"], env),
            "failed": False,
        }
    script = "\n".join(job["script"])
    code = subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", script], cwd=workspace, env=env, stdout=sys.stderr
    ).returncode
    expand = lambda p: re.sub(r"\$(\w+)", lambda m: env.get(m.group(1), ""), p)  # noqa: E731
    artifacts = {p: (workspace / expand(p)).exists() for p in job["artifacts"]["paths"]}
    junit = workspace / expand(job["artifacts"]["reports"]["junit"])
    return {"exit": code, "failed": code != 0, "artifacts": artifacts, "junit": junit.is_file()}


def pairs(items):
    out = {}
    for item in items or []:
        k, sep, v = item.partition("=")
        if not sep:
            raise SystemExit(f"run_locally: {item!r} is not NAME=VALUE")
        out[k] = v
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("system", choices=["github", "gitlab"])
    ap.add_argument("--workspace", required=True)
    ap.add_argument("--input", action="append")
    ap.add_argument("--var", action="append")
    ap.add_argument("--job", default=".trace-conformance")
    ap.add_argument("--dry-run", action="store_true")
    a = ap.parse_args()
    ws = pathlib.Path(a.workspace).resolve()
    if a.system == "github":
        result = github(ws, pairs(a.input), a.dry_run)
    else:
        result = gitlab(ws, pairs(a.var), a.job, a.dry_run)
    print(json.dumps(result, indent=2))
    return 1 if result["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
