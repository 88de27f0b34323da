"""Which device the demos run on (CUDA → MPS → CPU) and a one-line banner saying so."""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass


@dataclass(frozen=True)
class DeviceInfo:
    kind: str            # "cuda", "mps" or "cpu"
    name: str            # e.g. "NVIDIA H100 80GB HBM3" or the CPU model
    memory_gb: float | None
    torch_version: str
    threads: int

    @property
    def is_gpu(self) -> bool:
        return self.kind in ("cuda", "mps")

    def banner(self) -> str:
        mem = f", {self.memory_gb:.0f} GB" if self.memory_gb else ""
        line = (f"{self.kind.upper()}: {self.name}{mem} · torch {self.torch_version} · "
                f"{self.threads} thread{'s' if self.threads != 1 else ''}")
        if not self.is_gpu:
            line += " · no GPU found: the demos run on the CPU"
        return line

    def __str__(self) -> str:
        return self.banner()

    def _repr_html_(self) -> str:
        return f"<p><code>{self.banner()}</code></p>"


def _cpu_name() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "CPU"


def device_info(prefer: str | None = None) -> DeviceInfo:
    """Pick CUDA, then Apple's MPS, then the CPU; ``prefer="cpu"`` forces the CPU."""
    import torch

    threads = torch.get_num_threads()
    kind = "cpu"
    if prefer != "cpu":
        if torch.cuda.is_available():
            kind = "cuda"
        elif getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
            kind = "mps"
    if kind == "cuda":
        props = torch.cuda.get_device_properties(0)
        return DeviceInfo("cuda", props.name, props.total_memory / 1e9, torch.__version__, threads)
    if kind == "mps":
        return DeviceInfo("mps", "Apple GPU (MPS)", None, torch.__version__, threads)
    mem = None
    try:
        mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1e9
    except (ValueError, OSError, AttributeError):
        pass
    return DeviceInfo("cpu", _cpu_name(), mem, torch.__version__, threads)


def synchronizer(kind: str):
    """What to call before reading a clock: GPUs run asynchronously."""
    import torch

    if kind == "cuda":
        return torch.cuda.synchronize
    if kind == "mps":
        return torch.mps.synchronize
    return None


def prepare() -> DeviceInfo:
    """Import what the live demos use (torch, its optimisers — which pull in Dynamo —, NumPy,
    Matplotlib) so the first demo cell only pays for the demo.  Decks call this in a hidden
    set-up cell; run it before class.  Returns the device the demos will use."""
    import matplotlib.pyplot  # noqa: F401
    import numpy  # noqa: F401
    import torch
    import torch.optim  # noqa: F401

    torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)  # first optimiser: ~0.7 s
    return device_info()
