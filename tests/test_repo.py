"""The repository's own session: every section present, every code cell runs, budgets add up."""

import pytest

from conftest import REPO, copy_of_repo
from deckkit.commands.check import check_project
from deckkit.model.project import Project
from deckkit.output.runsheet import load_timings

pytestmark = pytest.mark.slow


def test_repo_decks_pass_every_static_check(tmp_path, repo_diagrams):
    project = Project(copy_of_repo(tmp_path, repo_diagrams))
    assert [str(f) for f in check_project(project) if f.severity == "error"] == []


def test_every_deck_of_the_session_builds_with_every_cell_run(repo_build):
    root, result = repo_build
    session = Project(root).session()
    built = sorted(p.name for p in result.outputs if p.name.endswith(".slides.html"))
    assert built == sorted([f"{s.stem}.slides.html" for s in session.sections]
                           + ["session.slides.html"])
    assert [f for f in result.findings if f.severity == "error"] == []


def test_live_demos_fit_their_slide_budgets(repo_build):
    root, result = repo_build
    assert [str(f) for f in result.findings if f.code == "demo-over-budget"] == []
    timings = load_timings(Project(root).build)
    slides = {t["slide"] for deck in timings.values() for t in deck}
    # every live demo's duration is recorded for the run sheet and doctor (how long they may
    # take is a benchmark's business: benchmarks/build.py, benchmarks/demos.py)
    assert {"f-demo", "f-demo-table", "h-era4", "h-era4-grads", "h-era6"} <= slides


def test_the_exercise_solution_runs_and_prints_the_logit_shape(repo_build):
    import nbformat

    root, _ = repo_build
    page = (root / "build" / "html" / "K_course_note.slides.html").read_text()
    assert "torch.Size([8, 2])" in page
    nb = nbformat.read(str(REPO / "decks" / "K_course_note.ipynb"), as_version=4)
    assert any("solution" in c.metadata.get("tags", []) for c in nb.cells)
