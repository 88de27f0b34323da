"""Speaker notes: one Markdown file per section in speaker_notes/, the single source of what the
presenter says and how long each slide gets.

    # C · NN Basics

    ## forward-pass · 3 min
    Say: every network is input → multiply → activate → repeat.
    - a talking point
    Ask: Why no activation on the final layer? → the loss applies softmax itself
    Demo: run the forward pass; point at the printed shape
    Takeaway: a forward pass is matrix multiplies and activations; print the shapes

A `## <key> · <n> min` (or `<n> s`) heading opens the notes of the slide whose first cell has
metadata.deckkit.key = <key>.  `Takeaway:` is the slide's point in one line: the speaker notes
stay with the presenter, and the student build shows the takeaway on the slide instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DeckError

HEADING = re.compile(r"^##\s+(?P<key>[A-Za-z0-9][\w-]*)\s+[·—–-]\s+"
                     r"(?P<value>\d+(?:\.\d+)?)\s*(?P<unit>min|s)\s*$")
ASK = re.compile(r"^\s*(?:[-*]\s+)?Ask:\s*(?P<q>.+?)(?:\s+→\s+(?P<a>.+))?\s*$")
DEMO = re.compile(r"^\s*(?:[-*]\s+)?Demo:\s*(?P<d>.+?)\s*$")
TAKEAWAY = re.compile(r"^\s*(?:[-*]\s+)?Takeaway:\s*(?P<t>.+?)\s*$")
TAKEAWAY_MAX = 120   # characters: one line on a 1280-pixel slide at the body's size


@dataclass
class SlideNote:
    key: str
    seconds: float
    body: str
    line: int
    questions: list[tuple[str, str]] = field(default_factory=list)  # (question, answer)
    demos: list[str] = field(default_factory=list)
    takeaways: list[str] = field(default_factory=list)   # one expected (checks/notes_match.py)

    @property
    def takeaway(self) -> str:
        return self.takeaways[0] if self.takeaways else ""


@dataclass
class SectionNotes:
    path: Path
    title: str
    slides: list[SlideNote]

    @property
    def display(self) -> str:
        return f"{self.path.parent.name}/{self.path.name}"

    def by_key(self) -> dict[str, SlideNote]:
        return {s.key: s for s in self.slides}

    @property
    def seconds(self) -> float:
        return sum(s.seconds for s in self.slides)


def parse_notes(text: str, path: Path) -> SectionNotes:
    display = f"{path.parent.name}/{path.name}"
    title, slides, current, body = "", [], None, []

    def close():
        if current is not None:
            current.body = "\n".join(body).strip()
            slides.append(current)

    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("# ") and not title:
            title = line[2:].strip()
        elif line.startswith("## "):
            m = HEADING.match(line.strip())
            if not m:
                raise DeckError(f"line {number}: {line.strip()!r} is not a slide heading",
                                where=display, fix="a slide heading reads `## <key> · <n> min` "
                                "(or `<n> s`)")
            close()
            value = float(m["value"]) * (60 if m["unit"] == "min" else 1)
            current, body = SlideNote(m["key"], value, "", number), []
        elif current is not None:
            body.append(line)
    close()
    for slide in slides:
        for line in logical_lines(slide.body):
            if ask := ASK.match(line):
                slide.questions.append((ask["q"], ask["a"] or ""))
            elif demo := DEMO.match(line):
                slide.demos.append(demo["d"])
            elif takeaway := TAKEAWAY.match(line):
                slide.takeaways.append(takeaway["t"])
    keys = [s.key for s in slides]
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    if dupes:
        raise DeckError(f"slide key(s) {', '.join(dupes)} have notes twice", where=display,
                        fix="merge them into one section of notes per slide")
    return SectionNotes(path, title, slides)


CUE = re.compile(r"^\s*(?:[-*]\s|#|(?:Say|Ask|Demo|Answer|Pause|Takeaway):)")


def logical_lines(body: str) -> list[str]:
    """Lines as written, with wrapped continuation lines joined to the line they continue
    (a cue or bullet starts a new line; so does a blank line)."""
    out: list[str] = []
    for line in body.splitlines():
        if out and line.strip() and not CUE.match(line) and out[-1].strip():
            out[-1] = f"{out[-1].rstrip()} {line.strip()}"
        else:
            out.append(line)
    return out


def as_markdown(note: SlideNote) -> str:
    """The notes as the speaker view shows them: budget first, cue words in bold."""
    budget = f"{note.seconds / 60:g} min" if note.seconds >= 60 else f"{note.seconds:g} s"
    body = re.sub(r"^(\s*(?:[-*]\s+)?)(Say|Ask|Demo|Answer|Pause):", r"\1**\2:**", note.body,
                  flags=re.MULTILINE)
    return f"**Budget {budget}** · `{note.key}`\n\n{body}"


def without_takeaways(body: str) -> str:
    """The notes' text less their takeaway lines (a wrapped takeaway's continuation lines too):
    what stays with the presenter."""
    kept, inside = [], False
    for line in body.splitlines():
        if TAKEAWAY.match(line):
            inside = True
            continue
        if inside and line.strip() and not CUE.match(line):
            continue
        inside = False
        kept.append(line)
    return "\n".join(kept)
