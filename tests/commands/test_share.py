"""The student package holds no speaker notes and no solutions; the solution runs in CI."""

import shutil

import nbformat
import pytest

from conftest import REPO
from deckkit.commands.share import build_share
from deckkit.execution.kernel import execute_notebook
from deckkit.model.project import Project
from helper import code, good_decks, write_project

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def share(tmp_path_factory):
    root = tmp_path_factory.mktemp("share")
    decks = good_decks()
    decks["B_agenda.ipynb"].cells.append(code("print('SECRET-SOLUTION')", tags=["solution"]))
    write_project(root, decks)
    shutil.copytree(REPO / "exercises", root / "exercises")
    result = build_share(Project(root), pdf=False)
    assert result.ok, result.findings
    return root / "build" / "share"


def test_student_decks_carry_no_notes_and_no_solutions(share):
    for page in (share / "html").glob("*.slides.html"):
        text = page.read_text()
        assert 'class="notes"' not in text and "SECRET-NOTE-A" not in text, page.name
        assert "SECRET-SOLUTION" not in text, page.name
        assert "data-timing" not in text
    assert (share / "html" / "assets" / "reveal" / "reveal.js").exists()


def test_student_exercise_has_the_starter_but_not_the_solution(share):
    nb = nbformat.read(str(share / "exercises" / "translate_classifier.ipynb"), as_version=4)
    sources = "\n".join(c.source for c in nb.cells)
    assert "self.embed = ___" in sources
    assert "nn.Embedding(10_000, 64)" not in sources
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
    assert all("skip-execution" not in c.metadata.get("tags", []) for c in nb.cells)


def test_the_exercise_solution_version_runs_and_passes_its_check(tmp_path):
    path = REPO / "exercises" / "translate_classifier.ipynb"
    result = execute_notebook(nbformat.read(str(path), as_version=4), "exercises/" + path.name,
                              path.parent, timeout=60)
    assert result.ok, result.findings
    assert "well done: (8, 2) 642146 parameters" in str(result.nb.cells[-2].outputs)
