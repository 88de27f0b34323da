"""After class: the share package holds every section as a notebook a student can run with
the package alone (its own copy of the demos, a requirements.txt), and `verify_run` proves it
the way a student would try it."""

import importlib.metadata
import json
import subprocess
import sys
import zipfile

import nbformat
import pytest

from deckkit.commands import student_kit
from deckkit.commands.share import build_share
from deckkit.commands.student_kit import (
    notebook_side,
    requirements,
    verify_run,
)
from deckkit.errors import DeckError
from deckkit.model.imports import PACKAGE
from deckkit.model.launch import launch_links
from deckkit.model.project import Project
from deckkit.model.session import load_session
from helper import SESSION, code, good_decks, write_project

URL = "https://github.com/teach-org/nn-course/tree/spring-2027/student"


def test_a_github_folder_gives_binder_and_colab_links_and_any_other_a_plain_one():
    binder, colab = launch_links(URL, "C_nn basics.ipynb")
    assert binder.url == ("https://mybinder.org/v2/gh/teach-org/nn-course/spring-2027"
                          "?labpath=student%2FC_nn%20basics.ipynb")
    assert colab.url == ("https://colab.research.google.com/github/teach-org/nn-course/blob/"
                         "spring-2027/student/C_nn%20basics.ipynb")
    top, = [link.url for link in launch_links("https://github.com/o/r.git", "A.ipynb")
            if link.label == "Colab"]
    assert top == "https://colab.research.google.com/github/o/r/blob/main/A.ipynb"
    assert [(link.label, link.url) for link in
            launch_links("https://lms.example.edu/course/nb/", "A.ipynb")] == [
        ("notebook", "https://lms.example.edu/course/nb/A.ipynb")]
    assert launch_links("", "A.ipynb") == []


def test_a_notebooks_url_that_is_not_a_web_address_is_refused_with_the_fix(tmp_path):
    (tmp_path / "session.toml").write_text(SESSION.replace(
        'title = "Test Talk"', 'title = "Test Talk"\nnotebooks_url = "github/me"'))
    with pytest.raises(DeckError, match="notebooks_url is 'github/me'") as caught:
        load_session(tmp_path)
    assert "https://github.com/OWNER/REPO/tree/main/notebooks" in caught.value.fix
    (tmp_path / "session.toml").write_text(SESSION.replace(
        'title = "Test Talk"', 'title = "Test Talk"\nnotebooks_url = 3'))
    with pytest.raises(DeckError, match="notebooks_url is 3"):
        load_session(tmp_path)


def test_the_demos_copied_for_students_are_the_notebook_side_and_never_build_code():
    files = {p.relative_to(PACKAGE).as_posix() for p in notebook_side({"demos", "figures",
                                                                       "agenda"})}
    assert {"__init__.py", "demos/__init__.py", "demos/compiled.py", "agenda.py", "figures.py",
            "model/__init__.py", "model/session.py", "model/facts.py", "model/files.py",
            "errors.py"} <= files
    assert not [f for f in files if f.split("/")[0] in ("commands", "execution", "output",
                                                       "steps", "checks")]
    assert "model/project.py" not in files and "cli.py" not in files


def test_requirements_pin_what_is_installed_and_leave_out_the_standard_library():
    numpy = importlib.metadata.version("numpy")
    lines = requirements({"numpy", "json", "not_a_module_anywhere"})
    assert lines[0] == f"numpy=={numpy}"
    assert [line.split("==")[0] for line in lines] == ["numpy", "jupyterlab", "ipykernel"]
    torch, = requirements({"torch"})[:1]
    assert torch == f"torch=={importlib.metadata.version('torch').split('+')[0]}"


def student_decks():
    """good_decks() with what a real section has: a set-up cell importing the demos, a cell
    that reads session.toml through deckkit.agenda, and a solution."""
    decks = good_decks()
    decks["B_agenda.ipynb"].cells[1:1] = [
        code("from deckkit.demos import device_info\nprint('device', device_info().kind)",
             "skip", tags=["remove-cell"]),
        code("from deckkit.agenda import agenda\nprint(len(agenda().session.sections), "
             "'sections')", tags=["remove-input"]),
    ]
    decks["B_agenda.ipynb"].cells.append(code("print('SECRET-SOLUTION')", tags=["solution"]))
    return decks


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    root = tmp_path_factory.mktemp("kit")
    session = SESSION.replace('title = "Test Talk"', f'title = "Test Talk"\nnotebooks_url = "{URL}"')
    write_project(root, student_decks(), session=session)
    (root / "exercises").mkdir()
    result = build_share(Project(root), pdf=False)
    assert result.ok, result.findings
    return root / "build" / "share"


@pytest.mark.slow
def test_each_section_is_a_notebook_with_its_outputs_its_set_up_and_no_solution(shared):
    nb = nbformat.read(str(shared / "notebooks" / "B_agenda.ipynb"), as_version=4)
    sources = [c.source for c in nb.cells]
    assert not any("SECRET-SOLUTION" in s for s in sources)
    colab, setup, listed = nb.cells[0], nb.cells[2], nb.cells[3]
    assert "google.colab" in colab.source and "teach-org/nn-course" in colab.source
    assert setup.metadata.tags == ["remove-cell"]
    assert setup.metadata.slideshow.slide_type == "skip"          # still presents as slides
    assert "device" in setup.outputs[0].text                       # the build's output, kept
    assert listed.outputs[0].text == "2 sections\n"
    assert nb.cells[1].metadata.deckkit.key == "plan"
    assert all("execution" not in c.metadata for c in nb.cells)
    nbformat.validate(nb)


@pytest.mark.slow
def test_the_closing_slide_and_the_readme_say_where_to_open_each_notebook_online(shared):
    page = (shared / "html" / "B_agenda.slides.html").read_text()
    assert "Run this section&#39;s notebook yourself" in page or \
        "Run this section's notebook yourself" in page
    assert "mybinder.org/v2/gh/teach-org/nn-course/spring-2027?labpath=student%2FB_agenda" in page
    readme = (shared / "README.txt").read_text()
    assert readme.startswith("Test Talk — ")                      # the talk's own title
    assert "colab.research.google.com/github/teach-org/nn-course/blob/spring-2027/student/" \
           "A_hero.ipynb" in readme
    commands = [line.strip() for line in readme.splitlines() if line.startswith("    ")]
    assert commands[:3] == ["python3 -m venv .venv",
                            ".venv/bin/python -m pip install -r requirements.txt",
                            ".venv/bin/jupyter lab notebooks"]
    assert commands[3].startswith("py -m venv") and len(commands) == 6  # three per system


@pytest.mark.slow
def test_the_copied_demos_import_from_the_package_alone_and_bring_no_build_code(shared):
    probe = ("import json, sys, deckkit.agenda\nfrom deckkit.demos import device_info\n"
             "print(json.dumps([deckkit.__file__,"
             " sorted(m for m in sys.modules if m.startswith('deckkit'))]))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=shared / "notebooks",
                          capture_output=True, text=True, check=True)
    where, modules = json.loads(done.stdout)
    assert where == str(shared / "notebooks" / "deckkit" / "__init__.py")
    build_code = ("commands", "execution", "output", "steps", "checks", "cli")
    assert not [m for m in modules if m.partition(".")[2].split(".")[0] in build_code]
    assert "deckkit.demos.device" in modules
    pins = (shared / "requirements.txt").read_text().splitlines()
    assert f"numpy=={importlib.metadata.version('numpy')}" in pins
    assert "torch==" + importlib.metadata.version("torch").split("+")[0] in pins
    assert (shared / "notebooks" / "session.toml").is_file()
    assert not (shared / "notebooks" / "deckkit" / "figures.py").exists()  # no deck imports it
    with zipfile.ZipFile(shared / "test-talk.zip") as archive:
        assert "test-talk/notebooks/deckkit/demos/device.py" in archive.namelist()


@pytest.mark.slow
def test_a_solution_that_slips_into_a_student_notebook_stops_the_share(tmp_path, monkeypatch):
    root = write_project(tmp_path, student_decks())
    monkeypatch.setattr(student_kit, "drop_solutions", lambda nb, ctx: (nb, []))  # a broken filter
    result = build_share(Project(root), pdf=False)
    leaks = [f for f in result.findings if f.code == "share-leak"]
    assert [f.deck for f in leaks] == ["build/share/notebooks/B_agenda.ipynb"]
    assert not (root / "build/share").exists()


@pytest.mark.slow
def test_verify_run_runs_every_notebook_from_the_unpacked_package(shared):
    lines = []
    report = verify_run(shared / "test-talk.zip", lines.append, python=sys.executable)
    assert report.findings == []
    assert report.verified == ["2 notebook(s), 5 code cell(s), run top to bottom from the "
                               "unpacked package alone: 0 failing cells"]
    assert any(line.startswith("share: ran notebooks/B_agenda.ipynb") for line in lines)


@pytest.mark.slow
def test_verify_run_names_the_notebook_and_cell_that_fails_for_a_student(shared, tmp_path):
    broken = tmp_path / "broken.zip"
    with zipfile.ZipFile(shared / "test-talk.zip") as old, zipfile.ZipFile(broken, "w") as new:
        for item in old.infolist():
            data = old.read(item)
            if item.filename.endswith("notebooks/B_agenda.ipynb"):
                nb = nbformat.reads(data.decode(), as_version=4)
                nb.cells.insert(4, code("from deckkit.demos import not_in_the_package"))
                nb.cells.insert(5, code("raise ValueError('the point')", tags=["raises-exception"]))
                data = nbformat.writes(nb).encode()
            new.writestr(item, data)
    report = verify_run(broken, python=sys.executable)
    assert [(f.deck, f.cell, f.code) for f in report.findings] == [
        ("broken.zip: notebooks/B_agenda.ipynb", 4, "student-run")]
    assert "AttributeError" in report.findings[0].message or \
        "ImportError" in report.findings[0].message
    assert "not_in_the_package" in str(report.findings[0])
