"""`deckkit check` as a library call, and the static phase every build starts with.

The static phase reads the project once (Project.resolve), runs the pure checks on every deck
and takes each deck through the PREPARE steps (diagrams rendered).  The prepared notebooks are
what the build executes and exports, so no deck is read, checked or rendered twice."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..checks import check_record, check_session, over_budget
from ..errors import Finding
from ..execution.kernel import DEFAULT_TIMEOUT
from ..execution.parallel import Job, run_jobs
from ..model.project import Project, Resolved
from ..output.layout import BuildLayout
from ..output.runsheet import load_timings
from ..steps import PREPARE, DeckContext, run_steps

Trace = Callable[[str, str], None]


@dataclass
class Prepared:
    """The project after the static phase: its records, each deck's own working copy of its
    notebook (diagrams rendered), and what the checks found."""

    resolved: Resolved
    notebooks: dict[str, object] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)


def prepare(project: Project, trace: Trace | None = None) -> Prepared:
    resolved = project.resolve()
    session = resolved.session
    out = Prepared(resolved, findings=list(resolved.findings))
    out.findings += check_session(project.deck_paths(), session)
    for record in resolved.records:
        if trace:
            trace(record.name, "check")
        out.findings += check_record(record, session)
        ctx = DeckContext(record, session, diagram_cache=project.build.mermaid_cache)
        out.notebooks[record.name], found = run_steps(record.nb, ctx, PREPARE, trace=trace)
        out.findings += found
    return out


def timing_warnings(resolved: Resolved, layout: BuildLayout) -> list[Finding]:
    """Demo cells that took longer in the last build (build/notes/timings.json) than their
    slide's budget in speaker_notes/."""
    timings, findings = load_timings(layout), []
    for record in resolved.records:
        if record.name in timings:
            findings += over_budget(record.display, timings[record.name], record.budgets)
    return findings


def check_project(project: Project, execute: bool = False, timeout: int = DEFAULT_TIMEOUT,
                  progress=None, workers: int | None = None) -> list[Finding]:
    prepared = prepare(project)
    findings = prepared.findings + timing_warnings(prepared.resolved, project.build)
    if execute:
        jobs = [Job(r.name, r.display, prepared.notebooks[r.name], r.deck.path.parent,
                    r.exclusive) for r in prepared.resolved.records]
        for _, execution in run_jobs(jobs, timeout, workers, progress or (lambda m: None)):
            findings += execution.findings
    return findings
