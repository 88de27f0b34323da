"""`deckkit present`'s preflight: before the room sees anything, what matters live is checked
(a kernel starts with the safety net and runs the deck's set-up, the recorded outputs are there,
the GPU is seen), what is cold is warmed in the background (the torch.compile cache, as
`deckkit warmup` does for the presented deck's own cells), and one screen says what is ready."""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat

from ..execution.cache import recorded_on
from ..model.project import Project

KERNEL_TIMEOUT = 120   # seconds for the kernel to start and run the deck's set-up cells


@dataclass
class Check:
    what: str
    ok: bool | None      # None: still warming
    detail: str

    def __str__(self) -> str:
        word = "ready" if self.ok else "warming" if self.ok is None else "PROBLEM"
        return f"  {self.what:<12} {word:<8} {self.detail}"


def compile_cells(nb) -> int:
    return sum(1 for c in nb.cells if c.cell_type == "code" and "torch.compile(" in c.source)


def recordings_check(notebook: Path, missing: list[str]) -> Check:
    data = json.loads(notebook.with_suffix(".live.json").read_text(encoding="utf-8"))
    cells = data.get("cells", {})
    recorded = sum(1 for c in cells.values() if c.get("outputs"))
    shown = sum(1 for c in cells.values())
    detail = f"{recorded} of {shown} code cells show a recorded output before they run"
    return Check("recordings", not missing, detail + ("" if not missing else
                 f"; none for: {'; '.join(missing)}"))


def gpu_check() -> Check:
    device = recorded_on()["device"]
    if device == "CPU":
        return Check("GPU", True, "none seen (nvidia-smi): the demos take their CPU path")
    return Check("GPU", True, f"{device} (nvidia-smi)")


def kernel_check(project: Project, notebook: Path) -> Check:
    """Start the kernel the room will get (the presenting kernelspec, deckkit.live loaded, the
    deck's set-up cells run) and time it; it is shut down after."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    folder = project.layout.present_dir
    nb = nbformat.read(str(notebook), as_version=4)
    name = nb.metadata.get("kernelspec", {}).get("name", "python3")
    kernels = folder / "jupyter" / "kernels"
    net = (kernels / name / "kernel.json").exists()
    started = time.perf_counter()
    km = KernelManager(kernel_name=name, kernel_spec_manager=KernelSpecManager(
        kernel_dirs=[str(kernels)] if net else []))
    env = dict(os.environ, JPY_SESSION_NAME=str(notebook), DECKKIT_LIVE=str(folder.resolve()))
    try:
        km.start_kernel(env=env, cwd=str(project.decks_dir), stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL)
        client = km.client()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=KERNEL_TIMEOUT)
            probe = "print(getattr(get_ipython(), '_deckkit_net', None) is not None)"
            said: list[str] = []
            client.execute_interactive(probe, timeout=KERNEL_TIMEOUT, output_hook=lambda m: said
                                       .append(m.get("content", {}).get("text", "")))
        finally:
            client.stop_channels()
    except (RuntimeError, TimeoutError, OSError) as exc:
        return Check("kernel", False, f"did not start ({exc}); the slides show recorded outputs")
    finally:
        if km.has_kernel:
            km.shutdown_kernel(now=True)
    seconds = time.perf_counter() - started
    if "".join(said).strip() != "True":
        return Check("kernel", False if net else True, f"started in {seconds:.1f} s without the "
                     "safety net" + ("" if net else " (its kernel is not an IPython one)"))
    return Check("kernel", True, f"starts and runs the set-up in {seconds:.1f} s; safety net on")


class Preflight:
    """The checks for one presented notebook.  run() does the quick ones and starts warming;
    warmed() waits for the compile cache and returns its line."""

    def __init__(self, project: Project, notebook: Path, missing: list[str]):
        self.project, self.notebook, self.missing = project, notebook, missing
        self.compiles = compile_cells(nbformat.read(str(notebook), as_version=4))
        self._warm: Check | None = None
        self._thread: threading.Thread | None = None
        self.problems = 0   # how many of run()'s checks failed

    def run(self) -> list[Check]:
        if self.compiles:
            self._thread = threading.Thread(target=self._warm_compile, daemon=True)
            self._thread.start()
        checks = [kernel_check(self.project, self.notebook),
                  recordings_check(self.notebook, self.missing), gpu_check()]
        self.problems = sum(1 for c in checks if c.ok is False)
        if self.compiles:
            checks.append(self._warm or Check(
                "compile", None, f"{self.compiles} torch.compile cell(s): filling the cache in "
                "the background (until then the cell's first call compiles)"))
        return checks

    def warmed(self, timeout: float | None = None) -> Check | None:
        """The compile cache's line once it is warm (None when nothing compiles, or still
        warming after ``timeout``)."""
        if self._thread is None:
            return None
        self._thread.join(timeout)
        return self._warm

    def _warm_compile(self) -> None:
        from .warmup import warm_decks

        started = time.perf_counter()
        try:
            # the presented section's cells (the session's: every deck's), and nothing the
            # slides do not run: the room's kernel needs the CPU more than a demo's table
            only = None if self.notebook.stem == "session" else {self.notebook.stem}
            result = warm_decks(self.project, decks=only, workloads=False)
        except Exception as exc:  # warming is a convenience: never let it end presenting
            self._warm = Check("compile", False, f"warming failed ({type(exc).__name__}: "
                               f"{exc}); the compile cells compile when run")
            return
        if not result.compiled:
            self._warm = Check("compile", False, f"torch.compile cannot run here "
                               f"({result.reason}); the slide says so and shows eager")
            return
        failed = [c for c in result.cells if not c.ok]
        if failed:
            self._warm = Check("compile", False, "; ".join(
                f"{c.deck} cell {c.cell}: {c.error}" for c in failed))
            return
        self._warm = Check("compile", True, f"cache warm for {len(result.cells)} cell(s) in "
                           f"{time.perf_counter() - started:.0f} s ({result.cache_dir})")
