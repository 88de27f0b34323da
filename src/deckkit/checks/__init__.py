"""Pure checks: project records in, a list of Findings out.  Nothing here runs code, writes a
file or decides an exit code (only the CLI does that)."""

from ..errors import Finding
from ..model.project import DeckRecord
from ..model.session import Session
from .budgets import cell_timings, over_budget
from .facts import check_facts, check_generated
from .lint import lint_deck
from .notes_match import check_notes
from .offline import check_offline
from .scripts import check_scripts
from .sections import check_session
from .solutions import check_solutions


def check_record(record: DeckRecord, session: Session) -> list[Finding]:
    """Everything about one deck that can be checked without running its code or rendering
    its diagrams."""
    return (lint_deck(record.deck, session) + check_notes(record, session) + check_solutions(record.deck)
            + check_offline(record.deck.nb, record.display, outputs=False)
            + check_scripts(record.deck))


__all__ = ["cell_timings", "check_facts", "check_generated", "check_notes", "check_offline",
           "check_record", "check_session", "check_solutions", "lint_deck", "over_budget"]
