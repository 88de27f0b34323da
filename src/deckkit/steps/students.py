"""The student version of a deck: solution and instructor-only slides and cells left out (what
counts as one: model/solutions.py), and nothing left that runs script in a student's browser
or notebook (model/sanitise.py): outputs keep only the MIME types a page or notebook shows
without running anything, their HTML, SVG and markdown cleaned, and a markdown cell that holds
active HTML becomes its cleaned rendering.  The exported student page cleans every cell's
HTML once more (output/export.py).  Authors are trusted; `deckkit check` warns where this
applies."""

from __future__ import annotations

import html
import re

from nbformat.v4 import new_markdown_cell

from ..model.launch import launch_links, links_markdown
from ..model.sanitise import clean, markdown_html, removed
from ..model.slides import slide_key, slide_starts
from ..model.solutions import STUDENT_DROPS, withheld_cells

# what a student's output may carry: shown without running anything (HTML, SVG and markdown
# once cleaned); application/javascript, widget views and anything unknown are left out
SHOWN = ("text/plain", "text/html", "text/markdown", "text/latex", "image/png", "image/jpeg",
         "image/gif", "image/svg+xml", "application/json")
CLEANED = ("text/html", "image/svg+xml")


def drop_tagged(nb, tags=STUDENT_DROPS):
    """``nb`` without its withheld slides and cells (changed in place and returned)."""
    gone = withheld_cells(nb, tags)
    nb.cells = [c for i, c in enumerate(nb.cells) if i not in gone]
    return nb


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def safe_markdown(source: str) -> str:
    """A markdown cell as it may reach students: itself, or where it holds active HTML, its
    cleaned rendering (HTML is valid markdown, and a notebook shows it the same way)."""
    html = markdown_html(source)
    return clean(html) if removed(html) else source


def safe_output(out):
    """An output as it may reach students, or None when nothing of it may."""
    if "data" not in out:
        return out   # a stream or an error: text only
    data = {}
    for mime, value in out["data"].items():
        if mime not in SHOWN:
            continue
        if mime in CLEANED:
            value = clean(_text(value))
        elif mime == "text/markdown" and removed(markdown_html(_text(value))):
            mime, value = "text/html", clean(markdown_html(_text(value)))
        data[mime] = value
    if not data:
        return None
    out["data"] = data
    return out


def drop_solutions(nb, ctx):
    """Step: the deck as students get it (no solutions, no instructor-only cells, nothing that
    runs script)."""
    nb = drop_tagged(nb)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = safe_markdown(cell.source)
        elif cell.cell_type == "raw":
            cell.source = clean(cell.source)
        if cell.cell_type == "code":
            cell.outputs = [o for o in map(safe_output, cell.outputs) if o is not None]
    return nb, []


def add_launch_links(nb, ctx):
    """Step: where the session names a public notebooks folder (notebooks_url), the deck's
    closing slide says where to run the section's notebook (model/launch.py)."""
    links = launch_links(ctx.session.notebooks_url, ctx.record.deck.path.name)
    if links:
        nb.cells.append(new_markdown_cell(
            f"Run this section's notebook yourself: {links_markdown(links)}",
            metadata={"slideshow": {"slide_type": "-"}, "deckkit": {"launch": True}},
            id=f"launch-{ctx.record.name}"[:64]))  # fixed, and unique in the session deck
    return nb, []


INLINE_CODE = re.compile(r"`([^`]+)`")


def takeaway_html(text: str) -> str:
    """A takeaway as the slide shows it: escaped, with `code` kept as code."""
    body = INLINE_CODE.sub(r"<code>\1</code>", html.escape(text, quote=False))
    return f'<p class="deckkit-takeaway"><b>Takeaway:</b> {body}</p>'


def add_takeaways(nb, ctx):
    """Step: each slide ends with its one-line takeaway from the speaker notes (`Takeaway:`),
    so the student copy keeps the point the notes make.  The presenter's build does not show
    it (the presenter has the notes)."""
    notes = ctx.record.notes.by_key() if ctx.record.notes is not None else {}
    starts = slide_starts(nb)
    ends = starts[1:] + [len(nb.cells)]
    for start, end in reversed(list(zip(starts, ends))):
        note = notes.get(slide_key(nb.cells[start]) or "")
        if note is None or not note.takeaway:
            continue
        nb.cells.insert(end, new_markdown_cell(
            takeaway_html(note.takeaway),
            metadata={"slideshow": {"slide_type": "-"}, "deckkit": {"takeaway": True}},
            id=f"takeaway-{ctx.record.name}-{start}"[:64]))
    return nb, []
