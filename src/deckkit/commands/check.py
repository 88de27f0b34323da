"""`deckkit check` as a library call: the pipeline's static phase, and with ``execute`` every
code cell run (the diagrams drawn beside it) and the after-run checks on what it printed."""

from __future__ import annotations

from ..errors import Finding
from ..execution.parallel import Job, expected_seconds
from ..model.project import Project
from ..output.runsheet import load_timings
from ..pipeline import BuildOptions
from ..pipeline.after import checked
from ..pipeline.beside import Beside
from ..pipeline.execute import run_beside
from ..pipeline.static import prepare, timing_warnings


def check_project(project: Project, execute: bool = False,
                  options: BuildOptions | None = None, progress=None) -> list[Finding]:
    """What is wrong with the project's decks.  Without ``execute``, a demo cell slower than
    its budget is judged by the last build's timings; with it, by this run's."""
    options = options or BuildOptions()
    prepared = prepare(project, progress=progress, beside=not execute)
    timings = load_timings(project.layout)
    if not execute:
        return prepared.findings + timing_warnings(prepared.resolved, timings)
    findings = prepared.findings
    records = {r.name: r for r in prepared.resolved.records}
    jobs = [Job(r.name, r.display, prepared.notebooks[r.name], r.deck.path.parent, r.exclusive)
            for r in records.values()]
    beside = Beside(project, prepared, progress=progress)  # drawn while the code runs
    try:
        for job, execution in run_beside(jobs, beside, options.runs(),
                                         progress or (lambda m: None),
                                         expected=expected_seconds(timings)):
            findings += execution.findings
            findings += checked(records[job.name], execution.nb)[1]
    finally:
        beside.stop()
    return findings + beside.join()
