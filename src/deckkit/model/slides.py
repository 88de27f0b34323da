"""Where slides start in a deck notebook, and their stable keys (metadata.deckkit.key)."""

from __future__ import annotations

# every slide_type RISE and nbconvert know ("-" continues the slide above)
SLIDE_TYPES = ("slide", "subslide", "fragment", "-", "skip", "notes")
HIDDEN = ("skip", "notes")


# the slide layouts a cell's metadata.deckkit.layout may ask for: "statement" (a slide meant to
# be short: the contact sheet's space check leaves it alone) and "opener" (a section's first
# slide, with its band: steps/opener.py)
LAYOUTS = ("statement", "opener", "title")


def slide_type(cell) -> str:
    slideshow = cell.get("metadata", {}).get("slideshow", {})
    return slideshow.get("slide_type", "-") if isinstance(slideshow, dict) else "-"


def slide_starts(nb) -> list[int]:
    """Indices of the cells that open a slide or subslide (the first visible cell always does)."""
    starts, seen_visible = [], False
    for index, cell in enumerate(nb.cells):
        kind = slide_type(cell)
        if kind in HIDDEN:
            continue
        if not seen_visible or kind in ("slide", "subslide"):
            starts.append(index)
        seen_visible = True
    return starts


def heading(source: str) -> str | None:
    """The text of a markdown cell's first line when it is a heading ("# Era Cards" ->
    "Era Cards"), else None."""
    for line in source.splitlines():
        if line.strip():
            stripped = line.strip()
            return stripped.lstrip("#").strip() if stripped.startswith("#") else None
    return None


def slide_key(cell) -> str | None:
    meta = cell.get("metadata", {}).get("deckkit", {})
    key = meta.get("key") if isinstance(meta, dict) else None
    return key if isinstance(key, str) else None  # other values are reported by the lint


def slide_spans(nb) -> list[tuple[int, int]]:
    """(first cell, end) of every slide: cells first..end-1 belong to it."""
    starts = slide_starts(nb)
    return list(zip(starts, starts[1:] + [len(nb.cells)]))
