"""Run every deck's code cells as plain Python, one fresh process per deck, the cells in order
in one namespace (as the deck's kernel would), and print one JSON object: per deck, each cell's
seconds and what it gave.  For a machine without Jupyter (the lent GPU machine's image has
torch, NumPy, Matplotlib and pytest only):

    PYTHONPATH=src python3 benchmarks/deck_cells.py [--html PAGE.html]

A cell ending in an expression is displayed as a kernel would: its ``_repr_html_()`` when it
has one, else its ``repr``.  ``--html`` writes those outputs (and what the cells printed) into
one page, to look at what a student sees on that machine.  Tags: ``skip-execution`` is never
run, ``raises-exception`` must raise.  Exit status 1 when a cell fails.
"""

from __future__ import annotations

import ast
import contextlib
import html
import io
import json
import linecache
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DECK_TIMEOUT_S = 600


def code_cells(deck: Path) -> list[tuple[int, str, list[str]]]:
    """(cell number as findings count them from 1, source, tags) for each code cell."""
    nb = json.loads(deck.read_text("utf-8"))
    cells = []
    for number, cell in enumerate(nb["cells"], start=1):
        if cell["cell_type"] != "code":
            continue
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        cells.append((number, source, list(cell["metadata"].get("tags", []))))
    return cells


def run_cell(source: str, namespace: dict, name: str = "<cell>") -> tuple[str, str]:
    """Execute ``source``; return (what it printed, the HTML a kernel would display).  Its
    lines are registered under ``name`` as IPython does, so ``inspect`` finds the source of a
    function the cell defines (graph_breaks quotes the line that breaks)."""
    linecache.cache[name] = (len(source), None, source.splitlines(True), name)
    tree = ast.parse(source)
    last = tree.body[-1] if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    body = ast.Module(body=tree.body[:-1] if last else tree.body, type_ignores=[])
    printed = io.StringIO()
    shown = ""
    with contextlib.redirect_stdout(printed):
        exec(compile(body, name, "exec"), namespace)
        if last is not None:
            value = eval(compile(ast.Expression(last.value), name, "eval"), namespace)
            if value is not None:
                if hasattr(value, "_repr_html_"):
                    shown = value._repr_html_() or ""
                else:
                    shown = f"<pre>{html.escape(repr(value))}</pre>"
    return printed.getvalue(), shown


def run_deck(deck: Path) -> dict:
    """In this process: every code cell of ``deck``, timed."""
    namespace: dict = {"__name__": "__main__"}
    cells = []
    for number, source, tags in code_cells(deck):
        row: dict = {"cell": number, "first_line": source.strip().splitlines()[0][:70]}
        if "skip-execution" in tags:
            cells.append(row | {"status": "skipped"})
            continue
        start = time.perf_counter()
        try:
            printed, shown = run_cell(source, namespace, f"<{deck.stem} cell {number}>")
        except BaseException as exc:  # noqa: BLE001 (reported, with the cell, to the caller)
            seconds = time.perf_counter() - start
            expected = "raises-exception" in tags
            cells.append(row | {"status": "raised as tagged" if expected else "FAILED",
                                "error": f"{type(exc).__name__}: {exc}"[:500],
                                "seconds": round(seconds, 3)})
            continue
        seconds = time.perf_counter() - start
        status = "FAILED: tagged raises-exception, raised nothing" if (
            "raises-exception" in tags) else "ok"
        cells.append(row | {"status": status, "seconds": round(seconds, 3),
                            "printed": printed, "html": shown})
    return {"deck": deck.name, "cells": cells}


def page(results: list[dict], device: str) -> str:
    parts = [f"<!doctype html><meta charset='utf-8'><title>deck cells on {html.escape(device)}"
             "</title><style>body{font:16px sans-serif;max-width:1100px;margin:auto}"
             "section{border-top:2px solid #888;margin-top:1em}</style>",
             f"<h1>Deck cells run as plain Python on {html.escape(device)}</h1>"]
    for deck in results:
        for cell in deck["cells"]:
            parts.append(f"<section><h2>{html.escape(deck['deck'])} cell {cell['cell']}: "
                         f"{cell['status']} ({cell.get('seconds', '-')} s)</h2>"
                         f"<p><code>{html.escape(cell['first_line'])}</code></p>")
            if cell.get("printed"):
                parts.append(f"<pre>{html.escape(cell['printed'])}</pre>")
            if cell.get("error"):
                parts.append(f"<pre>{html.escape(cell['error'])}</pre>")
            parts.append(cell.get("html", "") + "</section>")
    return "\n".join(parts)


def main(argv: list[str]) -> int:
    html_path = Path(argv[argv.index("--html") + 1]) if "--html" in argv else None
    decks = sorted((REPO / "decks").glob("*.ipynb"))
    results = []
    for deck in decks:
        if not code_cells(deck):
            continue
        start = time.perf_counter()
        try:
            proc = subprocess.run([sys.executable, __file__, "--one", str(deck)],
                                  capture_output=True, text=True, timeout=DECK_TIMEOUT_S,
                                  check=False)
        except subprocess.TimeoutExpired:
            results.append({"deck": deck.name, "cells": [{
                "cell": 0, "first_line": "", "status": f"FAILED: over {DECK_TIMEOUT_S} s"}]})
            continue
        if proc.returncode != 0 or not proc.stdout.strip():
            results.append({"deck": deck.name, "cells": [{
                "cell": 0, "first_line": "", "status": "FAILED: the process died",
                "error": proc.stderr[-1500:]}]})
            continue
        one = json.loads(proc.stdout.strip().splitlines()[-1])
        one["process_s"] = round(time.perf_counter() - start, 3)
        results.append(one)
    from deckkit.demos import device_info

    device = device_info().name
    if html_path:
        html_path.write_text(page(results, device), "utf-8")
    summary = {"device": device, "decks": [
        {"deck": d["deck"], "process_s": d.get("process_s"),
         "cells": [{k: v for k, v in c.items() if k not in ("html",)} for c in d["cells"]]}
        for d in results]}
    print(json.dumps(summary, indent=1))
    failed = [(d["deck"], c["cell"]) for d in results for c in d["cells"]
              if c["status"].startswith("FAILED")]
    for deck, cell in failed:
        print(f"decks/{deck} cell {cell}: failed as plain Python (see above)", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        print(json.dumps(run_deck(Path(sys.argv[2]))))
    else:
        raise SystemExit(main(sys.argv[1:]))
