"""Speaker notes against the deck: every slide has notes and a budget, every note names a slide,
and a section's slide budgets add up to the walkthrough's minutes for it."""

from __future__ import annotations

from ..errors import Finding
from ..model.notes import TAKEAWAY_MAX
from ..model.project import DeckRecord
from ..model.session import Session
from ..model.slides import slide_key, slide_starts, slide_type


def check_notes(record: DeckRecord, session: Session | None = None) -> list[Finding]:
    deck, section = record.deck, record.section
    findings: list[Finding] = []
    where = f"speaker_notes/{record.notes_path.name}"
    keys: dict[str, int] = {}
    for index in slide_starts(deck.nb):
        cell = deck.nb.cells[index]
        key = slide_key(cell)
        if not key:
            findings.append(Finding(deck.display, "slide-key", "this slide has no key; set "
                                    "metadata.deckkit.key so its notes can find it", index,
                                    cell.source))
        elif key in keys:
            findings.append(Finding(deck.display, "slide-key", f'key "{key}" is used twice '
                                    f"(also cell {keys[key]})", index, cell.source))
        else:
            keys[key] = index
    for index, cell in enumerate(deck.nb.cells):
        if slide_type(cell) == "notes":
            findings.append(Finding(deck.display, "notes-cell", f"speaker notes live in {where}; "
                                    "move this text there and delete the cell", index,
                                    cell.source))
    if record.notes is None:
        return findings + [Finding.from_error(record.notes_error, "notes-file", where)]
    noted = record.notes.by_key()
    for key, index in keys.items():
        if key not in noted:
            findings.append(Finding(deck.display, "missing-notes", f'slide "{key}" has no notes; '
                                    f"add `## {key} · <n> min` to {where}", index,
                                    deck.nb.cells[index].source))
        elif noted[key].seconds <= 0:
            findings.append(Finding(where, "missing-budget", f'slide "{key}" (line '
                                    f"{noted[key].line}) needs a budget above zero"))
        if key in noted:
            findings += _takeaway(noted[key], where, session is not None and session.takeaways)
    for key, note in noted.items():
        if key not in keys:
            valid = ", ".join(keys) or "none"
            findings.append(Finding(where, "unknown-slide", f'line {note.line}: notes for "{key}" '
                                    f"name no slide in {deck.display} (its keys: {valid})"))
    total = record.notes.seconds / 60
    if abs(total - section.minutes) > 1e-6:
        findings.append(Finding(where, "section-budget", f"section {section.label}: slide budgets "
                                f"add up to {total:g} min, the walkthrough gives it "
                                f"{section.minutes:g} min"))
    return findings


def _takeaway(note, where: str, required: bool) -> list[Finding]:
    """A slide's one-line takeaway, which the student build shows on the slide (the notes that
    carry the "why" stay with the presenter).  A session with ``takeaways = true`` needs one
    on every slide; the rest are warnings."""
    if not note.takeaways:
        return [Finding(where, "missing-takeaway", f'slide "{note.key}" (line {note.line}) has '
                        "no takeaway; add `Takeaway: <its point in one line>` to its notes "
                        "(the student build shows it on the slide; decks/session.toml says "
                        "takeaways = true)")] if required else []
    found = []
    if len(note.takeaways) > 1:
        found.append(Finding(where, "missing-takeaway", f'slide "{note.key}" (line {note.line}) '
                             f"has {len(note.takeaways)} takeaways; keep one (the student "
                             "build shows the first)", severity="warning"))
    if len(note.takeaway) > TAKEAWAY_MAX:
        found.append(Finding(where, "missing-takeaway", f'slide "{note.key}" (line {note.line}): '
                             f"its takeaway is {len(note.takeaway)} characters; keep it to "
                             f"{TAKEAWAY_MAX}, one line on the slide", severity="warning"))
    return found
