"""PDF export: each built deck printed by headless Chromium through reveal.js's print view —
one 16:9 page per slide, fragments merged, maths and diagrams rendered (the page waits for
deckkit's ready flag).  The handout variant adds each slide's speaker notes on its own page."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from . import browser

PAGE = {"width": "1280px", "height": "720px"}


def print_pdf(deck: Path, out: Path, handout: bool = False) -> Path:
    """Write ``out`` from the built ``deck`` (atomically); returns the path."""
    query = "print-pdf&transition=none" + ("&showNotes=separate-page" if handout else "")
    out.parent.mkdir(parents=True, exist_ok=True)
    with browser.open_deck(deck, query=query, timeout_ms=60000) as session:
        page = session.page
        page.wait_for_selector(".pdf-page", state="attached")
        page.emulate_media(media="print")
        fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
        os.close(fd)
        try:
            page.pdf(path=tmp, print_background=True, prefer_css_page_size=True, **PAGE)
            os.chmod(tmp, 0o644)
            os.replace(tmp, out)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        if session.blocked:
            raise RuntimeError(f"{deck.name} tried to load {session.blocked[0]} while printing")
    return out


def export_pdfs(project, progress=lambda msg: None) -> list[Path]:
    """A PDF per built section deck, the session PDF and the session handout with notes."""
    html, out = project.build_dir / "html", project.build_dir / "pdf"
    decks = sorted(p for p in html.glob("*.slides.html") if p.name != "session.slides.html")
    written = []
    for deck in decks:
        name = deck.name.removesuffix(".slides.html")
        progress(f"pdf: {name}")
        written.append(print_pdf(deck, out / f"{name}.pdf"))
    session = html / "session.slides.html"
    if session.exists():
        progress("pdf: session and handout")
        written.append(print_pdf(session, out / "session.pdf"))
        written.append(print_pdf(session, out / "session-handout.pdf", handout=True))
    sheet = project.build_dir / "notes" / "run-sheet.html"
    if sheet.exists():
        progress("pdf: run sheet")
        written.append(print_page(sheet, project.build_dir / "notes" / "run-sheet.pdf"))
    return written


def print_page(html: Path, out: Path) -> Path:
    """A plain HTML page (the run sheet) as an A4 PDF, written atomically."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with browser.open_page(html) as session:
        fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
        os.close(fd)
        try:
            session.page.pdf(path=tmp, format="A4", print_background=True,
                             margin={"top": "12mm", "bottom": "12mm", "left": "10mm",
                                     "right": "10mm"})
            os.chmod(tmp, 0o644)
            os.replace(tmp, out)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return out
