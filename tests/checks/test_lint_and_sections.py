import json

import pytest
from nbformat.v4 import new_output

from deckkit.commands.check import check_project
from deckkit.model.project import Project
from helper import code, good_decks, make_nb, md, write_project


def codes(findings):
    return [f.code for f in findings]


def test_when_decks_are_good_then_check_finds_nothing(tmp_path):
    project = Project(write_project(tmp_path, good_decks()))
    assert check_project(project) == []


def test_when_slide_type_is_unknown_then_finding_names_deck_cell_and_valid_types(tmp_path):
    decks = good_decks()
    decks["B_agenda.ipynb"].cells.append(md("oops", "sliide"))
    findings = check_project(Project(write_project(tmp_path, decks)))
    assert codes(findings) == ["unknown-slide-type"]
    text = str(findings[0])
    assert text.startswith('decks/B_agenda.ipynb cell 3 ("oops"):')
    assert '"sliide"' in text and "subslide" in text and "notes" in text


def test_when_outputs_are_committed_then_check_says_how_to_strip_them(tmp_path):
    decks = good_decks()
    cell = decks["A_hero.ipynb"].cells[1]
    cell.execution_count = 3
    cell.outputs = [new_output("execute_result", {"text/plain": "42"}, execution_count=3)]
    findings = check_project(Project(write_project(tmp_path, decks)))
    assert codes(findings) == ["committed-output"]
    assert "cell 1" in str(findings[0]) and "deckkit clean" in str(findings[0])


def test_when_deck_is_malformed_json_then_finding_names_file_and_line(tmp_path):
    project = Project(write_project(tmp_path, good_decks()))
    path = tmp_path / "decks" / "B_agenda.ipynb"
    path.write_text('{"cells": [ ,]}', encoding="utf-8")
    findings = check_project(project)
    assert codes(findings) == ["unreadable"]
    assert str(findings[0]).startswith("decks/B_agenda.ipynb: not valid JSON at line 1")


def test_when_json_is_valid_but_not_a_notebook_then_it_is_reported(tmp_path):
    project = Project(write_project(tmp_path, good_decks()))
    (tmp_path / "decks" / "B_agenda.ipynb").write_text(json.dumps({"cells": 3}))
    assert codes(check_project(project)) == ["unreadable"]


def test_when_a_section_is_missing_or_doubled_then_check_names_it(tmp_path):
    decks = good_decks()
    decks["B_agenda_copy.ipynb"] = decks["B_agenda.ipynb"]
    del decks["A_hero.ipynb"]
    findings = check_project(Project(write_project(tmp_path, decks)))
    assert "missing-section" in codes(findings)
    assert "duplicate-section" in codes(findings)
    assert any("A · Hero" in str(f) for f in findings)


def test_when_deck_letter_is_not_in_session_then_valid_letters_are_listed(tmp_path):
    decks = good_decks()
    decks["Z_extra.ipynb"] = make_nb("Z", [md("# Extra", "slide", key="x")])
    findings = check_project(Project(write_project(tmp_path, decks)))
    assert codes(findings) == ["unknown-section"]
    assert "valid: A, B" in str(findings[0])


def test_when_first_slide_title_differs_from_session_then_check_reports_expected(tmp_path):
    decks = good_decks()
    decks["B_agenda.ipynb"].cells[0].source = "# Plan"
    findings = check_project(Project(write_project(tmp_path, decks)))
    assert codes(findings) == ["section-title"]
    assert '"# Agenda"' in str(findings[0]) and "'Plan'" in str(findings[0])


def test_when_section_metadata_is_missing_then_check_says_what_to_set(tmp_path):
    decks = good_decks()
    del decks["B_agenda.ipynb"].metadata["deckkit"]
    findings = check_project(Project(write_project(tmp_path, decks)))
    assert codes(findings) == ["section-metadata"]
    assert 'set it to "B"' in str(findings[0])


def test_when_mermaid_is_broken_then_check_names_the_cell(tmp_path):
    decks = good_decks()
    decks["B_agenda.ipynb"].cells.append(md("```mermaid\nflowchart LR\n  A --> --> ]]\n```"))
    findings = check_project(Project(write_project(tmp_path, decks)))
    assert codes(findings) == ["mermaid"]
    assert "decks/B_agenda.ipynb cell 3" in str(findings[0])


def test_planned_section_with_a_deck_must_be_unplanned(tmp_path):
    from helper import SESSION

    session = SESSION.replace('title = "Agenda"', 'title = "Agenda"\nplanned = true')
    findings = check_project(Project(write_project(tmp_path, good_decks(), session)))
    assert codes(findings) == ["planned-section"]


def test_code_cells_are_not_run_without_execute(tmp_path):
    decks = good_decks()
    decks["A_hero.ipynb"].cells.append(code("raise SystemExit('should not run')"))
    assert check_project(Project(write_project(tmp_path, decks))) == []


TWO_MODELS = ('```mermaid\nflowchart TB\n  subgraph G["graph-first"]\n    G1["define"] --> G2["run"]\n'
              '  end\n  subgraph E["eager"]\n    E1["run"] --> E2["record"]\n  end\n{link}```')


def test_a_diagram_whose_parts_mermaid_may_reorder_is_a_finding_with_the_line_to_add(tmp_path):
    decks = good_decks()
    decks["B_agenda.ipynb"].cells.append(md(TWO_MODELS.format(link=""), "fragment"))
    findings = check_project(Project(write_project(tmp_path, decks)))
    assert codes(findings) == ["diagram-order"]
    assert "`G ~~~ E`" in str(findings[0]) and "cell 3" in str(findings[0])


def test_linked_subgraphs_keep_their_order_and_pass(tmp_path):
    decks = good_decks()
    decks["B_agenda.ipynb"].cells.append(md(TWO_MODELS.format(link="  G ~~~ E\n"), "fragment"))
    assert check_project(Project(write_project(tmp_path, decks))) == []


@pytest.mark.parametrize("spec, says", [
    ("1-2|3", None),
    ("1-3|x", 'is \'1-3|x\'; write steps as e.g. "1-3|4|5-6"'),
    ("2|9", "names line 9, and the code has 3 lines"),
    ("3-1", "the range 3-1; write it low to high"),
])
def test_highlight_steps_are_checked_against_the_cells_lines(tmp_path, spec, says):
    decks = good_decks()
    cell = code("a = 1\nb = 2\nprint(a + b)", "fragment")
    cell.metadata["deckkit"] = {"highlight": spec}
    decks["B_agenda.ipynb"].cells.append(cell)
    findings = check_project(Project(write_project(tmp_path, decks)))
    if says is None:
        assert findings == []
    else:
        assert codes(findings) == ["deckkit-metadata"] and says in findings[0].message


def test_highlight_on_markdown_counts_its_code_block(tmp_path):
    from deckkit.checks.lint import highlight_problem

    cell = md("## Keras\n\n```python\nmodel = keras.Sequential()\nmodel.fit(x, y)\n```\nText")
    assert highlight_problem(cell, "1|2") is None
    assert "has 2 lines" in highlight_problem(cell, "3")
    assert "no ``` code block" in highlight_problem(md("## No code"), "1")
