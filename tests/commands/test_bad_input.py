"""Every file deckkit reads, broken in the ways people break them: a finding or a message that
names the file and the fix, never a traceback, and sources left as they were."""

import json

import nbformat
import pytest

from deckkit.cli import main
from deckkit.commands.build import BuildOptions, build_project
from deckkit.commands.check import check_project
from deckkit.model.project import Project
from helper import NOTES, code, good_decks, md, write_project


def run(root, *args, capsys):
    status = main(["--root", str(root), *args])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return status, err


@pytest.mark.parametrize("name", ["decks/A_hero.ipynb", "speaker_notes/A_hero.md"])
def test_a_deck_or_notes_file_that_is_not_utf8_is_named_with_the_fix(tmp_path, capsys, name):
    write_project(tmp_path, good_decks())
    path = tmp_path / name
    path.write_bytes(path.read_bytes().replace(b"Test Talk", b"Test Talk \xe9t\xe9", 1)
                     if name.endswith("ipynb") else b"# A\n\n## intro \xb7 1 min\n")
    before = path.read_bytes()
    status, err = run(tmp_path, "check", capsys=capsys)
    assert status == 1
    assert f"{name}: is not UTF-8 text" in err and "save it as UTF-8" in err
    assert path.read_bytes() == before


def test_a_session_toml_that_is_not_utf8_stops_with_the_fix(tmp_path, capsys):
    write_project(tmp_path, good_decks())
    toml = tmp_path / "decks" / "session.toml"
    toml.write_bytes(toml.read_bytes().replace(b"Hero", b"H\xe9ro"))
    status, err = run(tmp_path, "check", capsys=capsys)
    assert status == 2 and "session.toml: is not UTF-8 text" in err


@pytest.mark.parametrize("blocker", ["build", "build/html"])
def test_a_file_where_build_needs_a_folder_is_named(tmp_path, capsys, blocker):
    write_project(tmp_path, good_decks())
    (tmp_path / blocker).parent.mkdir(exist_ok=True)
    (tmp_path / blocker).write_text("not a folder")
    status, err = run(tmp_path, "build", capsys=capsys)
    assert status == 2
    assert f"{tmp_path / blocker} is a file, not a folder" in err and "remove or rename" in err


def test_an_unwritable_output_names_the_path_and_the_fix(tmp_path, monkeypatch):
    import tempfile

    from deckkit.errors import DeckError
    from deckkit.model.layout import write_atomic

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", denied)
    with pytest.raises(DeckError) as caught:
        write_atomic(tmp_path / "build" / "html" / "x.slides.html", "<html>")
    assert caught.value.problem == "cannot be written (Permission denied)"
    assert "make build/ writable" in caught.value.fix


def test_an_iframe_to_the_web_fails_check_before_anything_runs(tmp_path, capsys):
    decks = good_decks()
    decks["B_agenda.ipynb"].cells.append(
        md('<iframe src="https://www.youtube.com/embed/xyz" width="560"></iframe>'))
    write_project(tmp_path, decks)
    status, err = run(tmp_path, "check", capsys=capsys)
    assert status == 1
    assert ('decks/B_agenda.ipynb cell 3 ("<iframe src=\\"https://www.youtube.com/embed/xyz\\"'
            not in err)  # the cell is named by its first line
    assert "cell 3" in err and "loads https://www.youtube.com/embed/xyz" in err
    assert "work offline" in err


@pytest.mark.slow
def test_a_cell_whose_output_loads_from_the_web_is_reported_and_its_page_not_written(tmp_path):
    decks = good_decks()
    decks["A_hero.ipynb"].cells.append(code(
        "from IPython.display import HTML\nHTML('<img src=\"https://example.org/x.png\">')"))
    write_project(tmp_path, decks)
    result = build_project(Project(tmp_path), BuildOptions(timeout=60))
    assert [f.code for f in result.findings] == ["external-resource"]
    assert result.findings[0].cell == 2
    assert not (tmp_path / "build/html/A_hero.slides.html").exists()


def test_a_truncated_exercise_is_a_finding_of_check_and_share(tmp_path, capsys):
    write_project(tmp_path, good_decks())
    (tmp_path / "exercises").mkdir()
    (tmp_path / "exercises" / "translate.ipynb").write_text('{"cells": [', encoding="utf-8")
    status, err = run(tmp_path, "check", capsys=capsys)
    assert status == 1 and "exercises/translate.ipynb: not valid JSON" in err


def test_an_internal_error_has_its_own_exit_code_and_no_traceback(tmp_path, capsys, monkeypatch):
    import deckkit.commands.check as check_module

    write_project(tmp_path, good_decks())

    def broken(*args, **kwargs):
        raise KeyError("oops")

    monkeypatch.setattr(check_module, "check_project", broken)
    status, err = run(tmp_path, "check", capsys=capsys)
    assert status == 70
    assert "internal error: KeyError" in err and "DECKKIT_DEBUG=1" in err


def test_an_nbformat_3_deck_is_called_old_not_rewritten_by_rise(tmp_path, capsys):
    write_project(tmp_path, good_decks())
    path = tmp_path / "decks" / "A_hero.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    path.write_text(nbformat.writes(nbformat.convert(nb, 3)))
    status, err = run(tmp_path, "check", capsys=capsys)
    assert status == 1
    assert "old notebook format (nbformat 3)" in err and "RISE" not in err


@pytest.mark.parametrize("name", ["C nn basics.ipynb", "C_réseaux.ipynb"])
def test_a_deck_name_outside_the_rule_gets_the_rule(tmp_path, capsys, name):
    session = ('title = "T"\ntotal_minutes = 1\n[[section]]\nletter = "C"\nslug = "nn_basics"\n'
               'title = "NN"\nminutes = 1\nplanned = true\n')
    write_project(tmp_path, {name: good_decks()["A_hero.ipynb"]}, session=session, notes={})
    status, err = run(tmp_path, "check", capsys=capsys)
    assert status == 1
    assert f"decks/{name}: is not read as a deck: a deck's file name is its section letter" in err


# -- what check accepts, build can do: metadata mistakes are caught before any code runs

MUTATIONS = {
    "inputs is a string": lambda nb: nb.metadata["deckkit"].update(inputs="data.csv"),
    "inputs holds a number": lambda nb: nb.metadata["deckkit"].update(inputs=[3]),
    "an input is missing": lambda nb: nb.metadata["deckkit"].update(inputs=["nope.csv"]),
    "exclusive is a word": lambda nb: nb.metadata["deckkit"].update(exclusive="yes"),
    "deckkit is a list": lambda nb: setattr(nb.metadata, "deckkit", ["A"]),
    "key is a number": lambda nb: nb.cells[1].metadata["deckkit"].update(key=7),
    "key has a space": lambda nb: nb.cells[1].metadata["deckkit"].update(key="the answer"),
    "cell deckkit is text": lambda nb: nb.cells[1].metadata.update(deckkit="answer"),
    "unknown kernel": lambda nb: nb.metadata.update(
        kernelspec={"name": "julia-1.9", "display_name": "Julia", "language": "julia"}),
    "tags is a string": lambda nb: nb.cells[1].metadata.update(tags="solution"),
    # accepted by check, so they must build
    "an input exists": lambda nb: nb.metadata["deckkit"].update(inputs=["data.csv"]),
    "exclusive is true": lambda nb: nb.metadata["deckkit"].update(exclusive=True),
    "an unknown deckkit field": lambda nb: nb.metadata["deckkit"].update(author="me"),
}
ACCEPTED = {"an input exists", "exclusive is true", "an unknown deckkit field"}


@pytest.mark.slow
@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_whatever_check_accepts_builds(tmp_path, mutation):
    decks = good_decks()
    MUTATIONS[mutation](decks["A_hero.ipynb"])
    notes = dict(NOTES)
    if "key" in mutation or "cell deckkit" in mutation:
        notes["A_hero.md"] = notes["A_hero.md"].replace("## answer", "## other")
    root = write_project(tmp_path, decks, notes=notes)
    (root / "decks" / "data.csv").write_text("x,y\n1,2\n")
    errors = [f for f in check_project(Project(root)) if f.severity == "error"]
    assert bool(errors) == (mutation not in ACCEPTED), [str(f) for f in errors]
    if errors:
        assert all(f.deck.startswith(("decks/A_hero", "speaker_notes/A_hero")) for f in errors)
        return
    result = build_project(Project(root), BuildOptions(timeout=60))
    assert result.ok, [str(f) for f in result.findings]
    assert json.loads((root / "build/notes/timings.json").read_text())


def test_a_session_toml_that_is_not_toml_names_the_line(tmp_path, capsys):
    write_project(tmp_path, good_decks())
    (tmp_path / "decks" / "session.toml").write_text('title = "T\n[[section]]\n')
    status, err = run(tmp_path, "check", capsys=capsys)
    assert status == 2 and "session.toml: not valid TOML" in err and "line 1" in err


@pytest.mark.slow
def test_damaged_stamps_and_timings_are_rebuilt_not_trusted(tmp_path, capsys):
    write_project(tmp_path, good_decks())
    assert build_project(Project(tmp_path), BuildOptions(timeout=60)).ok
    (tmp_path / "build/cache/stamps-presenter.json").write_text("[1, 2")
    (tmp_path / "build/notes/timings.json").write_text("{")
    status, err = run(tmp_path, "notes", capsys=capsys)
    assert status == 0
    again = build_project(Project(tmp_path), BuildOptions(timeout=60))
    assert again.ok and again.executed == []
    assert json.loads((tmp_path / "build/notes/timings.json").read_text())["A_hero"]
    assert json.loads((tmp_path / "build/cache/stamps-presenter.json").read_text())
