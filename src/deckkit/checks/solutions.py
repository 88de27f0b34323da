"""A solution slide whose cells are not all tagged is ambiguous: the build leaves the whole slide
out of the student package either way, but the author should say so."""

from __future__ import annotations

from ..errors import Finding
from ..model.deck import Deck
from ..model.solutions import given_answers, withheld, withheld_cells


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


def untagged_answers(records, answers_by_exercise: dict[str, list[str]]) -> list[Finding]:
    """A deck cell students would see that gives an exercise's answer (model.solutions.answers):
    a solution without its tag, which the student package would publish."""
    findings = []
    for exercise, known in answers_by_exercise.items():
        for record in records if known else ():
            gone = withheld_cells(record.nb)
            for index, cell in enumerate(record.nb.cells):
                hits = [] if index in gone else given_answers(cell.source, known)
                if hits:
                    findings.append(Finding(
                        record.display, "untagged-solution",
                        f'gives the answer to a blank of {exercise} ("{hits[0][:60]}"): it is '
                        "that exercise's solution, and students would get it; tag the cell (or "
                        "its slide) solution", index, cell.source))
    return findings
