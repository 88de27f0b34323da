"""Dated facts the decks state (decks/facts.toml), each with its source: the timeline is drawn
from them and the checks hold slides and notes to them."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from ..errors import DeckError
from .session import find_decks_dir as _find

FILE = "facts.toml"
IDEAS = ("graph", "gpu", "keras", "eager", "compile")
FIELDS = {"year": (int, float), "label": str, "idea": str, "level": int, "names": list,
          "years": list, "source": str}


@dataclass(frozen=True)
class Event:
    year: float
    label: str
    idea: str
    level: int
    names: tuple[str, ...]
    years: tuple[int, ...]
    source: str


def find_decks_dir(start: Path | None = None) -> Path:
    """The decks folder holding facts.toml (see session.find_decks_dir)."""
    return _find(FILE, start)


def load_facts(decks_dir: Path) -> list[Event]:
    """The events of ``decks_dir/facts.toml``, in time order; a clear error naming the event
    and the field when one is malformed."""
    path = Path(decks_dir) / FILE
    where = f"decks/{FILE}"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DeckError("is missing", where=where, fix="restore it from git: the timeline and "
                        "the fact check read it") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise DeckError(f"is not valid TOML ({exc})", where=where,
                        fix="fix the syntax at the position named") from None
    events = []
    for number, raw in enumerate(data.get("event", []), 1):
        name = f"event {number} ({raw.get('label', '?')!r})"
        for field, kind in FIELDS.items():
            if not isinstance(raw.get(field), kind):
                raise DeckError(f"{name} has no valid {field!r}", where=where,
                                fix=f"give it {field} = … (see the comment at the top)")
        if raw["idea"] not in IDEAS:
            raise DeckError(f"{name}: idea {raw['idea']!r} is not one of {', '.join(IDEAS)}",
                            where=where, fix="use one of those colour keys")
        if int(raw["year"]) not in raw["years"]:
            raise DeckError(f"{name}: its year {int(raw['year'])} is not in years "
                            f"{raw['years']}", where=where, fix="list it in years")
        events.append(Event(float(raw["year"]), raw["label"], raw["idea"], raw["level"],
                            tuple(raw["names"]), tuple(int(y) for y in raw["years"]),
                            raw["source"]))
    if not events:
        raise DeckError("holds no [[event]]", where=where, fix="restore it from git")
    return sorted(events, key=lambda e: e.year)
