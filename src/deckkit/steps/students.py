"""The student version of a deck: cells tagged solution or instructor are left out."""

from __future__ import annotations

STUDENT_DROPS = frozenset({"solution", "instructor"})


def drop_tagged(nb, tags=STUDENT_DROPS):
    """``nb`` without the cells carrying any of ``tags`` (changed in place and returned)."""
    nb.cells = [c for c in nb.cells if not set(tags) & set(c.metadata.get("tags", []))]
    return nb


def drop_solutions(nb, ctx):
    """Step: the deck as students get it (no solutions, no instructor-only cells)."""
    return drop_tagged(nb), []
