"""The rehearsal recorder: the seconds a presenter spends on each slide while rehearsing in
`deckkit preview`, as the open page reports them, added up and saved (one file per day, in
build/notes/), for the run sheet to set beside each slide's budget.

A report is a JSON object of slide key → seconds.  Only the keys of the decks' own slides are
taken (a page cannot write anything else into the run sheet), and only a number of seconds
between 0 and an hour."""

from __future__ import annotations

import json
import secrets
import threading
from dataclasses import dataclass, field
from pathlib import Path

from ...model.layout import write_atomic
from ...model.slides import slide_key

MAX_SECONDS = 3600   # one report of one slide; more is not a rehearsal
MAX_BODY = 100_000   # bytes of a report (a few hundred slide keys)


class BadReport(ValueError):
    """A report that is not a JSON object of seconds per key."""


def slide_keys(resolved) -> frozenset[str]:
    """Every slide key of the decks: what a report may name."""
    return frozenset(key for record in resolved.records for cell in record.nb.cells
                     if (key := slide_key(cell)))


def parse_report(body: bytes) -> dict[str, float]:
    """The seconds per key of a report's body; a value that is not a number of seconds in
    range is left out, and a body that is not a JSON object raises BadReport."""
    try:
        report = json.loads(body or b"{}")
        return {str(k): float(v) for k, v in report.items()
                if isinstance(v, (int, float)) and not isinstance(v, bool)
                and 0 <= v <= MAX_SECONDS}
    except (ValueError, AttributeError, RecursionError):
        raise BadReport("a JSON object of seconds per slide key") from None


@dataclass
class Rehearsal:
    """This preview's rehearsal: seconds per slide key, saved to ``path`` after each report.
    ``secret`` is the run's own: only the pages this preview serves carry it."""

    path: Path | None = None
    keys: frozenset[str] = frozenset()   # the slide keys of the decks as last built
    rehearsed: dict[str, float] = field(default_factory=dict)
    secret: str = field(default_factory=lambda: secrets.token_urlsafe(18))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, spent: dict[str, float]) -> None:
        """Add a page's report and save the day's file; a key that names no slide of the
        decks is left out."""
        with self.lock:
            for key, seconds in spent.items():
                if key in self.keys:
                    self.rehearsed[key] = round(self.rehearsed.get(key, 0.0) + seconds, 1)
            if self.path is not None:
                day = self.path.stem.removeprefix("rehearsal-")
                write_atomic(self.path, json.dumps({"day": day, "slides": self.rehearsed},
                                                   indent=1, sort_keys=True))
