import json
import shutil

import pytest

from conftest import REPO
from deckkit.cli import main
from helper import code, good_decks, write_project


def test_check_exits_zero_on_good_decks(tmp_path, capsys):
    write_project(tmp_path, good_decks())
    assert main(["--root", str(tmp_path), "check"]) == 0
    assert "all decks pass" in capsys.readouterr().err


def test_check_exits_nonzero_and_prints_findings_without_traceback(tmp_path, capsys):
    decks = good_decks()
    decks["B_agenda.ipynb"].cells[1].metadata["slideshow"]["slide_type"] = "bogus"
    write_project(tmp_path, decks)
    assert main(["--root", str(tmp_path), "check"]) == 1
    err = capsys.readouterr().err
    assert 'decks/B_agenda.ipynb cell 1 ("two"): unknown slide_type "bogus"' in err
    assert "Traceback" not in err


def test_malformed_deck_fails_check_and_build_and_is_left_as_it_was(tmp_path, capsys):
    write_project(tmp_path, good_decks())
    bad = tmp_path / "decks" / "A_hero.ipynb"
    bad.write_text("{not json")
    assert main(["--root", str(tmp_path), "check"]) == 1
    assert main(["--root", str(tmp_path), "build"]) == 1
    err = capsys.readouterr().err
    assert "decks/A_hero.ipynb: not valid JSON at line 1" in err and "Traceback" not in err
    assert bad.read_text() == "{not json"
    assert not (tmp_path / "build" / "html" / "session.slides.html").exists()


def test_no_project_gives_a_clear_message_and_exit_2(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["check"]) == 2
    assert "no decks/session.toml" in capsys.readouterr().err


@pytest.mark.slow
def test_check_execute_names_deck_and_cell_of_a_raising_cell(tmp_path, capsys):
    decks = good_decks()
    decks["B_agenda.ipynb"].cells.append(code("1 / 0"))
    write_project(tmp_path, decks)
    assert main(["--root", str(tmp_path), "check"]) == 0
    assert main(["--root", str(tmp_path), "check", "--execute", "--timeout", "20"]) == 1
    err = capsys.readouterr().err
    assert 'decks/B_agenda.ipynb cell 3 ("1 / 0"): raised ZeroDivisionError' in err
    assert "Traceback" not in err


@pytest.mark.slow
def test_check_execute_reports_a_hanging_cell(tmp_path, capsys):
    decks = good_decks()
    decks["A_hero.ipynb"].cells.append(code("while True:\n    pass"))
    write_project(tmp_path, decks)
    assert main(["--root", str(tmp_path), "check", "--execute", "--timeout", "2"]) == 1
    assert 'decks/A_hero.ipynb cell 2 ("while True:"): still running after the 2 s' in (
        capsys.readouterr().err)


def test_clean_strips_outputs_so_check_passes(tmp_path, capsys):
    write_project(tmp_path, good_decks())
    path = tmp_path / "decks" / "A_hero.ipynb"
    raw = json.loads(path.read_text())
    raw["cells"][1]["execution_count"] = 1
    raw["cells"][1]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "x"}]
    path.write_text(json.dumps(raw))
    assert main(["--root", str(tmp_path), "check"]) == 1
    assert main(["--root", str(tmp_path), "clean"]) == 0
    assert main(["--root", str(tmp_path), "check"]) == 0


def test_notes_prints_the_run_sheet_with_clock_and_questions(tmp_path, capsys):
    write_project(tmp_path, good_decks())
    assert main(["--root", str(tmp_path), "notes"]) == 0
    out = capsys.readouterr()
    assert "0:00  A · Hero  (2 min)" in out.out and "0:02  B · Agenda  (2 min)" in out.out
    assert "? Why?  → Because." in out.out
    assert "demo timings appear after `deckkit build`" in out.err


def test_warnings_alone_do_not_fail_check(tmp_path, capsys):
    import json

    write_project(tmp_path, good_decks())
    timings = tmp_path / "build" / "notes" / "timings.json"
    timings.parent.mkdir(parents=True)
    timings.write_text(json.dumps({"A_hero": [{"cell": 1, "slide": "answer", "source": "x",
                                               "seconds": 99.0}]}))
    assert main(["--root", str(tmp_path), "check"]) == 0
    assert 'warning: decks/A_hero.ipynb: slide "answer": its code took 99.0 s' in (
        capsys.readouterr().err)


def test_figures_are_written_and_deterministic(tmp_path):
    from PIL import Image

    from deckkit.figures import figures as drawers
    from deckkit.figures import png_bytes

    write_project(tmp_path, good_decks())
    assert sorted(drawers(tmp_path / "decks")) == ["loss_curves.png"]  # no dated facts: no timeline
    shutil.copy(REPO / "decks" / "facts.toml", tmp_path / "decks" / "facts.toml")
    assert sorted(drawers(tmp_path / "decks")) == ["loss_curves.png", "timeline.png"]
    figures = tmp_path / "figures"
    assert main(["--root", str(tmp_path), "figures"]) == 0
    assert sorted(p.name for p in figures.iterdir()) == ["loss_curves.png", "timeline.png"]
    with Image.open(figures / "loss_curves.png") as image:   # a chart, not an empty canvas
        assert image.width > 800 and image.height > 400
        assert len(image.convert("RGB").getcolors(1 << 20)) > 50
    # the timeline drawn again in this process: byte for byte what the command wrote
    again = png_bytes(drawers(tmp_path / "decks")["timeline.png"]())
    assert again == (figures / "timeline.png").read_bytes()


def test_clean_writes_a_linked_deck_where_it_lives_and_keeps_the_link(tmp_path):
    from helper import good_decks, write_project

    root = write_project(tmp_path / "talk", good_decks())
    shared = tmp_path / "shared_decks"
    shared.mkdir()
    deck = root / "decks" / "A_hero.ipynb"
    target = shared / "A_hero.ipynb"
    deck.rename(target)
    deck.symlink_to(target)
    raw = json.loads(target.read_text())
    raw["cells"][1]["execution_count"] = 3   # what a run in Jupyter leaves behind
    raw["cells"][1]["outputs"] = [{"output_type": "execute_result", "execution_count": 3,
                                   "data": {"text/plain": "42"}, "metadata": {}}]
    target.write_text(json.dumps(raw))
    assert main(["--root", str(root), "clean"]) == 0
    assert deck.is_symlink() and deck.resolve() == target
    assert json.loads(target.read_text())["cells"][1]["outputs"] == []


def test_build_and_check_share_their_running_options_and_refuse_a_bad_value(tmp_path, capsys):
    write_project(tmp_path, good_decks())
    for command in ("build", "check"):
        for flag, value, said in (("--timeout", "0", "0 is not above zero"),
                                  ("--workers", "two", "'two' is not a number"),
                                  ("--max-output-mb", "-1", "-1 is not above zero")):
            with pytest.raises(SystemExit) as stop:
                main(["--root", str(tmp_path), command, flag, value])
            assert stop.value.code == 2
            err = capsys.readouterr().err
            assert f"argument {flag}: {said}" in err and "Traceback" not in err
        assert "--max-output-mb" in _help(command, capsys)
    assert not (tmp_path / "build").exists()  # nothing ran


def _help(command: str, capsys) -> str:
    with pytest.raises(SystemExit):
        main([command, "--help"])
    return capsys.readouterr().out
