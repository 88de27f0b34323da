"""A deckkit project on disk (decks/, decks/session.toml, speaker_notes/, build/) and the
record every stage of the build takes: one per deck, resolved once."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from ..errors import DeckError, Finding
from .deck import Deck, deck_paths, read_deck
from .files import read_text
from .layout import BuildLayout
from .notes import SectionNotes, parse_notes
from .session import Section, Session, load_session


@dataclass(frozen=True)
class DeckRecord:
    """One deck with everything the stages need, read once: the notebook as committed (never
    written back), its section, its speaker notes (parsed, or the error that stops them) and
    the files its code reads."""

    deck: Deck
    section: Section
    notes_path: Path
    notes_text: str | None          # None: the file is missing or unreadable
    notes: SectionNotes | None      # None: see notes_error
    notes_error: DeckError | None
    inputs: tuple[Path, ...]

    @property
    def name(self) -> str:
        return self.deck.name

    @property
    def display(self) -> str:
        return self.deck.display

    @property
    def nb(self) -> nbformat.NotebookNode:
        return self.deck.nb

    @property
    def exclusive(self) -> bool:
        """Live timing demos: executed alone with every thread (metadata.deckkit.exclusive)."""
        return bool(self.deck.meta.get("exclusive"))

    @property
    def budgets(self) -> dict[str, float]:
        """Seconds per slide key, from the speaker notes."""
        return {n.key: n.seconds for n in self.notes.slides} if self.notes else {}


@dataclass
class Resolved:
    """The project as the stages see it: decks in session order."""

    session: Session
    records: list[DeckRecord]
    findings: list[Finding] = field(default_factory=list)  # decks that cannot be parsed

    def record(self, letter: str) -> DeckRecord | None:
        return next((r for r in self.records if r.section.letter == letter.upper()), None)


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
    def exercises_dir(self) -> Path:
        return self.root / "exercises"

    @property
    def layout(self) -> BuildLayout:
        """Where every output of this project goes (build/)."""
        return BuildLayout(self.root / "build")

    @property
    def build_dir(self) -> Path:
        return self.layout.root

    def session(self) -> Session:
        return load_session(self.decks_dir)

    def deck_paths(self) -> list[Path]:
        return deck_paths(self.decks_dir)

    def notes_path(self, stem: str) -> Path:
        """speaker_notes/<deck stem>.md: the one place this path is spelled."""
        return self.notes_dir / f"{stem}.md"

    def resolve(self) -> Resolved:
        """Read session.toml, every deck of a section and its notes, once."""
        session = self.session()
        sections = {s.letter: s for s in session.sections}
        records, findings = [], []
        for path in self.deck_paths():
            try:
                deck = read_deck(path)
            except DeckError as exc:
                findings.append(Finding.from_error(exc, "unreadable"))
                continue
            if deck.letter in sections:
                records.append(self._record(deck, sections[deck.letter]))
        order = {s.letter: i for i, s in enumerate(session.sections)}
        records.sort(key=lambda r: order[r.section.letter])
        return Resolved(session, records, findings)

    def _record(self, deck: Deck, section: Section) -> DeckRecord:
        path = self.notes_path(deck.name)
        text = notes = error = None
        try:
            text = read_text(path, f"speaker_notes/{path.name}")
            notes = parse_notes(text, path)
        except FileNotFoundError:
            error = DeckError("missing", where=f"speaker_notes/{path.name}",
                              fix="every deck needs its notes file (one `## <key> · <n> min` "
                              "heading per slide)")
        except DeckError as exc:
            error = exc
        declared = deck.meta.get("inputs", [])
        declared = [p for p in declared if isinstance(p, str)] if isinstance(declared, list) else []
        inputs = (self.decks_dir / "session.toml", *(deck.path.parent / p for p in declared))
        return DeckRecord(deck, section, path, text, notes, error, tuple(inputs))


def find_project(start: Path | None = None) -> Project:
    """The nearest folder (start or a parent) holding decks/session.toml."""
    start = Path(start or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if (folder / "decks" / "session.toml").is_file():
            return Project(folder)
    raise DeckError(f"no decks/session.toml in {start} or its parents",
                    fix="run deckkit from the project root or pass --root")
