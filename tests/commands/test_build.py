import hashlib
import re

import pytest

from deckkit.commands.build import BuildOptions, build_project
from deckkit.model.project import Project
from helper import NOTES, code, good_decks, md, write_project

pytestmark = pytest.mark.slow


def tree_digest(root, skip="build"):
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and skip not in p.parts}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("proj")
    decks = good_decks()
    decks["B_agenda.ipynb"].cells += [
        md("## Diagram\n\n```mermaid\nflowchart LR\n  X[\"input\"] --> Y[\"logits\"]\n```", "slide",
           key="diagram"),
        code("import matplotlib.pyplot as plt\nplt.plot([0, 1], [1, 0]); plt.show()", "slide",
             key="plot"),
        md("## Maths\n\n$p = \\frac{e^{z}}{\\sum_j e^{z_j}}$", "slide", key="maths"),
    ]
    notes = dict(NOTES, **{"B_agenda.md": "# B\n\n## plan · 30 s\nx\n## more · 30 s\ny\n"
                           "## diagram · 20 s\nz\n## plot · 20 s\nDemo: the plot\n"
                           "## maths · 20 s\nAsk: What is p? → a probability\n"})
    write_project(root, decks, notes=notes)
    before = tree_digest(root)
    progress = []
    result = build_project(Project(root), BuildOptions(timeout=60), progress=progress.append)
    return root, result, before, progress


def test_build_writes_every_section_deck_and_the_session_deck(built):
    root, result, _, _ = built
    assert result.ok, result.findings
    html = sorted(p.name for p in result.outputs if p.parent == root / "build" / "html")
    assert html == ["A_hero.slides.html", "B_agenda.slides.html", "session.slides.html"]
    assert root / "build" / "notes" / "run-sheet.html" in result.outputs


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
    result = build_project(Project(tmp_path), BuildOptions(timeout=30))
    assert not result.ok
    assert str(result.findings[0]).startswith(
        "decks/A_hero.ipynb cell 2 (\"raise ValueError('broken demo')\"): raised ValueError")
    assert not (tmp_path / "build" / "html" / "session.slides.html").exists()


def test_slides_carry_their_budget_and_the_deck_its_total_time(built):
    root, _, _, _ = built
    page = (root / "build" / "html" / "session.slides.html").read_text()
    assert 'data-timing="60"' in page and 'data-timing="20"' in page
    assert '"totalTime": 240' in page  # 4 minutes: the sum of every slide's budget


def test_run_sheet_lists_clock_budgets_questions_and_measured_demo_times(built):
    root, _, _, _ = built
    sheet = (root / "build" / "notes" / "run-sheet.html").read_text()
    assert "A · Hero" in sheet and "B · Agenda" in sheet and "0:02" in sheet
    assert "What is p?" in sheet and "a probability" in sheet
    assert "import matplotlib.pyplot as plt" in sheet and "s last build" in sheet


def test_each_deck_visits_each_stage_exactly_once(built):
    _, result, _, _ = built
    # the diagrams are drawn in a thread while the code runs: anywhere between the checks and
    # the finishing steps
    stages = ["check", "add_materials", "add_opener", "execute", "attach_notes", "label_section",
              "export"]
    for deck in ("A_hero", "B_agenda"):
        seen = [stage for name, stage in result.trace if name == deck]
        assert seen.count("render_diagrams") == 1
        drawn = seen.index("render_diagrams")
        assert seen.index("add_materials") < drawn < seen.index("attach_notes")
        assert [stage for stage in seen if stage != "render_diagrams"] == stages


def test_the_run_sheet_is_built_from_memory_without_reading_sources_again(tmp_path, monkeypatch):
    from deckkit.model import project as project_module

    write_project(tmp_path, good_decks())
    reads = []
    real = project_module.parse_notes
    monkeypatch.setattr(project_module, "parse_notes",
                        lambda text, path: reads.append(path.name) or real(text, path))
    assert build_project(Project(tmp_path), BuildOptions(timeout=60)).ok
    assert sorted(reads) == ["A_hero.md", "B_agenda.md"]  # once each, for every stage
    assert "SECRET" not in (tmp_path / "build/notes/run-sheet.html").read_text()
    assert "Why?" in (tmp_path / "build/notes/run-sheet.html").read_text()
