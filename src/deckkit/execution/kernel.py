"""Execute a deck with nbclient, one timeout per cell, and report failures as Findings that
keep what a presenter needs to fix them: the failing line of the cell and the exception."""

from __future__ import annotations

import asyncio
import os
import queue
import re
import secrets
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from jupyter_client.kernelspec import NoSuchKernel
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

from ..errors import DeckError, Finding, is_ok
from .channels import SlicedKernelClient

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


def needs_kernel(nb) -> bool:
    """Whether ``nb`` has a code cell to run (decks of slides alone start no kernel)."""
    return any(c.cell_type == "code" and c.source.strip()
               and "skip-execution" not in c.get("metadata", {}).get("tags", [])
               for c in nb.cells)


def imported_modules(nb) -> tuple[str, ...]:
    """The modules ``nb``'s code cells import (``import a.b``, ``from a.b import c``), in the
    order they first appear: what a kernel started ahead of the deck imports while it waits."""
    import ast

    seen: dict[str, None] = {}
    for cell in nb.cells:
        if cell.cell_type != "code" or "skip-execution" in cell.get("metadata", {}).get(
                "tags", []):
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue  # the run reports it, with the cell
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                seen.update((alias.name, None) for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                seen[node.module] = None
    return tuple(seen)


def setup_cells(nb) -> tuple[int, ...]:
    """The indices of a deck's set-up cells: the hidden (``remove-cell``) code cells before its
    first shown code cell — imports and warm-ups such as ``prepare()``, no timing — which a
    kernel started ahead runs while it waits, so a timing deck's turn starts at its demos."""
    found = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or not cell.source.strip():
            continue
        tags = cell.get("metadata", {}).get("tags", [])
        if "remove-cell" not in tags or "raises-exception" in tags:
            break
        if "skip-execution" not in tags:
            found.append(index)
    return tuple(found)


# Run silently in a kernel started ahead (no output, no history, execution counts untouched):
# a module that fails to import here fails again in the deck's own cell, which reports it.  A
# module may name in PRELOAD_MODULES what its functions import lazily (deckkit.demos does).
PRELOAD = """def _deckkit_preload(names):
    import importlib
    for name in names:
        try:
            module = importlib.import_module(name)
            for lazy in getattr(module, "PRELOAD_MODULES", ()):
                importlib.import_module(lazy)
        except Exception:
            pass
_deckkit_preload({names!r})
del _deckkit_preload
"""


class Kernel:
    """One Jupyter kernel for one deck, started as soon as it is made — ahead of the deck's
    turn when the caller makes it early — and with the modules the deck imports already
    imported (``preload``), so that the deck's turn pays neither.  A thread of its own starts
    it and later runs the deck in it (nbclient's client and its sockets belong to one event
    loop).  A kernel runs one deck: each deck starts from a fresh interpreter, as in Jupyter.
    close() stops one that was never used."""

    def __init__(self, cwd: Path, env: dict | None = None, preload: tuple[str, ...] = (),
                 kernel_name: str = "python3", nb=None, setup: tuple[int, ...] = (),
                 timeout: int = DEFAULT_TIMEOUT, fork=None):
        """``nb`` and ``setup``: the deck this kernel is for and the indices of its set-up
        cells (setup_cells), run ahead too; run() must then be given that same notebook.
        ``fork``: a KernelFork (execution/fork.py) to fork the kernel from, imports done."""
        self.cwd, self.env, self.preload, self.kernel_name = cwd, dict(env or {}), preload, \
            kernel_name
        self.fork = fork
        self.nb, self.setup, self.timeout = nb, tuple(setup) if nb is not None else (), timeout
        self._setup_error: BaseException | None = None
        self._process = None   # the kernel's Popen (or Forked), to say how it ended
        self.started_s: float | None = None  # how long the start and the imports took
        self._ready = threading.Event()
        self._jobs: queue.Queue = queue.Queue(maxsize=1)
        self._done = threading.Event()
        self._outcome: Execution | BaseException | None = None
        self._error: BaseException | None = None
        self._used = False
        self._thread = threading.Thread(target=self._main, name="deckkit-kernel", daemon=True)
        self._thread.start()

    def ready(self, timeout: float | None = None) -> bool:
        """Wait until the kernel is started and its imports are done (or its start failed)."""
        return self._ready.wait(timeout)

    def run(self, nb, display: str, timeout: int = DEFAULT_TIMEOUT,
            max_output_mb: float = DEFAULT_MAX_OUTPUT_MB) -> Execution:
        """Execute every code cell of ``nb`` in place in this kernel, then shut it down."""
        if self._used:
            raise RuntimeError("a Kernel runs one deck; start another")
        if self.setup and nb is not self.nb:
            raise RuntimeError("this kernel ran another notebook's set-up cells")
        self._used = True
        self._jobs.put((nb, display, timeout, max_output_mb))
        self._done.wait()
        if isinstance(self._outcome, BaseException):
            raise self._outcome
        return self._outcome

    def close(self) -> None:
        """Shut down a kernel that was started but never given a deck."""
        if not self._used:
            self._used = True
            self._jobs.put(None)
        self._done.wait()

    def _main(self) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._sweeper = ProcessSweeper(secrets.token_hex(8))
        self._sockets: str | None = None   # the kernel's socket folder (POSIX)
        self._current: dict = {"index": None}
        client = self._client = CappedClient(
            nbformat.v4.new_notebook(), kernel_name=self.kernel_name, record_timing=True,
            timeout=self.timeout,  # for what runs ahead; run() sets the deck's own
            resources={"metadata": {"path": str(self.cwd)}},
            on_cell_start=lambda cell_index, **_: self._current.update(index=cell_index),
            on_notebook_start=lambda **_: self._sweeper.watch(client),
            on_cell_executed=self._sweeper.snapshot, on_notebook_error=self._sweeper.snapshot,
            # keep ipykernel's start-up warnings out of the build's progress output
            extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
        )
        try:
            started = time.perf_counter()
            try:
                loop.run_until_complete(self._start(client))
                self.started_s = time.perf_counter() - started
            except BaseException as exc:  # noqa: BLE001 (given to the caller of run())
                self._error = exc
            finally:
                self._ready.set()
            job = self._jobs.get()
            if job is None or self._error is not None:
                try:
                    if client.km is not None:
                        loop.run_until_complete(client._async_cleanup_kernel())
                finally:
                    self._sweeper.sweep()
                if job is not None:
                    self._outcome = self._error
                return
            self._outcome = self._execute(loop, client, *job)
        except BaseException as exc:  # noqa: BLE001
            self._outcome = exc
        finally:
            loop.close()
            if self._sockets is not None:
                shutil.rmtree(self._sockets, ignore_errors=True)
            self._done.set()

    def _ipc_dir(self) -> str:
        self._sockets = tempfile.mkdtemp(prefix="deckkit-kernel-")
        return self._sockets

    async def _start(self, client) -> None:
        client.km = client.create_kernel_manager()
        client.km.client_factory = SlicedKernelClient   # no wake-up slept through
        if os.name == "posix":
            # Unix sockets in a folder of the kernel's own, not TCP ports: a port picked free
            # can be taken by another process before the kernel binds it ("Address already in
            # use", seen with many kernels starting at once), and a socket file cannot
            client.km.transport = "ipc"
            client.km.ip = os.path.join(self._ipc_dir(), "kernel")
        if self.fork is not None:
            from .provisioner import choose

            choose(client.km, self.fork)   # else the kernel starts the usual way
        # DECKKIT_KERNEL marks everything the kernel starts, whatever it is reparented to
        await client.async_start_new_kernel(env=dict(os.environ, DECKKIT_BUILD="1", **self.env,
                                                     DECKKIT_KERNEL=self._sweeper.token))
        await client.async_start_new_kernel_client()
        # kept: a kernel that dies is cleaned up (its provisioner dropped) before it is named
        self._process = getattr(getattr(client.km, "provisioner", None), "process", None)
        if self.preload:
            try:
                msg_id = client.kc.execute(PRELOAD.format(names=list(self.preload)),
                                           silent=True, store_history=False)
                await client.async_wait_for_reply(msg_id)
            except Exception:  # noqa: BLE001 (the deck's run finds a dead kernel and says so)
                pass
        if self.setup:
            client.nb = self.nb
            try:
                for index in self.setup:
                    await client.async_execute_cell(self.nb.cells[index], index)
            except Exception as exc:  # noqa: BLE001 (reported by run(), with the cell)
                self._setup_error = exc

    def _execute(self, loop, client, nb, display, timeout, max_output_mb) -> Execution:
        client.nb, client.timeout = nb, timeout
        client.max_output_bytes = int(max_output_mb * 1e6)
        started = time.perf_counter()
        finding = None
        ran_ahead = [nb.cells[i] for i in self.setup
                     if "skip-execution" not in nb.cells[i].metadata.get("tags", [])]
        try:
            try:
                if self._setup_error is not None:
                    raise self._setup_error
                client.ran_ahead = len(ran_ahead)
                for cell in ran_ahead:  # their outputs are in place: not run a second time
                    cell.metadata.setdefault("tags", []).append("skip-execution")
                try:
                    loop.run_until_complete(client.async_execute(cleanup_kc=True))
                finally:
                    for cell in ran_ahead:
                        cell.metadata["tags"].remove("skip-execution")
                        if not cell.metadata["tags"]:
                            del cell.metadata["tags"]
            finally:
                if self._setup_error is not None:
                    loop.run_until_complete(client._async_cleanup_kernel())
                stray = self._sweeper.sweep()
        except CellTimeoutError:
            finding = _cell_finding(nb, display, self._current["index"], "timeout",
                                    f"still running after the {timeout} s cell timeout; make "
                                    "it faster, raise --timeout, or tag it skip-execution")
        except CellExecutionError as exc:
            index = self._current["index"]
            source = nb.cells[index].source if index is not None else ""
            finding = _cell_finding(nb, display, index, "cell-error",
                                    f"raised {exc.ename}: {_short(exc.evalue)}"
                                    f"{failure_place(exc.traceback, source)} — fix the code, or "
                                    "tag the cell raises-exception if the error is the point")
        except DeadKernelError as exc:
            ended = exit_words(self._process)
            finding = _cell_finding(nb, display, self._current["index"], "kernel-died",
                                    f"the kernel died ({ended or _short(str(exc))}); the cell "
                                    "may use too much memory or crash the interpreter")
        result = Execution(nb=nb, seconds=time.perf_counter() - started)
        if finding:
            result.findings.append(finding)
        for index in sorted(client.capped):
            result.findings.append(Finding(
                display, "output-too-large", f"printed more than {max_output_mb:g} MB; the rest "
                "of its output was dropped (the page says so) — print less, or raise "
                "--max-output-mb", index, nb.cells[index].source, severity="warning"))
        if stray:
            result.findings.append(Finding(
                display, "stray-process", f"its cells left {len(stray)} process(es) running "
                f"({', '.join(stray[:3])}); deckkit stopped them — wait for or stop what a cell "
                "starts", severity="warning"))
        return result


def execute_notebook(nb, display: str, cwd: Path, timeout: int = DEFAULT_TIMEOUT,
                     kernel_name: str = "python3", env: dict | None = None,
                     max_output_mb: float = DEFAULT_MAX_OUTPUT_MB,
                     kernel: Kernel | None = None) -> Execution:
    """Run every code cell of ``nb`` in place (tags skip-execution / raises-exception honoured);
    the caller passes its own copy.  ``kernel``: one started ahead for this deck (else one is
    started now, with ``env`` added to its environment); a cell's output beyond
    ``max_output_mb`` is dropped as it arrives and the cell reported."""
    if not needs_kernel(nb):
        if kernel is not None:
            kernel.close()
        return Execution(nb=nb)  # nothing to run: no kernel to start (about a second saved)
    kernel = kernel or Kernel(cwd, env, kernel_name=kernel_name)
    try:
        return kernel.run(nb, display, timeout, max_output_mb)
    except NoSuchKernel:
        raise DeckError(f'no Jupyter kernel "{kernel_name}"', where=display,
                        fix="install ipykernel in this environment (pip install ipykernel)") from None


class CappedClient(NotebookClient):
    """nbclient with a ceiling on each cell's output, applied as messages arrive, so a cell
    that prints hundreds of megabytes costs neither the memory nor the page."""

    max_output_bytes = int(DEFAULT_MAX_OUTPUT_MB * 1e6)
    ran_ahead = 0   # set-up cells already run: the deck's execution counts go on from there

    def reset_execution_trackers(self) -> None:
        super().reset_execution_trackers()
        self.code_cells_executed = self.ran_ahead

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
    """Everything the kernel started, seen after every cell, and every process that carries
    the kernel's DECKKIT_KERNEL mark in its environment (a daemon that left its session and
    its parent, `setsid sh -c "sleep 777 &"`, is reparented out of the kernel's tree before any
    cell ends): once the kernel is shut down, whatever of it still runs is stopped and named,
    so no build leaves processes behind."""

    def __init__(self, token: str = ""):
        self.token = token
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

    def _marked(self) -> None:
        """Add the processes whose environment carries this kernel's mark (readable for this
        user's own processes; where the system refuses, the tree seen above is what there is)."""
        import psutil

        if not self.token:
            return
        me = os.getpid()
        for process in psutil.process_iter():
            try:
                if process.pid != me and process.environ().get("DECKKIT_KERNEL") == self.token:
                    self.seen.setdefault(process.pid, process)
            except (psutil.Error, OSError):
                continue

    def sweep(self, settle: float = 1.5, grace: float = 3.0) -> list[str]:
        """Stop what is still running once the kernel is gone (helpers that end with their
        kernel, such as torch.compile's workers, get ``settle`` seconds to do so); returns the
        names of what had to be stopped ("sleep 300")."""
        import psutil

        from .processes import stop_left

        self.snapshot()
        self._marked()
        names = []
        for process in self.seen.values():
            try:
                if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                    names.append((process, " ".join(process.cmdline()[:2]) or process.name()))
            except psutil.Error:
                continue
        stopped = stop_left([p for p, _ in names], settle, grace)
        return [name for p, name in names if p in stopped]


def exit_words(process) -> str:
    """How a kernel's process ended, in words ("ended by SIGKILL", "exit status 3"), from its
    Popen-like ``process`` (a forked kernel's too: the fork reports it); "" when unknown."""
    import signal

    try:
        code = process.poll() if process is not None else None
    except Exception:  # noqa: BLE001 (a process that cannot say: say nothing)
        return ""
    if code is None:
        return ""
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"ended by {name}" + (", as the out-of-memory killer ends a process"
                                     if name == "SIGKILL" else "")
    return f"exit status {code}"


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
