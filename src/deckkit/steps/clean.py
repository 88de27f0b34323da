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
