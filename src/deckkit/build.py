"""`deckkit build` as a library call: check, execute (cached, in parallel), render diagrams,
attach speaker notes and timings, export every deck and the session deck under build/html/,
and write the run sheet under build/notes/.  Sources are only read."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from . import export
from .cache import (
    CacheCorrupt,
    ExecutionCache,
    Stamps,
    code_fingerprint,
    digest,
    environment_fingerprint,
    execution_key,
    export_key,
)
from .check import over_budget, static_checks
from .decks import Deck
from .errors import Finding
from .notes import read_notes
from .project import Project
from .runsheet import as_html, run_sheet, timings_path
from .steps.clean import drop_tagged
from .steps.execute import DEFAULT_TIMEOUT, Execution
from .steps.mermaid import render_mermaid
from .steps.notes import attach_notes, deck_seconds
from .steps.parallel import run_decks
from .steps.session import label_section, merge_session
from .steps.timing import cell_timings


@dataclass
class BuildResult:
    outputs: list[Path] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    executed: list[str] = field(default_factory=list)   # decks run this time
    reused: list[str] = field(default_factory=list)     # decks served from the cache

    @property
    def ok(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)


def deck_inputs(project: Project, deck: Deck) -> list[Path]:
    """Files a deck's code reads: session.toml (the agenda) and metadata.deckkit.inputs."""
    declared = deck.nb.metadata.get("deckkit", {}).get("inputs", [])
    return [project.decks_dir / "session.toml", *(deck.path.parent / p for p in declared)]


STUDENT_DROPS = {"solution", "instructor"}  # cell tags kept out of the student decks


def build_project(project: Project, timeout: int = DEFAULT_TIMEOUT, workers: int | None = None,
                  use_cache: bool = True, progress=lambda msg: None,
                  audience: str = "presenter") -> BuildResult:
    """``audience="student"`` writes build/share/html/: no speaker notes, no cells tagged
    solution or instructor, no run sheet — from the same (cached) executions."""
    result = BuildResult()
    session, decks, result.findings = static_checks(project)
    if not result.ok:
        return result  # never export a deck that does not pass the static checks
    student = audience == "student"
    html_dir = project.build_dir / ("share/html" if student else "html")
    stamps = Stamps(project.build_dir / "cache" / f"stamps-{audience}.json")
    assets_key = digest(code_fingerprint(), environment_fingerprint())
    if not stamps.fresh(html_dir / "assets", assets_key):
        progress("assets: copying reveal.js, MathJax and deckkit's theme into build/html/assets")
        export.write_assets(html_dir)
        stamps.mark(html_dir / "assets", assets_key)

    executed = _execute_all(project, decks, timeout, workers, use_cache, result, progress)
    parts, keys, timings = [], [], {}
    for i, deck in enumerate(decks, 1):
        if deck.name in executed:
            step = f"[{i}/{len(decks)}] {deck.name}"
            part, key, timings[deck.name] = _export_deck(
                project, session, deck, executed[deck.name], audience, stamps, result,
                lambda m, step=step: progress(f"{step}: {m}"))
            parts.append(part)
            keys.append(key)
    if result.ok and parts:
        _export_session(html_dir, session, parts, keys, stamps, result, progress)
    stamps.save()
    if not student:
        _write_run_sheet(project, session, timings, result)
    return result


def _export_deck(project, session, deck, executed, audience, stamps, result, progress):
    """Notes (or, for students, solutions removed), diagrams and the page of one deck; the
    page is rewritten only when what it is made from changed.  Returns the labelled notebook
    part for the session deck, the page's key and the deck's cell timings."""
    key, nb = executed
    section = session.section(deck.letter)
    notes_path = project.notes_dir / f"{deck.name}.md"
    notes = read_notes(notes_path)
    timings = cell_timings(nb)
    result.findings += over_budget(deck, timings, {n.key: n.seconds for n in notes.slides})
    title = f"{section.label} — {session.title}"
    page_key = export_key(key, deck.nb, notes_path.read_text(encoding="utf-8"),
                          title + audience)
    nb, problems = render_mermaid(nb, deck.display, project.build_dir / "cache" / "mermaid")
    result.findings += problems
    nb = drop_tagged(nb, STUDENT_DROPS) if audience == "student" else attach_notes(nb, notes)
    nb = label_section(nb, section)
    out = project.build_dir / ("share/html" if audience == "student" else "html") / (
        f"{deck.name}.slides.html")
    result.outputs.append(out)
    if not stamps.fresh(out, page_key):
        progress("exporting slides")
        export.write_text_atomic(out, export.slides_html(nb, title, deck_seconds(nb)))
        stamps.mark(out, page_key)
    return (section, nb), page_key, timings


def _export_session(html_dir, session, parts, keys, stamps, result, progress) -> None:
    out = html_dir / "session.slides.html"
    session_key = digest(session.title, *keys)
    if not stamps.fresh(out, session_key):
        progress(f"session: exporting {len(parts)} sections as one deck")
        merged = merge_session(parts, session.title)
        export.write_text_atomic(out, export.slides_html(merged, session.title,
                                                         deck_seconds(merged)))
        stamps.mark(out, session_key)
    result.outputs.append(out)


def _write_run_sheet(project, session, timings, result) -> None:
    export.write_text_atomic(timings_path(project), json.dumps(timings, indent=1))
    sheet = project.build_dir / "notes" / "run-sheet.html"
    export.write_text_atomic(sheet, as_html(run_sheet(project), session.title))
    result.outputs.append(sheet)


def _execute_all(project, decks, timeout, workers, use_cache, result, progress) -> dict:
    """Executed notebooks by deck name, from the cache where possible, the rest run in
    parallel (see steps/parallel.py)."""
    cache = ExecutionCache(project.build_dir / "cache" / "exec")
    done, todo, keys = {}, [], {}
    for deck in decks:
        keys[deck.name] = key = execution_key(deck.nb, deck_inputs(project, deck))
        try:
            hit = cache.load(deck.name, key, deck.nb) if use_cache else None
        except CacheCorrupt as exc:
            progress(f"{deck.name}: cache entry is damaged ({exc}); re-executing")
            cache.discard(deck.name)
            hit = None
        if hit is not None:
            done[deck.name] = (key, hit)
            result.reused.append(deck.name)
        else:
            todo.append(deck)
    numbering = {d.name: i for i, d in enumerate(decks, 1)}
    for deck, execution in run_decks(todo, timeout, workers, progress, numbering, len(decks)):
        _record(deck, keys[deck.name], execution, cache, done, result)
    return done


def _record(deck: Deck, key: str, execution: Execution, cache, done, result) -> None:
    result.findings += execution.findings
    if execution.ok:
        cache.store(deck.name, key, execution.nb)
        done[deck.name] = (key, execution.nb)
        result.executed.append(deck.name)
