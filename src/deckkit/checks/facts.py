"""Dates on slides and in notes against decks/facts.toml: a line that names an event (by the
longest of its names found in the line) and gives years must give one the facts allow."""

from __future__ import annotations

import re

from ..errors import Finding
from ..model.facts import Event
from ..model.generated import stale_cells
from ..model.project import DeckRecord

YEAR = re.compile(r"(?<![\d.])(19[89]\d|20[0-4]\d)(?![\d.])")


def _named(line: str, events: list[Event]) -> list[tuple[Event, str]]:
    """The events a line names.  A name inside a longer one found at the same place does not
    count ("PyTorch" in "PyTorch 2.0" is the 2.0 release, not the 2017 beta)."""
    spots = [(m.start(), m.end(), name, e) for e in events for name in e.names
             for m in re.finditer(re.escape(name), line)]
    kept = [s for s in spots if not any(o[0] <= s[0] and s[1] <= o[1] and o[1] - o[0] > s[1] - s[0]
                                        for o in spots)]
    seen, out = set(), []
    for _, _, name, event in kept:
        if id(event) not in seen:
            seen.add(id(event))
            out.append((event, name))
    return out


def wrong_years(text: str, events: list[Event]) -> list[tuple[int, str, str]]:
    """(line number, line, problem) for each line that names events and gives years, none of
    which any event it names allows."""
    out = []
    for number, line in enumerate(text.splitlines(), 1):
        years = {int(y) for y in YEAR.findall(line)}
        named = _named(line, events) if years else []
        if not named or any(years & set(event.years) for event, _ in named):
            continue
        event, name = named[0]
        allowed = " or ".join(str(y) for y in event.years)
        out.append((number, line.strip(), f"says {name} in {', '.join(map(str, sorted(years)))}"
                    f"; decks/facts.toml has {allowed} ({event.source})"))
    return out


def check_facts(record: DeckRecord, events: list[Event]) -> list[Finding]:
    """Markdown cells and the speaker notes of one deck, held to the dated facts."""
    findings = []
    for index, cell in enumerate(record.nb.cells):
        if cell.cell_type != "markdown":
            continue
        for _, line, problem in wrong_years(cell.source, events):
            findings.append(Finding(record.display, "fact-date", problem, index, line))
    if record.notes_text:
        notes = str(record.notes_path.name)
        for number, line, problem in wrong_years(record.notes_text, events):
            findings.append(Finding(f"speaker_notes/{notes}:{number}", "fact-date", problem,
                                    None, line))
    return findings


def check_generated(record: DeckRecord, made: dict[str, str]) -> list[Finding]:
    """Generated tables (metadata.deckkit.generated) that differ from decks/facts.toml."""
    return [Finding(record.display, "generated-stale",
                    f"its table is written from decks/facts.toml ([[{name}]] rows) and differs "
                    "from them; edit facts.toml, not the table, then run `deckkit clean` to "
                    "rewrite it", index, record.nb.cells[index].source)
            for index, name in stale_cells(record.nb, made)]
