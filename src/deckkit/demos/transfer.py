"""Section F, "CPU or GPU": what moving data to the GPU costs, measured with the copies.

Both halves of the GPU lesson, timed the way a program with its data on the CPU pays them:
inputs copied to the device, the work, the result copied back (every clock read after a
synchronise).  A dot product does one multiply-add per number copied, so the copy always costs
more than the maths: keep data on the device.  A matmul does n multiply-adds per number, so from
some size the GPU wins even after paying for the copies.  Without a GPU the slide says so and
shows the figures recorded on one (with their source), never numbers made up for the CPU.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import palette
from . import render
from .device import device_info, synchronizer
from .timing import measure, same_threads

DOT_SIZES = (10**4, 10**5, 10**6, 10**7)
MATMUL_SIZES = (256, 512, 1024, 2048)

# Measured by benchmarks/gpu_check.sh on a lent GPU machine (copy_cost() at its default sizes):
# NVIDIA H100 80GB HBM3, torch 2.11 + CUDA 13, 16-core host CPU; CPU vs GPU with copies both
# ways, median seconds.  An H200 in review (issue 11) gave the same picture (dot 0.7 vs 16.7 ms
# at 1e7; matmul 1.8 vs 1.1 ms at 1024).
RECORDED = {
    "source": "measured on an NVIDIA H100, torch 2.11, CUDA 13, 16-core host "
              "(benchmarks/gpu_check.sh, 26 Nov 2026)",
    "device": "cuda (H100)",
    "dot": ([10**4, 10**5, 10**6, 10**7], [4.03e-6, 8.33e-6, 3.09e-5, 8.57e-4],
            [6.52e-5, 2.40e-4, 1.22e-3, 1.78e-2]),
    "matmul": ([256, 512, 1024, 2048], [4.77e-5, 3.15e-4, 2.17e-3, 1.29e-2],
               [1.36e-4, 3.70e-4, 1.11e-3, 4.76e-3]),
}


@dataclass
class Crossover:
    """CPU against GPU for one operation at growing sizes, the GPU side paying its copies."""

    operation: str                     # "dot" (n elements) or "matmul" (n × n matrices)
    sizes: list[int]
    cpu_s: list[float]
    gpu_s: list[float]

    @property
    def crossover_n(self) -> int | None:
        """The smallest size from which the GPU wins at every larger size measured."""
        wins = [g < c for c, g in zip(self.cpu_s, self.gpu_s)]
        for i, size in enumerate(self.sizes):
            if all(wins[i:]):
                return size
        return None

    def label(self, n: int) -> str:
        return f"n = {n:,}" if self.operation == "dot" else f"{n:,} × {n:,}"

    def summary(self) -> str:
        n = self.crossover_n
        if n is None:
            return (f"a {self.operation} never pays for its copies (CPU wins up to "
                    f"{self.label(self.sizes[-1])})")
        if n == self.sizes[0]:
            return f"a {self.operation} pays for its copies at every size ({self.label(n)} up)"
        return f"a {self.operation} pays for its copies from {self.label(n)}"

    def input_mb(self, n: int) -> float:
        """Megabytes of input: two float64 vectors (dot), two float32 matrices (matmul)."""
        return (2 * n * 8 if self.operation == "dot" else 2 * n * n * 4) / 1e6


@dataclass
class CopyCost:
    device: str
    measured: bool                    # False: no GPU here, the recorded figures are shown
    dot: Crossover
    matmul: Crossover
    source: str = ""
    banner: str = ""

    @property
    def matmul_crossover_n(self) -> int | None:
        return self.matmul.crossover_n

    def headline(self) -> str:
        both = f"{self.dot.summary()}; {self.matmul.summary()}"
        if self.measured:
            return f"On {self.device}, copies included: {both}"
        return f"No GPU here; recorded on one, copies included: {both}"

    def rows(self):
        f = render.fmt_time
        out = []
        for cross in (self.dot, self.matmul):
            shown = cross.sizes if cross.operation == "matmul" else cross.sizes[-2:]
            for n, c, g in zip(cross.sizes, cross.cpu_s, cross.gpu_s):
                if n in shown:
                    out.append([f"{cross.operation}, {cross.label(n)}", f(c), f(g),
                                "GPU" if g < c else "CPU"])
        return out

    def alt_text(self) -> str:
        parts = []
        for cross in (self.dot, self.matmul):
            ratios = ", ".join(f"{cross.label(n)}: {g / c:.2g}"
                               for n, c, g in zip(cross.sizes, cross.cpu_s, cross.gpu_s))
            parts.append(f"{cross.operation} ({ratios})")
        return ("Line chart of GPU time divided by CPU time, copies included, against megabytes "
                "of input on log scales; below 1 the GPU wins. " + "; ".join(parts) + ".")

    def chart(self):
        import matplotlib
        import matplotlib.ticker

        with render.style(14):  # ≥ 18 px as shown on a slide
            fig, ax = render.new_figure(5.4, 3.6)
            # a vector kernel and a matrix one, on the GPU against the CPU: told apart by
            # marker and shade of the GPU's colour (this chart's one subject is the GPU)
            for cross, marker, colour in ((self.dot, "o-", palette.ink("gpu")),
                                          (self.matmul, "s--", palette.colour("gpu"))):
                ax.loglog([cross.input_mb(n) for n in cross.sizes],
                          [g / c for c, g in zip(cross.cpu_s, cross.gpu_s)], marker,
                          label=cross.operation, lw=2, ms=8, color=colour)
            ax.axhline(1, color=palette.colour("neutral"), ls=":", lw=1.5)
            ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}"))
            ax.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
            ax.set_xlabel("MB of input")
            ax.set_ylabel("GPU ÷ CPU time")
            ax.set_title("below the line, the GPU wins")
            ax.legend(frameon=False)
            fig.tight_layout()
        return fig

    def _repr_html_(self) -> str:
        caption = "GPU: copy in, compute, copy back · CPU: every core · medians"
        caption += f" · {self.source}" if self.source else f" · {self.banner}"
        left = (f"<p class='deckkit-headline'><b>{self.headline()}</b></p>"
                + render.table(["operation", "CPU", f"{self.device} + copies", "wins"],
                               self.rows(), readable=True)
                + render.note(caption))
        return render.side_by_side(left, render.figure_png(self.chart(), self.alt_text()))


def copy_cost(device: str | None = None, *, dot_sizes=DOT_SIZES, matmul_sizes=MATMUL_SIZES,
              budget_s: float = 0.1) -> CopyCost:
    """Time a float64 dot product and a float32 matmul on the CPU and on ``device`` with the
    copies both ways, at each size.  On a machine without a GPU (``device`` "cpu") nothing is
    timed: the result carries the recorded figures and says where they come from."""
    info = device_info()
    kind = device or info.kind
    if kind == "cpu":
        return CopyCost(RECORDED["device"], False, Crossover("dot", *RECORDED["dot"]),
                        Crossover("matmul", *RECORDED["matmul"]), source=RECORDED["source"],
                        banner=info.banner())
    return CopyCost(kind, True, _dot(kind, dot_sizes, budget_s),
                    _matmul(kind, matmul_sizes, budget_s), banner=info.banner())


def _race(operation: str, kind: str, sizes, budget_s: float, inputs, work, finish):
    """Per size: ``work(a, b)`` on the CPU against ``finish(work(a.to(kind), b.to(kind)))`` —
    the inputs copied there and the result brought back — synchronised before each clock read."""
    sync = synchronizer(kind)
    each = budget_s / len(sizes)
    cpu_s, gpu_s = [], []
    with same_threads(None):
        for n in sizes:
            a, b = inputs(n)
            cpu = measure(lambda a=a, b=b: work(a, b), budget_s=each, min_blocks=3, warmup=1)
            gpu = measure(lambda a=a, b=b: finish(work(a.to(kind), b.to(kind))), budget_s=each,
                          min_blocks=3, warmup=1, sync=sync)
            cpu_s.append(cpu.median)
            gpu_s.append(gpu.median)
    return Crossover(operation, list(sizes), cpu_s, gpu_s)


def _dot(kind: str, sizes, budget_s: float) -> Crossover:
    import torch

    dtype = torch.float32 if kind == "mps" else torch.float64  # MPS has no float64
    return _race("dot", kind, sizes, budget_s,
                 lambda n: (torch.rand(n, dtype=dtype), torch.rand(n, dtype=dtype)),
                 torch.dot, lambda result: result.item())


def _matmul(kind: str, sizes, budget_s: float) -> Crossover:
    import torch

    g = torch.Generator().manual_seed(0)
    return _race("matmul", kind, sizes, budget_s,
                 lambda n: (torch.rand(n, n, generator=g), torch.rand(n, n, generator=g)),
                 torch.matmul, lambda result: result.cpu())
