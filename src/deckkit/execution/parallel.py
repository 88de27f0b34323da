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
from dataclasses import dataclass, field

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


def no_kernel(job: Job, env: dict) -> Kernel | None:
    """The kernel source that hands over none: every kernel is started as usual."""
    return None


@dataclass(frozen=True)
class RunOptions:
    """How decks are executed: the seconds a cell may take, how many decks run at once (default:
    one per core), the output a cell may print, and ``kernels(job, env)``, which may hand over a
    kernel already warm for that job and environment (`deckkit preview` keeps one for the deck
    being edited; None starts one as usual)."""

    timeout: int = DEFAULT_TIMEOUT
    workers: int | None = None
    max_output_mb: float = DEFAULT_MAX_OUTPUT_MB
    kernels: Callable[[Job, dict], Kernel | None] = field(default=no_kernel, compare=False)


class Runs:
    """The decks' executions in their two turns: ``shared()``, the decks that may run beside one
    another (one per worker, each kernel held to one thread), then ``alone()``, the timing decks
    (``Job.exclusive``) one by one with every thread.  Between the two the caller waits for
    whatever must not run beside a timing deck (the build's diagrams): this layer calls nothing
    back.  The timing decks' kernels start, set-up cells and all, before the shared turn, so
    each is ready when its turn comes.  ``expected``: seconds each deck's cells took last time
    (expected_seconds): the shared decks start longest first, so that the longest is not the
    one left running alone at the end.  A context manager: leaving it stops every kernel and
    fork it started and has not handed over."""

    def __init__(self, jobs: list[Job], options: RunOptions = RunOptions(),
                 progress: Callable[[str], None] = lambda msg: None, total: int | None = None,
                 expected: dict[str, float] | None = None):
        self.jobs, self.options, self.progress = jobs, options, progress
        self.workers = max(1, options.workers or os.cpu_count() or 1)
        self.total = total or len(jobs)
        expected = expected or {}
        self._shared = sorted((j for j in jobs if not j.exclusive),
                              key=lambda j: -expected.get(j.name, 0))
        self._alone = [j for j in jobs if j.exclusive]
        self.env = SINGLE_THREAD if self.workers > 1 and len(self._shared) > 1 else {}
        self._forks: list[KernelFork | None] = []
        self._ahead: list[_Ahead] = []

    def __enter__(self) -> Runs:
        try:
            # kernels forked from a process that imports what they share: one for the shared
            # decks (thread limits), one for the timing decks (every thread); their turns end
            # sooner too (a forked kernel exits without unloading torch)
            self._fork = start_fork([job.nb for job in self._shared], self.env)
            fork_alone = start_fork([job.nb for job in self._alone], {})
            self._forks = [self._fork, fork_alone]
            kernels, timeout = self.options.kernels, self.options.timeout
            self._ahead_alone = _Ahead(self._alone, {}, len(self._alone),
                                       lambda job: kernels(job, {}), timeout, fork_alone)
            self._ahead_shared = _Ahead(self._shared, self.env, self.workers,
                                        lambda job: kernels(job, self.env), timeout, self._fork)
            self._ahead = [self._ahead_shared, self._ahead_alone]
            self._ahead_alone.start_all()  # ready, imports done, by the time their turn comes
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _run(self, job: Job, kernel: Kernel | None, env: dict) -> tuple[Job, Execution]:
        note = " (alone, all threads)" if job.exclusive and len(self.jobs) > 1 else ""
        self.progress(f"[{job.number or self.jobs.index(job) + 1}/{self.total}] {job.name}: "
                      f"executing{note}")
        return job, execute_notebook(job.nb, job.display, job.cwd, self.options.timeout,
                                     env=env, max_output_mb=self.options.max_output_mb,
                                     kernel=kernel)

    def shared(self) -> list[tuple[Job, Execution]]:
        """Run the decks that may share the machine, ``workers`` at a time."""
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            runs = list(pool.map(
                lambda i: self._run(self._shared[i], self._ahead_shared.take(i), self.env),
                range(len(self._shared))))
        if self._fork is not None:
            self._fork.close()  # every shared deck has run (a fork's kernels end with it)
        return runs

    def alone(self) -> list[tuple[Job, Execution]]:
        """Run the timing decks one by one, nothing else running (call after ``shared``)."""
        for kernel in self._ahead_alone.started.values():
            if kernel is not None:
                kernel.ready()  # no import may still run beside the first timing cell
        return [self._run(job, self._ahead_alone.take(i), {})
                for i, job in enumerate(self._alone)]

    def in_order(self, runs: list[tuple[Job, Execution]]) -> list[tuple[Job, Execution]]:
        """``runs`` in the order the jobs were given."""
        order = {id(j): i for i, j in enumerate(self.jobs)}
        return sorted(runs, key=lambda r: order[id(r[0])])

    def close(self) -> None:
        for ahead in self._ahead:
            ahead.close()
        for fork in self._forks:
            if fork is not None:
                fork.close()
        self._ahead, self._forks = [], []


def run_jobs(jobs: list[Job], options: RunOptions = RunOptions(),
             progress: Callable[[str], None] = lambda msg: None, total: int | None = None,
             expected: dict[str, float] | None = None) -> list[tuple[Job, Execution]]:
    """(job, Execution) for every job, in the order given: both of Runs' turns, one after the
    other, with nothing to wait for between them."""
    with Runs(jobs, options, progress, total, expected) as runs:
        return runs.in_order(runs.shared() + runs.alone())


def expected_seconds(timings: dict) -> dict[str, float]:
    """Seconds per deck from a build's cell timings (build/notes/timings.json)."""
    return {deck: sum(cell.get("seconds", 0) for cell in cells)
            for deck, cells in timings.items() if isinstance(cells, list)}
