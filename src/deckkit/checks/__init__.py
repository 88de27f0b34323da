"""Pure checks: decks in, a list of Findings out.  Only the CLI turns findings into exit codes."""

from .lint import lint_deck
from .notes import check_notes
from .session import check_session

__all__ = ["lint_deck", "check_notes", "check_session"]
