"""Finding and reading deck notebooks: one per section, named after its section letter."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

from ..errors import DeckError
from .files import read_text

DECK_NAME = re.compile(r"^([A-Z])_[A-Za-z0-9_]+\.ipynb$")
NAMING_RULE = ("a deck's file name is its section letter, an underscore and a slug of ASCII "
               "letters, digits and underscores, e.g. C_nn_basics.ipynb")


@dataclass
class Deck:
    """A deck notebook as read from disk; ``nb`` is never written back to ``path``."""

    path: Path
    nb: nbformat.NotebookNode

    @property
    def name(self) -> str:
        return self.path.stem

    @property
    def letter(self) -> str:
        return self.path.name[0]

    @property
    def meta(self) -> dict:
        """metadata.deckkit (section letter, inputs, exclusive), {} when absent or malformed."""
        meta = self.nb.metadata.get("deckkit", {})
        return meta if isinstance(meta, dict) else {}

    @property
    def display(self) -> str:
        """How messages name the deck: "decks/C_nn_basics.ipynb"."""
        return f"{self.path.parent.name}/{self.path.name}"


def deck_paths(decks_dir: Path) -> list[Path]:
    """Every ``X_*.ipynb`` in the decks folder, sorted by name (and so by section letter)."""
    return sorted(p for p in Path(decks_dir).glob("*.ipynb") if DECK_NAME.match(p.name))


def read_deck(path: Path) -> Deck:
    """Parse a deck; malformed JSON or nbformat becomes a DeckError naming the file and the fix."""
    path = Path(path)
    display = f"{path.parent.name}/{path.name}"
    text = read_text(path, display)
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DeckError(f"not valid JSON at line {exc.lineno} column {exc.colno} ({exc.msg})",
                        where=display, fix="restore it from git or re-save it in Jupyter") from None
    version = raw.get("nbformat") if isinstance(raw, dict) else None
    if isinstance(version, int) and version < 4:
        raise DeckError(f"old notebook format (nbformat {version})", where=display,
                        fix="upgrade it: open and save it in Jupyter, or run `jupyter nbconvert "
                        f"--to notebook --inplace {path.name}`") from None
    try:
        nb = nbformat.reads(json.dumps(raw), as_version=4)
    except Exception as exc:  # nbformat raises several types for bad structure
        raise DeckError(f"not a Jupyter notebook ({exc})", where=display,
                        fix="restore it from git or re-save it in Jupyter") from None
    _check_structure(nb, display)
    return Deck(path=path, nb=nb)


def _check_structure(nb, display: str) -> None:
    """nbformat's own schema (tags a list of texts, a kernelspec with its name, …): a value of
    the wrong type there becomes a message naming the cell and the key, not an error deep in
    a check."""
    from nbformat import ValidationError, validate

    try:
        validate(nb)
    except ValidationError as exc:
        where = list(exc.absolute_path) if hasattr(exc, "absolute_path") else []
        cell = where[1] if len(where) > 1 and where[0] == "cells" and isinstance(where[1], int) \
            else None
        key = ".".join(str(p) for p in (where[2:] if cell is not None else where))
        raise DeckError(f"{key or 'the notebook'} is not what Jupyter writes "
                        f"({' '.join(exc.message.split())[:160]})", where=display,
                        fix=f"correct that value in the {'cell' if cell is not None else 'notebook'}"
                        "'s metadata (Jupyter: the property inspector), or restore the deck from "
                        "git", cell=cell) from None
