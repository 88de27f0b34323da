"""Project.resolve(): one record per deck, everything a stage needs, read once."""

import pytest

from deckkit.errors import DeckError, Finding
from deckkit.model import project as project_module
from deckkit.model.project import Project, find_project
from helper import NOTES, good_decks, write_project


def test_records_come_in_session_order_with_section_notes_and_inputs(tmp_path):
    resolved = Project(write_project(tmp_path, good_decks())).resolve()
    assert [r.name for r in resolved.records] == ["A_hero", "B_agenda"]
    b = resolved.record("b")
    assert b.section.label == "B · Agenda" and b.display == "decks/B_agenda.ipynb"
    assert b.budgets == {"plan": 90, "more": 30}
    assert b.notes_text == NOTES["B_agenda.md"]
    assert b.inputs == (tmp_path / "decks" / "session.toml",)
    assert resolved.findings == []


def test_each_deck_and_notes_file_is_read_exactly_once(tmp_path, monkeypatch):
    write_project(tmp_path, good_decks())
    reads = []
    real_read, real_parse = project_module.read_deck, project_module.parse_notes
    monkeypatch.setattr(project_module, "read_deck", lambda p: reads.append(p.name) or real_read(p))
    monkeypatch.setattr(project_module, "parse_notes",
                        lambda text, p: reads.append(p.name) or real_parse(text, p))
    Project(tmp_path).resolve()
    assert sorted(reads) == ["A_hero.ipynb", "A_hero.md", "B_agenda.ipynb", "B_agenda.md"]


def test_a_missing_or_broken_notes_file_is_kept_as_an_error_with_its_fix(tmp_path):
    notes = {"B_agenda.md": "# B\n\n## plan\n"}
    resolved = Project(write_project(tmp_path, good_decks(), notes=notes)).resolve()
    missing, broken = (r.notes_error for r in resolved.records)
    assert missing.where == "speaker_notes/A_hero.md" and missing.problem == "missing"
    assert "`## <key> · <n> min`" in missing.fix
    assert broken.where == "speaker_notes/B_agenda.md" and broken.problem.startswith("line 3")


def test_an_unreadable_deck_is_a_finding_not_a_record(tmp_path):
    write_project(tmp_path, good_decks())
    (tmp_path / "decks" / "B_agenda.ipynb").write_text("{", encoding="utf-8")
    resolved = Project(tmp_path).resolve()
    assert [r.name for r in resolved.records] == ["A_hero"]
    [finding] = resolved.findings
    assert finding.deck == "decks/B_agenda.ipynb" and finding.code == "unreadable"
    assert "restore it from git" in finding.fix and "restore" not in finding.message


def test_errors_carry_where_cell_and_fix_as_fields(tmp_path):
    with pytest.raises(DeckError) as caught:
        find_project(tmp_path)
    exc = caught.value
    assert exc.fix == "run deckkit from the project root or pass --root"
    assert str(exc) == f"{exc.problem}; {exc.fix}"
    finding = Finding.from_error(DeckError("broken", where="decks/C.ipynb", cell=4, fix="mend it"),
                                 "x")
    assert (finding.deck, finding.cell, finding.message, finding.fix) == (
        "decks/C.ipynb", 4, "broken", "mend it")
    assert str(finding) == "decks/C.ipynb cell 4: broken; mend it [x]"
    assert finding.full_message == "broken; mend it"


def test_build_paths_are_named_in_one_place(tmp_path):
    layout = Project(tmp_path).layout
    assert layout.page("C_nn_basics") == tmp_path / "build/html/C_nn_basics.slides.html"
    assert layout.page("session", "student") == tmp_path / "build/share/html/session.slides.html"
    assert layout.run_sheet_html == tmp_path / "build/notes/run-sheet.html"
    with pytest.raises(ValueError):
        layout.page("C", "everyone")
