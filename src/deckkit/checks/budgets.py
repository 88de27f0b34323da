"""Time: how long each code cell took in the last execution (nbclient's record_timing
metadata), and which slides' code took longer than the slide's budget in the speaker notes."""

from __future__ import annotations

from datetime import datetime

from ..errors import Finding, first_line
from ..model.slides import slide_key, slide_spans


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


def over_budget(display: str, timings: list[dict], budgets: dict[str, float]) -> list[Finding]:
    """A warning for each slide whose code took longer in the last build than its budget."""
    spent: dict[str, float] = {}
    for t in timings:
        if t["slide"]:
            spent[t["slide"]] = spent.get(t["slide"], 0.0) + t["seconds"]
    return [Finding(display, "demo-over-budget", f'slide "{key}": its code took {secs:.1f} s '
                    f"in the last build, more than the slide's {budgets[key]:g} s budget",
                    severity="warning")
            for key, secs in spent.items() if key in budgets and secs > budgets[key]]
