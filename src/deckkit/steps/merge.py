"""Label slides with their section and join section decks into one session notebook."""

from __future__ import annotations

import copy

import nbformat

from ..model.slides import LAYOUTS, slide_starts


def label_section(nb, ctx):
    """Step: every slide carries data-section="C · NN Basics" for the footer, and a slide whose
    cell asks for a layout (metadata.deckkit.layout: "statement", "opener") carries
    data-deckkit-layout, which the stylesheet and the contact sheet read."""
    for cell in nb.cells:
        slideshow = cell.metadata.setdefault("slideshow", {})
        data = slideshow.setdefault("data", {})
        data["section"] = ctx.record.section.label
        meta = cell.metadata.get("deckkit")
        if isinstance(meta, dict) and meta.get("layout") in LAYOUTS:
            data["deckkit_layout"] = meta["layout"]
    return nb, []


def merge_session(parts: list, title: str):
    """One notebook with every section's notebook in order; each section opens a new slide.
    Label each part with label_section first so the footer names its section."""
    merged = nbformat.v4.new_notebook()
    if parts:
        merged.metadata = copy.deepcopy(parts[0].metadata)
    merged.metadata.setdefault("deckkit", {})["section"] = "session"
    merged.metadata["title"] = title
    for nb in parts:
        cells = copy.deepcopy(nb.cells)
        starts = slide_starts(nb)
        if starts:
            cells[starts[0]].metadata.setdefault("slideshow", {})["slide_type"] = "slide"
        merged.cells.extend(cells)
    return merged
