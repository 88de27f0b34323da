"""`deckkit new DIR --title "…"`: a talk project of its own that checks, builds, presents and
shares with deckkit installed as a package — a title deck, one section with a code cell, their
speaker notes, decks/session.toml, a README and a CI workflow.  Nothing existing is touched."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from ..errors import DeckError
from ..model.committed import normalise
from ..model.layout import write_atomic
from ..model.schema import toml_string


@dataclass
class NewProject:
    root: Path
    written: list[Path] = field(default_factory=list)


def _cell(cell, slide_type: str, key: str | None = None):
    cell.metadata["slideshow"] = {"slide_type": slide_type}
    if key:
        cell.metadata["deckkit"] = {"key": key}
    return cell


def _deck(letter: str, label: str, cells) -> str:
    nb = new_notebook(cells=list(cells))
    nb.metadata["deckkit"] = {"section": letter}
    for number, cell in enumerate(nb.cells):  # fixed ids: the scaffold is the same every time
        cell["id"] = f"{letter.lower()}{number:02d}"
    return nbformat.writes(normalise(nb, label))


def new_project(root: Path, title: str) -> NewProject:
    title = " ".join(title.split()) if title else ""
    if not title or any(ord(c) < 32 for c in title):
        raise DeckError("the talk needs a title of one line", fix='deckkit new DIR --title '
                        '"Your talk"')
    root = Path(root)
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise DeckError(f"{root} exists and is not empty", fix="name a new folder; deckkit new "
                        "never writes over files")
    slug = "first_section"
    made = NewProject(root)

    def write(rel: str, text: str) -> None:
        made.written.append(write_atomic(root / rel, text))

    write("decks/session.toml", f"""# The talk's sections in presenting order: the build,
# `deckkit check` and the session deck read this file.  `minutes` is each section's
# budget; they add up to total_minutes.
title = {toml_string(title)}
total_minutes = 5
# materials_url = "https://example.org/course/"   # a link and QR code on the title slide
# notebooks_url = "https://github.com/OWNER/REPO/tree/main/notebooks"   # launch links

[[section]]
letter = "A"
slug = "title"
title = "Title"
minutes = 1

[[section]]
letter = "B"
slug = "{slug}"
title = "First section"
minutes = 4
""")
    write("decks/A_title.ipynb", _deck("A", "A · Title", [
        _cell(new_markdown_cell(f"# {title}\n\nYour name · the date"), "slide", "title")]))
    write(f"decks/B_{slug}.ipynb", _deck("B", "B · First section", [
        _cell(new_markdown_cell("# First section\n\nOne idea per slide; the notes say what "
                                "you say."), "slide", "first-idea"),
        _cell(new_markdown_cell("## A live cell"), "slide", "live-cell"),
        _cell(new_code_cell("squares = [n * n for n in range(10)]\nsum(squares)"), "-"),
    ]))
    write("speaker_notes/A_title.md", "# A · Title\n\n## title · 1 min\nWelcome; say what "
          "the talk is for and who it is for.\n")
    write(f"speaker_notes/B_{slug}.md", "# B · First section\n\n## first-idea · 2 min\nThe point "
          "of the slide, in the words you will use.\nAsk: What do you expect? → Take two "
          "answers.\n\n## live-cell · 2 min\nDemo: run the cell; the sum is 285.\n")
    write("README.md", f"""# {title}

Slides made with deckkit: each section is a notebook in
`decks/`, its speaker notes are in `speaker_notes/`, and `decks/session.toml` holds the order
and the minutes.

    deckkit check            # every deck, note and budget as it should be
    deckkit build            # build/html/: offline HTML decks with a speaker view (S)
    deckkit present B        # present section B live in JupyterLab with RISE
    deckkit share            # build/share/: the student package (no notes, no solutions)

Add a section: a `[[section]]` in `decks/session.toml`, its deck
`decks/<letter>_<slug>.ipynb` (a `metadata.deckkit.key` on each slide's first cell) and its
notes `speaker_notes/<letter>_<slug>.md` (one `## <key> · <n> min` heading per slide).
""")
    write(".gitignore", "build/\n.venv/\n.ipynb_checkpoints/\n")
    write(".github/workflows/decks.yml", """# Check and build the decks on every push; the built decks
# are kept as an artifact.
name: decks
on: [push, pull_request]
jobs:
  decks:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - name: Install deckkit (PyTorch's CPU build first, so no CUDA build is pulled)
        run: |
          pip install torch --index-url https://download.pytorch.org/whl/cpu
          pip install "${DECKKIT:-deckkit}"
        env:
          DECKKIT: deckkit   # where your deckkit comes from: git+https://… or a wheel
      - run: deckkit check
      - run: deckkit build
      - uses: actions/upload-artifact@v4
        with:
          name: decks
          path: build/html/
""")
    return made
