#!/usr/bin/env bash
# Set up .venv with everything deckkit, its decks and its tests need: scripts/setup.py does the
# work (it runs without bash too: `py scripts\setup.py` on Windows); see it for TORCH_SPEC and
# TORCH_INDEX.  PYTHON picks the interpreter the venv is made from (default python3).
set -euo pipefail
cd "$(dirname "$0")/.."
exec "${PYTHON:-python3}" scripts/setup.py
