"""Set up .venv with everything deckkit, its decks and its tests need — on Linux, macOS and
Windows alike (scripts/setup.sh runs this; on Windows run `py scripts\\setup.py`).

PyTorch is installed first and pinned, so that the package's own `torch>=2.2` is already
satisfied and pip never pulls a multi-GB CUDA build by accident:
  TORCH_SPEC   what to install (default torch==2.13.0; on this project's Linux machines that is
               the CPU build, which lies on disk)
  TORCH_INDEX  an index URL for it, e.g. https://download.pytorch.org/whl/cpu on a Linux laptop
               with no GPU, or your CUDA index on a presenter's GPU machine
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv"


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def run(*args: str, check: bool = True, quiet: bool = False) -> int:
    return subprocess.run([str(venv_python()), *args], cwd=ROOT, check=check,
                          stderr=subprocess.DEVNULL if quiet else None).returncode


def main() -> int:
    if not venv_python().exists():
        venv.create(VENV, with_pip=True)
    pip = ("-m", "pip", "install", "--disable-pip-version-check", "-q")
    run(*pip, "--upgrade", "pip")
    if run("-c", "import torch", check=False, quiet=True) != 0:
        index = os.environ.get("TORCH_INDEX")
        run(*pip, os.environ.get("TORCH_SPEC", "torch==2.13.0"),
            *(("--index-url", index) if index else ()))
    # scripts/constraints.txt says what is held back and why
    run(*pip, "-c", str(ROOT / "scripts" / "constraints.txt"), "-e", ".[test,present]")
    run("-c", "import torch; print(f'deckkit setup: torch {torch.__version__}, "
              "CUDA available: {torch.cuda.is_available()}')")
    found = subprocess.run([str(venv_python()), "-c", "from deckkit.output.browser import "
                            "find_chromium; print(find_chromium())"], cwd=ROOT,
                           capture_output=True, text=True)
    if found.returncode != 0:
        print("deckkit setup: no Chromium, Chrome or Edge found; browser tests will be skipped"
              + (f" ({found.stderr.strip().splitlines()[-1]})" if found.stderr.strip() else ""),
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
