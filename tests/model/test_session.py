import pytest

from conftest import REPO
from deckkit.agenda import Agenda
from deckkit.errors import DeckError
from deckkit.model.project import Project
from deckkit.model.session import load_session
from helper import SESSION, write_project


def test_repo_session_lists_sections_a_to_k_and_sums_to_110_minutes():
    session = load_session(REPO / "decks")
    assert [s.letter for s in session.sections] == list("ABCDEFGHIJKQ")
    assert sum(s.minutes for s in session.sections) == 110
    assert [s.letter for s in session.sections if s.appendix] == ["Q"]
    assert session.total_minutes == 110


def test_when_session_file_is_missing_then_error_says_where_to_run(tmp_path):
    with pytest.raises(DeckError, match="project root or pass --root"):
        load_session(tmp_path)


def test_when_session_has_duplicate_letters_then_error_names_them(tmp_path):
    (tmp_path / "session.toml").write_text(SESSION + SESSION.split("\n", 2)[2])
    with pytest.raises(DeckError, match="A, B listed more than once"):
        load_session(tmp_path)


def test_unknown_section_lists_the_valid_ones(tmp_path):
    write_project(tmp_path, {})
    with pytest.raises(DeckError, match="has sections A, B"):
        Project(tmp_path).session().section("Q")


def test_agenda_clock_starts_accumulate_budgets():
    rows = Agenda(load_session(REPO / "decks")).rows()
    starts = {letter: start for letter, _, _, start in rows}
    assert starts["A"] == "0:00" and starts["B"] == "0:02" and starts["C"] == "0:03"
    assert starts["K"] == "1:33"
