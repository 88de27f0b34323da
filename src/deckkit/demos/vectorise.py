"""Section F: a dot product as a Python loop, with np.dot, with torch on the CPU and on a GPU —
where vectorisation wins by orders of magnitude, and where memory bandwidth caps it."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import render
from .device import device_info, synchronizer
from .timing import Comparison, Timing, compare, measure, same_threads


@dataclass
class VectorisationResult:
    n_small: int
    n_large: int
    threads: int
    device: str
    loop_ns_per_element: float
    dot_small: Timing            # np.dot at n_small
    dot_large: Timing            # np.dot at n_large (DRAM-sized)
    torch_cpu_small: Timing
    speedup_small: Comparison    # loop vs np.dot at n_small (alternated)
    speedup_large: float         # loop ns/element ÷ np.dot ns/element at n_large
    bandwidth_gbs: float         # measured read bandwidth of this machine
    dot_large_gbs: float         # bytes np.dot streamed per second at n_large
    bandwidth_fraction: float    # median over rounds of (torch.dot GB/s ÷ read GB/s), alternated
    torch_dot_large_gbs: float
    matmul_gflops_numpy: float
    matmul_gflops_torch: float
    gpu_small: Timing | None = None
    gpu_large: Timing | None = None
    crossover: list[tuple[int, float, float]] = field(default_factory=list)  # n, cpu s, gpu s
    banner: str = ""

    def rows(self):
        f = render.fmt_time
        torch_large_s = 16 * self.n_large / (self.torch_dot_large_gbs * 1e9)
        rows = [
            ["Python loop over lists", f"{self.n_small:.0e}",
             f(self.loop_ns_per_element * 1e-9 * self.n_small), "1×", "—"],
            ["np.dot", f"{self.n_small:.0e}", f(self.dot_small.median),
             f"{self.speedup_small.ratio:,.0f}×", "—"],
            ["torch.dot (CPU)", f"{self.n_small:.0e}", f(self.torch_cpu_small.median),
             f"{self.loop_ns_per_element * 1e-9 * self.n_small / self.torch_cpu_small.median:,.0f}×",
             "—"],
            ["np.dot, DRAM-sized", f"{self.n_large:.0e}", f(self.dot_large.median),
             f"{self.speedup_large:,.0f}×",
             f"{self.dot_large_gbs:.0f} GB/s"],
            ["torch.dot, DRAM-sized", f"{self.n_large:.0e}", f(torch_large_s),
             f"{self.loop_ns_per_element * 1e-9 * self.n_large / torch_large_s:,.0f}×",
             f"{self.torch_dot_large_gbs:.0f} GB/s · {self.bandwidth_fraction:.0%}"],
        ]
        if self.gpu_large is not None:
            rows.append([f"torch.dot on {self.device}", f"{self.n_large:.0e}",
                         render.fmt_time(self.gpu_large.median),
                         f"{self.loop_ns_per_element * 1e-9 * self.n_large / self.gpu_large.median:,.0f}×",
                         "data already on the GPU"])
        return rows

    def _repr_html_(self) -> str:
        caption = (f"{self.banner} · {self.threads} threads on both sides · median of repeated blocks · "
                   f"machine read bandwidth {self.bandwidth_gbs:.0f} GB/s (measured) · matmul "
                   f"1024² fp32: NumPy {self.matmul_gflops_numpy:.0f}, torch "
                   f"{self.matmul_gflops_torch:.0f} GFLOP/s · the loop's cost per element "
                   f"({self.loop_ns_per_element:.0f} ns) is measured at n={self.n_small:.0e}")
        warn = " ".join(t.warning() for t in (self.dot_small, self.dot_large) if t.noisy)
        left = (render.table(["dot product", "n", "time", "vs loop", "GB/s · % of memory"],
                             self.rows())
                + render.note(caption) + render.note(warn))
        return render.side_by_side(left, render.figure_png(self.chart()))

    def chart(self):
        fig, (ax1, ax2) = render.new_figure(5.2, 4.4, nrows=2)
        labels = ["loop", "np.dot", "torch CPU"]
        per_elem = [self.loop_ns_per_element, self.dot_small.median / self.n_small * 1e9,
                    self.torch_cpu_small.median / self.n_small * 1e9]
        ax1.barh(labels[::-1], per_elem[::-1], color=["#4c78a8", "#4c78a8", "#e45756"])
        ax1.set_xscale("log")
        ax1.set_xlabel(f"ns per element (n={self.n_small:.0e}, log scale)")
        ax1.set_title("Same maths, different engine")
        if self.crossover:
            ns = [c[0] for c in self.crossover]
            ax2.loglog(ns, [c[1] for c in self.crossover], "o-", label="CPU")
            ax2.loglog(ns, [c[2] for c in self.crossover], "s-", label=f"{self.device} incl. copy")
            ax2.set_xlabel("n")
            ax2.set_ylabel("seconds")
            ax2.set_title("GPU wins at scale, CPU for small ops")
            ax2.legend()
        else:
            ax2.bar(["np.dot", "torch.dot", "memory read"],
                    [self.dot_large_gbs, self.torch_dot_large_gbs, self.bandwidth_gbs],
                    color=["#4c78a8", "#e45756", "#bbbbbb"])
            ax2.set_ylabel("GB/s")
            ax2.set_title(f"Bandwidth ceiling: {self.bandwidth_fraction:.0%} of memory")
        fig.tight_layout()
        return fig


def read_vs_dot(big_a, big_b, budget_s: float = 0.3) -> Comparison:
    """A STREAM-like read of both vectors (torch sums, every thread) alternated round by round
    with a vectorised dot over the same bytes: ratio = read time ÷ dot time = dot GB/s ÷ read
    GB/s.  Alternating matters because this machine's memory speed drifts (it jumps between
    about 53 and 85 GB/s).  Both sides use torch's OpenMP threads: alternating with OpenBLAS
    (np.dot) instead lets one runtime's spinning threads steal the two cores from the other."""
    import torch

    return compare(lambda: (big_a.sum(), big_b.sum()), lambda: torch.dot(big_a, big_b),
                   budget_s=budget_s, warmup=1, min_rounds=5)


def vectorisation(n_small: int = 1_000_000, n_large: int = 30_000_000, *,
                  threads: int | None = None, budget_s: float = 0.12,
                  gpu: bool = True) -> VectorisationResult:
    """Run the whole section-F demo; sizes shrink for tests, not for the room.

    ``n_large`` must make the two float64 vectors far larger than the last-level cache (32 MB
    here; 2 × 30M × 8 B = 480 MB), or the "memory" numbers measure the cache instead.
    The bandwidth probe reads the same number of bytes as the dot product.
    """
    import numpy as np
    import torch

    rng = np.random.default_rng(0)
    a_small, b_small = rng.random(n_small), rng.random(n_small)
    # torch fills big buffers with every thread; np.full faults pages in one at a time
    big_a = torch.full((n_large,), 0.5, dtype=torch.float64)
    big_b = torch.full((n_large,), 2.0, dtype=torch.float64)
    a_large, b_large = big_a.numpy(), big_b.numpy()  # views: the same memory
    la, lb = a_small.tolist(), b_small.tolist()
    ta, tb = torch.from_numpy(a_small), torch.from_numpy(b_small)
    m1 = rng.random((1024, 1024), dtype=np.float32)
    m2 = rng.random((1024, 1024), dtype=np.float32)
    t1, t2 = torch.from_numpy(m1), torch.from_numpy(m2)

    def loop():
        total = 0.0
        for x, y in zip(la, lb):
            total += x * y
        return total

    assert abs(loop() - float(np.dot(a_small, b_small))) < 1e-6 * n_small  # same answer
    with same_threads(threads) as used:
        vs = compare(loop, lambda: np.dot(a_small, b_small), budget_s=budget_s * 2,
                     warmup=1, min_rounds=3)
        dot_large = measure(lambda: np.dot(a_large, b_large), budget_s=budget_s)
        memory = read_vs_dot(big_a, big_b, budget_s * 2)
        torch_small = measure(lambda: torch.dot(ta, tb), budget_s=budget_s)
        mm_np = measure(lambda: m1 @ m2, budget_s=budget_s, min_blocks=3)
        mm_t = measure(lambda: t1 @ t2, budget_s=budget_s, min_blocks=3)
    loop_ns = vs.slow.median / n_small * 1e9
    flops = 2 * 1024**3
    n_bytes = 16 * n_large
    result = VectorisationResult(
        n_small=n_small, n_large=n_large, threads=used, device="cpu",
        loop_ns_per_element=loop_ns, dot_small=vs.fast, dot_large=dot_large,
        torch_cpu_small=torch_small, speedup_small=vs,
        speedup_large=loop_ns / (dot_large.median / n_large * 1e9),
        bandwidth_gbs=n_bytes / memory.slow.median / 1e9,
        dot_large_gbs=n_bytes / dot_large.median / 1e9, bandwidth_fraction=memory.ratio,
        torch_dot_large_gbs=n_bytes / memory.fast.median / 1e9,
        matmul_gflops_numpy=flops / mm_np.median / 1e9,
        matmul_gflops_torch=flops / mm_t.median / 1e9,
    )
    info = device_info()
    result.banner = info.banner()
    if gpu and info.is_gpu:
        _gpu_part(result, info.kind, a_large, b_large, budget_s)
    return result


def _gpu_part(result: VectorisationResult, kind: str, a, b, budget_s: float) -> None:
    """Dot on the GPU with data resident, and the CPU↔GPU crossover including the copy."""
    import torch

    sync = synchronizer(kind)
    dtype = torch.float32 if kind == "mps" else torch.float64
    ga = torch.as_tensor(a, dtype=dtype, device=kind)
    gb = torch.as_tensor(b, dtype=dtype, device=kind)
    result.device = kind
    result.gpu_large = measure(lambda: torch.dot(ga, gb), budget_s=budget_s, sync=sync)
    for n in (10**3, 10**4, 10**5, 10**6, 10**7):
        if n > len(a):
            break
        ca = torch.as_tensor(a[:n], dtype=dtype)
        cb = torch.as_tensor(b[:n], dtype=dtype)
        cpu = measure(lambda ca=ca, cb=cb: torch.dot(ca, cb), budget_s=budget_s / 5,
                      min_blocks=3)
        gpu = measure(lambda ca=ca, cb=cb: torch.dot(ca.to(kind), cb.to(kind)).item(),
                      budget_s=budget_s / 5, min_blocks=3, sync=sync)
        result.crossover.append((n, cpu.median, gpu.median))
