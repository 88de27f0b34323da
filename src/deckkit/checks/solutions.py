"""A solution slide whose cells are not all tagged is ambiguous: the build leaves the whole slide
out of the student package either way, but the author should say so."""

from __future__ import annotations

from ..errors import Finding
from ..model.deck import Deck
from ..model.solutions import withheld


def check_solutions(deck: Deck) -> list[Finding]:
    findings = []
    for w in withheld(deck.nb):
        if w.whole_slide and w.untagged:
            cells = ", ".join(str(i) for i in w.untagged)
            findings.append(Finding(
                deck.display, "ambiguous-solution",
                f"this slide's first cell is tagged solution/instructor but cell(s) {cells} on "
                "the same slide are not; students get none of the slide — tag those cells too "
                "(or move them to a slide of their own, or untag the first cell)",
                w.start, deck.nb.cells[w.start].source))
    return findings
