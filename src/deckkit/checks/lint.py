"""Per-deck lint: slide types, committed outputs, section metadata and title (nbformat's schema
is checked where a deck is read: model/deck.py)."""

from __future__ import annotations

import re

from ..errors import Finding
from ..model.committed import normalise
from ..model.deck import Deck
from ..model.generated import GENERATORS
from ..model.session import Session
from ..model.slides import LAYOUTS, SLIDE_TYPES, slide_starts
from ..model.slides import heading as slide_heading


def lint_deck(deck: Deck, session: Session) -> list[Finding]:
    findings: list[Finding] = []
    for index, cell in enumerate(deck.nb.cells):
        findings += _check_cell(deck, index, cell)
    findings += _check_section(deck, session)
    findings += _check_metadata(deck)
    if not findings:  # the specific problems first; then anything else RISE/Jupyter changed
        findings += _check_normalised(deck, session)
    return findings


def _check_normalised(deck: Deck, session: Session) -> list[Finding]:
    """Metadata as committed: what RISE or Jupyter add when saving is noise in git."""
    section = next((s for s in session.sections if s.letter == deck.letter), None)
    if section is None:
        return []
    if normalise(deck.nb, section.label) != deck.nb:
        return [Finding(deck.display, "not-normalised",
                        "metadata differs from the committed form (RISE or Jupyter rewrote it "
                        "when saving); run `deckkit clean`")]
    return []


KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


def _check_metadata(deck: Deck) -> list[Finding]:
    """What the build relies on, checked before any code runs: metadata.deckkit of the deck
    (inputs, exclusive) and of each cell (key), and an installed kernel."""
    out = []
    raw = deck.nb.metadata.get("deckkit", {})
    if not isinstance(raw, dict):
        out.append(Finding(deck.display, "deckkit-metadata", f"metadata.deckkit is "
                           f"{type(raw).__name__}; it must be a mapping such as "
                           '{"section": "C"}'))
    inputs = deck.meta.get("inputs", [])
    if not isinstance(inputs, list) or not all(isinstance(i, str) for i in inputs):
        out.append(Finding(deck.display, "deckkit-metadata", f"metadata.deckkit.inputs is "
                           f"{inputs!r}; list the files the deck's code reads, relative to the "
                           'deck, e.g. ["data/words.csv"]'))
    else:
        for name in inputs:
            if not (deck.path.parent / name).is_file():
                out.append(Finding(deck.display, "deckkit-metadata", f"metadata.deckkit.inputs "
                                   f"names {name!r}, which is not a file next to the deck"))
    exclusive = deck.meta.get("exclusive", False)
    if not isinstance(exclusive, bool):
        out.append(Finding(deck.display, "deckkit-metadata", f"metadata.deckkit.exclusive is "
                           f"{exclusive!r}; use true or false"))
    for index, cell in enumerate(deck.nb.cells):
        meta = cell.get("metadata", {}).get("deckkit", {})
        if not isinstance(meta, dict):
            out.append(Finding(deck.display, "deckkit-metadata", "the cell's metadata.deckkit "
                               'must be a mapping such as {"key": "forward-pass"}', index,
                               cell.get("source", "")))
        elif "runs_for" in meta and (isinstance(meta["runs_for"], bool) or not isinstance(
                meta["runs_for"], (int, float)) or meta["runs_for"] <= 0):
            out.append(Finding(deck.display, "deckkit-metadata", f"metadata.deckkit.runs_for is "
                               f"{meta['runs_for']!r}; give the seconds the cell is meant to run",
                               index, cell.get("source", "")))
        elif "generated" in meta and meta["generated"] not in GENERATORS:
            out.append(Finding(deck.display, "deckkit-metadata", f"metadata.deckkit.generated "
                               f"is {meta['generated']!r}; a table can be generated from: "
                               f"{', '.join(sorted(GENERATORS))}", index, cell.get("source", "")))
        elif "highlight" in meta and (problem := highlight_problem(cell, meta["highlight"])):
            out.append(Finding(deck.display, "deckkit-metadata", problem, index,
                               cell.get("source", "")))
        elif "materials" in meta and meta["materials"] != "qr":
            out.append(Finding(deck.display, "deckkit-metadata", f"metadata.deckkit.materials "
                               f"is {meta['materials']!r}; \"qr\" shows the session's "
                               "materials_url as a link and a QR code", index,
                               cell.get("source", "")))
        elif "layout" in meta and meta["layout"] not in LAYOUTS:
            out.append(Finding(deck.display, "deckkit-metadata", f"metadata.deckkit.layout is "
                               f"{meta['layout']!r}; a slide's layout is one of: "
                               f"{', '.join(LAYOUTS)} (\"statement\": a slide meant to be "
                               "short, which the space check leaves alone)", index,
                               cell.get("source", "")))
        elif "key" in meta and not (isinstance(meta["key"], str) and KEY.match(meta["key"])):
            out.append(Finding(deck.display, "slide-key", f"key {meta['key']!r} cannot name "
                               "notes: use ASCII letters, digits, - and _ (e.g. forward-pass)",
                               index, cell.get("source", "")))
    out += _check_kernel(deck)
    return out


def _check_kernel(deck: Deck) -> list[Finding]:
    from jupyter_client.kernelspec import find_kernel_specs

    name = (deck.nb.metadata.get("kernelspec") or {}).get("name", "python3")
    if name not in find_kernel_specs() and name != "python3":  # python3: ipykernel's own
        return [Finding(deck.display, "kernel", f'needs the Jupyter kernel "{name}", which is not '
                        "installed here; set the notebook's kernel to Python 3 (python3)")]
    return []


def _check_cell(deck: Deck, index: int, cell) -> list[Finding]:
    out = []

    def add(code: str, message: str) -> None:
        out.append(Finding(deck.display, code, message, index, cell.get("source", "")))

    slideshow = cell.get("metadata", {}).get("slideshow", {})
    slide_type = slideshow.get("slide_type", "-") if isinstance(slideshow, dict) else None
    if slide_type not in SLIDE_TYPES:
        add("unknown-slide-type",
            f'unknown slide_type "{slide_type}"; use one of: {", ".join(SLIDE_TYPES)}')
    if cell.get("cell_type") == "markdown":
        for message in diagram_order(cell.get("source", "")):
            add("diagram-order", message)
    if cell.get("cell_type") == "code" and (cell.get("outputs") or cell.get("execution_count")):
        add("committed-output",
            "has outputs or an execution count; decks are committed clean "
            "(run `deckkit clean` to strip them)")
    return out


STEP = re.compile(r"^\d+(-\d+)?(,\d+(-\d+)?)*$")
CODE_BLOCK = re.compile(r"```[^\n]*\n(.*?)```", re.S)


def highlight_problem(cell, spec) -> str | None:
    """What is wrong with metadata.deckkit.highlight ("1-3|4|5-6": the lines lit at each
    step), or None.  It counts the lines of a code cell, or of a markdown cell's first code
    block."""
    example = 'e.g. "1-3|4|5-6" (the lines lit at each step, 1 = the first line)'
    if not isinstance(spec, str) or not all(STEP.match(s.replace(" ", "")) for s in spec.split("|")):
        return f"metadata.deckkit.highlight is {spec!r}; write steps as {example}"
    source = cell.get("source", "")
    if cell.get("cell_type") == "markdown":
        block = CODE_BLOCK.search(source)
        if not block:
            return ("metadata.deckkit.highlight steps through code, and this markdown cell has "
                    "no ``` code block")
        source = block.group(1)
    count = len(source.rstrip("\n").split("\n"))
    numbers = [int(n) for n in re.findall(r"\d+", spec)]
    for part in re.findall(r"\d+-\d+", spec):
        a, b = map(int, part.split("-"))
        if a > b:
            return f"metadata.deckkit.highlight has the range {part}; write it low to high"
    if min(numbers) < 1 or max(numbers) > count:
        return (f"metadata.deckkit.highlight names line {max(numbers) if max(numbers) > count else 0}"
                f", and the code has {count} lines; {example}")
    return None


SUBGRAPH = re.compile(r"^\s*subgraph\s+([A-Za-z0-9_]+)", re.M)
LINK = re.compile(r"^\s*([A-Za-z0-9_]+)\s*(?:~~~|-->|---|-\.->|==>)\s*([A-Za-z0-9_]+)\s*$", re.M)
FENCE = re.compile(r"```mermaid\s*\n(.*?)```", re.S)


def diagram_order(markdown: str) -> list[str]:
    """Mermaid places unlinked subgraphs in an order of its own (the last one written often
    comes first), so a diagram told in order (graph-first, then eager) must link them."""
    out = []
    for source in FENCE.findall(markdown):
        names = SUBGRAPH.findall(source)
        links = set(LINK.findall(source))
        missing = [(a, b) for a, b in zip(names, names[1:]) if (a, b) not in links]
        if missing:
            a, b = missing[0]
            out.append(f"the diagram's subgraphs {a} and {b} are not linked, so Mermaid may draw "
                       f"{b} first; add the line `{a} ~~~ {b}` (an invisible link) to keep the "
                       "order they are written in")
    return out


def _check_section(deck: Deck, session: Session) -> list[Finding]:
    declared = deck.meta.get("section")
    if declared != deck.letter:
        return [Finding(deck.display, "section-metadata",
                        f'metadata.deckkit.section is {declared!r}; set it to "{deck.letter}" '
                        "to match the file name")]
    section = next((s for s in session.sections if s.letter == deck.letter), None)
    if section is None:
        return []  # reported once by check_session
    starts = slide_starts(deck.nb)
    if not starts:
        return [Finding(deck.display, "empty-deck", "has no visible slide")]
    index = starts[0]
    cell = deck.nb.cells[index]
    heading = slide_heading(cell.get("source", "")) if cell.cell_type == "markdown" else None
    # The session's first section opens the whole talk, so its first slide is the talk's title.
    expected = session.title if section == session.sections[0] else section.title
    if heading != expected:
        return [Finding(deck.display, "section-title",
                        f'the first slide should open with the heading "# {expected}" '
                        f"(the title in decks/session.toml); found {heading!r}",
                        index, cell.get("source", ""))]
    return []
