"""pytest integration: with `--decks`, every deck notebook is a test item, so
`pytest --decks decks -n auto` runs the decks in parallel and a failure names deck and cell.

Registered through the `pytest11` entry point; inactive unless --decks is given."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .errors import DeckError
from .execution.kernel import DEFAULT_TIMEOUT, execute_notebook
from .execution.parallel import SINGLE_THREAD
from .model.deck import DECK_NAME, read_deck


def pytest_addoption(parser):
    group = parser.getgroup("deckkit")
    group.addoption("--decks", action="store_true",
                    help="collect deck notebooks (X_name.ipynb) and run every code cell")
    group.addoption("--deck-timeout", type=int, default=DEFAULT_TIMEOUT,
                    help="seconds per cell when running decks (default %(default)s)")


def pytest_collect_file(parent, file_path: Path):
    if parent.config.getoption("decks") and DECK_NAME.match(file_path.name):
        return DeckFile.from_parent(parent, path=file_path)
    return None


class DeckFile(pytest.File):
    def collect(self):
        yield DeckItem.from_parent(self, name=self.path.stem)


class DeckFailed(Exception):
    pass


class DeckItem(pytest.Item):
    def runtest(self):
        try:
            deck = read_deck(self.path)
        except DeckError as exc:
            raise DeckFailed(str(exc)) from None
        # several xdist workers share the cores: one thread per kernel avoids oversubscription
        env = SINGLE_THREAD if os.environ.get("PYTEST_XDIST_WORKER") else {}
        result = execute_notebook(deck.nb, deck.display, self.path.parent,
                                  self.config.getoption("deck_timeout"), env=env)
        if not result.ok:
            raise DeckFailed("\n".join(str(f) for f in result.findings))

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, DeckFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self):
        return self.path, None, f"deck {self.path.name}"
