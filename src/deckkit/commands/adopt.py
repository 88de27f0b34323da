"""`deckkit adopt NOTEBOOK --section X`: an existing RISE notebook becomes a deckkit deck in one
step.  Slide types are normalised ("" — what Jupyter writes for "unset" — and a missing type
become "-", as nbconvert and RISE read them), every slide gets a key from its heading, notes
cells move into speaker_notes/ under their slide's key with a budget each (the section's
minutes shared out), outputs and foreign metadata are stripped, and the section is added to
decks/session.toml.  The original notebook is only read."""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import nbformat

from ..errors import DeckError
from ..model.committed import normalise
from ..model.imports import cell_imports
from ..model.layout import write_atomic
from ..model.names import slugify
from ..model.project import Project
from ..model.schema import SESSION, one_line, toml_string, validate
from ..model.session import Section, load_session
from ..model.slides import SLIDE_TYPES, heading, slide_starts, slide_type


@dataclass
class Adopted:
    deck: Path
    notes: Path
    slides: int
    notes_moved: int
    minutes: float
    changes: list[str]


def share_out(minutes: float, slides: int) -> list[float]:
    """``minutes`` in half-minute steps over ``slides`` slides, the first ones getting more."""
    if not math.isfinite(minutes) or minutes > 600:
        raise DeckError(f"--minutes {minutes:g} is not a section's length",
                        fix="pass the section's minutes, e.g. --minutes 10")
    halves = round(minutes * 2)
    if slides == 0 or halves < slides:
        raise DeckError(f"{minutes:g} min cannot give each of {slides} slides half a minute",
                        fix=f"pass --minutes {slides / 2:g} or more")
    base, extra = divmod(halves, slides)
    return [(base + (i < extra)) / 2 for i in range(slides)]


def _budget(minutes: float) -> str:
    return f"{minutes:g} min"


def adopt(project: Project, notebook: Path, letter: str, title: str | None = None,
          minutes: float | None = None, slug: str | None = None) -> Adopted:
    session = load_session(project.decks_dir)
    letter = _free_letter(session, letter)
    nb, changes = _read(Path(notebook))
    _slide_types(nb, notebook, changes)
    notes_for, moved = _move_notes(nb, changes)
    title, notes_for = _title(nb, notebook, title, notes_for, changes)
    starts = slide_starts(nb)
    keys = _keys(nb, starts, letter)

    minutes = float(minutes) if minutes is not None else float(len(starts))
    budgets = share_out(minutes, len(starts))
    slug = slug or slugify(title, "_", 30) or "deck"
    if not re.fullmatch(r"[A-Za-z0-9_]+", slug):
        raise DeckError(f"slug {slug!r} may hold ASCII letters, digits and _ only",
                        fix="pass --slug my_topic")
    stem = f"{letter}_{slug}"
    deck_path, notes_path = project.decks_dir / f"{stem}.ipynb", project.notes_path(stem)
    for path in (deck_path, notes_path):
        if path.exists():
            raise DeckError("already exists; adopt writes new files only",
                            where=str(path.relative_to(project.root)),
                            fix="pick another --slug or --section, or remove that file")

    section = Section(letter=letter, slug=slug, title=title, minutes=minutes)
    nb.metadata["deckkit"] = {"section": letter}
    outputs = sum(1 for c in nb.cells if c.cell_type == "code" and c.get("outputs"))
    if outputs:
        changes.append(f"outputs of {outputs} code cell(s) stripped")
    clean = normalise(nb, section.label)
    notes = _notes_text(section, keys, budgets, [notes_for.get(i, []) for i in starts])
    session_path = project.decks_dir / "session.toml"
    session_text = _with_section(session_path, section, session.total_minutes)  # checked first
    write_atomic(deck_path, nbformat.writes(clean) + "\n")
    write_atomic(notes_path, notes)
    write_atomic(session_path.resolve(), session_text)  # through a link, as clean writes decks
    changes.append(f"section {letter} ({minutes:g} min) added to decks/session.toml; "
                   f"total_minutes {session.total_minutes:g} -> {session.total_minutes + minutes:g}")
    if session.takeaways:  # only the author can say each slide's point
        changes.append(f"this session asks every slide for a one-line takeaway (takeaways = "
                       f"true): add `Takeaway: …` under each of the {len(starts)} headings in "
                       f"{notes_path.relative_to(project.root).as_posix()}; `deckkit check` "
                       "names each slide still without one")
    return Adopted(deck_path, notes_path, len(starts), moved, minutes, changes)


def _free_letter(session, letter: str) -> str:
    """``letter`` upper-cased, when it is one letter no section of the session has."""
    letter = letter.upper()
    if not re.fullmatch(r"[A-Z]", letter):
        raise DeckError(f"section {letter!r} is not one letter", fix="pass --section X")
    sections = session.sections
    if any(s.letter == letter for s in sections):
        taken = ", ".join(s.letter for s in sections)
        raise DeckError(f"section {letter} is already in decks/session.toml",
                        fix=f"choose a letter not taken ({taken})")
    return letter


def _read(notebook: Path):
    """The notebook (given cell ids when it predates them), and what adopting it changes so
    far: the modules its code imports that this Python lacks."""
    try:
        nb = nbformat.read(str(notebook), as_version=4)
    except FileNotFoundError:
        raise DeckError("not found", where=str(notebook), fix="give the notebook's path") from None
    except Exception as exc:  # not JSON, not a notebook
        raise DeckError(f"is not a notebook nbformat can read ({exc.__class__.__name__}: "
                        f"{' '.join(str(exc).split())[:160]})", where=str(notebook),
                        fix="open it in Jupyter and save it, then adopt it again") from None
    changes: list[str] = []
    if nb.nbformat_minor < 5:  # cell ids (nbformat 4.5), which deckkit's decks carry
        from nbformat.corpus.words import generate_corpus_id

        nb.nbformat_minor = 5
        for cell in nb.cells:
            cell.setdefault("id", generate_corpus_id())
    missing = _missing_imports(nb)
    if missing:
        changes.append("not installed here, so those cells will fail until it is: "
                       + "; ".join(f"{name} (cell {', '.join(map(str, cells))})"
                                   for name, cells in missing.items()))
    return nb, changes


def _slide_types(nb, notebook: Path, changes: list[str]) -> None:
    """Slide types as nbconvert and RISE read them: unset ("" or none) is "-"."""
    unset = 0
    for index, cell in enumerate(nb.cells):
        show = cell.metadata.get("slideshow")
        kind = show.get("slide_type") if isinstance(show, dict) else None
        if kind in (None, ""):
            unset += kind == ""
            cell.metadata["slideshow"] = {"slide_type": "-"}
        elif kind not in SLIDE_TYPES:
            raise DeckError(f'cell {index} has slide_type "{kind}"', where=str(notebook),
                            fix=f"set it to one of {', '.join(SLIDE_TYPES)} in Jupyter first")
    if unset:
        changes.append(f'{unset} cell(s) with slide_type "" (unset) read as "-"')


def _move_notes(nb, changes: list[str]) -> tuple[dict[int, list[str]], int]:
    """Notes cells leave the deck; returns their texts by the index (in the deck without them)
    of the cell that starts their slide, and how many moved."""
    notes_for: dict[int, list[str]] = {}
    kept, current, moved = [], None, 0
    starts = set(slide_starts(nb))
    for index, cell in enumerate(nb.cells):
        if index in starts:
            current = len(kept)
        if slide_type(cell) == "notes":
            notes_for.setdefault(current if current is not None else 0, []).append(cell.source)
            moved += 1
            continue
        kept.append(cell)
    nb.cells = kept
    if moved:
        changes.append(f"{moved} notes cell(s) moved to the speaker notes")
    return notes_for, moved


def _title(nb, notebook: Path, title: str | None, notes_for: dict[int, list[str]],
           changes: list[str]) -> tuple[str, dict[int, list[str]]]:
    """The section's title: ``title``, or the first slide's heading; a title slide is added
    when they differ (the notes then belong one cell further on)."""
    starts = slide_starts(nb)
    if not starts:
        raise DeckError("has no visible slide", where=str(notebook),
                        fix="give at least one cell a slide type other than skip or notes")
    first = nb.cells[starts[0]]
    found = heading(first.source) if first.cell_type == "markdown" else None
    title = one_line(title or found or "")
    if not title:
        raise DeckError("its first slide has no heading to name the section",
                        where=str(notebook), fix='pass --title "…"')
    if found != title:
        cell = nbformat.v4.new_markdown_cell(f"# {title}")
        cell.metadata["slideshow"] = {"slide_type": "slide"}
        nb.cells.insert(0, cell)
        notes_for = {k + 1: v for k, v in notes_for.items()}
        changes.append(f'a title slide "# {title}" added')
    nb.cells[slide_starts(nb)[0]].metadata["slideshow"] = {"slide_type": "slide"}
    return title, notes_for


def _keys(nb, starts: list[int], letter: str) -> list[str]:
    """A key per slide, from its heading (unique within the deck), set on its first cell."""
    keys, used = [], set()
    for number, index in enumerate(starts, 1):
        cell = nb.cells[index]
        text = heading(cell.source) if cell.cell_type == "markdown" else None
        words = slugify(text, limit=40) if text else ""
        base = f"{letter.lower()}-{words or f'slide-{number}'}"
        key, n = base, 2
        while key in used:
            key, n = f"{base}-{n}", n + 1
        used.add(key)
        keys.append(key)
        meta = cell.metadata.setdefault("deckkit", {})
        if isinstance(meta, dict):
            meta["key"] = key
    return keys


def _notes_text(section: Section, keys: list[str], budgets: list[float],
                notes: list[list[str]]) -> str:
    """The section's speaker notes: a heading per slide with its budget, and the slide's moved
    notes under it."""
    lines = [f"# {section.label}", ""]
    for i, (key, budget) in enumerate(zip(keys, budgets)):
        lines.append(f"## {key} · {_budget(budget)}")
        if i == 0:
            lines.append("- budgets shared out by deckkit adopt: give each slide what it needs, "
                         f"keeping the section at {section.minutes:g} min")
        for text in notes[i]:
            lines.extend(text.strip().splitlines())
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _missing_imports(nb) -> dict[str, list[int]]:
    """Top-level modules the code cells import that this Python cannot find (deckkit's own
    included), with the cells that import each."""
    import importlib.util

    found: dict[str, list[int]] = {}
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        ours, others = cell_imports(cell.source)  # IPython magics and the like: the build says
        tops = others | ({"deckkit"} if ours else set())
        for top in sorted(tops):
            if importlib.util.find_spec(top) is None:
                found.setdefault(top, []).append(index)
    return found


def _with_section(path: Path, section: Section, total: float) -> str:
    """session.toml's text with the section's table before the first appendix section (or at
    the end) and total_minutes raised by its minutes; the file's comments stay.  The text is
    read back and validated before anything is written: a title no TOML reader can read never
    replaces the file every command needs."""
    text = path.read_text(encoding="utf-8")
    block = (f'[[section]]\nletter = {toml_string(section.letter)}\n'
             f'slug = {toml_string(section.slug)}\ntitle = {toml_string(section.title)}\n'
             f'minutes = {section.minutes:g}\n\n')
    tables = [m.start() for m in re.finditer(r"^\[\[section\]\]", text, re.M)]
    at = len(text)
    for i, start in enumerate(tables):
        end = tables[i + 1] if i + 1 < len(tables) else len(text)
        if re.search(r"^appendix\s*=\s*true", text[start:end], re.M):
            at = start
            break
    if at == len(text) and not text.endswith("\n\n"):
        block = ("\n" if text.endswith("\n") else "\n\n") + block.rstrip("\n") + "\n"
    text = text[:at] + block + text[at:]
    text, n = re.subn(r"^(total_minutes\s*=\s*)[\d.]+", lambda m: f"{m.group(1)}"
                      f"{total + section.minutes:g}", text, count=1, flags=re.M)
    if not n:
        text = f"total_minutes = {total + section.minutes:g}\n" + text
    try:
        data = tomllib.loads(text)
        validate(data, SESSION, str(path))
    except (tomllib.TOMLDecodeError, DeckError) as exc:
        raise DeckError(f"adding section {section.letter} would leave it unreadable ({exc})",
                        where=str(path), fix="nothing was written; pass a plain --title, or "
                        "add the section by hand") from None
    if {"letter": section.letter, "slug": section.slug, "title": section.title} not in [
            {k: t.get(k) for k in ("letter", "slug", "title")} for t in data["section"]]:
        raise DeckError(f"section {section.letter} does not read back as written",
                        where=str(path), fix="nothing was written; add the section by hand")
    return text


__all__ = ["Adopted", "adopt", "share_out", "slugify"]
