"""Build speed, measured in one run on a scratch copy of the project:

  naive_s          a loop of `jupyter nbconvert --to slides --execute` over every deck
  cold_s           `deckkit build` with an empty build/ (execution cache cold)
  warm_s           `deckkit build` again with nothing changed            (target <= 2 s)
  check_execute_s  `deckkit check --execute`                              (target <= 20 s)
  cold_ratio       naive_s / cold_s                                       (target >= 2.0)
  slowest_cell     the slowest code cell of the cold build, from build/notes/timings.json
  vectorisation_cell_s  F's live race cell (slide f-demo) inside the built deck  (target <= 2 s)
  edit_to_reload_s      `deckkit preview C`: a markdown cell of deck C saved -> the page in
                        headless Chromium reloaded on the same slide showing the change
                        (reveal.js ready), median of 3                      (target <= 1 s)
  edit_to_typeset_s     the same until deckkit's ready flag: MathJax has typeset the page too
                        (deck C is the one deck with maths: eleven formulas)
  edit_rebuild_s        the rebuild alone within those edits (preview's "built in" line)
  code_edit_rebuild_s   the same for a code cell of deck C: C alone re-executes, in the kernel
                        preview keeps warm for it, median of 3
  check_execute_vs_naive  check_execute_s / naive_s: the issue's 20 s target was set on a day
                        the naive loop took 44.5 s here (<= 0.45)

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


def preview_edits(root: Path, rounds: int = 3) -> tuple[float, float, float, float]:
    """Median seconds from saving deck C (a markdown cell, then a code cell's comment; each
    ``rounds`` times) to the preview page showing the change, reloaded on the slide it was on;
    the median of the rebuilds alone within the markdown edits, and of the markdown edits
    until MathJax has typeset the page too."""
    import statistics
    import threading

    import nbformat
    from playwright.sync_api import sync_playwright

    from deckkit.commands.preview import Preview
    from deckkit.model.project import Project
    from deckkit.output.browser import FLAGS, find_chromium

    said: list[str] = []
    p = Preview(Project(root), "C", 0, say=said.append)
    p.rebuild()
    p.start()
    threading.Thread(target=p.watch, daemon=True).start()
    time.sleep(0.5)
    deck = root / "decks" / "C_nn_basics.ipynb"
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=find_chromium(), args=FLAGS)
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            page.goto(p.url + "#/2")
            page.wait_for_selector("body[data-deckkit-ready]")
            seconds: dict[str, list[float]] = {"markdown": [], "code": []}
            rebuilds, typeset = [], []
            for kind, marker in [("markdown", f"edited-md{i}") for i in range(rounds)] + [
                    ("code", f"edited-code{i}") for i in range(rounds)]:
                time.sleep(1.0)  # an author reads the page before the next save
                nb = nbformat.read(str(deck), as_version=4)
                at = next(i for i, c in enumerate(nb.cells) if c.cell_type == kind
                          and (kind == "code" or c.source.startswith("## ")) and i > 1)
                cell = nb.cells[at]
                cell.source += f"\n# {marker}" if kind == "code" else f" ({marker})"
                start = time.perf_counter()
                nbformat.write(nb, str(deck))
                # shown: the reloaded page's reveal.js is ready with the change on the slide
                page.wait_for_function(f"window.Reveal && Reveal.isReady() && "
                                       f"document.body.innerText.includes('{marker}')",
                                       timeout=120_000, polling=20)
                seconds[kind].append(time.perf_counter() - start)
                # typeset: deckkit's ready flag, set once MathJax has typeset the maths too
                page.wait_for_function("document.body.dataset.deckkitReady", timeout=60_000)
                if kind == "markdown":
                    typeset.append(time.perf_counter() - start)
                if kind == "markdown":
                    rebuilds += [float(m.split("built in ")[1].split(" s")[0]) for m in said
                                 if "built in" in m][-1:]
            browser.close()
    finally:
        p.stop()
    return (statistics.median(seconds["markdown"]), statistics.median(seconds["code"]),
            statistics.median(rebuilds), statistics.median(typeset))


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
        edit_s, code_s, rebuild_s, typeset_s = preview_edits(root)
    report = {"decks": len(decks), "naive_s": round(naive, 2), "cold_s": round(cold, 2),
              "cold_ratio": round(naive / cold, 2), "warm_s": round(warm, 2),
              "check_execute_s": round(check, 2),
              "check_execute_vs_naive": round(check / naive, 3),
              "edit_to_reload_s": round(edit_s, 2), "edit_rebuild_s": round(rebuild_s, 2),
              "edit_to_typeset_s": round(typeset_s, 2),
              "code_edit_rebuild_s": round(code_s, 2)}
    cells = [dict(cell, deck=deck) for deck, found in timings.items() for cell in found]
    slowest = max(cells, key=lambda c: c["seconds"])
    report["slowest_cell"] = {k: slowest[k] for k in ("deck", "source", "seconds")}
    report["vectorisation_cell_s"] = next(c["seconds"] for c in cells if c["slide"] == "f-demo")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
