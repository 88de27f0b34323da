"""Driving Chromium (Debian's, or Chrome or Edge where installed) headless over a built deck:
offline (every non-file request is aborted and recorded), slide by slide, for screenshots,
overflow checks and PDF export.

Errors from the browser (no Chromium, Playwright missing, a page that never gets ready, a
browser that dies) become DeckErrors naming the page and the fix at this boundary."""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DeckError, need_module

FLAGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--disable-gpu"]
WIDTH, HEIGHT = 1280, 720
# Chromium's headless shell first where it is installed (Debian and Ubuntu package it as
# chromium-headless-shell): the same Blink without the browser around it, what Playwright itself
# renders headless with.  Measured on this project's 2-core machines: the session's contact
# sheet with its axe scans took 26.0 core-seconds of browser CPU with it and 30.5 with Debian's
# chromium, and the whole test suite's browsers 92 core-seconds instead of 163.
PATH_NAMES = ("chromium-headless-shell", "chromium", "chromium-browser", "google-chrome",
              "google-chrome-stable", "chrome", "msedge", "microsoft-edge")
# Where Chrome, Chromium and Edge install themselves (what Playwright's chrome and msedge channels
# look for), by platform; Windows' under the folders its environment names.
MAC_APPS = ("Google Chrome.app/Contents/MacOS/Google Chrome",
            "Chromium.app/Contents/MacOS/Chromium",
            "Microsoft Edge.app/Contents/MacOS/Microsoft Edge")
WINDOWS_APPS = (r"Google\Chrome\Application\chrome.exe", r"Microsoft\Edge\Application\msedge.exe",
                r"Chromium\Application\chrome.exe")
WINDOWS_ROOTS = ("PROGRAMFILES", "PROGRAMFILES(X86)", "LOCALAPPDATA")
INSTALL = {
    "linux": "install it to render slides (Debian/Ubuntu: apt-get install -y chromium, or "
             "chromium-headless-shell, which renders with less CPU; Fedora: dnf install "
             "chromium)",
    "darwin": "install Google Chrome (https://www.google.com/chrome/) or Chromium "
              "(brew install --cask chromium) to render slides",
    "win32": "Microsoft Edge comes with Windows: if it was removed, install Google Chrome "
             "(https://www.google.com/chrome/) to render slides",
}


def _platform(name: str) -> str:
    return "darwin" if name == "darwin" else "win32" if name.startswith(("win", "cygwin")) \
        else "linux"


def browser_candidates(platform: str | None = None, env=None) -> list[str]:
    """Where a Chromium-family browser may be installed on ``platform`` (sys.platform's
    names), in the order tried after PATH."""
    platform, env = _platform(platform or sys.platform), os.environ if env is None else env
    if platform == "darwin":
        homes = ["/Applications", str(Path(env.get("HOME", "~")).expanduser() / "Applications")]
        return [f"{home}/{app}" for app in MAC_APPS for home in homes]
    if platform == "win32":
        return [f"{env[root]}\\{app}" for app in WINDOWS_APPS for root in WINDOWS_ROOTS
                if env.get(root)]
    return ["/opt/google/chrome/chrome", "/snap/bin/chromium"]


def find_chromium(platform: str | None = None, env=None, which=None, exists=None) -> str:
    """The browser deckkit renders with: $DECKKIT_BROWSER, else a Chromium-family browser on
    PATH, else one where Chrome, Chromium or Edge install themselves on this system."""
    env = os.environ if env is None else env
    which, exists = which or shutil.which, exists or os.path.isfile
    if chosen := env.get("DECKKIT_BROWSER"):
        if exists(chosen):
            return chosen
        raise DeckError(f"DECKKIT_BROWSER names {chosen}, which is not a file",
                        fix="point it at Chrome, Chromium or Edge, or unset it")
    for name in PATH_NAMES:
        if path := which(name):
            return path
    for path in browser_candidates(platform, env):
        if exists(path):
            return path
    fix = INSTALL[_platform(platform or sys.platform)]
    raise DeckError("no Chromium, Chrome or Edge found",
                    fix=f"{fix}, or set DECKKIT_BROWSER to its path; the HTML decks build "
                        "without it")


@dataclass
class BrowserPage:
    page: object
    context: object
    blocked: list[str] = field(default_factory=list)


@contextlib.contextmanager
def open_deck(path: Path, query: str = "transition=none", timeout_ms: int = 30000,
              viewport: tuple[int, int] = (WIDTH, HEIGHT), hash_: str = ""):
    """A page showing the deck from file:// with the network cut off; waits until reveal.js,
    maths and diagrams are ready (body[data-deckkit-ready]).  ``viewport``: a phone is
    (390, 844); ``hash_``: a slide link such as "#/25"."""
    with open_page(path, query, ready="body[data-deckkit-ready]", timeout_ms=timeout_ms,
                   viewport=viewport, hash_=hash_) as s:
        yield s


_SHARED: list = []   # the browser of the open shared() block, if any


def _playwright():
    api = need_module("playwright.sync_api", "slide rendering", "pip install playwright (no "
                      "browser download: deckkit uses the system Chromium)")
    return api.sync_playwright, api.Error


@contextlib.contextmanager
def shared():
    """One Chromium for every page opened inside the block (open_page, open_deck, the live sheet):
    each page gets a fresh context of its own, the browser starts once.  A PDF export of a
    dozen decks, or a test run, pays for one start instead of one per page.  Nested blocks
    use the outer one's browser."""
    if _SHARED:
        yield _SHARED[0]
        return
    sync_playwright, PlaywrightError = _playwright()
    chromium = find_chromium()
    try:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=chromium, args=FLAGS)
            _SHARED.append(b)
            try:
                yield b
            finally:
                _SHARED.clear()
                b.close()
    except PlaywrightError as exc:
        raise DeckError(f"Chromium failed ({' '.join(str(exc).split())[:200]})",
                        fix="update Chromium (apt-get install -y chromium) and try again") from None


@contextlib.contextmanager
def open_page(path: Path, query: str = "", ready: str = "body", timeout_ms: int = 30000,
              viewport: tuple[int, int] = (WIDTH, HEIGHT), hash_: str = "", before_load=None):
    """Any built page from file:// in headless Chromium, every other request aborted.
    ``before_load(session)`` runs on the blank page, before the page is loaded."""
    _, PlaywrightError = _playwright()
    where = _display(path)
    try:
        with shared() as b:
            context = b.new_context(viewport={"width": viewport[0], "height": viewport[1]})
            try:
                session = BrowserPage(None, context)

                def route(r):
                    if r.request.url.startswith(("file://", "data:", "about:")):
                        r.continue_()
                    else:
                        session.blocked.append(r.request.url)
                        r.abort()

                context.route("**/*", route)
                session.page = context.new_page()
                if before_load:
                    before_load(session)
                session.page.goto(Path(path).resolve().as_uri() + (f"?{query}" if query else "")
                                  + hash_)
                _wait_ready(session.page, ready, timeout_ms, where)
                yield session
            finally:
                context.close()
    except PlaywrightError as exc:
        message = " ".join(str(exc).split())[:200]
        raise DeckError(f"Chromium failed on it ({message})", where=where,
                        fix="rebuild it (deckkit build) and try again; if it persists, update "
                        "Chromium (apt-get install -y chromium)") from None


def _wait_ready(page, ready: str, timeout_ms: int, where: str) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_selector(ready, timeout=timeout_ms)
    except PlaywrightTimeout:
        raise DeckError(f"not ready after {timeout_ms / 1000:g} s (waited for {ready})",
                        where=where, fix="rebuild it with `deckkit build`; a page that loads "
                        "without its assets never gets ready") from None


def _display(path: Path) -> str:
    parts = Path(path).parts
    return "/".join(parts[-3:]) if len(parts) >= 3 else str(path)


def slide_count(page) -> int:
    return page.evaluate("Reveal.getTotalSlides()")


# Where a slide's content ends, as a share of its height (the lowest drawn text, picture, code
# box or shaded panel; hidden things and the notes do not count), and whether it runs into a
# section opener's band.  Defined once in the page; measured again once the maths is drawn.
FILL = r"""() => { window.deckkitFill = (s) => {
        const cfg = Reveal.getConfig();
        const top = s.getBoundingClientRect().top, scale = Reveal.getScale() || 1;
        let bottom = 0;
        const visible = e => { const st = getComputedStyle(e);
          return st.visibility !== 'hidden' && st.display !== 'none' && st.opacity !== '0'; };
        // an opener's band (steps/opener.py) sits at the foot: the rest must end above it
        const band = s.querySelector('.deckkit-opener');
        let above = 0;
        const reach = (e, b) => { bottom = Math.max(bottom, b);
          if (band && !band.contains(e)) above = Math.max(above, b); };
        const walker = document.createTreeWalker(s, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          if (!n.textContent.trim() || !n.parentElement || n.parentElement.closest('aside.notes')
              || !visible(n.parentElement)) continue;
          const range = document.createRange(); range.selectNodeContents(n);
          for (const r of range.getClientRects()) if (r.height > 0) reach(n.parentElement, r.bottom);
        }
        s.querySelectorAll('img, svg, canvas, pre, table').forEach(e => {
          if (e.closest('aside.notes') || (e.tagName === 'svg' && e.parentElement.closest('svg'))
              || !visible(e)) return;
          const r = e.getBoundingClientRect(); if (r.height > 2) reach(e, r.bottom); });
        // a box drawn on the slide (a card's panel) ends where its shading ends
        s.querySelectorAll('div').forEach(e => {
          if (e.closest('aside.notes') || !visible(e)) return;
          const bg = getComputedStyle(e).backgroundColor.match(/[\d.]+/g) || [];
          if (bg.length < 3 || (bg.length > 3 && +bg[3] === 0)) return;
          const r = e.getBoundingClientRect();
          if (r.height > 2 && r.height < 0.9 * cfg.height * scale) reach(e, r.bottom); });
        const fill = bottom ? (bottom - top) / scale / cfg.height : 0;
        const crowded = !!band && above > band.getBoundingClientRect().top + 1;
        return {fill, crowded};
      }; }"""


def show_slide(page, index: int) -> dict:
    """Go to leaf slide ``index`` with all its fragments shown; return what is on it and
    whether its content overflows the 1280×720 slide."""
    if not page.evaluate("() => !!window.deckkitFill"):
        page.evaluate(FILL)
    return page.evaluate(r"""(i) => {
        if (!document.getElementById('deckkit-no-motion')) {  // shots show the final state
            const style = document.createElement('style');
            style.id = 'deckkit-no-motion';
            style.textContent = '.reveal .fragment, .reveal .slides section { transition: none !important; }';
            document.head.appendChild(style);
        }
        const s = Reveal.getSlides()[i];
        const idx = Reveal.getIndices(s);
        Reveal.slide(idx.h, idx.v);
        s.querySelectorAll('.fragment').forEach(f => f.classList.add('visible'));
        Reveal.layout();
        const cfg = Reveal.getConfig();
        const title = (s.querySelector('h1, h2, h3') || {}).textContent || '';
        const {fill, crowded} = window.deckkitFill(s);
        return {index: i, section: s.closest('[data-section]')?.getAttribute('data-section') || '',
                title: title.trim(), height: s.scrollHeight, width: s.scrollWidth, fill: fill,
                layout: s.getAttribute('data-deckkit-layout') || '',
                overflow: s.scrollHeight > cfg.height + 1 || s.scrollWidth > cfg.width + 1
                          || crowded, crowded: crowded,
                broken: s.innerText.includes('Math Processing Error') || !!s.querySelector(
                    '.MathJax_Error, [data-mime-type="application/vnd.jupyter.stderr"]')};
    }""", index)


def walk(page, slides=None):
    """Yield show_slide() for every leaf slide (or the given 0-based indices), in order."""
    for i in (range(slide_count(page)) if slides is None else slides):
        info = show_slide(page, i)
        # a slide shown re-renders its maths (deckkit.js queues it on slidechanged): wait for
        # MathJax's queue, or the shot shows empty space where the formulas go (a slide with
        # no maths queues nothing: waiting for the queue would cost a fifth of a second)
        page.evaluate("(i) => new Promise(done => window.MathJax && MathJax.Hub"
                      " && (!window.deckkitHasMaths || deckkitHasMaths(Reveal.getSlides()[i]))"
                      " ? MathJax.Hub.Queue(() => done(true)) : done(false))", i)
        page.wait_for_timeout(60)
        if info["fill"] or info["crowded"]:  # the maths drawn may have moved what ends the slide
            again = page.evaluate("(i) => window.deckkitFill(Reveal.getSlides()[i])", i)
            info.update(again)
            info["overflow"] = info["overflow"] or again["crowded"]
        yield info
