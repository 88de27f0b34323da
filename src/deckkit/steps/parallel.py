"""Run several decks at once: one worker per core, each kernel limited to one thread so the
workers do not oversubscribe the cores.  Decks marked `metadata.deckkit.exclusive` (live timing
demos) run alone afterwards with every thread, so the numbers they show are not disturbed."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

from .execute import DEFAULT_TIMEOUT, Execution, execute_notebook

SINGLE_THREAD = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}


def is_exclusive(deck) -> bool:
    return bool(deck.nb.metadata.get("deckkit", {}).get("exclusive"))


def run_decks(decks, timeout: int = DEFAULT_TIMEOUT, workers: int | None = None,
              progress=lambda msg: None, numbering: dict[str, int] | None = None,
              total: int | None = None) -> list[tuple[object, Execution]]:
    """(deck, Execution) for every deck, in the order given."""
    workers = max(1, workers or os.cpu_count() or 1)
    numbering = numbering or {d.name: i for i, d in enumerate(decks, 1)}
    total = total or len(decks)
    shared = [d for d in decks if not is_exclusive(d)]
    alone = [d for d in decks if is_exclusive(d)]
    env = SINGLE_THREAD if workers > 1 and len(shared) > 1 else {}

    def run(deck, env):
        note = " (alone, all threads)" if is_exclusive(deck) and len(decks) > 1 else ""
        progress(f"[{numbering[deck.name]}/{total}] {deck.name}: executing{note}")
        return deck, execute_notebook(deck.nb, deck.display, deck.path.parent, timeout, env=env)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        runs = list(pool.map(lambda d: run(d, env), shared))
    runs += [run(deck, {}) for deck in alone]
    order = {d.name: i for i, d in enumerate(decks)}
    return sorted(runs, key=lambda r: order[r[0].name])
