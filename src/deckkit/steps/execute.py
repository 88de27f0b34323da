"""Execute a deck with nbclient, one timeout per cell, and report failures as Findings."""

from __future__ import annotations

import copy
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from jupyter_client.kernelspec import NoSuchKernel
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

from ..errors import DeckError, Finding

DEFAULT_TIMEOUT = 120  # seconds per cell


@dataclass
class Execution:
    nb: nbformat.NotebookNode
    findings: list[Finding] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)


def execute_notebook(nb, display: str, cwd: Path, timeout: int = DEFAULT_TIMEOUT,
                     kernel_name: str = "python3", env: dict | None = None) -> Execution:
    """Run every code cell of a copy of ``nb`` (tags skip-execution / raises-exception honoured).
    ``env`` adds variables to the kernel's environment (e.g. thread limits)."""
    nb = copy.deepcopy(nb)
    current = {"index": None}

    def on_start(cell, cell_index, **_):
        current["index"] = cell_index

    client = NotebookClient(
        nb, timeout=timeout, kernel_name=kernel_name, record_timing=True,
        resources={"metadata": {"path": str(cwd)}}, on_cell_start=on_start,
        # keep ipykernel's start-up warnings out of the build's progress output
        extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
    )
    started = time.perf_counter()
    finding = None
    try:
        client.execute(env=dict(os.environ, DECKKIT_BUILD="1", **(env or {})))
    except NoSuchKernel:
        raise DeckError(f'{display}: no Jupyter kernel "{kernel_name}"; install ipykernel in this '
                        "environment (pip install ipykernel)") from None
    except CellTimeoutError:
        finding = _cell_finding(nb, display, current["index"], "timeout",
                                f"still running after the {timeout} s cell timeout; make it "
                                "faster, raise --timeout, or tag it skip-execution")
    except CellExecutionError as exc:
        finding = _cell_finding(nb, display, current["index"], "cell-error",
                                f"raised {exc.ename}: {_short(exc.evalue)} — fix the code, or tag "
                                "the cell raises-exception if the error is the point")
    except DeadKernelError as exc:
        finding = _cell_finding(nb, display, current["index"], "kernel-died",
                                f"the kernel died ({_short(str(exc))}); the cell may use too "
                                "much memory or crash the interpreter")
    result = Execution(nb=nb, seconds=time.perf_counter() - started)
    if finding:
        result.findings.append(finding)
    return result


def _cell_finding(nb, display, index, code, message) -> Finding:
    source = nb.cells[index].source if index is not None else ""
    return Finding(display, code, message, index, source)


def _short(text: str, width: int = 160) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"
