"""The execution stage: each deck's working notebook filled with its outputs, from the cache
where its key matches, the rest run in kernels (execution/parallel.py's Runs), with the steps
beside execution (beside.py) waited for before the timing decks run alone."""

from __future__ import annotations

from ..execution.cache import CacheCorrupt, ExecutionCache, execution_key
from ..execution.parallel import Execution, Job, RunOptions, Runs, expected_seconds
from ..model.project import Project
from ..output.runsheet import load_timings
from .beside import Beside
from .options import BuildOptions, BuildResult
from .static import Prepared


def run_beside(jobs: list[Job], beside: Beside, options: RunOptions, progress,
               total: int | None = None,
               expected: dict[str, float] | None = None) -> list[tuple[Job, Execution]]:
    """(job, Execution) for every job in the order given: the shared decks, then, once
    ``beside`` is done (nothing may run beside a timing deck), the timing decks."""
    with Runs(jobs, options, progress, total, expected) as runs:
        done = runs.shared()
        beside.wait()
        return runs.in_order(done + runs.alone())


def execute(project: Project, prepared: Prepared, options: BuildOptions, beside: Beside,
            result: BuildResult, progress) -> dict[str, str]:
    """Fill every prepared notebook with its outputs; the cache is read and written unless
    ``options.use_cache`` is False.  Returns the execution key of every deck that has its
    outputs (one whose run failed has findings in ``result`` instead)."""
    records = prepared.resolved.records
    cache = ExecutionCache(project.layout.exec_cache)
    done, jobs, keys = {}, [], {}
    for number, record in enumerate(records, 1):
        result.visit(record.name, "execute")
        keys[record.name] = key = execution_key(record.nb, list(record.inputs))
        nb = prepared.notebooks[record.name]
        try:
            hit = cache.load(record.name, key, nb) if options.use_cache else None
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
    for job, execution in run_beside(jobs, beside, options.runs(), progress, len(records),
                                     expected_seconds(load_timings(project.layout))):
        result.findings += execution.findings
        if execution.ok:
            cache.store(job.name, keys[job.name], execution.nb)
            done[job.name] = keys[job.name]
            result.executed.append(job.name)
    return done
