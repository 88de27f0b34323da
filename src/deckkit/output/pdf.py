"""PDF export: each built deck printed by headless Chromium through reveal.js's print view —
one 16:9 page per slide, fragments merged, maths and diagrams rendered (the page waits for
deckkit's ready flag).  The handout variant adds each slide's speaker notes on its own page."""

from __future__ import annotations

from pathlib import Path

from ..errors import DeckError
from ..model.layout import BuildLayout, atomic_path
from . import browser

PAGE = {"width": "1280px", "height": "720px"}


def print_pdf(deck: Path, out: Path, handout: bool = False) -> Path:
    """Write ``out`` from the built ``deck`` (atomically); returns the path.  A deck that tries
    to reach the network while printing is a DeckError (it must work offline)."""
    query = "print-pdf&transition=none" + ("&showNotes=separate-page" if handout else "")
    with browser.open_deck(deck, query=query, timeout_ms=60000) as session:
        page = session.page
        page.wait_for_selector(".pdf-page", state="attached")
        page.emulate_media(media="print")
        # a link to a file of this machine is dead in a PDF that travels, and names the
        # builder's folders (user name included): it becomes plain text; web links stay
        page.evaluate("""() => { for (const a of document.querySelectorAll('a[href]')) {
            if (a.href.startsWith('file:')) { a.removeAttribute('href'); } } }""")
        with atomic_path(out) as tmp:
            page.pdf(path=str(tmp), print_background=True, prefer_css_page_size=True, **PAGE)
            if session.blocked:
                raise DeckError(f"tried to load {session.blocked[0]} while printing",
                                where=f"{deck.parent.name}/{deck.name}",
                                fix="decks must work offline: embed or remove that resource")
    return out


def export_pdfs(layout: BuildLayout, progress=lambda msg: None) -> list[Path]:
    """A PDF per built section deck, the session PDF and the session handout with notes, and
    the run sheet: from what build/html and build/notes hold."""
    html = layout.html_dir()
    session = layout.page("session")
    decks = sorted(p for p in html.glob("*.slides.html") if p != session)
    written = []
    with browser.shared():   # one Chromium for every page printed
        _print_all(layout, decks, session, written, progress)
    return written


def _print_all(layout: BuildLayout, decks: list[Path], session: Path, written: list[Path],
               progress) -> None:
    for deck in decks:
        name = deck.name.removesuffix(".slides.html")
        progress(f"pdf: {name}")
        written.append(print_pdf(deck, layout.pdf(name)))
    if session.exists():
        progress("pdf: session and handout")
        written.append(print_pdf(session, layout.pdf("session")))
        written.append(print_pdf(session, layout.handout, handout=True))
    if layout.run_sheet_html.exists():
        progress("pdf: run sheet")
        written.append(print_page(layout.run_sheet_html, layout.run_sheet_pdf))


def print_page(html: Path, out: Path) -> Path:
    """A plain HTML page (the run sheet) as an A4 PDF, written atomically."""
    with browser.open_page(html) as session, atomic_path(out) as tmp:
        session.page.pdf(path=str(tmp), format="A4", print_background=True,
                         margin={"top": "12mm", "bottom": "12mm", "left": "10mm",
                                 "right": "10mm"})
    return out
