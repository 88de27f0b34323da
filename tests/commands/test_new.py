"""`deckkit new`: a second talk, scaffolded outside this repository, checks and builds with
deckkit as an installed package; its title is the talk's everywhere."""

import pytest

from deckkit.cli import main


@pytest.mark.slow
def test_a_new_talk_checks_and_builds_outside_the_repository(tmp_path, capsys, monkeypatch):
    talk = tmp_path / "elsewhere" / "cats"
    title = 'Cats: "A" Talk → 101'
    assert main(["new", str(talk), "--title", title]) == 0
    assert (talk / ".github/workflows/decks.yml").is_file() and (talk / "README.md").is_file()
    monkeypatch.chdir(talk)  # as an instructor runs it: from the talk's own folder
    assert main(["check"]) == 0
    assert main(["build"]) == 0
    page = (talk / "build/html/session.slides.html").read_text()
    assert f"<title>{title.replace(chr(34), '&quot;')}" in page or f"<title>{title}" in page
    assert "285" in (talk / "build/html/B_first_section.slides.html").read_text()  # ran
    capsys.readouterr()
    with pytest.raises(SystemExit):
        main(["--help"])
    assert f"This project: {title}" in capsys.readouterr().out


def test_new_never_writes_over_files_and_wants_a_one_line_title(tmp_path, capsys):
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.md").write_text("mine")
    assert main(["new", str(tmp_path / "taken"), "--title", "T"]) == 2
    assert "exists and is not empty" in capsys.readouterr().err
    assert (tmp_path / "taken" / "notes.md").read_text() == "mine"
    assert main(["new", str(tmp_path / "fresh"), "--title", "two\nlines"]) == 0
    assert 'title = "two lines"' in (tmp_path / "fresh/decks/session.toml").read_text()
    capsys.readouterr()
    for bad in (" ", "a\x00b", "bell\x07"):
        assert main(["new", str(tmp_path / "none"), "--title", bad]) == 2
        assert "title of one line" in capsys.readouterr().err
    assert not (tmp_path / "none").exists()
