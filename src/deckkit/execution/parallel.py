"""Run several decks at once: one worker per core, each kernel limited to one thread so the
workers do not oversubscribe the cores.  Decks marked `metadata.deckkit.exclusive` (live timing
demos) run alone afterwards with every thread, so the numbers they show are not disturbed.

Kernels are started ahead of each deck's turn (execution/kernel.py's Kernel), with the modules
the deck imports already imported: the next shared decks' while the current ones run, and the
exclusive decks' while the shared ones run — with their hidden set-up cells run too — so a
timing deck never waits for its own start-up and nothing starts beside it while it runs.
Where it can, each group's kernels are forked from one process that has imported what they
share (fork.py), so a build pays the torch import twice, not once per deck."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from .fork import KernelFork, can_fork, declared_preloads, forkable
from .kernel import (
    DEFAULT_MAX_OUTPUT_MB,
    DEFAULT_TIMEOUT,
    Execution,
    Kernel,
    execute_notebook,
    imported_modules,
    needs_kernel,
    setup_cells,
)

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


def start_kernel(job: Job, env: dict, timeout: int = DEFAULT_TIMEOUT,
                 fork: KernelFork | None = None) -> Kernel | None:
    """A kernel for ``job``, starting now (forked from ``fork`` when given); None for a deck
    with nothing to run.  A timing deck's kernel also runs the deck's set-up cells while it
    waits for its turn."""
    if not needs_kernel(job.nb):
        return None
    if job.exclusive:
        return Kernel(job.cwd, env, imported_modules(job.nb), nb=job.nb,
                      setup=setup_cells(job.nb), timeout=timeout, fork=fork)
    return Kernel(job.cwd, env, imported_modules(job.nb), timeout=timeout, fork=fork)


def start_fork(notebooks: list, env: dict, least: int = 2) -> KernelFork | None:
    """One process that imports what the kernels of ``notebooks`` share and forks them
    (fork.py), when ``least`` of them or more need a kernel and this system can fork."""
    needing = [nb for nb in notebooks if needs_kernel(nb)]
    if len(needing) < least or not can_fork():
        return None
    wanted = [m for nb in needing for m in imported_modules(nb)]
    wanted += [m for name in wanted for m in declared_preloads(name)]
    try:
        return KernelFork(env, forkable(dict.fromkeys(wanted)))
    except OSError:
        return None  # kernels start the usual way


class _Ahead:
    """Kernels for a list of jobs, each started when the job ``lookahead`` places before it
    takes its own: at most ``lookahead`` kernels wait beside the ones running."""

    def __init__(self, jobs: list[Job], env: dict, lookahead: int,
                 given: Callable[[Job], Kernel | None], timeout: int = DEFAULT_TIMEOUT,
                 fork: KernelFork | None = None):
        self.jobs, self.env, self.lookahead, self.given = jobs, env, lookahead, given
        self.timeout, self.fork = timeout, fork
        self.started: dict[int, Kernel | None] = {}
        self.lock = threading.Lock()

    def _start(self, index: int) -> None:
        if index < len(self.jobs) and index not in self.started:
            job = self.jobs[index]
            self.started[index] = self.given(job) or start_kernel(job, self.env, self.timeout,
                                                                 self.fork)

    def start_all(self) -> None:
        with self.lock:
            for index in range(len(self.jobs)):
                self._start(index)

    def take(self, index: int) -> Kernel | None:
        with self.lock:
            for ahead in range(index, index + self.lookahead + 1):
                self._start(ahead)
            return self.started.pop(index)

    def close(self) -> None:
        """Stop the kernels started for jobs that never ran (an interrupted build)."""
        with self.lock:
            left, self.started = list(self.started.values()), {}
        for kernel in left:
            if kernel is not None:
                kernel.close()


def run_jobs(jobs: list[Job], timeout: int = DEFAULT_TIMEOUT, workers: int | None = None,
             progress=lambda msg: None, total: int | None = None,
             max_output_mb: float = DEFAULT_MAX_OUTPUT_MB,
             before_alone: Callable[[], None] = lambda: None,
             kernels: Callable[[Job, dict], Kernel | None] = lambda job, env: None,
             expected: dict[str, float] | None = None,
             ) -> list[tuple[Job, Execution]]:
    """(job, Execution) for every job, in the order given.  ``before_alone`` is called once
    the shared decks are done and before the exclusive ones run (the build waits there for
    its diagrams: nothing else may run beside a timing deck).  ``kernels(job, env)`` may hand
    over a kernel already warm for that job and environment (`deckkit preview` keeps one for
    the deck being edited); None starts one as usual.  ``expected``: seconds each deck's cells
    took last time (expected_seconds): the shared decks start longest first, so that the
    longest is not the one left running alone at the end."""
    workers = max(1, workers or os.cpu_count() or 1)
    total = total or len(jobs)
    expected = expected or {}
    shared = sorted((j for j in jobs if not j.exclusive), key=lambda j: -expected.get(j.name, 0))
    alone = [j for j in jobs if j.exclusive]
    env = SINGLE_THREAD if workers > 1 and len(shared) > 1 else {}
    # the kernels are forked from a process that imports what they share: one for the shared
    # decks (thread limits), one for the timing decks (every thread); their turns end sooner
    # too (a forked kernel exits without unloading torch)
    fork = start_fork([job.nb for job in shared], env)
    fork_alone = start_fork([job.nb for job in alone], {})
    # the timing decks' kernels start first: ready, imports done, by the time their turn comes
    ahead_alone = _Ahead(alone, {}, len(alone), lambda job: kernels(job, {}), timeout,
                         fork_alone)
    ahead_shared = _Ahead(shared, env, workers, lambda job: kernels(job, env), timeout, fork)

    def run(job: Job, kernel: Kernel | None, env: dict):
        note = " (alone, all threads)" if job.exclusive and len(jobs) > 1 else ""
        progress(f"[{job.number or jobs.index(job) + 1}/{total}] {job.name}: executing{note}")
        return job, execute_notebook(job.nb, job.display, job.cwd, timeout, env=env,
                                     max_output_mb=max_output_mb, kernel=kernel)

    try:
        ahead_alone.start_all()
        with ThreadPoolExecutor(max_workers=workers) as pool:
            runs = list(pool.map(lambda i: run(shared[i], ahead_shared.take(i), env),
                                 range(len(shared))))
        if fork is not None:
            fork.close()  # every shared deck has run (a fork's kernels end with it)
        before_alone()
        for kernel in ahead_alone.started.values():
            if kernel is not None:
                kernel.ready()  # no import may still run beside the first timing cell
        runs += [run(job, ahead_alone.take(i), {}) for i, job in enumerate(alone)]
    finally:
        ahead_shared.close()
        ahead_alone.close()
        for each in (fork, fork_alone):
            if each is not None:
                each.close()
    order = {id(j): i for i, j in enumerate(jobs)}
    return sorted(runs, key=lambda r: order[id(r[0])])


def expected_seconds(timings: dict) -> dict[str, float]:
    """Seconds per deck from a build's cell timings (build/notes/timings.json)."""
    return {deck: sum(cell.get("seconds", 0) for cell in cells)
            for deck, cells in timings.items() if isinstance(cells, list)}
