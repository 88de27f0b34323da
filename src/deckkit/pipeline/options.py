"""How a build runs (BuildOptions) and what it did (BuildResult): values that pass through
the pipeline's stages whole, instead of a dozen parameters threaded through each."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Finding, is_ok
from ..execution.kernel import DEFAULT_MAX_OUTPUT_MB, DEFAULT_TIMEOUT, Kernel
from ..execution.parallel import Job, RunOptions, no_kernel
from ..model.layout import BuildLayout
from ..model.project import Project, Resolved

AUDIENCES = ("presenter", "student")


@dataclass(frozen=True)
class BuildOptions:
    """``audience="student"`` builds build/share/html/: no speaker notes, no solution or
    instructor slides, no run sheet, from the same (cached) executions.  ``layout`` overrides
    where outputs go (the share command builds its package aside).  ``theme``: one of
    output.export.THEMES.  ``session_page=False`` leaves the session deck as it is (`deckkit
    preview C` shows deck C only).  ``kernels(job, env)`` may hand over a warm kernel (see
    execution.parallel.RunOptions)."""

    timeout: int = DEFAULT_TIMEOUT             # seconds a cell may run
    workers: int | None = None                 # decks executed at once (default: one per core)
    use_cache: bool = True
    audience: str = "presenter"
    layout: BuildLayout | None = None
    max_output_mb: float = DEFAULT_MAX_OUTPUT_MB
    theme: str = "default"
    session_page: bool = True
    kernels: Callable[[Job, dict], Kernel | None] = field(default=no_kernel, compare=False)

    def __post_init__(self):
        if self.audience not in AUDIENCES:
            raise ValueError(f"audience {self.audience!r}: one of {', '.join(AUDIENCES)}")

    def runs(self) -> RunOptions:
        """What the execution layer needs of these."""
        return RunOptions(self.timeout, self.workers, self.max_output_mb, self.kernels)

    def layout_of(self, project: Project) -> BuildLayout:
        return self.layout or project.layout


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

    def visit(self, deck: str, stage: str) -> None:
        """Record that ``deck`` reached ``stage`` (each deck visits each stage once)."""
        self.trace.append((deck, stage))
