"""Facts that are data (buffer minutes, job numbers, the recorded GPU) held against what the
slides and notes say: the three drifts the content review found are each reported."""

from deckkit.commands.check import check_project
from deckkit.model.project import Project
from helper import NOTES, SESSION, good_decks, md, write_project

JOBS = """## The jobs

| # | job | typical failure |
|---|---|---|
| 1 | **tensors & devices** | float64 vs float32 |
| 3 | **loss** | probabilities passed where logits are expected |
| 4 | **gradients** (backward) | forgetting `zero_grad`: gradients pile up |
| 5 | **optimiser step** | learning rate too high |"""

BUFFERED = SESSION.replace("total_minutes = 4", "total_minutes = 7") + """[[section]]
letter = "Q"
slug = "qa"
title = "Q&A"
minutes = 3
appendix = true
"""


def findings_for(tmp_path, b_notes: str, session=SESSION, extra=None):
    decks = good_decks()
    decks["B_agenda.ipynb"].cells.append(md(JOBS))
    notes = dict(NOTES, **{"B_agenda.md": NOTES["B_agenda.md"] + b_notes})
    if extra:
        decks.update(extra[0])
        notes.update(extra[1])
    root = write_project(tmp_path, decks, session=session, notes=notes)
    return [f for f in check_project(Project(root)) if f.code.startswith("fact-")]


def test_notes_that_agree_with_the_data_pass(tmp_path):
    said = ("- every loop calls optimizer.zero_grad() (job 4, gradients)\n"
            "- Ask: Where is job 4, the backward pass? → loss.backward()\n"
            "- opt.step() is job 5; the recorded figures come from an H100\n")
    assert findings_for(tmp_path, said) == []


def test_a_job_number_that_the_table_gives_another_job_is_named(tmp_path):
    found = findings_for(tmp_path, "- that is why the loop calls optimizer.zero_grad() (job 3)\n")
    assert [f.code for f in found] == ["fact-job"]
    assert "zero_grad job 3" in found[0].message and "makes it job 4" in found[0].message
    assert found[0].deck.startswith("speaker_notes/B_agenda.md line ")


def test_a_gpu_the_recorded_figures_were_not_measured_on_is_named(tmp_path):
    found = findings_for(tmp_path, "- the figures were recorded on an H200\n")
    assert [f.code for f in found] == ["fact-device"]
    assert "H200" in found[0].message and "H100" in found[0].message


def test_buffer_minutes_must_be_the_appendix_sections_minutes(tmp_path):
    from helper import make_nb

    qa = make_nb("Q", [md("# Q&A", "slide", key="q")])
    extra = ({"Q_qa.ipynb": qa}, {"Q_qa.md": "# Q · Q&A\n\n## q · 3 min\n- questions\n"})
    wrong = findings_for(tmp_path / "wrong", "- the last 12 minutes are buffer and questions\n",
                         BUFFERED, extra)
    assert [(f.code, "says 12 minutes" in f.message, "has 3" in f.message) for f in wrong] == [
        ("fact-buffer", True, True)]
    right = findings_for(tmp_path / "right", "- 3 min of buffer at the end\n", BUFFERED, extra)
    assert right == []
