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
    timings = load_timings(Project(root).layout)
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


def _outputs_text(page) -> str:
    from html.parser import HTMLParser

    class Outputs(HTMLParser):
        def __init__(self):
            super().__init__()
            self.depth, self.text = 0, []

        def handle_starttag(self, tag, attrs):
            classes = dict(attrs).get("class") or ""
            if self.depth or "jp-OutputArea-output" in classes:
                self.depth += 1

        def handle_endtag(self, tag):
            self.depth = max(self.depth - 1, 0)

        def handle_data(self, data):
            if self.depth:
                self.text.append(data)

    reader = Outputs()
    reader.feed(page.read_text(encoding="utf-8"))
    return " ".join(reader.text)


def test_printed_floats_are_rounded_for_the_room(repo_build):
    """A room cannot read 1.6253387928009033: every number a cell prints is rounded."""
    import re

    root, _ = repo_build
    pages = sorted((root / "build" / "html").glob("[A-Z]_*.slides.html"))
    assert [p.name for p in pages] == sorted(
        f"{r.name}.slides.html" for r in Project(root).resolve().records)  # every deck's page
    for page in pages:
        long = re.findall(r"\d\.0*[1-9]\d{4,}", _outputs_text(page))
        assert not long, f"{page.name} prints unrounded numbers: {long[:3]}"


def test_the_numbers_the_slides_state_are_the_ones_the_code_makes(repo_build):
    """Each number a fragment explains is tied to the code that makes it: the 5 % of flipped
    labels (the accuracy's ceiling) and σ = 0.3 (the loss floor σ² = 0.09)."""
    import inspect
    import re

    from deckkit.demos.training import make_text_dataset

    root, _ = repo_build
    html = root / "build" / "html"
    era5 = (html / "H_era_cards.slides.html").read_text(encoding="utf-8")
    flipped = int(re.search(r"(\d+) % of the labels are flipped", era5).group(1))
    noise = inspect.signature(make_text_dataset).parameters["label_noise"].default
    assert flipped == round(100 * noise) and f"label_noise={noise}" in era5
    accuracy = float(re.search(r"validation accuracy ([\d.]+)%", _outputs_text(
        html / "H_era_cards.slides.html")).group(1))
    assert 100 - flipped - 3 <= accuracy <= 100 - flipped + 2   # at the ceiling, not above it
    loop = re.sub(r"<[^>]+>", "", (html / "E_training_loop.slides.html").read_text("utf-8"))
    sigma = float(re.search(r"noise: σ = ([\d.]+)", loop).group(1))
    assert loop.count(f"{sigma} * torch.randn") >= 2   # the loop's data, and the floor's cell
    assert f"about σ² = {sigma ** 2:.2f}" in loop
    assert f"plot.residuals(model, noise={sigma} ** 2)" in loop   # the chart's floor
    ours, true = map(float, re.search(r"ours ([\d.]+) · true line ([\d.]+)", _outputs_text(
        html / "E_training_loop.slides.html")).groups())
    stated = sigma ** 2
    assert abs(ours - stated) < 0.03 and abs(true - stated) < 0.03   # measured, at the floor
