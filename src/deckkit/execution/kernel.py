"""Execute a deck with nbclient, one timeout per cell, and report failures as Findings that
keep what a presenter needs to fix them: the failing line of the cell and the exception."""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from jupyter_client.kernelspec import NoSuchKernel
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

from ..errors import DeckError, Finding, is_ok

DEFAULT_TIMEOUT = 120  # seconds per cell
DEFAULT_MAX_OUTPUT_MB = 10  # per cell: a page must stay small enough to open and to print
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
CELL_FRAME = re.compile(r"^Cell In\s*\[\d*\],\s*line (\d+)")
FILE_FRAME = re.compile(r"^File (\S.*?):(\d+)(?:, in (\w+))?")


@dataclass
class Execution:
    nb: nbformat.NotebookNode
    findings: list[Finding] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return is_ok(self.findings)


def execute_notebook(nb, display: str, cwd: Path, timeout: int = DEFAULT_TIMEOUT,
                     kernel_name: str = "python3", env: dict | None = None,
                     max_output_mb: float = DEFAULT_MAX_OUTPUT_MB) -> Execution:
    """Run every code cell of ``nb`` in place (tags skip-execution / raises-exception honoured);
    the caller passes its own copy.  ``env`` adds variables to the kernel's environment; a
    cell's output beyond ``max_output_mb`` is dropped as it arrives and the cell reported."""
    if not any(c.cell_type == "code" and c.source.strip()
               and "skip-execution" not in c.get("metadata", {}).get("tags", [])
               for c in nb.cells):
        return Execution(nb=nb)  # nothing to run: no kernel to start (about a second saved)
    current = {"index": None}

    def on_start(cell, cell_index, **_):
        current["index"] = cell_index

    sweeper = ProcessSweeper()
    client = CappedClient(
        nb, timeout=timeout, kernel_name=kernel_name, record_timing=True,
        resources={"metadata": {"path": str(cwd)}}, on_cell_start=on_start,
        on_notebook_start=lambda **_: sweeper.watch(client),
        on_cell_executed=sweeper.snapshot, on_notebook_error=sweeper.snapshot,
        # keep ipykernel's start-up warnings out of the build's progress output
        extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
    )
    client.max_output_bytes = int(max_output_mb * 1e6)
    started = time.perf_counter()
    finding = None
    try:
        try:
            client.execute(env=dict(os.environ, DECKKIT_BUILD="1", **(env or {})))
        finally:
            stray = sweeper.sweep()
    except NoSuchKernel:
        raise DeckError(f'no Jupyter kernel "{kernel_name}"', where=display,
                        fix="install ipykernel in this environment (pip install ipykernel)") from None
    except CellTimeoutError:
        finding = _cell_finding(nb, display, current["index"], "timeout",
                                f"still running after the {timeout} s cell timeout; make it "
                                "faster, raise --timeout, or tag it skip-execution")
    except CellExecutionError as exc:
        index = current["index"]
        source = nb.cells[index].source if index is not None else ""
        finding = _cell_finding(nb, display, index, "cell-error",
                                f"raised {exc.ename}: {_short(exc.evalue)}"
                                f"{failure_place(exc.traceback, source)} — fix the code, or tag "
                                "the cell raises-exception if the error is the point")
    except DeadKernelError as exc:
        finding = _cell_finding(nb, display, current["index"], "kernel-died",
                                f"the kernel died ({_short(str(exc))}); the cell may use too "
                                "much memory or crash the interpreter")
    result = Execution(nb=nb, seconds=time.perf_counter() - started)
    if finding:
        result.findings.append(finding)
    for index in sorted(client.capped):
        result.findings.append(Finding(
            display, "output-too-large", f"printed more than {max_output_mb:g} MB; the rest of "
            "its output was dropped (the page says so) — print less, or raise --max-output-mb",
            index, nb.cells[index].source, severity="warning"))
    if stray:
        result.findings.append(Finding(
            display, "stray-process", f"its cells left {len(stray)} process(es) running "
            f"({', '.join(stray[:3])}); deckkit stopped them — wait for or stop what a cell "
            "starts", severity="warning"))
    return result


class CappedClient(NotebookClient):
    """nbclient with a ceiling on each cell's output, applied as messages arrive, so a cell
    that prints hundreds of megabytes costs neither the memory nor the page."""

    max_output_bytes = int(DEFAULT_MAX_OUTPUT_MB * 1e6)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.capped: set[int] = set()
        self._sizes: dict[int, int] = {}

    def output(self, outs, msg, display_id, cell_index):
        if self.clear_before_next_output:  # the delayed clear empties the cell first
            self._sizes[cell_index] = 0
        content = msg.get("content", {})
        size = len(content.get("text", "")) + sum(
            len(v) if isinstance(v, str) else len(str(v)) for v in content.get("data", {}).values())
        total = self._sizes.get(cell_index, 0) + size
        if total > self.max_output_bytes:
            if cell_index not in self.capped:
                self.capped.add(cell_index)
                outs.append(nbformat.v4.new_output(
                    "stream", name="stderr", text=f"[deckkit: output cut at "
                    f"{self.max_output_bytes / 1e6:g} MB]\n"))
            return None
        self._sizes[cell_index] = total
        return super().output(outs, msg, display_id, cell_index)

    def clear_output(self, outs, msg, cell_index):
        if not msg.get("content", {}).get("wait"):
            self._sizes[cell_index] = 0
        return super().clear_output(outs, msg, cell_index)


class ProcessSweeper:
    """Everything the kernel started, seen after every cell: once the kernel is shut down,
    whatever of it still runs (a server, a process started in a session of its own) is
    stopped, so no build leaves processes behind."""

    def __init__(self):
        self.kernel = None
        self.seen: dict[int, object] = {}

    def watch(self, client) -> None:
        import psutil

        process = getattr(getattr(client.km, "provisioner", None), "process", None)
        pid = getattr(process, "pid", None)
        try:
            self.kernel = psutil.Process(pid) if pid else None
        except psutil.Error:
            self.kernel = None

    def snapshot(self, **_) -> None:
        import psutil

        if self.kernel is None:
            return
        try:
            for child in self.kernel.children(recursive=True):
                self.seen.setdefault(child.pid, child)
        except psutil.Error:
            pass

    def sweep(self, settle: float = 1.5, grace: float = 3.0) -> list[str]:
        """Stop what is still running once the kernel is gone (helpers that end with their
        kernel, such as torch.compile's workers, get ``settle`` seconds to do so); returns the
        names of what had to be stopped ("sleep 300")."""
        import psutil

        self.snapshot()
        alive = []
        for process in self.seen.values():
            try:
                if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                    alive.append(process)
            except psutil.Error:
                continue
        if alive:
            _, alive = psutil.wait_procs(alive, timeout=settle)
        names = []
        for process in alive:
            try:
                names.append(" ".join(process.cmdline()[:2]) or process.name())
                process.terminate()
            except psutil.Error:
                continue
        _, left = psutil.wait_procs(alive, timeout=grace)
        for process in left:
            try:
                process.kill()
            except psutil.Error:
                pass
        return names


def failure_place(traceback: str, source: str) -> str:
    """Where a cell failed, from IPython's traceback text: the cell's own line (number and
    text) and, when the error came from a called function, the innermost file and line.
    Returns "" when the traceback names neither."""
    cell_line, inner = None, None
    for raw in ANSI.sub("", traceback or "").splitlines():
        line = raw.strip()
        if m := CELL_FRAME.match(line):
            cell_line = int(m[1])
            inner = None  # frames after this one are what the cell called
        elif m := FILE_FRAME.match(line):
            inner = (m[1], int(m[2]), m[3])
    parts = []
    lines = source.splitlines()
    if cell_line is not None:
        text = lines[cell_line - 1].strip() if 0 < cell_line <= len(lines) else ""
        parts.append(f"line {cell_line}" + (f' ("{_short(text, 70)}")' if text else ""))
    if inner is not None:
        path, number, func = inner
        where = "/".join(Path(path).parts[-3:])
        parts.append(f"in {where}:{number}" + (f" ({func})" if func else ""))
    return " at " + ", ".join(parts) if parts else ""


def _cell_finding(nb, display, index, code, message) -> Finding:
    source = nb.cells[index].source if index is not None else ""
    return Finding(display, code, message, index, source)


def _short(text: str, width: int = 160) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"
