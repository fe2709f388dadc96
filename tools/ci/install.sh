#!/usr/bin/env bash
# Installs trace-conform for a CI job: the step the GitHub Action (action.yml) and the
# GitLab include (tools/ci/gitlab-ci.yml) share. Prints `TRACE_CONFORM=<path>` on stdout
# (GitHub appends it to $GITHUB_ENV; GitLab evaluates it), progress on stderr.
#
# Environment:
#   TC_SOURCE            a checkout of trace-conformance to install from (default: this one)
#   TC_SUITE_VERSION     a tag (or commit) to install instead, from TC_SUITE_REPOSITORY
#   TC_SUITE_REPOSITORY  the git URL of trace-conformance (needed with TC_SUITE_VERSION)
#   TC_ACTION_REPOSITORY owner/name on GitHub, used when TC_SUITE_REPOSITORY is empty
#   TC_INSTALL_ROOT      cargo install --root (default: $HOME/.trace-conform)
#   TC_CARGO_FLAGS       cargo install flags (default: --locked; a value replaces it, so keep --locked)
set -euo pipefail

here=$(cd "$(dirname "$0")/../.." && pwd)
source_dir=${TC_SOURCE:-$here}
root=${TC_INSTALL_ROOT:-$HOME/.trace-conform}
read -r -a flags <<<"${TC_CARGO_FLAGS:---locked}"

if [ -n "${TC_SUITE_VERSION:-}" ]; then
    # The GitHub Action passes its own repository (owner/name) when GitHub names it; it
    # leaves github.action_repository empty inside some composite actions, and then the
    # caller must name the URL (the action's suite-repository input).
    if [ -z "${TC_SUITE_REPOSITORY:-}" ] && [ -n "${TC_ACTION_REPOSITORY:-}" ]; then
        TC_SUITE_REPOSITORY=https://github.com/$TC_ACTION_REPOSITORY
    fi
    if [ -z "${TC_SUITE_REPOSITORY:-}" ]; then
        echo "install.sh: suite-version $TC_SUITE_VERSION needs the repository URL" \
            "(TC_SUITE_REPOSITORY; in the GitHub Action, the suite-repository input)" >&2
        exit 2
    fi
    echo "installing trace-conform $TC_SUITE_VERSION from $TC_SUITE_REPOSITORY" >&2
    if git ls-remote --exit-code --tags "$TC_SUITE_REPOSITORY" "$TC_SUITE_VERSION" >/dev/null 2>&1; then
        ref=(--tag "$TC_SUITE_VERSION")
    else
        ref=(--rev "$TC_SUITE_VERSION")
    fi
    cargo install "${flags[@]}" --root "$root" --git "$TC_SUITE_REPOSITORY" "${ref[@]}" trace-conform >&2
else
    echo "installing trace-conform from $source_dir" >&2
    cargo install "${flags[@]}" --root "$root" --path "$source_dir/harness/conform" >&2
fi
"$root/bin/trace-conform" --version >&2
echo "TRACE_CONFORM=$root/bin/trace-conform"
