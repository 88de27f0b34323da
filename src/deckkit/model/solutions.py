"""What students do not get: solutions (and script in what they open: model/sanitise.py).

A solution is a whole slide or a range of cells, never a lucky tag.

A cell tagged ``solution`` (or ``instructor``) that opens a slide takes the whole slide with it:
for a top-level slide every cell until the next top-level slide (its subslides included), for a
subslide every cell until the next slide or subslide.  A tagged cell inside a slide is left out on
its own.  So a solution's code cannot slip onto the previous slide when its own tag is forgotten;
`deckkit check` still reports such a slide as ambiguous, so the author says what is meant.
"""

from __future__ import annotations

from dataclasses import dataclass

from .slides import slide_starts, slide_type

STUDENT_DROPS = frozenset({"solution", "instructor"})


def is_tagged(cell, tags=STUDENT_DROPS) -> bool:
    return bool(set(tags) & set(cell.get("metadata", {}).get("tags", []) or []))


@dataclass(frozen=True)
class Withheld:
    """A slide (or a lone cell) kept from students: cells ``start`` .. ``end - 1``."""

    start: int
    end: int
    whole_slide: bool
    untagged: tuple[int, ...] = ()   # cells of a whole-slide solution without the tag


def withheld(nb, tags=STUDENT_DROPS) -> list[Withheld]:
    starts = slide_starts(nb)
    cells = nb.cells
    out: list[Withheld] = []
    covered: set[int] = set()
    for position, start in enumerate(starts):
        if not is_tagged(cells[start], tags):
            continue
        top_level = slide_type(cells[start]) == "slide" or position == 0
        end = len(cells)
        for later in starts[position + 1:]:
            if not top_level or slide_type(cells[later]) == "slide":
                end = later
                break
        span = range(start, end)
        untagged = tuple(i for i in span if not is_tagged(cells[i], tags))
        out.append(Withheld(start, end, True, untagged))
        covered.update(span)
    for index, cell in enumerate(cells):
        if index not in covered and is_tagged(cell, tags):
            out.append(Withheld(index, index + 1, False))
    return sorted(out, key=lambda w: w.start)


def withheld_cells(nb, tags=STUDENT_DROPS) -> set[int]:
    return {i for w in withheld(nb, tags) for i in range(w.start, w.end)}


BLANK = "___"
MIN_PREFIX = 8   # characters before a blank: shorter ("x = ___") would match ordinary code


def _code(line: str) -> str:
    return " ".join(line.split("#", 1)[0].split())


def answers(nb) -> list[str]:
    """The lines of an exercise's withheld solution that fill a blank of its starter code
    (`self.embed = ___` filled as `self.embed = nn.Embedding(10_000, 64)`), comments and
    spacing dropped: wherever one of them stands where students look, the solution is out,
    tagged or not.  (A line that only fills the same blank differently is other code.)"""
    gone = withheld_cells(nb)
    prefixes = {_code(line.partition(BLANK)[0]) for index, cell in enumerate(nb.cells)
                if cell.cell_type == "code" and index not in gone
                for line in cell.source.splitlines() if BLANK in line}
    prefixes = {p for p in prefixes if len(p) >= MIN_PREFIX}
    found = set()
    for index in gone:
        for line in nb.cells[index].source.splitlines():
            code = _code(line)
            if any(code.startswith(p) and BLANK not in code[len(p):] and code[len(p):].strip()
                   for p in prefixes):
                found.add(code)
    return sorted(found)


def exercise_answers(exercises_dir) -> dict[str, list[str]]:
    """Each exercise notebook's answers (answers()), by its display name; an exercise that
    does not read is left to the check that reports it."""
    from pathlib import Path

    from ..errors import DeckError
    from .deck import read_deck

    found = {}
    for path in sorted(Path(exercises_dir).glob("*.ipynb")):
        try:
            found[f"exercises/{path.name}"] = answers(read_deck(path).nb)
        except DeckError:
            continue
    return found


def given_answers(source: str, known: list[str]) -> list[str]:
    """The lines of ``source`` that are one of the ``known`` answers (answers() gives them)."""
    return [line.strip() for line in source.splitlines() if _code(line) in known]
