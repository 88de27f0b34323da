"""The warm-kernel keeper: `deckkit preview` keeps a kernel started (the deck's imports done)
for the deck being edited, so that a code edit costs that deck's cells, not a kernel start.
Its kernels are forked from one process that imported the deck's modules once (execution/
fork.py), so each edit gets a fresh kernel at once and ends it at once."""

from __future__ import annotations

from dataclasses import dataclass

from ...execution.fork import KernelFork
from ...execution.kernel import Kernel, imported_modules, needs_kernel
from ...execution.parallel import Job, start_fork


@dataclass
class WarmKernel:
    deck: str       # the deck it was started for (its imports are done)
    env: dict
    kernel: Kernel


class WarmKernels:
    """``offer`` is the build's kernel source (BuildOptions.kernels): it hands over the warm
    kernel when the build asks for that deck in that environment.  ``keep`` starts the next
    one; ``close`` ends both it and the fork."""

    def __init__(self, deck: str | None = None):
        self.deck = deck    # the one deck previewed (a section), or None: the deck edited last
        self.warm: WarmKernel | None = None
        self.fork: tuple[str, KernelFork | None] | None = None   # (deck, its fork)
        self.asked: list[Job] = []   # what the current build asked for

    def offer(self, job: Job, env: dict) -> Kernel | None:
        self.asked.append(job)
        warm = self.warm
        if warm is not None and warm.deck == job.name and warm.env == env:
            self.warm = None
            return warm.kernel
        return None

    def keep(self, resolved) -> None:
        """After a build (``resolved``: the project as it read it): keep a kernel warm for the
        section's deck, or for the one deck this build executed."""
        asked, self.asked = self.asked, []
        deck = self.deck or (asked[0].name if len(asked) == 1 else None)
        if deck is None or resolved is None or (self.warm is not None
                                                and self.warm.deck == deck):
            return
        record = next((r for r in resolved.records if r.name == deck), None)
        if record is None or not needs_kernel(record.nb):
            return
        self.close_warm()
        if self.fork is None or self.fork[0] != deck:
            self._close_fork()
            self.fork = (deck, start_fork([record.nb], {}, least=1))
        self.warm = WarmKernel(deck, {}, Kernel(record.deck.path.parent, {},
                                               imported_modules(record.nb), fork=self.fork[1]))

    def close_warm(self) -> None:
        warm, self.warm = self.warm, None
        if warm is not None:
            warm.kernel.close()

    def _close_fork(self) -> None:
        deck_fork, self.fork = self.fork, None
        if deck_fork is not None and deck_fork[1] is not None:
            deck_fork[1].close()

    def close(self) -> None:
        self.close_warm()
        self._close_fork()
