"""Active content (script, event handlers, javascript: links, frames) in markdown and raw cells
and in stored outputs: the presenter's deck keeps it (authors are trusted), the student package
removes it (model/sanitise.py, measured with the same sanitiser) — a warning, so nobody is
surprised that it does not run there."""

from __future__ import annotations

from ..errors import Finding
from ..model.deck import Deck
from ..model.sanitise import markdown_html, removed


def _count(cell) -> int:
    if cell.cell_type == "markdown":
        return removed(markdown_html(cell.source))
    if cell.cell_type == "raw":
        return removed(cell.source)
    found = 0
    for out in cell.get("outputs", []) or []:
        data = out.get("data", {})
        for mime in ("text/html", "image/svg+xml"):
            if mime in data:
                value = data[mime]
                found += removed("".join(value) if isinstance(value, list) else value)
        if "text/markdown" in data:
            value = data["text/markdown"]
            found += removed(markdown_html("".join(value) if isinstance(value, list) else value))
        found += sum(1 for mime in data if "javascript" in mime or "widget" in mime)
    return found


def check_scripts(deck: Deck) -> list[Finding]:
    return [Finding(deck.display, "active-content", f"holds {n} script, event handler, frame "
                    "or javascript: link(s); they run in your deck but are removed from the "
                    "student package", i, cell.source, severity="warning")
            for i, cell in enumerate(deck.nb.cells) if (n := _count(cell))]
