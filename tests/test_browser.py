"""Open built decks in headless Chromium from file:// with every other request aborted."""

import re
import shutil

import pytest

from deckkit.build import build_project
from deckkit.project import Project
from deckkit.slides import slide_starts
from helper import NOTES, code, good_decks, md, write_project

from conftest import REPO

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def count_slides(project: Project) -> int:
    decks, _ = project.read_decks()
    return sum(len(slide_starts(deck.nb)) for deck in decks)


@pytest.fixture(scope="module")
def repo_build(tmp_path_factory):
    """The repository's own decks, built into a scratch copy of the project."""
    root = tmp_path_factory.mktemp("repo")
    shutil.copytree(REPO / "decks", root / "decks")
    shutil.copytree(REPO / "speaker_notes", root / "speaker_notes")
    result = build_project(Project(root), timeout=120)
    assert result.ok, [str(f) for f in result.findings]
    return root


@pytest.fixture(scope="module")
def fixture_build(tmp_path_factory):
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
    ]
    decks["B_agenda.ipynb"].cells += extra
    keys = ["plan", "more"] + [c.metadata["deckkit"]["key"] for c in extra]
    notes = dict(NOTES, **{"B_agenda.md": "# B\n\n" + "".join(f"## {k} · 15 s\nx\n" for k in keys)})
    write_project(root, decks, notes=notes)
    assert build_project(Project(root), timeout=60).ok
    return root


def open_offline(browser, path, blocked):
    context = browser.new_context(viewport={"width": 1280, "height": 720})

    def route(r):
        if r.request.url.startswith(("file://", "data:", "about:")):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.goto(path.as_uri() + "?transition=none")
    page.wait_for_selector("body[data-deckkit-ready]", timeout=30000)
    return context, page


def test_session_deck_renders_offline_with_all_slides(browser, repo_build, screenshot_dir):
    blocked = []
    context, page = open_offline(browser, repo_build / "build/html/session.slides.html", blocked)
    assert page.evaluate("Reveal.isReady()")
    total = page.evaluate("Reveal.getTotalSlides()")
    assert total == count_slides(Project(repo_build))
    for i in range(total):
        shot = screenshot_dir / f"session_{i + 1:02d}.png"
        page.screenshot(path=str(shot))
        assert page.locator("#deckkit-footer").inner_text().strip() != ""
        page.evaluate("Reveal.next()")
    assert blocked == []
    context.close()


def test_notes_stay_hidden_from_the_audience(browser, repo_build):
    blocked = []
    context, page = open_offline(browser, repo_build / "build/html/session.slides.html", blocked)
    notes = page.locator("aside.notes")
    assert notes.count() > 0
    assert all(not notes.nth(i).is_visible() for i in range(notes.count()))
    assert "Say:" not in page.locator(".reveal .slides").inner_text()
    context.close()


def test_speaker_view_shows_the_current_slides_notes(browser, repo_build, screenshot_dir):
    blocked = []
    context, page = open_offline(browser, repo_build / "build/html/session.slides.html", blocked)
    with context.expect_page() as popup:
        page.keyboard.press("s")
    view = popup.value
    view.set_viewport_size({"width": 1280, "height": 800})
    view.wait_for_function("document.querySelector('.speaker-controls-notes') && "
                           "document.querySelector('.speaker-controls-notes').innerText.length > 20")
    text = view.locator(".speaker-controls-notes").inner_text()
    assert "three chips" in text and "Budget 1 min" in text
    title = view.locator(".speaker-controls-time .pacing-title")
    title.wait_for(state="visible")  # shown only when the deck carries timings
    assert "PACING" in title.inner_text().upper()
    assert re.search(r"\d\d:\d\d", view.locator(".speaker-controls-time .pacing").inner_text())
    view.screenshot(path=str(screenshot_dir / "speaker_view.png"))
    assert blocked == []
    context.close()


def test_maths_plots_and_far_diagrams_render(browser, fixture_build, screenshot_dir):
    blocked = []
    context, page = open_offline(browser, fixture_build / "build/html/session.slides.html",
                                 blocked)
    page.evaluate("Reveal.slide(Reveal.getTotalSlides() - 1)")  # straight to the far slide
    page.wait_for_timeout(300)
    size = page.evaluate("""() => { const img = Reveal.getCurrentSlide()
        .querySelector('.deckkit-mermaid img');
        return img && img.complete ? [img.naturalWidth, img.getBoundingClientRect().width] : null; }""")
    assert size and size[0] > 0 and size[1] > 100
    page.screenshot(path=str(screenshot_dir / "fixture_far_diagram.png"))
    width = page.evaluate("""() => { const m = document.querySelector('.MathJax_Display');
        const idx = Reveal.getIndices(m.closest('section')); Reveal.slide(idx.h, idx.v);
        return m.getBoundingClientRect().width; }""")
    page.wait_for_timeout(300)
    assert width > 50  # typeset, not raw TeX
    assert "\\frac" not in page.evaluate("Reveal.getCurrentSlide().innerText")
    plot = page.evaluate("""() => [...document.querySelectorAll('img[src^="data:image/png"]')]
        .map(i => i.naturalWidth)""")
    assert plot and min(plot) > 0
    assert blocked == []
    context.close()
