import hashlib
import re

import pytest

from deckkit.build import build_project
from deckkit.project import Project
from helper import code, good_decks, md, write_project

pytestmark = pytest.mark.slow


def tree_digest(root, skip="build"):
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and skip not in p.parts}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("proj")
    decks = good_decks()
    decks["B_agenda.ipynb"].cells += [
        md("## Diagram\n\n```mermaid\nflowchart LR\n  X[\"input\"] --> Y[\"logits\"]\n```", "slide"),
        code("import matplotlib.pyplot as plt\nplt.plot([0, 1], [1, 0]); plt.show()", "slide"),
        md("## Maths\n\n$p = \\frac{e^{z}}{\\sum_j e^{z_j}}$", "slide"),
    ]
    write_project(root, decks)
    before = tree_digest(root)
    progress = []
    result = build_project(Project(root), timeout=60, progress=progress.append)
    return root, result, before, progress


def test_build_writes_every_section_deck_and_the_session_deck(built):
    root, result, _, _ = built
    assert result.ok, result.findings
    names = sorted(p.name for p in result.outputs)
    assert names == ["A_hero.slides.html", "B_agenda.slides.html", "session.slides.html"]
    assert all(p.parent == root / "build" / "html" for p in result.outputs)


def test_build_never_changes_sources_and_writes_only_under_build(built):
    root, _, before, _ = built
    assert tree_digest(root) == before


def test_built_page_loads_nothing_from_the_network(built):
    root, _, _, _ = built
    page = (root / "build" / "html" / "session.slides.html").read_text()
    refs = re.findall(r'(?:src|href)\s*=\s*["\']([^"\']+)', page)
    remote = [r for r in refs if re.match(r"(https?:)?//", r)]
    assert remote == []
    text = re.sub(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=]+", "", page)
    assert "require.js" not in text and "unpkg" not in text and "cdnjs" not in text
    for rel in ("reveal/reveal.js", "reveal/plugin/notes/notes.js", "mathjax/MathJax.js"):
        assert (root / "build" / "html" / "assets" / rel).is_file()


def test_notes_are_speaker_notes_and_diagrams_are_prerendered(built):
    root, _, _, _ = built
    page = (root / "build" / "html" / "session.slides.html").read_text()
    assert re.search(r'<aside class="notes">.*SECRET-NOTE-A', page, re.DOTALL)
    assert "```mermaid" not in page and 'src="data:image/svg+xml;base64,' in page
    assert 'data-section="B · Agenda"' in page
    assert "data:image/png;base64," in page  # the plot


def test_build_reports_progress_per_deck_and_step(built):
    _, _, _, progress = built
    assert "[1/2] A_hero: executing" in progress
    assert "[2/2] B_agenda: exporting slides" in progress
    assert any(p.startswith("session:") for p in progress)


def test_a_raising_cell_stops_that_deck_and_the_session_deck(tmp_path):
    decks = good_decks()
    decks["A_hero.ipynb"].cells.append(code("raise ValueError('broken demo')"))
    write_project(tmp_path, decks)
    result = build_project(Project(tmp_path), timeout=30)
    assert not result.ok
    assert str(result.findings[0]).startswith(
        "decks/A_hero.ipynb cell 3 (\"raise ValueError('broken demo')\"): raised ValueError")
    assert not (tmp_path / "build" / "html" / "session.slides.html").exists()
