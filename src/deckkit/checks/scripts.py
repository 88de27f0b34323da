"""Script in markdown: the presenter's deck keeps it (authors are trusted), the student package
makes it inert (steps/students.py) — a warning so nobody is surprised that it does not run there."""

from __future__ import annotations

from ..errors import Finding
from ..model.deck import Deck
from ..model.solutions import active_content


def check_scripts(deck: Deck) -> list[Finding]:
    return [Finding(deck.display, "active-content", f"holds {n} script, event handler or "
                    "javascript: link(s); they run in your deck but are removed from the student "
                    "package", i, deck.nb.cells[i].source, severity="warning")
            for i, n in active_content(deck.nb)]
