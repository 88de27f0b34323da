"""Build small decks and projects in memory or in a temporary folder."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook


def md(source: str, slide_type: str = "-", tags=()) -> nbformat.NotebookNode:
    cell = new_markdown_cell(source)
    cell.metadata["slideshow"] = {"slide_type": slide_type}
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def code(source: str, slide_type: str = "-", tags=()) -> nbformat.NotebookNode:
    cell = new_code_cell(source)
    cell.metadata["slideshow"] = {"slide_type": slide_type}
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def make_nb(letter: str, cells) -> nbformat.NotebookNode:
    nb = new_notebook(cells=list(cells))
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.metadata["deckkit"] = {"section": letter}
    return nb


SESSION = """title = "Test Talk"
total_minutes = 5
buffer_minutes = 1
[[section]]
letter = "A"
slug = "hero"
title = "Hero"
minutes = 2
[[section]]
letter = "B"
slug = "agenda"
title = "Agenda"
minutes = 2
"""


def write_project(root: Path, decks: dict[str, nbformat.NotebookNode],
                  session: str = SESSION) -> Path:
    """A project folder with decks/session.toml and the given decks (file name -> notebook)."""
    (root / "decks").mkdir(parents=True, exist_ok=True)
    (root / "decks" / "session.toml").write_text(session, encoding="utf-8")
    for name, nb in decks.items():
        nbformat.write(nb, str(root / "decks" / name))
    return root


def good_decks() -> dict[str, nbformat.NotebookNode]:
    """Two small decks that pass every check: A opens with the talk title."""
    a = make_nb("A", [md("# Test Talk\n\nhello", "slide"), md("SECRET-NOTE-A", "notes"),
                      code("x = 6 * 7\nx", "subslide")])
    b = make_nb("B", [md("# Agenda", "slide"), md("two", "fragment")])
    return {"A_hero.ipynb": a, "B_agenda.ipynb": b}
