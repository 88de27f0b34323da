"""The agenda slide's table, drawn from decks/session.toml so it can never drift from it."""

from __future__ import annotations

import html
from pathlib import Path

from .model.session import Session, find_decks_dir, load_session


class Agenda:
    """Renders as an HTML table in Jupyter: stop, section, minutes and clock start."""

    def __init__(self, session: Session, first_half: str = "vocabulary",
                 second_half: str = "judgment", split_after: str = "F"):
        self.session = session
        self.split_after = split_after
        self.halves = (first_half, second_half)

    def rows(self) -> list[tuple[str, str, float, str]]:
        """(letter, title, minutes, clock start "0:03") for every section, in order."""
        starts = self.session.starts()
        return [(s.letter, s.title, s.minutes, starts[s.letter]) for s in self.session.sections]

    def _repr_html_(self) -> str:
        body, half = [], 0
        sections = {s.letter: s for s in self.session.sections}
        for letter, title, minutes, start in self.rows():
            if letter in ("A", "B"):
                continue
            role = "buffer" if sections[letter].appendix else self.halves[half]
            body.append(f'<tr class="agenda-{role}"><td><b>{letter}</b></td>'
                        f'<td><a href="#/section-{letter}">{html.escape(title)}</a></td>'
                        f"<td>{minutes:g} min</td><td>{start}</td>"
                        f"<td>{role}</td></tr>")
            if letter == self.split_after:
                half = 1
        stops = sum(s.minutes for s in self.session.sections if not s.appendix)
        extra = self.session.total_minutes - stops
        return ('<table class="deckkit-agenda"><thead><tr><th>Stop</th><th>Section</th>'
                "<th>Budget</th><th>Starts at</th><th>Builds</th></tr></thead><tbody>"
                + "".join(body) + "</tbody></table>"
                f"<p class='deckkit-caption'>{stops:g} min of stops + {extra:g} min buffer/Q&amp;A = "
                f"{self.session.total_minutes:g} min</p>")


def agenda(decks_dir: str | Path | None = None) -> Agenda:
    """The agenda of the session: session.toml in ``decks_dir``, else found from the working
    folder (a deck runs in decks/; the RISE session notebook runs in build/present/)."""
    return Agenda(load_session(Path(decks_dir) if decks_dir else find_decks_dir()))
