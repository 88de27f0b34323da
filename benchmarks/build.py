"""Build speed, measured in one run on a scratch copy of the project:

  naive_s          a loop of `jupyter nbconvert --to slides --execute` over every deck
  cold_s           `deckkit build` with an empty build/ (execution cache cold)
  warm_s           `deckkit build` again with nothing changed            (target <= 2 s)
  check_execute_s  `deckkit check --execute`                              (target <= 30 s)
  cold_ratio       naive_s / cold_s                                       (target >= 1.5)
  slowest_cell     the slowest code cell of the cold build, from build/notes/timings.json
  vectorisation_cell_s  F's live race cell (slide f-demo) inside the built deck  (target <= 2 s)
  edit_to_reload_s      `deckkit preview C`: a markdown cell of deck C saved -> the page in
                        headless Chromium reloaded on the same slide        (target <= 1 s)
  code_edit_rebuild_s   the same for a code cell of deck C: C alone re-executes

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


def preview_edits(root: Path) -> tuple[float, float]:
    """Seconds from saving deck C (a markdown cell, then a code cell's comment) to the preview
    page showing the change, reloaded on the slide it was on."""
    import threading

    import nbformat
    from playwright.sync_api import sync_playwright

    from deckkit.commands.preview import Preview
    from deckkit.model.project import Project
    from deckkit.output.browser import FLAGS, find_chromium

    p = Preview(Project(root), "C", 0, say=lambda m: None)
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
            seconds = []
            for kind, marker in (("markdown", "edited-md"), ("code", "edited-code")):
                nb = nbformat.read(str(deck), as_version=4)
                at = next(i for i, c in enumerate(nb.cells) if c.cell_type == kind
                          and (kind == "code" or c.source.startswith("## ")) and i > 1)
                cell = nb.cells[at]
                cell.source += f"\n# {marker}" if kind == "code" else f" ({marker})"
                start = time.perf_counter()
                nbformat.write(nb, str(deck))
                page.wait_for_function(f"document.body.dataset.deckkitReady && "
                                       f"document.body.innerText.includes('{marker}')",
                                       timeout=120_000)
                seconds.append(time.perf_counter() - start)
            browser.close()
    finally:
        p.stop()
    return seconds[0], seconds[1]


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
        edit_s, code_s = preview_edits(root)
    report = {"decks": len(decks), "naive_s": round(naive, 2), "cold_s": round(cold, 2),
              "cold_ratio": round(naive / cold, 2), "warm_s": round(warm, 2),
              "check_execute_s": round(check, 2), "edit_to_reload_s": round(edit_s, 2),
              "code_edit_rebuild_s": round(code_s, 2)}
    cells = [dict(cell, deck=deck) for deck, found in timings.items() for cell in found]
    slowest = max(cells, key=lambda c: c["seconds"])
    report["slowest_cell"] = {k: slowest[k] for k in ("deck", "source", "seconds")}
    report["vectorisation_cell_s"] = next(c["seconds"] for c in cells if c["slide"] == "f-demo")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
