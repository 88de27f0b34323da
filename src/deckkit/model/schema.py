"""The declared shape of the files deckkit reads, checked in one place: every key's type, range
and whether it is required, and no key that deckkit does not know (a misspelt key would
otherwise be ignored without a word).  A problem is a DeckError that names the file, the key
(``section 3 · minutes``) and the fix; no value of any type gets past it into the code that
uses the data.

    SESSION   decks/session.toml
    FACTS     decks/facts.toml
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass, field

from ..errors import DeckError

KINDS = {
    "text": "text in quotes",
    "number": "a finite number",
    "whole": "a whole number",
    "yes/no": "true or false",
    "web address": 'a full web address in quotes ("https://…")',
    "list of text": 'a list of texts in quotes (["…", "…"])',
    "list of whole": "a list of whole numbers ([2017, 2018])",
    "tables": "one or more [[tables]]",
}


@dataclass(frozen=True)
class Field:
    kind: str                         # a key of KINDS
    example: str                      # a value as written in the file, for the fix
    required: bool = False
    pattern: str = ""                 # text: the whole value must match it
    rule: str = ""                    # what the pattern means, in words
    low: float | None = None          # numbers: the range allowed
    high: float | None = None
    choices: tuple[str, ...] = ()     # text: one of these
    table: dict[str, Field] = field(default_factory=dict)  # tables: each one's keys
    named_by: str = ""                # tables: the key whose value names one in a message


def toml_string(text: str) -> str:
    """``text`` as a TOML basic string: JSON's escapes are TOML's (\\", \\\\, \\n, \\uXXXX for
    every control character), so no title can break the file it is written into."""
    import json

    return json.dumps(text, ensure_ascii=False)


def one_line(text: str) -> str:
    """A title as deckkit writes it: control characters dropped, whitespace runs (newlines
    included) made one space."""
    return " ".join("".join(c if c.isprintable() or c.isspace() else " " for c in text).split())


def _fits(kind: str, value) -> bool:
    number = (isinstance(value, (int, float)) and not isinstance(value, bool)
              and math.isfinite(value))  # TOML has nan and inf; no count of minutes is either
    return {
        "text": isinstance(value, str),
        "number": number,
        "whole": number and float(value).is_integer(),
        "yes/no": isinstance(value, bool),
        "web address": isinstance(value, str) and (value == "" or value.startswith(
            ("https://", "http://"))),
        "list of text": isinstance(value, list) and all(isinstance(v, str) for v in value),
        "list of whole": isinstance(value, list) and all(
            isinstance(v, int) and not isinstance(v, bool) for v in value),
        "tables": isinstance(value, list) and all(isinstance(v, dict) for v in value),
    }[kind]


def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def validate(data, schema: dict[str, Field], where: str, at: str = "") -> None:
    """Raise a DeckError for the first key of ``data`` that breaks ``schema``; ``at`` names
    the table being checked ("section 3 · ")."""
    if not isinstance(data, dict):
        raise DeckError(f"{at}is not a table of keys", where=where,
                        fix="write it as key = value lines")
    for key in data:
        if key not in schema:
            near = difflib.get_close_matches(str(key), list(schema), n=1)
            raise DeckError(f"{at}has an unknown key {key!r}", where=where,
                            fix=(f"did you mean {near[0]!r}? " if near else "")
                            + f"the keys here are {', '.join(schema)}")
    for key, spec in schema.items():
        name = f"{at}{key}"
        if key not in data:
            if spec.required:
                raise DeckError(f"{at}lacks {key}", where=where,
                                fix=f"add {key} = {spec.example}")
            continue
        value = data[key]
        if not _fits(spec.kind, value):
            raise DeckError(f"{name} is {_shown(value)}, not {KINDS[spec.kind]}", where=where,
                            fix=f"write {key} = {spec.example}")
        if spec.kind in ("number", "whole") and (
                (spec.low is not None and value < spec.low)
                or (spec.high is not None and value > spec.high)):
            span = (f"{spec.low:g} to {spec.high:g}" if spec.high is not None
                    else f"{spec.low:g} or more")
            raise DeckError(f"{name} is {value!r}, outside {span}", where=where,
                            fix=f"write {key} = {spec.example}")
        if spec.kind == "text" and spec.pattern and not re.fullmatch(spec.pattern, value):
            raise DeckError(f"{name} is {_shown(value)}: {spec.rule}", where=where,
                            fix=f"write {key} = {spec.example}")
        if spec.kind == "text" and spec.choices and value not in spec.choices:
            raise DeckError(f"{name} is {_shown(value)}, not one of {', '.join(spec.choices)}",
                            where=where, fix=f"write {key} = {spec.example}")
        if spec.kind == "tables":
            for number, table in enumerate(value, 1):
                label = table.get(spec.named_by) if spec.named_by else None
                named = f" ({_shown(label)})" if isinstance(label, str) else ""
                validate(table, spec.table, where, f"{key} {number}{named} · ")


# A slug is part of file names (decks/<letter>_<slug>.ipynb, speaker_notes/…, build/present/…):
# no separators, dots or spaces, so no slug can lead a path out of its folder.
SLUG = r"[A-Za-z0-9][A-Za-z0-9_-]*"

SECTION = {
    "letter": Field("text", '"C"', required=True, pattern=r"[A-Za-z]",
                    rule="one letter, A to Z"),
    "slug": Field("text", '"nn_basics"', required=True, pattern=SLUG,
                  rule="letters, digits, _ and - only (it is part of the deck's file name)"),
    "title": Field("text", '"NN Basics"', required=True),
    "minutes": Field("number", "10", required=True, low=0, high=600),
    "planned": Field("yes/no", "true"),
    "appendix": Field("yes/no", "true"),
}

SESSION = {
    "title": Field("text", '"Neural Networks: NumPy → PyTorch"'),
    "materials_url": Field("web address", '"https://example.org/course/"'),
    "notebooks_url": Field("web address",
                           '"https://github.com/OWNER/REPO/tree/main/notebooks"'),
    "total_minutes": Field("number", "110", low=0, high=6000),
    "takeaways": Field("yes/no", "true"),
    "section": Field("tables", "[[section]] tables", required=True, table=SECTION,
                     named_by="title"),
}

IDEAS = ("graph", "gpu", "keras", "eager", "compile")

EVENT = {
    "year": Field("number", "2017.5", required=True, low=1900, high=2100),
    "label": Field("text", '"PyTorch 0.1"', required=True),
    "idea": Field("text", '"eager"', required=True, choices=IDEAS),
    "level": Field("whole", "1", required=True, low=-3, high=3),
    "names": Field("list of text", '["PyTorch"]', required=True),
    "years": Field("list of whole", "[2017]", required=True),
    "source": Field("text", '"who said so, where"', required=True),
}

MAPPING = {
    "keras": Field("text", '"`Dense(64)`"', required=True),
    "pytorch": Field("text", '"`nn.Linear(in, 64)`"', required=True),
    "torch": Field("list of text", '["torch.nn.Linear"]', required=True),
    "source": Field("text", '"where each side is documented"', required=True),
}

FACTS = {
    "event": Field("tables", "[[event]] tables", required=True, table=EVENT, named_by="label"),
    "mapping": Field("tables", "[[mapping]] tables", table=MAPPING, named_by="keras"),
}
