#!/usr/bin/env bash
# Set up .venv with everything deckkit, its decks and its tests need.
#
# torch is installed first and pinned, so that the package's own `torch>=2.2` is already
# satisfied and pip never pulls a multi-GB CUDA build by accident:
#   TORCH_SPEC   what to install (default torch==2.13.0; on this project's machines that is the
#                CPU build, which lies on disk)
#   TORCH_INDEX  an index URL for it, e.g. PyTorch's CPU wheel index on a laptop with no GPU,
#                or your CUDA index on a presenter's GPU machine
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$python" -m venv .venv
pip=(.venv/bin/python -m pip install --disable-pip-version-check -q)

"${pip[@]}" --upgrade pip
if ! .venv/bin/python -c "import torch" 2>/dev/null; then
    "${pip[@]}" "${TORCH_SPEC:-torch==2.13.0}" ${TORCH_INDEX:+--index-url "$TORCH_INDEX"}
fi
"${pip[@]}" -e ".[test,present]"

.venv/bin/python - <<'PY'
import torch
print(f"deckkit setup: torch {torch.__version__}, CUDA available: {torch.cuda.is_available()}")
PY
if ! command -v chromium >/dev/null 2>&1; then
    echo "deckkit setup: Chromium not found; browser tests will be skipped" \
         "(Debian/Ubuntu: apt-get install -y chromium)" >&2
fi
