"""The checks that need a deck's outputs: what a run shows that no static check can see."""

from __future__ import annotations

from ..checks import cell_timings, check_offline, over_budget
from ..errors import Finding
from ..model.project import DeckRecord


def checked(record: DeckRecord, nb) -> tuple[list[dict], list[Finding]]:
    """The seconds each of the deck's cells took in this run (``nb``, executed), and what the
    run shows: a demo cell slower than its slide's budget in speaker_notes/ (a warning), an
    output that loads from the network (the page would not work offline: an error)."""
    timings = cell_timings(nb)
    return timings, (over_budget(record.display, timings, record.budgets)
                     + check_offline(nb, record.display, markdown=False))
