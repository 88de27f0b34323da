"""`deckkit check` as a library call, and the static phase every build starts with.

The static phase reads the project once (Project.resolve), runs the pure checks on every deck
and takes each deck through the PREPARE steps (diagrams rendered).  The prepared notebooks are
what the build executes and exports, so no deck is read, checked or rendered twice."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from ..checks import check_facts, check_generated, check_offline, check_record, check_session, over_budget
from ..checks.data_facts import check_data_facts
from ..checks.solutions import untagged_answers
from ..errors import DeckError, Finding
from ..execution.kernel import DEFAULT_MAX_OUTPUT_MB, DEFAULT_TIMEOUT
from ..execution.parallel import Job, expected_seconds, run_jobs
from ..model.deck import DECK_NAME, NAMING_RULE, read_deck
from ..model.project import Project, Resolved
from ..model.solutions import exercise_answers
from ..output.runsheet import load_timings
from ..steps import PREPARE, DeckContext, run_steps
from ..steps.mermaid import render_diagrams

Trace = Callable[[str, str], None]


@dataclass
class Prepared:
    """The project after the static phase: its records, each deck's own working copy of its
    notebook (diagrams rendered), and what the checks found."""

    resolved: Resolved
    notebooks: dict[str, object] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)


def prepare(project: Project, trace: Trace | None = None, progress=None,
            diagrams: bool = True) -> Prepared:
    """``diagrams=False`` leaves the Mermaid diagrams for a Diagrams thread (the build draws
    them while the decks run: they are markdown, which no code cell reads)."""
    resolved = project.resolve()
    steps = PREPARE if diagrams else tuple(s for s in PREPARE if s is not render_diagrams)
    session = resolved.session
    out = Prepared(resolved, findings=list(resolved.findings))
    out.findings += check_session(project.deck_paths(), session)
    out.findings += _misnamed(project) + _exercises(project)
    out.findings += untagged_answers(resolved.records, exercise_answers(project.exercises_dir))
    events, made = _facts(project, resolved, out.findings)
    out.findings += check_data_facts(resolved.records, session, recorded_devices())
    for record in resolved.records:
        if trace:
            trace(record.name, "check")
        out.findings += (check_record(record, session) + check_facts(record, events)
                         + check_generated(record, made))
        ctx = DeckContext(record, session, diagram_cache=project.layout.mermaid_cache,
                          progress=progress)
        out.notebooks[record.name], found = run_steps(record.nb, ctx, steps, trace=trace)
        out.findings += found
    return out


class Diagrams:
    """Every deck's Mermaid diagrams drawn while the decks' code runs (mermaid.js is CPU work,
    seconds per diagram on a cold cache): the decks dealt out to one thread per core, each
    with its own renderer process.  join() waits and returns what was found (in deck order),
    or raises what stopped it (no mermaidx)."""

    def __init__(self, project: Project, prepared: Prepared, trace: Trace | None = None,
                 progress=None, threads: int | None = None):
        from ..steps.mermaid import diagram_sources

        records = prepared.resolved.records
        drawn = [r for r in records if diagram_sources(prepared.notebooks[r.name])]
        plain = [r for r in records if r not in drawn]  # the step is still theirs, and quick
        self._found: dict[str, list[Finding]] = {}
        self._errors: list[BaseException] = []
        self._stopped = threading.Event()
        count = max(1, min(threads or os.cpu_count() or 1, 2, len(drawn)))
        self._threads = [threading.Thread(
            target=self._draw, name=f"deckkit-diagrams-{n}", daemon=True,
            args=(n, drawn[n::count] + (plain if n == 0 else []), project, prepared, trace,
                  progress))
            for n in range(count)]
        for thread in self._threads:
            thread.start()
        self._order = [r.name for r in records]

    def _draw(self, number, records, project, prepared, trace, progress) -> None:
        from ..steps.mermaid import worker

        try:
            for record in records:
                if self._stopped.is_set():
                    return
                ctx = DeckContext(record, prepared.resolved.session,
                                  diagram_cache=project.layout.mermaid_cache, progress=progress,
                                  renderer=worker(number))
                _, self._found[record.name] = run_steps(
                    prepared.notebooks[record.name], ctx, (render_diagrams,), copy_first=False,
                    trace=trace)
        except BaseException as exc:  # noqa: BLE001 (raised again by join)
            self._errors.append(exc)

    def stop(self) -> None:
        """Draw no further deck's diagrams, and wait for the ones being drawn."""
        self._stopped.set()
        for thread in self._threads:
            thread.join()

    def join(self) -> list[Finding]:
        for thread in self._threads:
            thread.join()
        if self._errors:
            raise self._errors[0]
        return [f for name in self._order for f in self._found.get(name, [])]


def recorded_devices() -> list[str]:
    """What the recorded GPU figures name (demos/transfer.py): the devices a slide or a note
    may say they come from."""
    from ..demos.transfer import RECORDED

    return [RECORDED["device"], RECORDED["source"]]


def _facts(project: Project, resolved: Resolved, findings: list[Finding]):
    """The dated facts slides are held to, and the tables generated from decks/facts.toml
    (none without the file: a project may have no dated claims); a broken facts file is a
    finding, not a crash."""
    from ..model.facts import FILE, load_facts
    from ..model.generated import generated_name, tables

    if not (project.decks_dir / FILE).exists():
        return [], {}
    names = [n for r in resolved.records for n in map(generated_name, r.nb.cells) if n]
    try:
        return load_facts(project.decks_dir), tables(project.decks_dir, names)
    except DeckError as exc:
        findings.append(Finding.from_error(exc, "facts"))
        return [], {}


def _misnamed(project: Project) -> list[Finding]:
    """Notebooks in decks/ that are not decks by name: say the rule, not "no deck"."""
    return [Finding(f"decks/{p.name}", "deck-name", f"is not read as a deck: {NAMING_RULE}")
            for p in sorted(project.decks_dir.glob("*.ipynb")) if not DECK_NAME.match(p.name)]


def _exercises(project: Project) -> list[Finding]:
    """The exercise notebooks `deckkit share` hands out: readable, valid, offline."""
    from ..errors import DeckError

    findings = []
    for path in sorted(project.exercises_dir.glob("*.ipynb")):
        display = f"exercises/{path.name}"
        try:
            nb = read_deck(path).nb   # nbformat's schema included
        except DeckError as exc:
            findings.append(Finding.from_error(exc, "unreadable"))
            continue
        findings += check_offline(nb, display)
    return findings


def timing_warnings(resolved: Resolved, timings: dict) -> list[Finding]:
    """Demo cells that took longer in the last build (``timings``: load_timings of
    build/notes/timings.json) than their slide's budget in speaker_notes/."""
    findings = []
    for record in resolved.records:
        if record.name in timings:
            findings += over_budget(record.display, timings[record.name], record.budgets)
    return findings


def check_project(project: Project, execute: bool = False, timeout: int = DEFAULT_TIMEOUT,
                  progress=None, workers: int | None = None,
                  max_output_mb: float = DEFAULT_MAX_OUTPUT_MB) -> list[Finding]:
    prepared = prepare(project, progress=progress, diagrams=not execute)
    timings = load_timings(project.layout)
    findings = prepared.findings + timing_warnings(prepared.resolved, timings)
    if execute:  # the diagrams are drawn while the code runs (before any timing deck)
        diagrams = Diagrams(project, prepared, progress=progress)
        jobs = [Job(r.name, r.display, prepared.notebooks[r.name], r.deck.path.parent,
                    r.exclusive) for r in prepared.resolved.records]
        try:
            for job, execution in run_jobs(jobs, timeout, workers, progress or (lambda m: None),
                                           max_output_mb=max_output_mb,
                                           before_alone=diagrams.join,
                                           expected=expected_seconds(timings)):
                findings += execution.findings
                findings += check_offline(execution.nb, job.display, markdown=False)
        finally:
            diagrams.stop()
        findings += diagrams.join()
    return findings
