"""The session's sections (order, letters, titles, minutes), read from decks/session.toml."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from ..errors import DeckError
from .files import read_text
from .schema import SESSION, validate

SESSION_FILE = "session.toml"


@dataclass(frozen=True)
class Section:
    letter: str
    slug: str
    title: str
    minutes: float
    planned: bool = False
    appendix: bool = False   # the buffer/Q&A after the last stop: not a numbered stop

    @property
    def label(self) -> str:
        """How the section is named on slides: "C · NN Basics"."""
        return f"{self.letter} · {self.title}"

    @property
    def stem(self) -> str:
        """The deck's file name without suffix: "C_nn_basics"."""
        return f"{self.letter}_{self.slug}"


@dataclass(frozen=True)
class Session:
    title: str
    total_minutes: float
    sections: tuple[Section, ...]
    materials_url: str = ""   # where students find the materials: a link and QR code on slides
    notebooks_url: str = ""   # the public folder of the share package's notebooks (model/launch.py)
    takeaways: bool = False   # every slide's notes must carry a `Takeaway:` (checks/notes_match)

    def starts(self) -> dict[str, str]:
        """Each section's start on the talk's clock ("0:03"), from the minutes before it: the
        agenda's table and the section openers read it here."""
        out, minutes = {}, 0.0
        for s in self.sections:
            out[s.letter] = f"{int(minutes // 60)}:{int(minutes % 60):02d}"
            minutes += s.minutes
        return out

    def section(self, letter: str) -> Section:
        for s in self.sections:
            if s.letter == letter.upper():
                return s
        valid = ", ".join(s.letter for s in self.sections)
        raise DeckError(f'unknown section "{letter}"', fix=f"the session has sections {valid}")


def load_session(decks_dir: Path) -> Session:
    """Read and validate ``decks_dir/session.toml``; raise DeckError naming the fix."""
    path = Path(decks_dir) / SESSION_FILE
    try:
        data = tomllib.loads(read_text(path, str(path)))
    except FileNotFoundError:
        raise DeckError("not found; deckkit needs it to know the sections", where=str(path),
                        fix="run deckkit from the project root or pass --root") from None
    except tomllib.TOMLDecodeError as exc:
        raise DeckError(f"not valid TOML ({exc})", where=str(path),
                        fix="correct the line it names") from None
    validate(data, SESSION, str(path))  # types, ranges, required and unknown keys
    sections = [Section(letter=raw["letter"].upper(), slug=raw["slug"], title=raw["title"],
                        minutes=float(raw["minutes"]), planned=raw.get("planned", False),
                        appendix=raw.get("appendix", False))
                for raw in data["section"]]
    letters = [s.letter for s in sections]
    dupes = sorted({x for x in letters if letters.count(x) > 1})
    if dupes:
        raise DeckError(f"section letter(s) {', '.join(dupes)} listed more than once",
                        where=str(path), fix="keep one [[section]] per letter")
    if not sections:
        raise DeckError("lists no [[section]]", where=str(path),
                        fix="add one [[section]] table per section of the talk")
    return Session(
        title=data.get("title", "Session"),
        total_minutes=float(data.get("total_minutes", 0)),
        sections=tuple(sections),
        materials_url=data.get("materials_url", ""),
        notebooks_url=data.get("notebooks_url", ""),
        takeaways=data.get("takeaways", False),
    )


def find_decks_dir(marker: str = "session.toml", start: Path | None = None) -> Path:
    """The decks folder holding ``marker``, looked for from a deck's working folder (decks/),
    the project root or a generated copy under build/ upwards; ``start`` when none holds it."""
    here = Path(start or Path.cwd()).resolve()
    return next((p / sub for p in (here, *here.parents) for sub in (".", "decks")
                 if (p / sub / marker).is_file()), here)
