"""Run several decks at once: one worker per core, each kernel limited to one thread so the
workers do not oversubscribe the cores.  Decks marked `metadata.deckkit.exclusive` (live timing
demos) run alone afterwards with every thread, so the numbers they show are not disturbed."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from .kernel import DEFAULT_MAX_OUTPUT_MB, DEFAULT_TIMEOUT, Execution, execute_notebook

SINGLE_THREAD = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}


@dataclass(frozen=True)
class Job:
    """One deck to execute: ``nb`` is run in place (the caller's own copy)."""

    name: str
    display: str
    nb: object
    cwd: object
    exclusive: bool = False
    number: int = 0     # for progress: "[3/12]"


def run_jobs(jobs: list[Job], timeout: int = DEFAULT_TIMEOUT, workers: int | None = None,
             progress=lambda msg: None, total: int | None = None,
             max_output_mb: float = DEFAULT_MAX_OUTPUT_MB) -> list[tuple[Job, Execution]]:
    """(job, Execution) for every job, in the order given."""
    workers = max(1, workers or os.cpu_count() or 1)
    total = total or len(jobs)
    shared = [j for j in jobs if not j.exclusive]
    alone = [j for j in jobs if j.exclusive]
    env = SINGLE_THREAD if workers > 1 and len(shared) > 1 else {}

    def run(job: Job, env):
        note = " (alone, all threads)" if job.exclusive and len(jobs) > 1 else ""
        progress(f"[{job.number or jobs.index(job) + 1}/{total}] {job.name}: executing{note}")
        return job, execute_notebook(job.nb, job.display, job.cwd, timeout, env=env,
                                     max_output_mb=max_output_mb)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        runs = list(pool.map(lambda j: run(j, env), shared))
    runs += [run(job, {}) for job in alone]
    order = {id(j): i for i, j in enumerate(jobs)}
    return sorted(runs, key=lambda r: order[id(r[0])])
