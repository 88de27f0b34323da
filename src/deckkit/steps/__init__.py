"""Notebook → notebook transforms, and the one place that lists them in order.

Every step has one contract, in the spirit of nbconvert's preprocessors::

    step(nb, ctx) -> (nb, findings)

``ctx`` is the DeckContext (the deck's record, the session, the audience, the diagram cache).
A step may change ``nb`` in place: ``run_steps`` makes the one copy of a deck's notebook, so the
record's notebook (as read from decks/) is never touched.

A deck goes through PREPARE before its code runs (what `deckkit check` can validate without a
kernel), through BESIDE_EXECUTION while it runs (steps that read and write markdown only, which
no code cell reads: the build runs them in threads beside the kernels, `deckkit check` right
after PREPARE) and through FINISH[audience] after it, just before export.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import Finding
from ..model.project import DeckRecord
from ..model.session import Session
from .attach_notes import attach_notes
from .materials import add_materials
from .merge import label_section
from .mermaid import render_diagrams
from .opener import add_opener
from .students import add_launch_links, add_takeaways, drop_solutions


@dataclass(frozen=True)
class DeckContext:
    record: DeckRecord
    session: Session
    audience: str = "presenter"          # "presenter" (notes attached) or "student"
    diagram_cache: Path | None = None    # where rendered Mermaid SVGs are kept
    progress: Callable[[str], None] | None = None   # for steps that may take a while
    renderer: object | None = None       # the Mermaid renderer process to draw with (default one)

    @property
    def display(self) -> str:
        return self.record.display


Step = Callable[[object, DeckContext], tuple[object, list[Finding]]]

PREPARE: tuple[Step, ...] = (add_materials, add_opener)
BESIDE_EXECUTION: tuple[Step, ...] = (render_diagrams,)
FINISH: dict[str, tuple[Step, ...]] = {
    "presenter": (attach_notes, label_section),
    "student": (drop_solutions, add_takeaways, add_launch_links, label_section),
}


def run_steps(nb, ctx: DeckContext, steps: tuple[Step, ...], copy_first: bool = True,
              trace: Callable[[str, str], None] | None = None):
    """Apply ``steps`` in order; returns (nb, findings).  ``copy_first`` makes the deck's one
    deep copy; pass False when ``nb`` is already the pipeline's own copy.  ``trace(deck,
    step name)`` is told each step as it runs."""
    nb = copy.deepcopy(nb) if copy_first else nb
    findings: list[Finding] = []
    for step in steps:
        if trace:
            trace(ctx.record.name, step.__name__)
        nb, found = step(nb, ctx)
        findings += found
    return nb, findings


__all__ = ["BESIDE_EXECUTION", "DeckContext", "FINISH", "PREPARE", "Step", "run_steps"]
