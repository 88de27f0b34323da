"""The exported page, byte for byte, against a reviewed golden file.

Masked before comparing: the CSS that nbconvert and JupyterLab ship (it changes with their
versions, not with deckkit) and the random ids of the test's own cells.  Anything else that
changes the page — the template, a step, the notes, the reveal.js config — fails here until
the golden file is regenerated on purpose:

    DECKKIT_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/output/test_golden_page.py
and the diff is reviewed in git."""

import os
import re
from pathlib import Path

import pytest

from deckkit.commands.build import BuildOptions, build_project
from deckkit.model.project import Project
from helper import code, good_decks, md, write_project

pytestmark = pytest.mark.slow
GOLDEN = Path(__file__).parent / "golden"


def masked(page: str) -> str:
    page = re.sub(r'<style type="text/css">.*?</style>', '<style type="text/css">…</style>', page,
                  flags=re.DOTALL)
    # cells made by nbformat.v4.new_*_cell in helper.py get random ids; notes ids are stable
    return re.sub(r'id="cell-id=(?!notes-)[^"]*"', 'id="cell-id=…"', page)


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    root = tmp_path_factory.mktemp("golden")
    decks = good_decks()
    decks["B_agenda.ipynb"].cells += [
        md("## Diagram\n\n```mermaid\nflowchart LR\n  X[\"input\"] --> Y[\"logits\"]\n```", "slide",
           key="diagram"),
        code("print('hidden input')", "slide", tags=["remove-input"], key="printed"),
    ]
    notes = {"A_hero.md": "# A\n\n## intro · 1 min\nSay: hello\n\n## answer · 1 min\nDemo: x\n",
             "B_agenda.md": "# B\n\n## plan · 30 s\nx\n## more · 30 s\ny\n## diagram · 30 s\n"
                            "Ask: what flows? → tensors\n## printed · 30 s\nz\n"}
    write_project(root, decks, notes=notes)
    result = build_project(Project(root), BuildOptions(timeout=60))
    assert result.ok, result.findings
    return {p.name: masked(p.read_text(encoding="utf-8"))
            for p in (root / "build" / "html").glob("*.slides.html")}


@pytest.mark.parametrize("name", ["B_agenda.slides.html", "session.slides.html"])
def test_the_exported_page_matches_its_golden_file(pages, name):
    golden = GOLDEN / name
    if os.environ.get("DECKKIT_UPDATE_GOLDEN"):
        golden.write_text(pages[name], encoding="utf-8")
    assert golden.exists(), f"no golden file yet: run with DECKKIT_UPDATE_GOLDEN=1 ({golden})"
    expected = golden.read_text(encoding="utf-8")
    if pages[name] != expected:
        import difflib

        diff = "\n".join(list(difflib.unified_diff(expected.splitlines(), pages[name].splitlines(),
                                                   "golden", "built", lineterm=""))[:60])
        pytest.fail(f"{name} differs from {golden.name}:\n{diff}")
