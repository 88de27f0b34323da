"""Build speed, measured in one run on a scratch copy of the project:

  naive_s          a loop of `jupyter nbconvert --to slides --execute` over every deck
  cold_s           `deckkit build` with an empty build/ (execution cache cold)
  warm_s           `deckkit build` again with nothing changed            (target <= 2 s)
  check_execute_s  `deckkit check --execute`                              (target <= 30 s)
  cold_ratio       naive_s / cold_s                                       (target >= 1.5)
  slowest_cell     the slowest code cell of the cold build, from build/notes/timings.json
  vectorisation_cell_s  F's live race cell (slide f-demo) inside the built deck  (target <= 2 s)

    .venv/bin/python benchmarks/build.py

The TorchInductor cache (~/.cache/deckkit) is left as it is: run `deckkit warmup` first so both
sides pay the same compile cost.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def timed(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stderr[-3000:]}")
    return elapsed


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="deckkit-bench-") as tmp:
        root = Path(tmp)
        shutil.copytree(REPO / "decks", root / "decks")
        shutil.copytree(REPO / "speaker_notes", root / "speaker_notes")
        naive_out = root / "naive"
        decks = sorted((root / "decks").glob("?_*.ipynb"))
        naive = sum(timed([str(BIN / "jupyter"), "nbconvert", "--to", "slides", "--execute",
                           "--output-dir", str(naive_out), str(d)], root / "decks")
                    for d in decks)
        deckkit = str(BIN / "deckkit")
        cold = timed([deckkit, "build"], root)
        timings = json.loads((root / "build" / "notes" / "timings.json").read_text())
        warm = timed([deckkit, "build"], root)
        check = timed([deckkit, "check", "--execute"], root)
    report = {"decks": len(decks), "naive_s": round(naive, 2), "cold_s": round(cold, 2),
              "cold_ratio": round(naive / cold, 2), "warm_s": round(warm, 2),
              "check_execute_s": round(check, 2)}
    cells = [dict(cell, deck=deck) for deck, found in timings.items() for cell in found]
    slowest = max(cells, key=lambda c: c["seconds"])
    report["slowest_cell"] = {k: slowest[k] for k in ("deck", "source", "seconds")}
    report["vectorisation_cell_s"] = next(c["seconds"] for c in cells if c["slide"] == "f-demo")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
