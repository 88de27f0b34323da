"""Speaker notes files: `## <key> · <n> min` headings, cues, and errors that say the format."""

from pathlib import Path

import pytest

from deckkit.errors import DeckError
from deckkit.model.notes import as_markdown, parse_notes

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
    with pytest.raises(DeckError) as caught:
        parse_notes("# C\n\n## forward\ntext\n", P)
    assert caught.value.where == "speaker_notes/C_x.md"
    assert caught.value.problem == "line 3: '## forward' is not a slide heading"
    assert "`## <key> · <n> min`" in caught.value.fix


def test_a_key_with_notes_twice_is_an_error():
    with pytest.raises(DeckError, match="forward"):
        parse_notes("## forward · 1 min\n## forward · 1 min\n", P)
