"""`deckkit adopt`: RISE's own example notebooks become decks of this project in one step."""

import re
import shutil
import tomllib

import nbformat
import pytest

from conftest import REPO, copy_of_repo, copy_of_tiny
from deckkit.commands.adopt import adopt, share_out
from deckkit.commands.check import check_project
from deckkit.errors import DeckError
from deckkit.model.project import Project

RISE = REPO / "tests" / "fixtures" / "rise"


def _with_examples(root, tmp_path):
    for name in ("README.ipynb", "showflow.ipynb"):
        shutil.copy(RISE / name, tmp_path / name)
    return Project(root)


@pytest.fixture
def project(tmp_path, repo_diagrams):
    return _with_examples(copy_of_repo(tmp_path / "repo", repo_diagrams), tmp_path)


def test_rises_examples_fail_the_check_as_they_are(project, tmp_path):
    """What adopt is for: dropped into decks/ by hand, RISE's examples are 30+ findings."""
    shutil.copy(tmp_path / "README.ipynb", project.decks_dir / "R_readme.ipynb")
    shutil.copy(tmp_path / "showflow.ipynb", project.decks_dir / "S_showflow.ipynb")
    session = project.decks_dir / "session.toml"
    session.write_text(session.read_text().replace("total_minutes = 110", "total_minutes = 120")
                       + '\n[[section]]\nletter = "R"\nslug = "readme"\ntitle = "RISE"\n'
                       'minutes = 5\n\n[[section]]\nletter = "S"\nslug = "showflow"\n'
                       'title = "Showflow"\nminutes = 5\n')
    findings = check_project(project)
    assert len(findings) > 30 and {"unknown-slide-type", "committed-output",
                                   "section-metadata"} <= {f.code for f in findings}


def test_both_examples_are_adopted_and_then_check_without_a_finding(project, tmp_path):
    originals = {n: (tmp_path / n).read_bytes() for n in ("README.ipynb", "showflow.ipynb")}
    readme = adopt(project, tmp_path / "README.ipynb", "R")
    flow = adopt(project, tmp_path / "showflow.ipynb", "S", minutes=4)
    assert {n: (tmp_path / n).read_bytes() for n in originals} == originals  # only read
    # this session asks each slide for a takeaway, which only the author can write: adopt says
    # so, and check names exactly those slides, nothing else
    found = check_project(project)
    assert {f.code for f in found} == {"missing-takeaway"}
    assert len(found) == readme.slides + flow.slides
    assert any("add `Takeaway: …` under each of the" in c for c in readme.changes)

    deck = nbformat.read(str(readme.deck), as_version=4)
    kinds = {c.metadata.get("slideshow", {}).get("slide_type") for c in deck.cells}
    assert "" not in kinds and "notes" not in kinds and None not in kinds
    assert deck.nbformat_minor >= 5 and all(c.get("id") for c in deck.cells)
    assert not [c for c in deck.cells if c.cell_type == "code" and c.outputs]
    assert deck.metadata["deckkit"] == {"section": "R"} and "jupytext" not in deck.metadata
    assert any('slide_type "" (unset)' in c for c in readme.changes)

    notes = flow.notes.read_text()
    assert "Some note to see how it gets rendered" in notes  # its notes cell, moved
    budgets = [float(m) for m in re.findall(r"^## \S+ · ([\d.]+) min$", notes, re.M)]
    assert len(budgets) == flow.slides and sum(budgets) == 4

    session = tomllib.loads((project.decks_dir / "session.toml").read_text())
    letters = [s["letter"] for s in session["section"]]
    assert letters[-3:] == ["R", "S", "Q"]  # before the appendix
    assert session["total_minutes"] == 110 + readme.minutes + 4


def test_adopt_refuses_a_taken_letter_and_never_overwrites(project, tmp_path):
    with pytest.raises(DeckError, match="section C is already in decks/session.toml"):
        adopt(project, tmp_path / "showflow.ipynb", "C")
    stray = project.notes_dir / "T_showflow.md"
    stray.write_text("# notes someone is writing\n")
    before = (project.decks_dir / "session.toml").read_text()
    with pytest.raises(DeckError, match="speaker_notes/T_showflow.md: already exists"):
        adopt(project, tmp_path / "showflow.ipynb", "T", slug="showflow")
    assert (project.decks_dir / "session.toml").read_text() == before
    assert stray.read_text() == "# notes someone is writing\n"
    assert not (project.decks_dir / "T_showflow.ipynb").exists()


def test_budgets_are_shared_in_half_minutes_and_a_budget_too_small_is_refused():
    assert share_out(4, 7) == [1.0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]
    assert sum(share_out(13, 13)) == 13
    with pytest.raises(DeckError, match="pass --minutes 3.5 or more"):
        share_out(2, 7)


@pytest.mark.slow
def test_the_adopted_examples_build(tiny_build, tmp_path):
    """Into the small built test project: session.toml is every deck's input, so adopting
    re-executes all of a project's decks, and the repository's take minutes."""
    pytest.importorskip("ipywidgets", reason="RISE's README example uses ipywidgets")
    from deckkit.commands.build import BuildOptions, build_project

    project = _with_examples(copy_of_tiny(tiny_build, tmp_path / "tiny"), tmp_path)
    adopt(project, tmp_path / "README.ipynb", "R")
    adopt(project, tmp_path / "showflow.ipynb", "S")
    result = build_project(project, BuildOptions(timeout=120))
    assert result.ok, [str(f) for f in result.findings]
    assert sorted(result.executed) == ["A_hero", "B_agenda", "R_turn_your_notebooks_into",
                                       "S_the_first_page_does_not_need_a"]
    page = project.layout.page("S_the_first_page_does_not_need_a").read_text()
    title = project.session().section("S").title
    assert title.startswith("The first page") and title in page   # the adopted slides
    assert 'class="notes"' in page   # with the notes cells moved into speaker notes


def test_a_heading_or_title_with_control_characters_still_leaves_a_readable_session(tmp_path):
    from deckkit.model.session import load_session
    from helper import good_decks, write_project

    project = Project(write_project(tmp_path / "talk", good_decks()))
    talk = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Bells\x07 and \x00nulls \"quoted\" \\ too"),
        nbformat.v4.new_markdown_cell("## Next")])
    for cell in talk.cells:
        cell.metadata["slideshow"] = {"slide_type": "slide"}
    source = tmp_path / "talk.ipynb"
    nbformat.write(talk, str(source))
    adopt(project, source, "T", minutes=2)
    adopt(project, source, "U", title="two\nlines", slug="second", minutes=2)
    titles = [s.title for s in load_session(project.decks_dir).sections]
    assert titles[-2:] == ['Bells and nulls "quoted" \\ too', "two lines"]
    assert tomllib.loads((project.decks_dir / "session.toml").read_text())["total_minutes"] == 8
