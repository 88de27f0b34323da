"""Each step on its own: (nb, ctx) -> (nb, findings), the record's notebook never changed."""

import copy

import pytest

from deckkit.model.project import Project
from deckkit.steps import BESIDE_EXECUTION, FINISH, PREPARE, DeckContext, run_steps
from deckkit.steps.attach_notes import attach_notes, deck_seconds
from deckkit.steps.merge import label_section, merge_session
from deckkit.steps.mermaid import render_diagrams
from deckkit.steps.students import drop_solutions
from helper import code, good_decks, md, write_project


@pytest.fixture
def resolved(tmp_path):
    decks = good_decks()
    decks["B_agenda.ipynb"].cells += [
        md("```mermaid\nflowchart LR\n  X[\"input\"] --> Y[\"logits\"]\n```"),
        code("print('SOLUTION')", tags=["solution"]),
        code("print('for the presenter')", tags=["instructor"]),
    ]
    return Project(write_project(tmp_path, decks)).resolve()


def ctx_for(resolved, letter, audience="presenter", cache=None):
    return DeckContext(resolved.record(letter), resolved.session, audience, cache)


def test_attach_notes_adds_a_hidden_notes_cell_and_timing_per_slide(resolved):
    ctx = ctx_for(resolved, "B")
    nb, findings = attach_notes(copy.deepcopy(ctx.record.nb), ctx)
    types = [c.metadata["slideshow"]["slide_type"] for c in nb.cells[:5]]
    assert findings == []
    assert types == ["slide", "notes", "fragment", "slide", "notes"]
    assert nb.cells[0].metadata["slideshow"]["data"]["timing"] == 90
    assert nb.cells[1].id == "notes-plan"  # stable: the same inputs export the same page
    assert deck_seconds(nb) == 120


def test_students_get_neither_solutions_nor_instructor_cells(resolved):
    ctx = ctx_for(resolved, "B", "student")
    nb, _ = drop_solutions(copy.deepcopy(ctx.record.nb), ctx)
    text = "\n".join(c.source for c in nb.cells)
    assert "SOLUTION" not in text and "for the presenter" not in text
    assert "# Agenda" in text


def test_label_section_marks_every_cell_for_the_footer(resolved):
    ctx = ctx_for(resolved, "B")
    nb, _ = label_section(copy.deepcopy(ctx.record.nb), ctx)
    labels = {c.metadata["slideshow"]["data"]["section"] for c in nb.cells}
    assert labels == {"B · Agenda"}


def test_diagrams_become_images_and_a_broken_one_is_a_finding(resolved, tmp_path):
    ctx = ctx_for(resolved, "B", cache=tmp_path / "svg")
    nb, findings = render_diagrams(copy.deepcopy(ctx.record.nb), ctx)
    assert findings == []
    assert "```mermaid" not in nb.cells[3].source
    assert 'src="data:image/svg+xml;base64,' in nb.cells[3].source
    kept = sorted(p.name.split(".", 1)[1] for p in (tmp_path / "svg").glob("*.svg"))
    assert kept == ["font.svg", "svg"]   # the drawing, and the drawing with its font
    assert list((tmp_path / "svg").glob(".*")) == []  # no temporary file left behind
    broken = copy.deepcopy(ctx.record.nb)
    broken.cells[3].source = "```mermaid\nflowchart LR\n  A --> --> ]]\n```"
    _, findings = render_diagrams(broken, ctx)
    assert [(f.code, f.cell) for f in findings] == [("mermaid", 3)]


def test_run_steps_copies_once_and_leaves_the_record_alone(resolved, tmp_path):
    ctx = ctx_for(resolved, "B", cache=tmp_path)
    before = copy.deepcopy(ctx.record.nb)
    seen = []
    nb, findings = run_steps(ctx.record.nb, ctx, PREPARE + BESIDE_EXECUTION + FINISH["presenter"],
                             trace=lambda deck, step: seen.append((deck, step)))
    assert findings == []
    assert ctx.record.nb == before and nb is not ctx.record.nb
    assert seen == [("B_agenda", "add_materials"), ("B_agenda", "add_opener"),
                    ("B_agenda", "render_diagrams"), ("B_agenda", "attach_notes"),
                    ("B_agenda", "label_section")]


def test_merged_session_keeps_section_order_and_opens_each_section_on_a_new_slide(resolved):
    a, b = (copy.deepcopy(r.nb) for r in resolved.records)
    b.cells[0].metadata["slideshow"]["slide_type"] = "-"
    merged = merge_session([a, b], "Talk")
    assert merged.cells[0].source.startswith("# Test Talk")
    first_b = next(c for c in merged.cells if c.source == "# Agenda")
    assert first_b.metadata["slideshow"]["slide_type"] == "slide"
    assert b.cells[0].metadata["slideshow"]["slide_type"] == "-"  # input left alone
    assert merged.metadata["title"] == "Talk"


def test_a_diagram_over_mermaids_size_limit_is_a_finding_not_an_error_picture(resolved):
    from deckkit.steps import mermaid

    ctx = ctx_for(resolved, "B")
    nb = copy.deepcopy(ctx.record.nb)
    nb.cells[3].source = "```mermaid\nflowchart LR\n  A[\"" + "x" * 60_000 + "\"] --> B\n```"
    out, findings = mermaid.render_diagrams(nb, ctx)
    assert [(f.code, f.cell) for f in findings] == [("mermaid", 3)]
    assert "over mermaid's limit of 50,000" in findings[0].message
    assert "data:image/svg+xml" not in out.cells[3].source


def test_a_diagram_that_takes_too_long_is_stopped_and_reported(resolved, monkeypatch):
    import time

    from deckkit.steps import mermaid

    ctx = ctx_for(resolved, "B")
    nb = copy.deepcopy(ctx.record.nb)
    nb.cells[3].source = ("```mermaid\nflowchart LR\n"
                          + "\n".join(f"  N{i} --> N{i + 1}" for i in range(120)) + "\n```")
    monkeypatch.setattr(mermaid, "RENDER_TIMEOUT", 1.0)
    started = time.monotonic()
    _, findings = mermaid.render_diagrams(nb, ctx)
    assert time.monotonic() - started < 10
    assert [f.code for f in findings] == ["mermaid"] and "longer than 1 s" in findings[0].message
    # the renderer was restarted: the next diagram draws again (with the usual time limit)
    monkeypatch.setattr(mermaid, "RENDER_TIMEOUT", 30.0)
    nb.cells[3].source = "```mermaid\nflowchart LR\n  P --> Q\n```"
    _, findings = mermaid.render_diagrams(nb, ctx)
    assert findings == []


def test_a_diagram_kept_waiting_for_a_core_is_not_taken_for_one_too_slow(resolved,
                                                                         monkeypatch):
    """The time limit counts the renderer's CPU time: a build draws beside running decks, and
    a renderer that gets no core for a while (here: stopped for 2.5 s, past its 1 s limit) is
    not a broken diagram.  The wall-time cap is raised so that a loaded machine, which may be
    slow to give the renderer its core back, cannot fail this test."""
    import os
    import signal
    import threading

    from deckkit.steps import mermaid

    ctx = ctx_for(resolved, "B")
    nb = copy.deepcopy(ctx.record.nb)
    nb.cells[3].source = "```mermaid\nflowchart LR\n  P --> Q\n```"
    mermaid.render_diagrams(copy.deepcopy(nb), ctx)  # the renderer is up
    nb.cells[3].source = "```mermaid\nflowchart LR\n  R --> S\n```"
    pid = mermaid._WORKER.proc.pid
    monkeypatch.setattr(mermaid, "RENDER_TIMEOUT", 1.0)
    monkeypatch.setattr(mermaid, "WALL_CAP", 30)
    os.kill(pid, signal.SIGSTOP)
    threading.Timer(2.5, os.kill, (pid, signal.SIGCONT)).start()
    out, findings = mermaid.render_diagrams(nb, ctx)
    assert findings == [] and "data:image/svg+xml" in out.cells[3].source


def test_a_diagrams_alt_text_reads_its_arrows_in_words_without_markup():
    from deckkit.steps.mermaid import _alt_text

    source = ('flowchart RL\n'
              '  LOSS["loss"] -- "dL/dlogits" --> OUT["logits =<br/>h @ W2 + b2"]\n'
              '  OUT -->|dL/dh| H("h = relu(x)")\n'
              '  subgraph S["the optimiser"]\n'
              '    H --> OPT["optimiser.step()"]\n'
              '  end')
    assert _alt_text(source) == (
        "Diagram (the optimiser): loss → logits = h @ W2 + b2 (dL/dlogits); "
        "logits = h @ W2 + b2 → h = relu(x) (dL/dh); h = relu(x) → optimiser.step().")


def test_a_diagram_says_how_large_its_labels_are_drawn():
    from deckkit.steps.mermaid import svg_metrics

    svg = ('<svg id="my-svg" width="100%" viewBox="0 0 1345.5 174"><style>#my-svg{font-family:'
           'arial;font-size:20px;fill:#333;}#my-svg .title{font-size:18px}</style></svg>')
    assert svg_metrics(svg) == (20.0, 1345.5)
    assert svg_metrics("<svg></svg>") == (None, None)
