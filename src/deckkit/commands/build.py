"""`deckkit build` as a library call: one pipeline per deck, each stage visited once.

    resolve ─ check + PREPARE ─ execute (cache or kernel) ─ FINISH[audience] ─ export page
                                                                   └────────── session page
                                                                   └────────── run sheet

Every stage takes the deck's record (read once by Project.resolve) and works on the deck's one
working copy of its notebook.  Sources are only read; outputs go where the BuildLayout says,
each written atomically."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ..checks import cell_timings, check_offline, over_budget
from ..errors import Finding, is_ok
from ..execution.cache import (
    EXPORT_SIDE,
    CacheCorrupt,
    ExecutionCache,
    Stamps,
    code_fingerprint,
    digest,
    environment_fingerprint,
    execution_key,
    export_key,
)
from ..execution.kernel import DEFAULT_MAX_OUTPUT_MB, DEFAULT_TIMEOUT
from ..execution.parallel import Job, expected_seconds, run_jobs
from ..model.layout import BuildLayout, write_atomic
from ..model.project import DeckRecord, Project, Resolved
from ..output import export
from ..output.runsheet import as_html, load_rehearsal, load_timings, run_sheet
from ..steps import FINISH, DeckContext, run_steps
from ..steps.attach_notes import deck_seconds
from ..steps.merge import merge_session
from .check import Diagrams, prepare


@dataclass
class BuildResult:
    outputs: list[Path] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    executed: list[str] = field(default_factory=list)   # decks run this time
    reused: list[str] = field(default_factory=list)     # decks served from the cache
    trace: list[tuple[str, str]] = field(default_factory=list)  # (deck, stage) as visited
    resolved: Resolved | None = None   # the project as this build read it

    @property
    def ok(self) -> bool:
        return is_ok(self.findings)


def build_project(project: Project, timeout: int = DEFAULT_TIMEOUT, workers: int | None = None,
                  use_cache: bool = True, progress=lambda msg: None,
                  audience: str = "presenter", layout: BuildLayout | None = None,
                  max_output_mb: float = DEFAULT_MAX_OUTPUT_MB,
                  theme: str = "default", session_page: bool = True,
                  kernels=None) -> BuildResult:
    """``audience="student"`` writes build/share/html/: no speaker notes, no solution or
    instructor slides, no run sheet — from the same (cached) executions.  ``layout`` overrides
    where outputs go (the share command builds its package aside).  ``theme``: one of
    export.THEMES (the high-contrast variant for a bright room or a low-vision reader).
    ``session_page=False`` leaves the session deck as it is (`deckkit preview C` shows deck C
    only, and the session page costs more to export than the deck that changed).  ``kernels``:
    see execution.parallel.run_jobs (preview hands over a kernel kept warm)."""
    export.theme_styles(theme)  # an unknown theme fails before anything runs
    result = BuildResult()
    trace = lambda deck, stage: result.trace.append((deck, stage))  # noqa: E731
    prepared = prepare(project, trace, progress, diagrams=False)
    result.findings, result.resolved = prepared.findings, prepared.resolved
    if not result.ok:
        return result  # never execute or export a deck that does not pass the static checks
    # mermaid.js draws the diagrams beside the decks' code (both are seconds of CPU on a cold
    # build); the timing decks wait for it, and no page is exported before it is done
    diagrams = Diagrams(project, prepared, trace, progress)
    try:
        result.findings += _build_pages(project, prepared, diagrams, result, timeout, workers,
                                        use_cache, progress, audience, layout, max_output_mb,
                                        theme, session_page, kernels)
    finally:
        diagrams.stop()  # an interrupted or failed build leaves no thread drawing
    return result


def _build_pages(project, prepared, diagrams, result, timeout, workers, use_cache, progress,
                 audience, layout, max_output_mb, theme, session_page,
                 kernels) -> list[Finding]:
    """Execute, finish and export every deck once the diagrams are drawn; returns the
    diagrams' findings (a broken diagram stops the build before any page is written)."""
    trace = lambda deck, stage: result.trace.append((deck, stage))  # noqa: E731
    layout, session = layout or project.layout, prepared.resolved.session
    stamps = Stamps(layout.stamps(audience))
    assets_key = digest(code_fingerprint(EXPORT_SIDE), environment_fingerprint())
    if not stamps.fresh(layout.assets(audience), assets_key):
        progress("assets: copying reveal.js, MathJax and deckkit's theme into "
                 f"{layout.assets(audience).relative_to(project.root)}")
        export.write_assets(layout.html_dir(audience))
        stamps.mark(layout.assets(audience), assets_key)

    records = prepared.resolved.records
    keys = _execute(project, records, prepared.notebooks, timeout, workers, use_cache, result,
                    progress, max_output_mb, diagrams.join, kernels)
    drawn = diagrams.join()
    if not is_ok(drawn):
        return drawn
    parts, page_keys, timings = [], [], {}
    for i, record in enumerate(records, 1):
        if record.name not in keys:
            continue  # its execution failed: reported in result.findings
        ctx = DeckContext(record, session, audience, layout.mermaid_cache)
        step = f"[{i}/{len(records)}] {record.name}"
        timings[record.name] = cell_timings(prepared.notebooks[record.name])
        result.findings += over_budget(record.display, timings[record.name], record.budgets)
        offline = check_offline(prepared.notebooks[record.name], record.display, markdown=False)
        if offline:  # an output that loads from the network: the page would not work offline
            result.findings += offline
            continue
        nb, found = run_steps(prepared.notebooks[record.name], ctx, FINISH[audience],
                              copy_first=False, trace=trace)
        result.findings += found
        page_keys.append(_export_page(layout, ctx, nb, keys[record.name], stamps, result,
                                      lambda m, step=step: progress(f"{step}: {m}"), theme))
        parts.append(nb)
    if result.ok and parts and session_page:
        _export_session(layout, session.title, parts, page_keys, audience, stamps, result,
                        progress, theme)
    stamps.save()
    if audience == "presenter":
        write_atomic(layout.timings, json.dumps(timings, indent=1))
        sheet = write_atomic(layout.run_sheet_html,
                             as_html(run_sheet(prepared.resolved, timings,
                                               load_rehearsal(layout)[1]), session.title))
        result.outputs.append(sheet)
    return drawn


def _export_page(layout: BuildLayout, ctx: DeckContext, nb, exec_key: str, stamps: Stamps,
                 result: BuildResult, progress, theme: str = "default") -> str:
    """Write the deck's page unless the stamps say it is made from the same things (cells,
    outputs, notes, the session's title and materials link, audience, theme); returns the
    page's key (part of the session page's key)."""
    record, title = ctx.record, f"{ctx.record.section.label} — {ctx.session.title}"
    page_key = export_key(exec_key, record.nb, record.notes_text or "",
                          "\n".join((title, ctx.audience, ctx.session.materials_url,
                                     ctx.session.notebooks_url, theme)))
    out = layout.page(record.name, ctx.audience)
    result.trace.append((record.name, "export"))
    result.outputs.append(out)
    if not stamps.fresh(out, page_key):
        progress("exporting slides")
        write_atomic(out, export.slides_html(nb, title, deck_seconds(nb), theme,
                                             sanitise=ctx.audience == "student"))
        stamps.mark(out, page_key)
    return page_key


def _export_session(layout, title, parts, keys, audience, stamps, result, progress,
                    theme: str = "default") -> None:
    out = layout.page("session", audience)
    session_key = digest(title, theme, *keys)
    if not stamps.fresh(out, session_key):
        progress(f"session: exporting {len(parts)} sections as one deck")
        merged = merge_session(parts, title)
        write_atomic(out, export.slides_html(merged, title, deck_seconds(merged), theme,
                                             sanitise=audience == "student"))
        stamps.mark(out, session_key)
    result.outputs.append(out)


def _execute(project: Project, records: list[DeckRecord], notebooks: dict, timeout, workers,
             use_cache, result: BuildResult, progress, max_output_mb,
             before_alone=lambda: None, kernels=None) -> dict[str, str]:
    """Fill each deck's working notebook with its outputs, from the cache where possible, the
    rest run in parallel (execution/parallel.py).  Returns the execution key of every deck
    that has its outputs."""
    cache = ExecutionCache(project.layout.exec_cache)
    done, jobs, keys = {}, [], {}
    for number, record in enumerate(records, 1):
        result.trace.append((record.name, "execute"))
        keys[record.name] = key = execution_key(record.nb, list(record.inputs))
        nb = notebooks[record.name]
        try:
            hit = cache.load(record.name, key, nb) if use_cache else None
        except CacheCorrupt as exc:
            progress(f"{record.name}: cache entry is damaged ({exc}); re-executing")
            cache.discard(record.name)
            hit = None
        if hit is not None:
            done[record.name] = key
            result.reused.append(record.name)
        else:
            jobs.append(Job(record.name, record.display, nb, record.deck.path.parent,
                            record.exclusive, number))
    for job, execution in run_jobs(jobs, timeout, workers, progress, total=len(records),
                                   max_output_mb=max_output_mb, before_alone=before_alone,
                                   kernels=kernels or (lambda job, env: None),
                                   expected=expected_seconds(load_timings(project.layout))):
        result.findings += execution.findings
        if execution.ok:
            cache.store(job.name, keys[job.name], execution.nb)
            done[job.name] = keys[job.name]
            result.executed.append(job.name)
    return done
