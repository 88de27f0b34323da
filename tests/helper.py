"""Build small decks and projects in memory or in a temporary folder."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook


def _tag(cell, slide_type, tags, key):
    cell.metadata["slideshow"] = {"slide_type": slide_type}
    if tags:
        cell.metadata["tags"] = list(tags)
    if key:
        cell.metadata["deckkit"] = {"key": key}
    return cell


def md(source: str, slide_type: str = "-", tags=(), key=None) -> nbformat.NotebookNode:
    return _tag(new_markdown_cell(source), slide_type, tags, key)


def code(source: str, slide_type: str = "-", tags=(), key=None) -> nbformat.NotebookNode:
    return _tag(new_code_cell(source), slide_type, tags, key)


LABELS = {"A": "A · Hero", "B": "B · Agenda"}


def make_nb(letter: str, cells) -> nbformat.NotebookNode:
    """A deck in its committed (normalised) form."""
    from deckkit.model.committed import normalise

    nb = new_notebook(cells=list(cells))
    nb.metadata["deckkit"] = {"section": letter}
    return normalise(nb, LABELS.get(letter, letter))


SESSION = """title = "Test Talk"
total_minutes = 4
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


NOTES = {
    "A_hero.md": "# A · Hero\n\n## intro · 1 min\nSay: SECRET-NOTE-A\n"
                 "Ask: Why? → Because.\n\n## answer · 1 min\nDemo: run it\n",
    "B_agenda.md": "# B · Agenda\n\n## plan · 90 s\n- a point\n\n## more · 30 s\n- done\n",
}


def write_project(root: Path, decks: dict[str, nbformat.NotebookNode],
                  session: str = SESSION, notes: dict[str, str] | None = None) -> Path:
    """A project folder with decks/session.toml, the given decks (file name -> notebook) and
    speaker notes (file name -> text; default: notes matching good_decks())."""
    (root / "decks").mkdir(parents=True, exist_ok=True)
    (root / "speaker_notes").mkdir(parents=True, exist_ok=True)
    (root / "decks" / "session.toml").write_text(session, encoding="utf-8")
    for name, nb in decks.items():
        nbformat.write(nb, str(root / "decks" / name))
    for name, text in (NOTES if notes is None else notes).items():
        (root / "speaker_notes" / name).write_text(text, encoding="utf-8")
    return root


def good_decks() -> dict[str, nbformat.NotebookNode]:
    """Two small decks that pass every check: A opens with the talk title."""
    a = make_nb("A", [md("# Test Talk\n\nhello", "slide", key="intro"),
                      code("x = 6 * 7\nx", "subslide", key="answer")])
    b = make_nb("B", [md("# Agenda", "slide", key="plan"), md("two", "fragment"),
                      md("## More", "slide", key="more")])
    return {"A_hero.ipynb": a, "B_agenda.ipynb": b}


def pids_with(marker: str) -> list[str]:
    """Pids of running processes whose command line contains ``marker`` (Linux /proc)."""
    import os

    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if marker.encode() in open(f"/proc/{pid}/cmdline", "rb").read():
                found.append(pid)
        except OSError:
            continue  # ended while we looked
    return found


# the eight payloads of issue 30 (each calls evil(n)), as markdown a slide could hold
PAYLOADS = [
    "<scr<script></script>ipt>evil(1)</scr<script></script>ipt>",
    '<img alt=">" src=x onerror=evil(2)>',
    "<details open/ontoggle=evil(3)>more</details>",
    '<iframe srcdoc="&lt;script&gt;parent.evil(4)&lt;/script&gt;"></iframe>',
    "[click](javascript:evil(5))",
    '<a href="data:text/html,&lt;script&gt;evil(6)&lt;/script&gt;">data link</a>',
    "<svg><script>evil(7)</script><rect width='1' height='1'/></svg>",
    '<math><a xlink:href="javascript:evil(8)">x</a></math>',
]
