"""Step: a section's opening slide gets a layout of its own, from the deck's visual system:
the section's letter, where the talk is (every stop's letter, this one marked, the ones done
set back) and the section's minutes and start on the clock, all from decks/session.toml.

The band sits at the foot of the slide (CSS: .deckkit-opener), so an opener uses its space
whatever its title and first lines say.  The talk's first slide (the title) gets the same
ribbon with no stop marked, as the talk at a glance ("10 stops · 110 min"), and a layout of
its own (CSS: .deckkit-opener-title); the agenda (B) is the map itself and gets none.
"""

from __future__ import annotations

import html

from ..model.session import Session
from ..model.slides import slide_starts

SKIP = ("A", "B")   # the title slide and the agenda, which is the map itself
MARK = "deckkit-opener"


def _stops(session: Session) -> list:
    return [s for s in session.sections if s.letter not in SKIP]


def _arc(stops: list, number: int) -> str:
    """The stops' letters, the one numbered ``number`` marked (0: none), those before it done."""
    items = []
    for i, s in enumerate(stops, 1):
        state = "done" if i < number else "here" if i == number else "ahead"
        current = ' aria-current="step"' if state == "here" else ""
        items.append(f'<li class="deckkit-arc-{state}"{current} title="{html.escape(s.title)}">'
                     f"{html.escape(s.letter)}</li>")
    return f'<ol class="deckkit-arc" aria-label="the stops of the talk">{"".join(items)}</ol>'


def title_html(session: Session) -> str:
    """The title slide's band: every stop of the talk, none marked, and its length."""
    stops = _stops(session)
    return (f'<div class="{MARK} {MARK}-title" role="group" aria-label="The talk at a glance">'
            '<span class="deckkit-opener-label">Today</span>'
            f"{_arc(stops, 0)}"
            f'<p class="deckkit-opener-time">{len(stops)} stops · '
            f"{session.total_minutes:g} min</p></div>")


def opener_html(session: Session, letter: str) -> str:
    """The band for section ``letter``: its letter, the stops of the talk, its time."""
    stops = _stops(session)
    here = session.section(letter)
    number = next((i for i, s in enumerate(stops, 1) if s.letter == letter), 0)
    where = f"stop {number} of {len(stops)}" if number else ""
    time = f"{here.minutes:g} min · from {session.starts()[letter]}"
    return (f'<div class="{MARK}" role="group" aria-label="Where we are in the talk">'
            f'<span class="deckkit-opener-letter" aria-hidden="true">{html.escape(letter)}</span>'
            f"{_arc(stops, number)}"
            f'<p class="deckkit-opener-time">{" · ".join(p for p in (where, time) if p)}</p>'
            "</div>")


def attach(nb, session: Session, letter: str) -> None:
    """The band under the first slide's first markdown cell (once: a second run changes
    nothing): the title band on the talk's first section, the opener's on the others."""
    first = bool(session.sections) and session.sections[0].letter == letter
    if letter in SKIP and not first:
        return
    starts = slide_starts(nb)
    if not starts:
        return
    cell = nb.cells[starts[0]]
    if cell.cell_type != "markdown" or MARK in cell.source:
        return
    band = title_html(session) if first else opener_html(session, letter)
    cell.source = cell.source.rstrip("\n") + "\n\n" + band
    cell.metadata.setdefault("deckkit", {}).setdefault("layout", "title" if first else "opener")


def add_opener(nb, ctx):
    attach(nb, ctx.session, ctx.record.section.letter)
    return nb, []
