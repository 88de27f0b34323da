"""Open built decks in headless Chromium from file:// with every other request aborted."""

import re

import pytest

from deckkit.commands.build import build_project
from deckkit.model.project import Project
from deckkit.model.slides import slide_starts
from deckkit.output import browser
from deckkit.output.contact import contact_sheet
from helper import NOTES, code, good_decks, md, write_project

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def count_slides(project: Project) -> int:
    return sum(len(slide_starts(r.nb)) for r in project.resolve().records)


@pytest.fixture(scope="module")
def repo_build(repo_build, chromium_path):
    return repo_build[0]


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
    decks["B_agenda.ipynb"].cells += extra
    keys = ["plan", "more"] + [c.metadata["deckkit"]["key"] for c in extra]
    budgets = [24] + [12] * (len(keys) - 1)  # 2 minutes in all
    notes = dict(NOTES, **{"B_agenda.md": "# B\n\n" + "".join(
        f"## {k} · {b} s\nx\n" for k, b in zip(keys, budgets))})
    write_project(root, decks, notes=notes)
    assert build_project(Project(root), timeout=60).ok
    return root


def test_session_deck_renders_offline_every_slide_fits_and_is_captured(repo_build,
                                                                      screenshot_dir):
    sheet = contact_sheet(repo_build / "build/html/session.slides.html", screenshot_dir)
    assert len(sheet.slides) == count_slides(Project(repo_build))
    assert sheet.blocked == []
    assert sheet.overflowing == [], [f"{o['section']}: {o['title']}" for o in sheet.overflowing]
    assert sheet.sheet.stat().st_size > 10_000


def test_every_slide_of_the_session_deck_meets_the_rooms_standard(repo_build, tmp_path):
    """At 1280×720 with every fragment shown: text ≥ 18 px (chart and diagram text as shown),
    body ≥ 24 px, code ≥ 20 px, nothing clipped, under a picture or under the navigation,
    every picture with a real alt text."""
    sheet = contact_sheet(repo_build / "build/html/session.slides.html", tmp_path)
    assert [str(p) for p in sheet.illegible] == []


def test_overflow_check_catches_a_slide_that_is_too_tall(fixture_build, tmp_path):
    sheet = contact_sheet(fixture_build / "build/html/session.slides.html", tmp_path)
    assert [o["title"] for o in sheet.overflowing] == ["Too tall"]


def test_the_standard_finds_a_plain_matplotlib_plot_and_passes_a_diagram(fixture_build,
                                                                       tmp_path):
    sheet = contact_sheet(fixture_build / "build/html/session.slides.html", tmp_path)
    plot = [p.problem for p in sheet.illegible if p.element.startswith("img 'No description")]
    assert plot == ["no alt text that says what it shows",
                    "text size inside the picture unknown (no data-min-font-px)"]
    assert not [p for p in sheet.illegible if p.title == "Far diagram"]
    assert not sheet.ok


def test_notes_stay_hidden_from_the_audience(repo_build):
    with browser.open_deck(repo_build / "build/html/session.slides.html") as s:
        assert s.page.evaluate("Reveal.isReady()")
        notes = s.page.locator("aside.notes")
        assert notes.count() == count_slides(Project(repo_build))  # one per slide
        assert all(not notes.nth(i).is_visible() for i in range(notes.count()))
        assert "Say:" not in s.page.locator(".reveal .slides").inner_text()
        assert s.page.locator("#deckkit-footer .deckkit-section").inner_text() == "A · Hero"


def test_agenda_links_jump_to_their_section(repo_build):
    with browser.open_deck(repo_build / "build/html/session.slides.html") as s:
        s.page.evaluate("Reveal.slide(2)")
        s.page.click('a[href="#/section-H"]')
        s.page.wait_for_function("document.querySelector('#deckkit-footer .deckkit-section')"
                                 ".innerText.startsWith('H ·')")
        assert s.page.evaluate("Reveal.getCurrentSlide().querySelector('h1').textContent") == (
            "Era Cards")


def test_speaker_view_shows_notes_and_pacing(repo_build, screenshot_dir):
    with browser.open_deck(repo_build / "build/html/session.slides.html") as s:
        with s.context.expect_page() as popup:
            s.page.keyboard.press("s")
        view = popup.value
        view.set_viewport_size({"width": 1280, "height": 800})
        view.wait_for_function("document.querySelector('.speaker-controls-notes') && "
                               "document.querySelector('.speaker-controls-notes')"
                               ".innerText.length > 20")
        text = view.locator(".speaker-controls-notes").inner_text()
        assert "three chips" in text and "Budget 1 min" in text
        title = view.locator(".speaker-controls-time .pacing-title")
        title.wait_for(state="visible")  # shown only when the deck carries timings
        assert "PACING" in title.inner_text().upper()
        assert re.search(r"\d\d:\d\d", view.locator(".speaker-controls-time .pacing").inner_text())
        view.screenshot(path=str(screenshot_dir / "speaker_view.png"))
        assert s.blocked == []


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


def test_an_axe_scan_finds_no_serious_or_critical_violation_on_any_slide(repo_build):
    """axe-core (bundled with axe-playwright-python, offline) on the page as a whole, then on
    each slide while it is shown: hidden slides are skipped by axe, so each gets its turn."""
    from axe_playwright_python.sync_playwright import Axe

    axe, found = Axe(), []

    def scan(where, context=None):
        result = axe.run(s.page, context=context, options={"resultTypes": ["violations"]})
        for v in result.response["violations"]:
            if v["impact"] in ("serious", "critical"):
                found.append(f"{where}: {v['id']} ({v['impact']}): {v['nodes'][0]['html'][:120]}")

    with browser.open_deck(repo_build / "build/html/session.slides.html") as s:
        scan("page")
        for info in browser.walk(s.page):
            scan(f"slide {info['index'] + 1} ({info['title']!r})",
                 ".reveal .slides > section.present")
    assert found == []


def test_search_finds_a_word_on_a_later_slide_and_zoom_is_there_offline(repo_build):
    with browser.open_deck(repo_build / "build/html/session.slides.html") as s:
        page = s.page
        assert page.evaluate("Reveal.hasPlugin('search') && Reveal.hasPlugin('zoom')")
        page.evaluate("Reveal.slide(0, 0)")
        page.keyboard.press("Control+Shift+F")
        page.fill(".searchinput", "Sixteen")
        page.keyboard.press("Enter")
        page.wait_for_timeout(300)
        shown = page.evaluate("Reveal.getCurrentSlide().textContent")
        assert page.evaluate("Reveal.getIndices().h") > 0 and "Sixteen years" in shown
        heading = page.locator(".reveal .slides section.present h2").first
        heading.click(modifiers=["Alt"])
        page.wait_for_timeout(900)
        assert "scale" in page.evaluate("getComputedStyle(document.body).transform + "
                                        "document.body.style.transform")
        assert s.blocked == []


def test_the_outline_lists_every_slide_by_section_and_jumps_to_section_h(repo_build):
    with browser.open_deck(repo_build / "build/html/session.slides.html") as s:
        page = s.page
        toggle = page.locator("#deckkit-footer .deckkit-outline-toggle")
        assert toggle.get_attribute("aria-expanded") == "false"
        toggle.click()
        panel = page.locator("#deckkit-outline")
        assert panel.is_visible() and toggle.get_attribute("aria-expanded") == "true"
        sections = panel.locator(".deckkit-outline-section").all_inner_texts()
        assert sections[0].startswith("A ·") and any(t.startswith("H ·") for t in sections)
        assert panel.locator("a").count() == page.evaluate("Reveal.getTotalSlides()")
        group = panel.locator("li", has=page.locator(".deckkit-outline-section",
                                                     has_text="H · Era Cards"))
        group.locator("a").first.click()
        page.wait_for_timeout(300)
        assert page.locator("#deckkit-outline").is_hidden()
        assert page.evaluate("Reveal.getCurrentSlide().closest('[data-section]')"
                             ".getAttribute('data-section')") == "H · Era Cards"
        page.keyboard.press("m")
        assert panel.is_visible()
        assert panel.locator("a[aria-current]").inner_text() == "Era Cards"
        page.keyboard.press("Escape")
        assert panel.is_hidden() and s.blocked == []


def stepped_state(page):
    return page.evaluate("""() => {
        const box = document.querySelector('.reveal section.present .deckkit-stepped');
        return [...box.querySelectorAll('.deckkit-line')]
            .filter(l => !l.classList.contains('deckkit-dim')).map(l => +l.dataset.line); }""")


def test_a_highlighted_cell_steps_through_its_lines_and_prints_whole(repo_build):
    page_path = repo_build / "build/html/E_training_loop.slides.html"
    with browser.open_deck(page_path) as s:
        page = s.page
        h = page.evaluate("[...document.querySelectorAll('.reveal .slides > section')]"
                          ".findIndex(x => x.querySelector('.deckkit-stepped'))")
        page.evaluate(f"Reveal.slide({h}, 0)")
        page.wait_for_timeout(200)
        seen = [stepped_state(page)]
        for _ in range(8):
            page.keyboard.press("ArrowRight")
            page.wait_for_timeout(120)
            seen.append(stepped_state(page))
        whole = list(range(1, 20))
        assert seen == [whole, [5, 6, 7, 8, 9], [11, 12], [13, 14], [15], [16], [17],
                        [18, 19], whole]
        assert "opt.zero_grad()" in page.evaluate(
            "document.querySelector('.deckkit-line[data-line=\"12\"]').textContent")
    with browser.open_deck(page_path, query="print-pdf") as s:  # the PDF: the whole cell
        assert s.page.evaluate("document.querySelectorAll('.deckkit-dim').length") == 0


def test_the_qr_code_on_the_title_slide_decodes_to_the_materials_url(repo_build):
    import io
    import tomllib

    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    url = tomllib.loads((repo_build / "decks/session.toml").read_text())["materials_url"]
    with browser.open_deck(repo_build / "build/html/session.slides.html") as s:
        page = s.page
        page.evaluate("Reveal.slide(0, 0)")
        qr = page.locator(".reveal section.present svg.deckkit-qr")
        assert qr.get_attribute("aria-label") == f"QR code for {url}"
        shot = Image.open(io.BytesIO(qr.screenshot()))
        assert [r.text for r in zxingcpp.read_barcodes(shot)] == [url]
        link = page.locator(".reveal section.present .deckkit-materials a").first
        assert link.get_attribute("href") == url and s.blocked == []


@pytest.fixture(scope="module")
def contrast_build(repo_build, tmp_path_factory):
    """The same executed decks (the build cache is copied along) exported with the
    high-contrast theme."""
    import shutil

    root = tmp_path_factory.mktemp("contrast") / "repo"
    shutil.copytree(repo_build, root, ignore=shutil.ignore_patterns("html", "share"))
    result = build_project(Project(root), theme="high-contrast")
    assert result.ok, [str(f) for f in result.findings]
    return root


def test_the_high_contrast_theme_meets_the_rooms_standard_at_aaa_contrast(contrast_build,
                                                                          tmp_path):
    """Every text of every slide at 7:1 against what is behind it (WCAG AAA), measured in the
    page: axe-core cannot tell the background of text on reveal.js's scaled slides (it reports
    "incomplete"), so the legibility check measures colours itself."""
    page_path = contrast_build / "build/html/session.slides.html"
    assert 'data-deckkit-theme="high-contrast"' in page_path.read_text()
    assert "white-contrast.css" in page_path.read_text()
    sheet = contact_sheet(page_path, tmp_path)
    assert [str(p) for p in sheet.illegible] == []


def test_the_title_slide_links_to_a_scroll_view_that_shows_every_slide(repo_build):
    page_path = repo_build / "build/html/session.slides.html"
    with browser.open_deck(page_path) as s:
        link = s.page.locator(".reveal .slides section.present a.deckkit-scroll-link")
        assert link.get_attribute("href") == "?view=scroll"
        total = s.page.evaluate("Reveal.getTotalSlides()")
    with browser.open_deck(page_path, query="view=scroll") as s:  # the link, from file://
        page = s.page
        assert page.evaluate("Reveal.isScrollView()")
        assert page.evaluate("document.querySelectorAll('.reveal .scroll-page').length") == total
        back = page.locator("a.deckkit-scroll-link").first
        assert back.inner_text() == "Back to the slide view"
        assert back.get_attribute("href") == "session.slides.html" and s.blocked == []


def test_on_a_phone_a_slide_link_lands_on_its_slide_and_the_body_text_is_readable(
        repo_build, screenshot_dir):
    page_path = repo_build / "build/html/session.slides.html"
    title = "Reveal.getCurrentSlide().querySelector('h1, h2, h3').textContent"
    with browser.open_deck(page_path, hash_="#/25") as s:  # the room's view: slide 26
        expected = s.page.evaluate(title)
    with browser.open_deck(page_path, viewport=(390, 844), hash_="#/25") as s:
        page = s.page
        page.wait_for_timeout(500)
        assert page.evaluate("Reveal.isScrollView()")
        shown = page.evaluate("""() => { const r = Reveal.getCurrentSlide().getBoundingClientRect();
            const hit = document.elementFromPoint(195, Math.max(r.top, 0) + 60);
            return {h: Reveal.getIndices().h, top: r.top,
                    seen: !!hit && Reveal.getCurrentSlide().contains(hit)}; }""")
        page.screenshot(path=str(screenshot_dir / "phone_slide_26.png"))
        assert page.evaluate(title) == expected
        assert shown["h"] == 25 and shown["seen"] and -5 <= shown["top"] < 844 / 2, shown
        sizes = page.evaluate("""() => [...document.querySelectorAll(
            '.reveal .jp-RenderedMarkdown p, .reveal .jp-RenderedMarkdown li')]
            .map(e => parseFloat(getComputedStyle(e).fontSize) * Reveal.getScale())""")
        assert len(sizes) > 50 and min(sizes) >= 14 and s.blocked == []


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
