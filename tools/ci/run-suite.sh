#!/usr/bin/env bash
# Runs the TRACE conformance suite in a CI job and gates on it: the step the GitHub Action
# (action.yml) and the GitLab include (tools/ci/gitlab-ci.yml) share.
#
# Environment:
#   TRACE_CONFORM   the trace-conform binary (default: trace-conform on PATH)
#   TC_ADAPTER      the adapter command (default: the built-in reference)
#   TC_PROFILE      a known-failure profile (TOML)
#   TC_LEVEL        run only the vectors of this level (0, 1 or 2)
#   TC_FAIL_UNDER   fail unless this level is reached (0, 1 or 2)
#   TC_SHARD        run only shard I/N of the selection (a job of a shard matrix)
#   TC_MERGE_FROM   instead of running: merge the shard report folders under this folder
#                   (each holding a shard.json) into one report (the matrix's merge job)
#   TC_OUT          the report directory (default: trace-conformance-report)
#   TC_SUMMARY      a file to append summary.md to (default: $GITHUB_STEP_SUMMARY when set)
# Exit: that of `trace-conform run` or `trace-conform report merge` (0 as expected; 1
# unexpected results or level not reached; 2 usage; 3 the adapter is broken). The reports
# are written in every case. A shard (TC_SHARD) does not gate on its results (1 becomes 0):
# the merge job does, over the whole selection; a shard still fails on 2 and 3.
set -uo pipefail

tc=${TRACE_CONFORM:-trace-conform}
out=${TC_OUT:-trace-conformance-report}
if [ -n "${TC_MERGE_FROM:-}" ]; then
    shards=()
    for d in "$TC_MERGE_FROM"/*/; do
        [ -f "$d/shard.json" ] && shards+=("${d%/}")
    done
    if [ ${#shards[@]} -eq 0 ]; then
        echo "trace-conformance: no shard report (a folder with shard.json) under $TC_MERGE_FROM" >&2
        exit 2
    fi
    args=(report merge --out "$out" "${shards[@]}")
else
    args=(run --out "$out")
    [ -n "${TC_ADAPTER:-}" ] && args+=(--adapter "$TC_ADAPTER")
    [ -n "${TC_PROFILE:-}" ] && args+=(--profile "$TC_PROFILE")
    [ -n "${TC_LEVEL:-}" ] && args+=(--level "$TC_LEVEL")
    [ -n "${TC_SHARD:-}" ] && args+=(--shard "$TC_SHARD")
fi
[ -n "${TC_FAIL_UNDER:-}" ] && args+=(--fail-under "$TC_FAIL_UNDER")

echo "+ trace-conform ${args[*]}"
"$tc" "${args[@]}"
status=$?
if [ -n "${TC_SHARD:-}" ] && [ -z "${TC_MERGE_FROM:-}" ] && [ "$status" -eq 1 ]; then
    echo "trace-conformance: shard $TC_SHARD has unexpected results; the merge job gates on them"
    status=0
fi

summary=${TC_SUMMARY:-${GITHUB_STEP_SUMMARY:-}}
if [ -n "$summary" ] && [ -f "$out/summary.md" ]; then
    cat "$out/summary.md" >>"$summary"
fi
if [ "$status" -ne 0 ]; then
    echo "trace-conformance: the gate failed (exit $status); the reports are in $out/" >&2
fi
exit "$status"
