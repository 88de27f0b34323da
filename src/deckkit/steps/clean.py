"""Strip outputs and execution counts: how decks are committed."""

from __future__ import annotations

import copy


def strip_outputs(nb):
    """A copy of ``nb`` with no outputs, execution counts or execution timestamps."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("execution", None)
    return nb


def drop_tagged(nb, tags: set[str]):
    """A copy of ``nb`` without the cells carrying any of ``tags`` (e.g. solutions)."""
    nb = copy.deepcopy(nb)
    nb.cells = [c for c in nb.cells if not tags & set(c.metadata.get("tags", []))]
    return nb
