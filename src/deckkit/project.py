"""A deckkit project on disk: decks/, decks/session.toml and build/."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .decks import Deck, deck_paths, read_deck
from .errors import DeckError, Finding
from .session import Session, load_session


@dataclass(frozen=True)
class Project:
    root: Path

    @property
    def decks_dir(self) -> Path:
        return self.root / "decks"

    @property
    def notes_dir(self) -> Path:
        return self.root / "speaker_notes"

    @property
    def build_dir(self) -> Path:
        return self.root / "build"

    def session(self) -> Session:
        return load_session(self.decks_dir)

    def normalise_decks(self) -> list[str]:
        """Rewrite decks whose outputs or metadata differ from their committed form (what
        `deckkit clean` does, and what presenting does on the way out); returns their names."""
        import nbformat

        from .steps.clean import normalise

        labels = {s.letter: s.label for s in self.session().sections}
        changed = []
        for path in deck_paths(self.decks_dir):
            deck = read_deck(path)
            if deck.letter in labels:
                clean = normalise(deck.nb, labels[deck.letter])
                if clean != deck.nb:
                    nbformat.write(clean, str(path))
                    changed.append(deck.display)
        return changed

    def read_decks(self) -> tuple[list[Deck], list[Finding]]:
        """Every readable deck, and a finding for each deck that cannot be parsed."""
        decks, findings = [], []
        for path in deck_paths(self.decks_dir):
            try:
                decks.append(read_deck(path))
            except DeckError as exc:
                display = f"{path.parent.name}/{path.name}"
                message = str(exc).removeprefix(display + ": ")
                findings.append(Finding(display, "unreadable", message))
        return decks, findings


def find_project(start: Path | None = None) -> Project:
    """The nearest folder (start or a parent) holding decks/session.toml."""
    start = Path(start or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if (folder / "decks" / "session.toml").is_file():
            return Project(folder)
    raise DeckError(f"no decks/session.toml in {start} or its parents; run deckkit from the "
                    "project root or pass --root")
