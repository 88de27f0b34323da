"""Put each slide's speaker notes and time budget into the deck: a `notes` cell after the
slide's first cell (reveal.js shows it in the speaker view only) and data-timing in seconds."""

from __future__ import annotations

from nbformat.v4 import new_markdown_cell

from ..model.notes import SectionNotes, as_markdown
from ..model.slides import slide_key, slide_starts


def insert_notes(nb, notes: SectionNotes):
    """``nb`` (changed in place) with notes and timings; slides without notes are left as they
    are (`deckkit check` reports them).  A notes cell's id derives from its slide's key, so the
    same inputs always export the same page."""
    by_key = notes.by_key()
    for index in reversed(slide_starts(nb)):
        cell = nb.cells[index]
        note = by_key.get(slide_key(cell) or "")
        if note is None:
            continue
        slideshow = cell.metadata.setdefault("slideshow", {})
        data = slideshow.setdefault("data", {})
        data["timing"] = round(note.seconds)
        data["key"] = note.key  # data-key: rehearsal timings are recorded per slide key
        aside = new_markdown_cell(as_markdown(note), id=f"notes-{note.key}"[:64])
        aside.metadata["slideshow"] = {"slide_type": "notes"}
        nb.cells.insert(index + 1, aside)
    return nb


def attach_notes(nb, ctx):
    """Step: the presenter's deck carries its speaker notes (checks report missing ones)."""
    notes = ctx.record.notes
    return (insert_notes(nb, notes) if notes else nb), []


def deck_seconds(nb) -> float:
    """Sum of data-timing over the deck's slides: reveal.js's totalTime for the speaker view."""
    return sum(nb.cells[i].metadata.get("slideshow", {}).get("data", {}).get("timing", 0)
               for i in slide_starts(nb))
