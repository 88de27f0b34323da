#!/usr/bin/env bash
# Run a command (default: the README's test command) with this checkout mounted read-only,
# which proves that no test writes into the repository: builds, screenshots and presenting
# copies go to temporary folders.
#   bash scripts/test-readonly.sh                          # the README's test command
#   bash scripts/test-readonly.sh .venv/bin/python -m pytest tests/commands -x
# Needs a private mount namespace (root, or unprivileged user namespaces); without one it says
# so and exits 3, so a caller can tell "not proven here" from a failing test.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
if ! unshare -m true 2>/dev/null; then
    echo "test-readonly: cannot make a private mount namespace here (unshare -m)" >&2
    exit 3
fi
[ $# -gt 0 ] || set -- .venv/bin/python -m pytest -n 3 --dist loadfile
# pytest's own cache (.pytest_cache) is the one thing it would write here: keep it off.
export PYTEST_ADDOPTS="${PYTEST_ADDOPTS:-} -p no:cacheprovider"
exec unshare -m bash -c 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && cd "$1" &&
    shift && exec "$@"' _ "$root" "$@"
