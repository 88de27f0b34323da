"""Facts the decks state (decks/facts.toml), each with its source: dated events (the timeline
is drawn from them and the checks hold slides and notes to them) and the Keras ↔ PyTorch
mapping (deck I's table is written from it; the PyTorch names it claims are checked against
the installed torch)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from ..errors import DeckError
from .schema import FACTS, IDEAS, validate  # noqa: F401 (IDEAS: the colour keys)
from .session import find_decks_dir as _find

FILE = "facts.toml"


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


@dataclass(frozen=True)
class Mapping:
    """One row of the Keras ↔ PyTorch table: both sides as markdown, the PyTorch names the row
    claims (dotted, resolvable in the installed torch) and where each side is documented."""

    keras: str
    pytorch: str
    torch: tuple[str, ...]
    source: str


WHERE = f"decks/{FILE}"


def _read(decks_dir: Path) -> dict:
    path = Path(decks_dir) / FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DeckError("is missing", where=WHERE, fix="restore it from git: the timeline, "
                        "deck I's mapping and the fact check read it") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise DeckError(f"is not valid TOML ({exc})", where=WHERE,
                        fix="fix the syntax at the position named") from None
    validate(data, FACTS, WHERE)  # types, ranges, required and unknown keys (model/schema.py)
    return data


def load_mappings(decks_dir: Path) -> list[Mapping]:
    """The ``[[mapping]]`` rows of ``decks_dir/facts.toml`` in file order; a clear error naming
    the row and the field when one is malformed."""
    rows = []
    for number, raw in enumerate(_read(decks_dir).get("mapping", []), 1):
        name = f"mapping {number} ({raw['keras']!r})"
        if not all(isinstance(t, str) and t.startswith("torch.") for t in raw["torch"]):
            raise DeckError(f"{name}: torch lists {raw['torch']!r}", where=WHERE,
                            fix='list dotted names such as "torch.nn.Embedding" ([] for none)')
        rows.append(Mapping(raw["keras"], raw["pytorch"], tuple(raw["torch"]), raw["source"]))
    return rows


def mapping_table(rows: list[Mapping]) -> str:
    """Deck I's table as markdown, one row per mapping."""
    lines = ["| Keras / TensorFlow | PyTorch |", "|---|---|"]
    lines += [f"| {r.keras} | {r.pytorch} |" for r in rows]
    return "\n".join(lines)


def load_facts(decks_dir: Path) -> list[Event]:
    """The events of ``decks_dir/facts.toml``, in time order; a clear error naming the event
    and the field when one is malformed."""
    where = WHERE
    data = _read(decks_dir)
    events = []
    for number, raw in enumerate(data.get("event", []), 1):
        name = f"event {number} ({raw['label']!r})"
        if int(raw["year"]) not in raw["years"]:
            raise DeckError(f"{name}: its year {int(raw['year'])} is not in years "
                            f"{raw['years']}", where=where, fix="list it in years")
        events.append(Event(float(raw["year"]), raw["label"], raw["idea"], raw["level"],
                            tuple(raw["names"]), tuple(int(y) for y in raw["years"]),
                            raw["source"]))
    if not events:
        raise DeckError("holds no [[event]]", where=where, fix="restore it from git")
    return sorted(events, key=lambda e: e.year)
