"""Put each slide's speaker notes and time budget into the deck: a `notes` cell after the
slide's first cell (reveal.js shows it in the speaker view only) and data-timing in seconds."""

from __future__ import annotations

import copy

from nbformat.v4 import new_markdown_cell

from ..notes import SectionNotes, as_markdown
from ..slides import slide_key, slide_starts


def attach_notes(nb, notes: SectionNotes):
    """A copy of ``nb`` with notes and timings; slides without notes are left as they are
    (`deckkit check` reports them)."""
    nb = copy.deepcopy(nb)
    by_key = notes.by_key()
    for index in reversed(slide_starts(nb)):
        cell = nb.cells[index]
        note = by_key.get(slide_key(cell) or "")
        if note is None:
            continue
        slideshow = cell.metadata.setdefault("slideshow", {})
        slideshow.setdefault("data", {})["timing"] = round(note.seconds)
        aside = new_markdown_cell(as_markdown(note))
        aside.metadata["slideshow"] = {"slide_type": "notes"}
        nb.cells.insert(index + 1, aside)
    return nb


def deck_seconds(nb) -> float:
    """Sum of data-timing over the deck's slides: reveal.js's totalTime for the speaker view."""
    return sum(nb.cells[i].metadata.get("slideshow", {}).get("data", {}).get("timing", 0)
               for i in slide_starts(nb))
