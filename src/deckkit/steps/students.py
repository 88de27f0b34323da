"""The student version of a deck: solution and instructor-only slides and cells left out
(what counts as one: model/solutions.py)."""

from __future__ import annotations

from ..model.solutions import STUDENT_DROPS, withheld_cells


def drop_tagged(nb, tags=STUDENT_DROPS):
    """``nb`` without its withheld slides and cells (changed in place and returned)."""
    gone = withheld_cells(nb, tags)
    nb.cells = [c for i, c in enumerate(nb.cells) if i not in gone]
    return nb


def drop_solutions(nb, ctx):
    """Step: the deck as students get it (no solutions, no instructor-only cells)."""
    return drop_tagged(nb), []
