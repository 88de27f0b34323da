"""Open built decks in headless Chromium from file:// with every other request aborted."""

import re

import pytest

from deckkit.model.project import Project
from deckkit.model.slides import slide_starts
from deckkit.output import browser
from deckkit.output.contact import contact_sheet

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def count_slides(project: Project) -> int:
    return sum(len(slide_starts(r.nb)) for r in project.resolve().records)


@pytest.fixture(scope="module")
def repo_build(repo_build, chromium_path):
    return repo_build[0]


class AxeScan:
    """axe-core (bundled with axe-playwright-python, offline) on the page as a whole, then on
    each slide while it is shown: hidden slides are skipped by axe, so each gets its turn.  The
    script is put into the page once (the library's run() evaluates all 500 kB of it again on
    every call, which cost the session's 76 scans half a minute)."""

    def __init__(self):
        from axe_playwright_python.sync_playwright import Axe

        self.script, self.scanned, self.found = Axe().axe_script, [], []

    # On a slide, axe's colour-contrast rule is left to the contact sheet's own measurement,
    # which every slide is held to (test_every_slide_…_meets_the_rooms_standard): on reveal.js's
    # scaled slides axe cannot tell a text's background and answers "incomplete", and the rule
    # was half of each scan's time.  The page's scan keeps it.
    ON_A_SLIDE = {"resultTypes": ["violations"], "rules": {"color-contrast": {"enabled": False}}}

    def __call__(self, page, info):
        if not self.scanned:
            page.evaluate(self.script)
            self.scan(page, "page", None, {"resultTypes": ["violations"]})
        self.scan(page, f"slide {info['index'] + 1} ({info['title']!r})",
                  ".reveal .slides > section.present", self.ON_A_SLIDE)

    def scan(self, page, where, context, options):
        response = page.evaluate("([context, options]) => axe.run(context || document, options)",
                                 [context, options])
        self.scanned.append(where)
        for v in response["violations"]:
            if v["impact"] in ("serious", "critical"):
                self.found.append(f"{where}: {v['id']} ({v['impact']}): "
                                  f"{v['nodes'][0]['html'][:120]}")


@pytest.fixture(scope="module")
def session_sheet(repo_build, screenshot_dir):
    """One walk over the session deck for the tests that read it: its contact sheet, with an
    axe scan of each slide on the way (sheet.axe)."""
    axe = AxeScan()
    sheet = contact_sheet(repo_build / "build/html/session.slides.html", screenshot_dir,
                          each_slide=axe)
    sheet.axe = axe
    return sheet


def test_session_deck_renders_offline_every_slide_fits_and_is_captured(repo_build,
                                                                      session_sheet):
    from PIL import Image, ImageStat

    sheet = session_sheet
    total = count_slides(Project(repo_build))
    assert len(sheet.slides) == sheet.measured == total
    assert sheet.blocked == []
    assert sheet.overflowing == [], [f"{o['section']}: {o['title']}" for o in sheet.overflowing]
    # every slide uses its space, or is marked a statement (metadata.deckkit.layout)
    assert sheet.sparse == [], [f"{s['section']}: {s['title']} ({s['fill']:.0%})"
                                for s in sheet.sparse]
    for shot in sheet.slides:   # each a full-size picture of a slide, not a blank page
        with Image.open(shot) as img:
            assert img.size == (1280, 720), shot.name
            assert max(ImageStat.Stat(img.convert("L")).stddev) > 10, f"{shot.name} is blank"
    with Image.open(sheet.sheet) as grid:  # six thumbnails a row, one row per six slides
        assert grid.size == (6 * 320, -(-total // 6) * 180)


def test_every_slide_of_the_session_deck_meets_the_rooms_standard(session_sheet):
    """At 1280×720 with every fragment shown: text ≥ 18 px (chart and diagram text as shown),
    body ≥ 24 px, code ≥ 20 px, nothing clipped, under a picture or under the navigation,
    every picture with a real alt text."""
    assert [str(p) for p in session_sheet.illegible] == []


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


def test_the_axe_scan_finds_a_picture_without_alt_text(request, chromium_path):
    """The scan the session is held to can fail: on a slide, a picture with no alt text."""
    page = request.getfixturevalue("browser").new_page()
    page.set_content('<html lang="en"><title>t</title><body><main><div class="reveal"><div '
                     'class="slides"><section class="present"><h1>A slide</h1><img src="data:,">'
                     '</section></div></div></main></body></html>')
    scan = AxeScan()
    scan(page, {"index": 0, "title": "A slide"})
    page.close()
    assert scan.scanned == ["page", "slide 1 ('A slide')"]
    assert any("image-alt (critical)" in f for f in scan.found), scan.found


def test_an_axe_scan_finds_no_serious_or_critical_violation_on_any_slide(session_sheet):
    axe = session_sheet.axe
    assert len(axe.scanned) == 1 + len(session_sheet.slides) and axe.scanned[0] == "page"
    assert axe.found == []


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
        for _ in range(7):
            page.keyboard.press("ArrowRight")
            page.wait_for_timeout(120)
            seen.append(stepped_state(page))
        whole = list(range(1, 13))
        assert seen == [whole, [3, 4], [5, 6], [7], [8], [9], [10, 11, 12], whole]
        assert "opt.zero_grad()" in page.evaluate(
            "document.querySelector('.deckkit-line[data-line=\"4\"]').textContent")
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
