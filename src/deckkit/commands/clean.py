"""`deckkit clean`: put decks back in their committed form — the one command that writes
into decks/ (each file atomically, and only when it changes)."""

from __future__ import annotations

import nbformat

from ..model.committed import normalise
from ..model.facts import FILE
from ..model.generated import generated_name, refresh, tables
from ..model.layout import write_atomic
from ..model.project import Project


def normalise_decks(project: Project) -> list[str]:
    """Rewrite decks whose outputs or metadata differ from their committed form (what RISE or
    Jupyter write when saving) or whose generated tables differ from decks/facts.toml; returns
    their names as messages show them."""
    resolved = project.resolve()
    names = [generated_name(c) for r in resolved.records for c in r.nb.cells]
    made = (tables(project.decks_dir, [n for n in names if n])
            if (project.decks_dir / FILE).exists() else {})
    changed = []
    for record in resolved.records:
        clean = normalise(record.nb, record.section.label)
        refresh(clean, made)
        if clean != record.nb:
            # through a link to where the deck lives (a deck shared by two talks stays shared)
            write_atomic(record.deck.path.resolve(), nbformat.writes(clean) + "\n")
            changed.append(record.display)
    return changed
