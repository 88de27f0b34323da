"""A section's opening slide: its letter, where the talk is, its minutes, all from
session.toml; and the layout a slide asks for reaches the page."""

import copy
import dataclasses
import html

import nbformat

from conftest import REPO
from deckkit.agenda import Agenda
from deckkit.checks.lint import lint_deck
from deckkit.model.deck import read_deck
from deckkit.model.session import load_session
from deckkit.steps.merge import label_section
from deckkit.steps.opener import attach, opener_html


def session():
    return load_session(REPO / "decks")


def test_the_band_says_where_the_talk_is_as_the_agenda_does():
    s = session()
    starts = {letter: start for letter, _, _, start in Agenda(s).rows()}
    stops = [x for x in s.sections if x.letter not in ("A", "B")]
    band = opener_html(s, "E")
    assert '<li class="deckkit-arc-here" aria-current="step"' in band
    assert band.count("deckkit-arc-done") == 2 and band.count('aria-current') == 1  # C and D
    e = s.section("E")
    assert (f"stop 3 of {len(stops)} · {e.minutes:g} min · from {starts['E']}") in band
    assert 'aria-label="Where we are in the talk"' in band


def test_the_band_goes_once_on_a_sections_first_slide_and_never_on_the_title_or_agenda():
    s = session()
    deck = nbformat.read(str(REPO / "decks" / "E_training_loop.ipynb"), as_version=4)
    nb = copy.deepcopy(deck)
    attach(nb, s, "E")
    attach(nb, s, "E")   # a second run changes nothing
    first = next(c for c in nb.cells if c.metadata.get("slideshow", {}).get("slide_type") == "slide")
    assert first.source.count('class="deckkit-opener"') == 1
    assert first.metadata["deckkit"]["layout"] == "opener"
    assert [c.source for c in nb.cells[1:]][1:] == [c.source for c in deck.cells[1:]][1:]
    agenda = nbformat.read(str(REPO / "decks" / "B_agenda.ipynb"), as_version=4)
    before = copy.deepcopy(agenda)
    attach(agenda, s, "B")
    assert agenda == before   # the agenda is the map itself


def test_the_title_slide_shows_the_whole_talk_at_a_glance_with_no_stop_marked():
    s = session()
    stops = [x for x in s.sections if x.letter not in ("A", "B")]
    title = nbformat.read(str(REPO / "decks" / "A_hero.ipynb"), as_version=4)
    attach(title, s, "A")
    attach(title, s, "A")
    first = title.cells[0]
    assert first.metadata["deckkit"]["layout"] == "title"
    band = first.source.split("deckkit-opener-title", 1)[1]
    assert first.source.count("deckkit-opener-title") == 1
    assert band.count("deckkit-arc-ahead") == len(stops) and "aria-current" not in band
    assert f"{len(stops)} stops · {s.total_minutes:g} min" in band
    assert [f'title="{html.escape(x.title)}">{x.letter}</li>' in band for x in stops] == [True] * len(stops)
    # the title band goes on whichever section comes first, not on "A" by name
    other = nbformat.read(str(REPO / "decks" / "C_nn_basics.ipynb"), as_version=4)
    reordered = dataclasses.replace(s, sections=(s.section("C"),) + tuple(
        x for x in s.sections if x.letter != "C"))
    attach(other, reordered, "C")
    assert "deckkit-opener-title" in other.cells[1].source + other.cells[0].source


def test_a_slides_layout_reaches_the_page_and_an_unknown_one_is_a_finding(tmp_path):
    class Ctx:
        class record:
            class section:
                label = "Q · Q&A"
    nb = nbformat.read(str(REPO / "decks" / "Q_qa.ipynb"), as_version=4)
    label_section(nb, Ctx)
    layouts = [c.metadata["slideshow"]["data"].get("deckkit_layout") for c in nb.cells]
    assert "statement" in layouts     # nbconvert writes it as data-deckkit-layout
    path = tmp_path / "decks" / "Q_qa.ipynb"
    path.parent.mkdir()
    bad = nbformat.read(str(REPO / "decks" / "Q_qa.ipynb"), as_version=4)
    next(c for c in bad.cells if c.cell_type == "markdown").metadata.setdefault(
        "deckkit", {})["layout"] = "fancy"
    nbformat.write(bad, str(path))
    found = [f for f in lint_deck(read_deck(path), session()) if "layout" in f.message]
    assert len(found) == 1 and "statement, opener, title" in found[0].message
