"""The browser checks on a small deck made to trip them: a slide too tall, a plain plot, maths
and a diagram far from the first slide."""

import dataclasses

import pytest

from deckkit.commands.build import BuildOptions, build_project
from deckkit.model.project import Project
from deckkit.output import browser
from deckkit.output.contact import contact_sheet
from helper import NOTES, code, good_decks, md, write_project

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def fixture_build(tmp_path_factory, chromium_path):
    """A deck with maths, a plot and a diagram far from the first slide."""
    root = tmp_path_factory.mktemp("fx")
    decks = good_decks()
    extra = [
        md("## Maths\n\n$$p_i = \\frac{e^{z_i}}{\\sum_j e^{z_j}}$$", "slide", key="maths"),
        code("import matplotlib.pyplot as plt\nplt.plot([0, 1], [1, 0]); plt.show()", "slide",
             key="plot"),
        md("## Filler", "slide", key="f1"), md("## Filler 2", "slide", key="f2"),
        md("## Filler 3", "slide", key="f3"),
        md("## Far diagram\n\n```mermaid\nflowchart LR\n  X[\"input\"] --> Y[\"logits\"]\n```",
           "slide", key="far"),
        md("## Too tall\n\n" + "\n\n".join(f"line {i}" for i in range(40)), "slide", key="tall"),
    ]
    statement = md("## Statement\n\nOne line, on purpose.", "slide", key="statement")
    statement.metadata["deckkit"]["layout"] = "statement"
    extra.insert(0, statement)
    band = ('<div class="deckkit-opener"><span class="deckkit-opener-letter">B</span>'
            '<p class="deckkit-opener-time">stop 1 of 1</p></div>')
    extra.insert(1, md("## Crowded\n\n" + "\n\n".join(f"point {i}" for i in range(8))
                       + "\n\n" + band, "slide", key="crowded"))
    extra.insert(-2, md('## Broken\n\n<img alt="Bar chart of three timings" data-min-font-px="20"'
                        ' src="data:image/svg+xml;base64,AAAA">', "slide", key="broken"))
    decks["B_agenda.ipynb"].cells += extra
    keys = ["plan", "more"] + [c.metadata["deckkit"]["key"] for c in extra]
    budgets = [10] * len(keys)  # 2 minutes in all
    notes = dict(NOTES, **{"B_agenda.md": "# B\n\n" + "".join(
        f"## {k} · {b} s\nx\n" for k, b in zip(keys, budgets))})
    write_project(root, decks, notes=notes)
    assert build_project(Project(root), BuildOptions(timeout=60)).ok
    return root


@pytest.fixture(scope="module")
def fixture_sheet(fixture_build, tmp_path_factory):
    return contact_sheet(fixture_build / "build/html/session.slides.html",
                         tmp_path_factory.mktemp("fixture-sheet"))


def test_overflow_check_catches_a_slide_that_is_too_tall(fixture_sheet):
    assert [o["title"] for o in fixture_sheet.overflowing] == ["Crowded", "Too tall"]
    crowded = fixture_sheet.overflowing[0]   # fits the slide, but runs into the opener's band
    assert crowded["crowded"] and crowded["height"] <= 720


def test_slides_that_leave_their_lower_half_empty_are_reported_unless_marked_statements(
        fixture_sheet):
    sparse = {s["title"]: s["fill"] for s in fixture_sheet.sparse}
    assert {"Filler", "Filler 2", "Filler 3"} <= set(sparse)   # a heading alone
    assert all(0 < fill < 0.3 for fill in sparse.values() if fill)
    assert "Statement" not in sparse and "Too tall" not in sparse
    assert not fixture_sheet.ok   # a sparse slide alone fails the sheet (and the command)
    assert not dataclasses.replace(fixture_sheet, overflowing=[], broken=[], blocked=[],
                                   illegible=[]).ok
    assert dataclasses.replace(fixture_sheet, overflowing=[], broken=[], blocked=[],
                               illegible=[], sparse=[]).ok


def test_the_standard_finds_a_plain_matplotlib_plot_and_passes_a_diagram(fixture_sheet):
    sheet = fixture_sheet
    plot = [p.problem for p in sheet.illegible if p.element.startswith("img 'No description")]
    assert plot == ["no alt text that says what it shows",
                    "text size inside the picture unknown (no data-min-font-px)"]
    assert not [p for p in sheet.illegible if p.title == "Far diagram"]
    assert [p.problem for p in sheet.illegible if p.title == "Broken"] == [
        "the picture does not load (the browser shows its alt text instead)"]
    assert not sheet.ok


def test_maths_plots_and_far_diagrams_render(fixture_build, screenshot_dir):
    with browser.open_deck(fixture_build / "build/html/session.slides.html") as s:
        page = s.page
        info = browser.show_slide(page, browser.slide_count(page) - 2)  # straight to the far one
        assert info["title"] == "Far diagram"
        page.wait_for_timeout(300)
        size = page.evaluate("""() => { const img = Reveal.getCurrentSlide()
            .querySelector('.deckkit-mermaid img');
            return img && img.complete ? [img.naturalWidth, img.getBoundingClientRect().width]
                                       : null; }""")
        assert size and size[0] > 0 and size[1] > 100
        page.screenshot(path=str(screenshot_dir / "fixture_far_diagram.png"))
        page.evaluate("""() => { const m = document.querySelector('.MathJax_Display');
            const idx = Reveal.getIndices(m.closest('section')); Reveal.slide(idx.h, idx.v); }""")
        page.wait_for_function("""() => { const m = Reveal.getCurrentSlide()
            .querySelector('.MathJax_Display');  // replaced while MathJax re-renders
            return m && m.getBoundingClientRect().width > 50; }""", timeout=10000)
        assert "\\frac" not in page.evaluate("Reveal.getCurrentSlide().innerText")
        plot = page.evaluate("""() => [...document.querySelectorAll('img[src^="data:image/png"]')]
            .map(i => i.naturalWidth)""")
        assert plot and min(plot) > 0
        assert s.blocked == []


def test_a_slide_walked_for_its_picture_shows_its_maths_typeset(fixture_build):
    """walk() (contact sheet, legibility) waits for the maths a slide re-renders when shown:
    a shot taken at once showed empty space where the formulas go."""
    with browser.open_deck(fixture_build / "build/html/session.slides.html") as s:
        page = s.page
        index = page.evaluate("""() => Reveal.getSlides().findIndex(
            s => s.querySelector('.MathJax_Display, .MathJax'))""")
        assert index >= 0
        list(browser.walk(page, [0]))  # somewhere else first, so the maths slide changes
        [info] = browser.walk(page, [index])
        assert not info["broken"]
        width = page.evaluate("""() => Math.max(...[...Reveal.getCurrentSlide()
            .querySelectorAll('.MathJax_Display, .MathJax')]
            .map(m => m.getBoundingClientRect().width))""")
        assert width > 20
