from pathlib import Path

import pytest

from deckkit.check import check_project, over_budget
from deckkit.decks import Deck
from deckkit.errors import DeckError
from deckkit.notes import as_markdown, parse_notes
from deckkit.project import Project
from deckkit.steps.notes import attach_notes, deck_seconds
from helper import NOTES, SESSION, good_decks, md, write_project

P = Path("speaker_notes/C_x.md")


def test_parse_reads_keys_budgets_questions_and_demo_cues():
    notes = parse_notes("# C · X\n\n## forward · 3 min\nSay: hi\nAsk: What shape? → (4, 2)\n"
                        "Demo: run it\n\n## wrap · 45 s\n- bye\n", P)
    assert notes.title == "C · X"
    assert [(s.key, s.seconds) for s in notes.slides] == [("forward", 180), ("wrap", 45)]
    assert notes.slides[0].questions == [("What shape?", "(4, 2)")]
    assert notes.slides[0].demos == ["run it"]
    assert notes.seconds == 225
    assert "**Say:**" in as_markdown(notes.slides[0]) and "Budget 3 min" in as_markdown(
        notes.slides[0])


def test_a_question_wrapped_over_two_lines_keeps_its_answer():
    notes = parse_notes("## c · 1 min\nAsk: What shape does the output have? →\n(4, 2): batch and"
                        " classes\n- next point\n", P)
    assert notes.slides[0].questions == [("What shape does the output have?",
                                          "(4, 2): batch and classes")]


def test_a_heading_without_budget_names_file_line_and_format():
    with pytest.raises(DeckError, match=r"speaker_notes/C_x.md line 3: .*`## <key> · <n> min`"):
        parse_notes("# C\n\n## forward\ntext\n", P)


def test_a_key_with_notes_twice_is_an_error():
    with pytest.raises(DeckError, match="forward"):
        parse_notes("## forward · 1 min\n## forward · 1 min\n", P)


def codes(findings):
    return sorted(f.code for f in findings)


def test_repo_like_project_passes(tmp_path):
    assert check_project(Project(write_project(tmp_path, good_decks()))) == []


def test_slide_without_key_is_reported_with_its_cell(tmp_path):
    decks = good_decks()
    del decks["B_agenda.ipynb"].cells[2].metadata["deckkit"]
    findings = check_project(Project(write_project(tmp_path, decks)))
    assert "slide-key" in codes(findings)
    assert any(str(f).startswith('decks/B_agenda.ipynb cell 2 ("## More")') for f in findings)


def test_slide_without_notes_and_notes_without_slide_are_named(tmp_path):
    notes = dict(NOTES, **{"B_agenda.md": "# B\n\n## plan · 90 s\n\n## morer · 30 s\n"})
    findings = check_project(Project(write_project(tmp_path, good_decks(), notes=notes)))
    text = "\n".join(map(str, findings))
    assert codes(findings) == ["missing-notes", "unknown-slide"]
    assert 'slide "more" has no notes; add `## more · <n> min` to speaker_notes/B_agenda.md' in text
    assert 'speaker_notes/B_agenda.md: line 5: notes for "morer" name no slide' in text


def test_section_budget_that_does_not_add_up_names_section_and_numbers(tmp_path):
    notes = dict(NOTES, **{"B_agenda.md": "# B\n\n## plan · 1 min\n\n## more · 30 s\n"})
    findings = check_project(Project(write_project(tmp_path, good_decks(), notes=notes)))
    assert codes(findings) == ["section-budget"]
    assert "B · Agenda: slide budgets add up to 1.5 min, the walkthrough gives it 2 min" in str(
        findings[0])


def test_session_that_does_not_add_up_to_its_total_is_reported(tmp_path):
    session = SESSION.replace("total_minutes = 4", "total_minutes = 110")
    findings = check_project(Project(write_project(tmp_path, good_decks(), session)))
    assert codes(findings) == ["session-budget"]
    assert "add up to 4 min (A 2 + B 2), not the session's total_minutes = 110" in str(findings[0])


def test_missing_notes_file_and_stray_notes_cells_are_reported(tmp_path):
    decks = good_decks()
    decks["A_hero.ipynb"].cells.append(md("old notes", "notes"))
    notes = {"A_hero.md": NOTES["A_hero.md"]}
    findings = check_project(Project(write_project(tmp_path, decks, notes=notes)))
    assert codes(findings) == ["notes-cell", "notes-file"]


def test_attach_notes_adds_a_hidden_notes_cell_and_timing_per_slide(tmp_path):
    write_project(tmp_path, good_decks())
    nb = good_decks()["B_agenda.ipynb"]
    notes = parse_notes(NOTES["B_agenda.md"], Path("speaker_notes/B_agenda.md"))
    out = attach_notes(nb, notes)
    types = [c.metadata["slideshow"]["slide_type"] for c in out.cells]
    assert types == ["slide", "notes", "fragment", "slide", "notes"]
    assert out.cells[0].metadata["slideshow"]["data"]["timing"] == 90
    assert deck_seconds(out) == 120
    assert "notes" not in [c.metadata["slideshow"]["slide_type"] for c in nb.cells]  # untouched


def test_demo_slower_than_its_slide_budget_is_a_warning():
    deck = Deck(Path("decks/A_hero.ipynb"), good_decks()["A_hero.ipynb"])
    warnings = over_budget(deck, [{"slide": "answer", "seconds": 75.0, "cell": 1, "source": "x"}],
                           {"intro": 60, "answer": 60})
    assert [w.severity for w in warnings] == ["warning"]
    assert 'slide "answer": its code took 75.0 s' in str(warnings[0])
    assert over_budget(deck, [{"slide": "answer", "seconds": 5.0}], {"answer": 60}) == []
