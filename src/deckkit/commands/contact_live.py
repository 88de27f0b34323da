"""`deckkit contact-sheet --live [SECTION]`: the slideshow the room sees, checked as the export
is.  It starts `deckkit present`'s server, drives RISE in headless Chromium as a presenter
would (every fragment shown, every visible code cell run with Ctrl+Enter), and for each slide
takes a screenshot at 1280x720 and at 1024x768 (an older 4:3 projector) and applies the
export's legibility rules to both.  It reports each live cell's time, and every place where
RISE and the exported deck differ (a slide missing, added or out of order, a picture missing).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DeckError, need_module
from ..model.layout import atomic_path
from ..model.project import Project
from ..output import browser, legibility
from .present import Presenter

VIEWPORTS = ((1280, 720), (1024, 768))
CELL_TIMEOUT_S = 180

# The slide RISE shows now, marked so the page's own code can find it again.
CURRENT = """() => {
  const leaf = document.querySelector('.reveal .slides > section.present > section.present')
            || document.querySelector('.reveal .slides > section.present');
  document.querySelectorAll('[data-deckkit-current]').forEach(e => e.removeAttribute('data-deckkit-current'));
  leaf.setAttribute('data-deckkit-current', '');
  if (!document.getElementById('deckkit-no-motion')) {
    const style = document.createElement('style');
    style.id = 'deckkit-no-motion';
    style.textContent = '.reveal .fragment, .reveal .slides section { transition: none !important; }';
    document.head.appendChild(style);
  }
  const fragments = [...leaf.querySelectorAll('.fragment')];
  fragments.forEach(f => f.classList.add('visible'));
  const title = (leaf.querySelector('h1, h2, h3') || {}).textContent || '';
  return {id: leaf.id, title: title.replace(/\\u00b6/g, '').trim(), fragments: fragments.length,
          cells: leaf.querySelectorAll('.jp-CodeCell:not(.reveal-skip)').length,
          pictures: leaf.querySelectorAll('img, svg:not(svg svg), canvas').length};
}"""

# The id of the slide RISE shows, read without touching it (CURRENT shows every fragment, which
# would undo a step back through them).
SHOWN_ID = """() => (document.querySelector('.reveal .slides > section.present > section.present')
                || document.querySelector('.reveal .slides > section.present')).id"""

# Which result a cell shows: 'running', or the number of badges and the prompt.
CELL_STATE = """([k]) => {
  const cell = document.querySelectorAll('[data-deckkit-current] .jp-CodeCell:not(.reveal-skip)')[k];
  const prompt = (cell.querySelector('.jp-InputPrompt') || {}).textContent || '';
  return {prompt: prompt.trim(), badges: cell.querySelectorAll('.deckkit-badge').length,
          live: cell.querySelectorAll('.deckkit-badge-live').length,
          fresh: cell.querySelectorAll('.deckkit-badge:not([data-deckkit-seen])').length};
}"""


@dataclass
class LiveSlide:
    number: int
    title: str
    shots: list[Path] = field(default_factory=list)
    cell_seconds: list[float] = field(default_factory=list)
    cell_results: list[str] = field(default_factory=list)   # "live" / "recorded" / "error"


@dataclass
class LiveSheet:
    section: str
    slides: list[LiveSlide] = field(default_factory=list)
    illegible: list[str] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)   # what the kernels told the presenter

    @property
    def ok(self) -> bool:
        return not (self.illegible or self.differences)


def exported_slides(page_path: Path) -> tuple[list[dict], dict]:
    """Each leaf slide of the exported deck (its title and how many pictures it shows), and
    the size of the text inside each picture the export knows it for, by alt text: JupyterLab
    strips data-* attributes from a markdown cell's pictures (a diagram's), the export keeps
    them."""
    found, sizes = [], {}
    with browser.open_deck(page_path) as s:
        for info in browser.walk(s.page):
            pictures = s.page.evaluate("(i) => [...Reveal.getSlides()[i].querySelectorAll("
                                       "'img, svg:not(svg svg), canvas')].map(p => [p.getAttribute"
                                       "('alt'), p.dataset ? p.dataset.minFontPx : null, p.dataset"
                                       " ? p.dataset.naturalWidth : null])", info["index"])
            found.append({"title": info["title"].replace("\u00b6", "").strip(),
                          "pictures": len(pictures)})
            for alt, font, natural in pictures:
                if alt and font and natural:
                    sizes[alt] = (float(font), float(natural))
    return found, sizes


def _with_known_sizes(measured: dict, sizes: dict) -> dict:
    for picture in measured.get("pictures", []):
        font = picture.get("minFont")
        if (font is None or font != font) and picture.get("alt") in sizes:
            picture["minFont"], picture["natural"] = sizes[picture["alt"]]
    return measured


def compare(exported: list[dict], live: list[dict]) -> list[str]:
    """Where RISE's slides differ from the export's: missing, extra or reordered, pictures."""
    said = []
    if [e["title"] for e in exported] != [x["title"] for x in live]:
        for n in range(max(len(exported), len(live))):
            e = exported[n]["title"] if n < len(exported) else None
            x = live[n]["title"] if n < len(live) else None
            if e != x:
                said.append(f"slide {n + 1}: the export shows {e!r}, RISE shows {x!r}")
                break
        if len(exported) != len(live):
            said.append(f"the export has {len(exported)} slides, RISE {len(live)}")
        return said
    for n, (e, x) in enumerate(zip(exported, live), 1):
        if x["pictures"] < e["pictures"]:
            said.append(f"slide {n} ({e['title']!r}): {e['pictures']} picture(s) in the export, "
                        f"{x['pictures']} in RISE")
    return said


def _run_cells(page, count: int, slide: LiveSlide) -> None:
    for k in range(count):
        page.evaluate("([k]) => document.querySelectorAll('[data-deckkit-current] .jp-CodeCell"
                      ":not(.reveal-skip)')[k].querySelectorAll('.deckkit-badge')"
                      ".forEach(b => b.setAttribute('data-deckkit-seen', ''))", [k])
        cell = page.locator("[data-deckkit-current] .jp-CodeCell:not(.reveal-skip)").nth(k)
        target = cell.locator(".jp-Cell-outputWrapper")
        (target if target.count() and target.first.is_visible() else cell).first.click(
            position={"x": 5, "y": 5})
        page.keyboard.press("Escape")
        before = page.evaluate(CELL_STATE, [k])["prompt"]
        started = time.monotonic()
        page.keyboard.press("Control+Enter")
        page.wait_for_function(
            "([k, before]) => { const cell = document.querySelectorAll('[data-deckkit-current]"
            " .jp-CodeCell:not(.reveal-skip)')[k];"
            " const p = ((cell.querySelector('.jp-InputPrompt') || {}).textContent || '').trim();"
            " const fresh = cell.querySelectorAll('.deckkit-badge:not([data-deckkit-seen])')"
            ".length; return fresh > 0 || (p !== before && /\\[\\d+\\]/.test(p)); }",
            arg=[k, before], timeout=CELL_TIMEOUT_S * 1000)
        slide.cell_seconds.append(round(time.monotonic() - started, 2))
        state = page.evaluate(CELL_STATE, [k])
        slide.cell_results.append("live" if state["live"] else
                                  "recorded" if state["fresh"] else "no badge")
        page.wait_for_timeout(300)  # a chart drawn at the end of the cell settles


def _shoot(page, slide: LiveSlide, out_dir: Path, sizes: dict, w: int, h: int) -> list[str]:
    """The slide RISE shows, as a PNG at w×h, and what of it falls short of the room's
    standard."""
    shot = out_dir / f"live-{slide.number:03d}-{w}x{h}.png"
    with atomic_path(shot) as tmp:
        page.screenshot(path=str(tmp), type="png")
    slide.shots.append(shot)
    measured = _with_known_sizes(page.evaluate(legibility.MEASURE, {"live": slide.number - 1}),
                                 sizes)
    return [f"{w}×{h}: {problem}" for problem in legibility.judge(measured)]


def _step(page, info: dict, back: bool = False) -> bool:
    """Past the current slide's fragments to the next slide (``back``: the one before), as a
    presenter's Space (Shift+Space) does; False where there is none."""
    for _ in range(info["fragments"] + 1):
        page.keyboard.press("Escape")
        page.evaluate("() => document.activeElement && document.activeElement.blur"
                      " && document.activeElement.blur()")
        page.keyboard.press("Shift+Space" if back else "Space")
        page.wait_for_timeout(150)
        if page.evaluate(SHOWN_ID) != info["id"]:
            return True
    return False


def live_contact_sheet(project: Project, section: str, out_dir: Path, run: bool = True,
                       progress=lambda msg: None) -> LiveSheet:
    """Drive RISE over one section (or "session") and check every slide on both screens."""
    with browser.shared():   # the export is read and RISE driven by one Chromium
        return _live_contact_sheet(project, section, out_dir, run, progress)


def _live_contact_sheet(project: Project, section: str, out_dir: Path, run: bool,
                        progress) -> LiveSheet:
    PlaywrightError = need_module(  # noqa: N806 (the library's own name)
        "playwright.sync_api", "the live contact sheet",
        "pip install playwright (deckkit uses the system Chromium)").Error
    browser.find_chromium()
    name = "session" if section.lower() == "session" else project.session().section(section).stem
    exported_page = project.layout.page(name)
    if not exported_page.exists():
        raise DeckError(f"{exported_page.relative_to(project.root)} is not built",
                        fix="run `deckkit build` first: the live sheet compares with it")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("live-*.png"):
        old.unlink()
    exported, sizes = exported_slides(exported_page)
    sheet = LiveSheet(name)
    presenter = Presenter(project, None if name == "session" else section)
    if presenter.missing and run:   # the sheet checks what the room sees before a cell runs
        presenter.stop()
        raise DeckError("RISE would show empty demo slides: "
                        + "; ".join(presenter.missing),
                        fix="run `deckkit build` (the code or a demo changed since the last "
                        "build), then the live sheet again")
    seen: list[dict] = []
    presenter.start()
    try:
        with browser.shared() as b:
            context = b.new_context(viewport={"width": VIEWPORTS[0][0],
                                              "height": VIEWPORTS[0][1]})
            try:
                page = context.new_page()
                page.goto(presenter.url)
                page.wait_for_selector(".reveal .slides section.present", timeout=120000)
                page.wait_for_function("document.querySelectorAll('.jp-OutputArea').length > 0"
                                       " || document.querySelectorAll('.jp-Cell').length > 0",
                                       timeout=60000)
                page.wait_for_timeout(1500)
                while True:   # at 1280×720: every cell run, each slide shot as it is left
                    info = page.evaluate(CURRENT)
                    slide = LiveSlide(len(seen) + 1, info["title"])
                    if run and info["cells"]:
                        _run_cells(page, info["cells"], slide)
                        page.evaluate(CURRENT)
                    page.wait_for_timeout(100)
                    sheet.illegible += _shoot(page, slide, out_dir, sizes, *VIEWPORTS[0])
                    seen.append(info)
                    sheet.slides.append(slide)
                    progress(f"live sheet: slide {slide.number} {info['title']!r}"
                             + (f", cells {slide.cell_seconds} s" if slide.cell_seconds else ""))
                    if not _step(page, info):
                        break  # the last slide
                    if len(seen) > 500:
                        raise DeckError("the live sheet walked past 500 slides",
                                        fix="report this: RISE did not reach the last slide")
                # then every slide again on the 4:3 projector as the cells left it, walking
                # back from the last: one resize for the walk (a resize makes JupyterLab and
                # RISE lay out every slide again, which per slide was a third of the sheet's CPU)
                for w, h in VIEWPORTS[1:]:
                    page.set_viewport_size({"width": w, "height": h})
                    page.wait_for_timeout(250)
                    for slide, first in reversed(list(zip(sheet.slides, seen))):
                        info = page.evaluate(CURRENT)
                        if info["id"] != first["id"]:
                            raise DeckError(
                                f"at {w}×{h} RISE showed {info['title']!r} where slide "
                                f"{slide.number} ({slide.title!r}) was at "
                                f"{VIEWPORTS[0][0]}×{VIEWPORTS[0][1]}",
                                fix="report this: the slideshow's order changed on a resize")
                        page.wait_for_timeout(100)
                        sheet.illegible += _shoot(page, slide, out_dir, sizes, w, h)
                        _step(page, info, back=True)
            except PlaywrightError as exc:
                raise DeckError(f"the browser failed on the live {name} slideshow: "
                                f"{str(exc).splitlines()[0]}",
                                fix="look at build/present/jupyter.log") from None
            finally:
                context.close()
    finally:
        sheet.failures = presenter.live_log.new_lines()
        presenter.stop()
    sheet.differences = compare(exported, [{"title": s["title"], "pictures": s["pictures"]}
                                           for s in seen])
    return sheet
