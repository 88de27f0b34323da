"""One exception root and the Finding record every check and step reports through.

Both carry where the problem is, which cell, and the fix as separate fields, so no caller
ever has to take a message apart to find them."""

from __future__ import annotations

from dataclasses import dataclass


class DeckError(Exception):
    """A problem a person can act on.

    ``where`` names the file (``decks/C_nn_basics.ipynb``) or the thing (``section "Z"``),
    ``cell`` the 0-based cell index when there is one, ``problem`` what is wrong and ``fix``
    what to do about it.  ``str()`` joins them into one line for the terminal."""

    def __init__(self, problem: str, *, where: str = "", cell: int | None = None, fix: str = ""):
        self.problem, self.where, self.cell, self.fix = problem, where, cell, fix
        super().__init__(str(self))

    def __str__(self) -> str:
        head = self.where + (f" cell {self.cell}" if self.cell is not None else "")
        text = f"{head}: {self.problem}" if head else self.problem
        return f"{text}; {self.fix}" if self.fix else text

    @property
    def message(self) -> str:
        """Problem and fix without the location: how a Finding words it."""
        return f"{self.problem}; {self.fix}" if self.fix else self.problem


@dataclass(frozen=True)
class Finding:
    """One thing wrong with a deck.  ``cell`` is the 0-based cell index, or None for the deck;
    ``message`` says what is wrong and ``fix`` what to do (a check that words both in one
    sentence leaves ``fix`` empty)."""

    deck: str
    code: str
    message: str
    cell: int | None = None
    source: str = ""
    severity: str = "error"  # "error" or "warning"
    fix: str = ""

    @classmethod
    def from_error(cls, exc: DeckError, code: str, where: str = "") -> Finding:
        return cls(exc.where or where, code, exc.problem, exc.cell, fix=exc.fix)

    @property
    def full_message(self) -> str:
        """What is wrong, then what to do: the finding without its place."""
        return f"{self.message}; {self.fix}" if self.fix else self.message

    def __str__(self) -> str:
        where = self.deck
        if self.cell is not None:
            where += f" cell {self.cell}"
            if self.source:
                where += f' ("{first_line(self.source)}")'
        return f"{where}: {self.full_message} [{self.code}]"


def need_module(module: str, purpose: str, install: str):
    """``module`` imported for ``purpose`` ("the contact sheet"), or a DeckError that says what
    needs it and how to get it (``install``: "pip install pillow")."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise DeckError(f"{purpose} needs {module.split('.')[0]}, which is not installed",
                        fix=install) from None


def is_ok(findings: list[Finding]) -> bool:
    return not any(f.severity == "error" for f in findings)


def first_line(source: str, width: int = 50) -> str:
    """The first non-empty line of a cell, shortened, to name the cell in a message."""
    for line in source.splitlines():
        line = line.strip()
        if line:
            return line if len(line) <= width else line[: width - 1] + "…"
    return "<empty cell>"


def innermost(exc: BaseException) -> str:
    """Where ``exc`` was raised, as file:line of its innermost frame."""
    import traceback
    from pathlib import Path

    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return "no traceback"
    last = frames[-1]
    return f"{Path(last.filename).name}:{last.lineno}"


def internal_error(exc: BaseException, then: str) -> str:
    """What to say about a bug in deckkit (an exception that is not a DeckError): its type,
    message and place, that it is not the user's decks, and ``then``, what to do next."""
    return (f"internal error: {type(exc).__name__}: {exc} ({innermost(exc)}). This is a bug in "
            f"deckkit, not in your decks; {then}")
