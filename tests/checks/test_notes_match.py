"""Speaker notes against the deck: keys, missing and stray notes, budgets that add up."""

from deckkit.commands.check import check_project
from deckkit.model.project import Project
from helper import NOTES, SESSION, good_decks, md, write_project


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


def test_a_session_that_asks_for_takeaways_names_each_slide_without_one(tmp_path):
    notes = dict(NOTES, **{"B_agenda.md": "# B · Agenda\n\n## plan · 90 s\n- a point\n"
                           "Takeaway: the plan in one line\n\n## more · 30 s\n- done\n"})
    asked = SESSION.replace('title = "Test Talk"', 'title = "Test Talk"\ntakeaways = true')
    found = check_project(Project(write_project(tmp_path / "asked", good_decks(), asked, notes)))
    missing = [str(f) for f in found if f.code == "missing-takeaway"]
    assert len(missing) == 3   # A's two slides and B's "more"; B's "plan" has one
    assert any('slide "more" (line 7) has no takeaway; add `Takeaway:' in m for m in missing)
    assert all(f.severity == "error" for f in found if f.code == "missing-takeaway")
    # without the session's ask, nothing is required of a talk
    assert check_project(Project(write_project(tmp_path / "plain", good_decks(), notes=notes))) == []


def test_a_takeaway_is_one_line_and_one_per_slide(tmp_path):
    long = "x" * 130
    notes = dict(NOTES, **{"B_agenda.md": f"# B · Agenda\n\n## plan · 90 s\nTakeaway: {long}\n\n"
                           "## more · 30 s\nTakeaway: one\nTakeaway: two\n"})
    found = check_project(Project(write_project(tmp_path, good_decks(), notes=notes)))
    text = " | ".join(str(f) for f in found if f.code == "missing-takeaway")
    assert "its takeaway is 130 characters; keep it to 120" in text
    assert 'slide "more" (line 6) has 2 takeaways; keep one' in text
