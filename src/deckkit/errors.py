"""One exception root and the Finding record every check and step reports through."""

from __future__ import annotations

from dataclasses import dataclass


class DeckError(Exception):
    """A problem a person can act on; its message names the deck, the cell and the fix."""


@dataclass(frozen=True)
class Finding:
    """One thing wrong with a deck.  ``cell`` is the 0-based cell index, or None for the deck."""

    deck: str
    code: str
    message: str
    cell: int | None = None
    source: str = ""
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        where = self.deck
        if self.cell is not None:
            where += f" cell {self.cell}"
            if self.source:
                where += f' ("{first_line(self.source)}")'
        return f"{where}: {self.message} [{self.code}]"


def first_line(source: str, width: int = 50) -> str:
    """The first non-empty line of a cell, shortened, to name the cell in a message."""
    for line in source.splitlines():
        line = line.strip()
        if line:
            return line if len(line) <= width else line[: width - 1] + "…"
    return "<empty cell>"
