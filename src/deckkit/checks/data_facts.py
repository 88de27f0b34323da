"""Facts that are data, held against what the slides and the speaker notes say about them, so a
note cannot drift from the slide it speaks to:

- **buffer minutes**: "the last 12 minutes are buffer" must be the minutes of the sections
  marked ``appendix = true`` in decks/session.toml (what the agenda slide shows);
- **job numbers**: "job 3" beside ``zero_grad`` must be the number the jobs table gives the job
  that names ``zero_grad`` (the table is data: the markdown table whose header is
  ``| # | job | …``, section D's);
- **device names**: a GPU model named in a slide or a note (H100, H200, A100, …) must be one
  the recorded figures were measured on (passed in by the caller: demos/transfer.py's record).

Each rule reads every line of every deck (markdown, and code comments) and of every notes file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..errors import Finding
from ..model.project import DeckRecord
from ..model.session import Session

BUFFER = re.compile(r"(\d+(?:\.\d+)?)[ -]?min(?:ute)?s?\b(?:(?!\d)[^.;\n]){0,30}?\bbuffer"
                    r"|\bbuffer\b(?:(?!\d)[^.;\n]){0,20}?(\d+(?:\.\d+)?)[ -]?min", re.I)
JOB = re.compile(r"\bjob (\d+)\b", re.I)
JOBS_TABLE = re.compile(r"^\|\s*#\s*\|\s*job\s*\|", re.I | re.M)
ROW = re.compile(r"^\|\s*(\d+)\s*\|(.*)$", re.M)
WORD = re.compile(r"[A-Za-z_][A-Za-z_]{3,}")
CODE = re.compile(r"`([^`]+)`")
GPU = re.compile(r"\b(?:[AHBLV]\d{2,3}|GH200|GB200|MI\d{3}X?|RTX ?\d{4})\b")
SMALL = {"with", "from", "that", "into", "pass", "mode", "where", "whole", "expected", "passed",
         "typical", "failure", "high", "well", "than", "object", "instead", "misaligned"}


def lines_of(record: DeckRecord) -> Iterable[tuple[str, int | None, str]]:
    """(where, cell, line) for every line a slide or a note says: markdown lines, code
    comments, notes lines."""
    for index, cell in enumerate(record.deck.nb.cells):
        for line in cell.source.splitlines():
            if cell.cell_type == "code":
                if "#" not in line:
                    continue
                line = line.split("#", 1)[1]
            yield record.display, index, line
    if record.notes is not None:
        where = record.notes.display
        for note in record.notes.slides:
            for offset, line in enumerate(note.body.splitlines(), 1):
                yield f"{where} line {note.line + offset}", None, line


def jobs_table(records: list[DeckRecord]) -> tuple[str, dict[int, set[str]]]:
    """(where, job number -> the words that name only that job) from the jobs table; the
    words are the job's own (its column) and the code names of its row."""
    for record in records:
        for cell in record.deck.nb.cells:
            if cell.cell_type == "markdown" and JOBS_TABLE.search(cell.source):
                rows = {int(m.group(1)): m.group(2) for m in ROW.finditer(cell.source)}
                words = {}
                for number, rest in rows.items():
                    job = rest.split("|")[0]
                    names = {w.lower() for w in WORD.findall(job)}
                    names |= {c.strip("()").lower() for c in CODE.findall(rest)}
                    words[number] = names - SMALL
                counted: dict[str, int] = {}
                for names in words.values():
                    for name in names:
                        counted[name] = counted.get(name, 0) + 1
                return record.display, {n: {w for w in names if counted[w] == 1}
                                        for n, names in words.items()}
    return "", {}


def _named(line: str, words: set[str]) -> set[str]:
    lowered = line.lower()
    return {w for w in words if re.search(rf"(?<![\w.]){re.escape(w)}(?![\w])", lowered)
            or re.search(rf"\.{re.escape(w)}\(", lowered)}


def check_data_facts(records: list[DeckRecord], session: Session,
                     devices: Iterable[str] = ()) -> list[Finding]:
    findings: list[Finding] = []
    buffer = sum(s.minutes for s in session.sections if s.appendix)
    table_at, jobs = jobs_table(records)
    known_gpus = {m.group(0).replace(" ", "") for d in devices for m in GPU.finditer(d)}
    for record in records:
        for where, cell, line in lines_of(record):
            for m in BUFFER.finditer(line):
                said = float(m.group(1) or m.group(2))
                if buffer and abs(said - buffer) > 1e-6:
                    findings.append(Finding(where, "fact-buffer", f"says {said:g} minutes of "
                                            f"buffer; the session has {buffer:g} (the sections "
                                            "marked appendix in decks/session.toml, as the "
                                            "agenda shows)", cell, line.strip()))
            numbers = {int(n) for n in JOB.findall(line)}
            if jobs and len(numbers) == 1 and not re.search(r"\bjobs\b", line, re.I):
                (said,) = numbers
                found = {n: _named(line, words) for n, words in jobs.items()}
                others = sorted(n for n, hit in found.items() if hit and n != said)
                if said in jobs and others and not found.get(said):
                    other = others[0]
                    findings.append(Finding(where, "fact-job", f"calls {', '.join(sorted(found[other]))} "
                                            f"job {said}; the jobs table ({table_at}) makes it "
                                            f"job {other}", cell, line.strip()))
            if known_gpus:
                for m in GPU.finditer(line):
                    if m.group(0).replace(" ", "") not in known_gpus:
                        findings.append(Finding(where, "fact-device", f"names the {m.group(0)}; "
                                                "the recorded GPU figures were measured on "
                                                f"{', '.join(sorted(known_gpus))} (say which the "
                                                "caption names)", cell, line.strip()))
    return findings
