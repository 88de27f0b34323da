"""The student version of a deck: solution and instructor-only slides and cells left out (what
counts as one: model/solutions.py), and markdown and HTML outputs made inert — no <script>, no
event-handler attributes, no javascript: links — so a snippet pasted into a slide cannot run
script in a student's browser.  Authors are trusted; `deckkit check` warns where this applies."""

from __future__ import annotations

from nbformat.v4 import new_markdown_cell

from ..model.launch import launch_links, links_markdown
from ..model.solutions import STUDENT_DROPS, inert, withheld_cells


def drop_tagged(nb, tags=STUDENT_DROPS):
    """``nb`` without its withheld slides and cells (changed in place and returned)."""
    gone = withheld_cells(nb, tags)
    nb.cells = [c for i, c in enumerate(nb.cells) if i not in gone]
    return nb


def drop_solutions(nb, ctx):
    """Step: the deck as students get it (no solutions, no instructor-only cells, nothing in
    markdown or HTML outputs that runs script)."""
    nb = drop_tagged(nb)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = inert(cell.source)[0]
        for out in cell.get("outputs", []) or []:
            data = out.get("data", {})
            if "text/html" in data:
                html = data["text/html"]
                data["text/html"] = inert("".join(html) if isinstance(html, list) else html)[0]
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
