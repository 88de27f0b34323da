"""How long each code cell took in the last execution (nbclient's record_timing metadata)."""

from __future__ import annotations

from datetime import datetime

from ..errors import first_line
from ..slides import slide_key, slide_spans


def _seconds(cell) -> float | None:
    stamps = cell.get("metadata", {}).get("execution", {})
    try:
        start = datetime.fromisoformat(stamps["iopub.execute_input"].replace("Z", "+00:00"))
        end = datetime.fromisoformat(stamps["shell.execute_reply"].replace("Z", "+00:00"))
    except (KeyError, ValueError, AttributeError):
        return None
    return (end - start).total_seconds()


def cell_timings(nb) -> list[dict]:
    """One entry per executed code cell: its index, its slide's key, first line and seconds."""
    out = []
    for first, end in slide_spans(nb):
        key = slide_key(nb.cells[first])
        for index in range(first, end):
            cell = nb.cells[index]
            if cell.cell_type == "code" and (secs := _seconds(cell)) is not None:
                out.append({"cell": index, "slide": key, "source": first_line(cell.source),
                            "seconds": round(secs, 3)})
    return out
