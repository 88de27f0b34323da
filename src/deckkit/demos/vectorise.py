"""Section F: the loop and the vectorised call the slide shows, timed fairly.

The slide defines its own ``dot_loop(a, b)`` and hands it, with ``np.dot``, to ``dot_race``:
the helper only builds inputs, checks both give the same answer, times and draws.

Fair means: the loop is one Python thread, so the vectorised side gets one thread too (its
speed-up is vectorisation alone); "+ all cores" is its own row.  At a DRAM-sized n the dot
product is limited by memory, and the ceiling it is compared with is the fastest of several
STREAM-like kernels measured in the same rounds, so the fraction can never be read above 100 %.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from .. import palette
from . import render
from .device import device_info, synchronizer
from .timing import Comparison, Timing, compare, measure, same_threads

NOISY_RATIO_SPREAD = 2.0  # rounds whose ratios differ more than this: say the machine is busy


def power_of_ten(n: int) -> str:
    """2e7 as a person writes it on a slide: "2×10⁷" (and 1,234 as "1,234")."""
    mantissa, exponent = f"{n:.0e}".split("e")
    if n < 10_000 or float(f"{n:.0e}") != n:
        return f"{n:,}"
    digits = str(int(exponent)).translate(str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻"))
    return f"10{digits}" if mantissa == "1" else f"{mantissa}×10{digits}"


def python_dot(a, b):
    """The loop the slide shows, for callers that do not pass their own."""
    total = 0.0
    for x, y in zip(a, b):
        total += x * y
    return total


@dataclass
class Ceiling:
    """Memory read speed at a DRAM-sized n: each engine's GB/s and its fraction of the fastest
    kernel of the same round (medians over rounds)."""

    gbs: dict[str, float]          # kernel -> GB/s (median over rounds)
    fraction: dict[str, float]     # kernel -> fraction of that round's fastest kernel
    best_gbs: float                # median over rounds of the fastest kernel's GB/s
    rounds: int


@dataclass
class VectorisationResult:
    n_small: int
    n_large: int
    threads: int                  # every core: the "+ all cores" row and the DRAM rows
    device: str
    loop_name: str
    vector_name: str
    one_thread: Comparison        # loop vs vectorised, one thread each, alternated
    all_cores: Comparison         # loop vs vectorised with every thread, alternated the same way
    loop_ns_per_element: float
    ceiling: Ceiling
    matmul_gflops_numpy: float
    matmul_gflops_torch: float
    gpu_large: Timing | None = None
    gpu_copy_gbs: float | None = None      # device-to-device copy: the GPU's measured ceiling
    gpu_bytes: int = 0                     # bytes torch.dot reads on the GPU
    banner: str = ""

    # -- the numbers, as the benchmark and tests read them
    @property
    def speedup(self) -> float:
        """How many times faster the vectorised call is than the loop, one thread each."""
        return self.one_thread.ratio

    @property
    def speedup_all_cores(self) -> float:
        return self.all_cores.ratio

    @property
    def bandwidth_fraction(self) -> float:
        """np.dot's share of the fastest memory kernel measured (≤ 1 by construction)."""
        return self.ceiling.fraction["np.dot"]

    @property
    def gpu_bandwidth_fraction(self) -> float | None:
        """GPU dot GB/s ÷ device copy GB/s (the same bytes); shown capped at 100 %."""
        if self.gpu_large is None or not self.gpu_copy_gbs:
            return None
        return self.gpu_dot_gbs / self.gpu_copy_gbs

    @property
    def gpu_dot_gbs(self) -> float:
        return self.gpu_bytes / self.gpu_large.median / 1e9

    @property
    def noisy(self) -> bool:
        c = self.one_thread
        return c.ratio_max > NOISY_RATIO_SPREAD * c.ratio_min or c.slow.noisy or c.fast.noisy

    @property
    def cores_contended(self) -> bool:
        """All cores slower than one thread: the threads wait for one that another program
        holds (seen here beside one busy process: 7× instead of 200×)."""
        return self.all_cores.fast.median > 1.5 * self.one_thread.fast.median

    def headline(self) -> str:
        """The ratio and what it depends on: the loop walks Python lists, the call gets an
        array, and n is small enough for both vectors to sit in the cache."""
        return (f"{self.vector_name} is {self.speedup:,.0f}× faster than {self.loop_name} here\n"
                f"(an array vs Python lists, one thread each, n = {self.n_small:,}: in cache)")

    def rows(self):
        f, c = render.fmt_time, self.ceiling
        loop_s = self.one_thread.slow.median
        rows = [
            [self.loop_name, f(loop_s), "1×", "1 thread"],
            [self.vector_name, f(self.one_thread.fast.median), f"{self.speedup:,.0f}×",
             "1 thread"],
            [f"{self.vector_name}, all cores", f(self.all_cores.fast.median),
             f"{self.speedup_all_cores:,.0f}×", f"{self.threads} threads"],
        ]
        for name in ("np.dot", "torch.dot"):
            seconds = 16 * self.n_large / (c.gbs[name] * 1e9)
            rows.append([f"{name}, n = {power_of_ten(self.n_large)}", f(seconds), f"{c.gbs[name]:.0f} GB/s",
                         f"{min(c.fraction[name], 1):.0%} of max"])
        if self.gpu_large is not None:
            share = self.gpu_bandwidth_fraction
            rows.append([f"torch.dot on {self.device}", f(self.gpu_large.median),
                         f"{self.gpu_dot_gbs:.0f} GB/s",
                         f"{min(share, 1):.0%} of a copy" if share else "on the GPU"])
        return rows

    def _repr_html_(self) -> str:
        c = self.ceiling
        caption = (f"n = {self.n_small:,} unless shown · medians of alternated rounds · max: "
                   f"fastest of {len(c.gbs)} memory kernels, {c.best_gbs:.0f} GB/s · "
                   f"{self.device.upper()}, {self.threads} threads")
        warns = []
        if self.noisy:
            warns.append("noisy: the rounds disagree (the machine is busy); rerun for steadier "
                         "numbers")
        if self.cores_contended:
            warns.append("all cores ran slower than one thread: another program holds a core, "
                         "so the threads wait for it")
        warn = " · ".join(warns)
        left = (f"<p class='deckkit-headline'><b>{self.headline()}</b></p>"
                + render.table(["what ran", "time", "× loop · GB/s", "threads · memory"],
                               self.rows(), readable=True)
                + render.note(caption) + render.note(warn))
        return render.side_by_side(left, render.figure_png(self.chart(), self.alt_text()))

    def alt_text(self) -> str:
        kernels = ", ".join(f"{k} {v:.0f}" for k, v in self.ceiling.gbs.items())
        return (f"Two bar charts. Top, nanoseconds per element on a log scale: {self.loop_name} "
                f"{self.loop_ns_per_element:.1f}, {self.vector_name} one thread "
                f"{self.one_thread.fast.median / self.n_small * 1e9:.2f}, all cores "
                f"{self.all_cores.fast.median / self.n_small * 1e9:.2f}. Bottom, GB/s of five "
                f"memory kernels at n = {power_of_ten(self.n_large)}: {kernels}.")

    def chart(self):

        with render.style(14):  # ≥ 18 px as shown on a slide
            return self._chart()

    def _chart(self):
        fig, (ax1, ax2) = render.new_figure(5.6, 4.4, nrows=2)
        labels = [self.loop_name, self.vector_name, "+ all cores"]
        per_elem = [self.loop_ns_per_element,
                    self.one_thread.fast.median / self.n_small * 1e9,
                    self.all_cores.fast.median / self.n_small * 1e9]
        # the Python loop is the slow path; the array (one thread, all cores) is NumPy
        ax1.barh(labels[::-1], per_elem[::-1], color=[palette.colour("numpy"),
                                                      palette.colour("numpy"),
                                                      palette.colour("failing")])
        ax1.set_xscale("log")
        ax1.set_xlabel("ns per element (log scale)")
        ax1.set_title("Same maths, different engine")
        names = list(self.ceiling.gbs)[::-1]
        ax2.barh(names, [self.ceiling.gbs[n] for n in names], color=palette.colour("numpy"))
        ax2.axvline(self.ceiling.best_gbs, color=palette.colour("neutral"), ls="--", lw=1)
        ax2.set_xlabel("GB/s")
        ax2.set_title(f"n = {power_of_ten(self.n_large)}: the memory wall")
        fig.tight_layout()
        return fig


def memory_ceiling(big_a, big_b, out, budget_s: float = 0.3, min_rounds: int = 3) -> Ceiling:
    """Time np.dot, torch.dot and three STREAM-like kernels round by round on the same two
    DRAM-sized float64 vectors.  Each round's fastest kernel is that round's ceiling, so every
    fraction is at most 1; alternating kernels within a round lets drifting memory speed and
    other processes hit them alike.  Bytes counted as STREAM does (no write-allocate)."""
    import time

    import numpy as np
    import torch

    n = big_a.numel()
    a, b = big_a.numpy(), big_b.numpy()
    kernels = {  # name -> (call, bytes moved)
        "np.dot": (lambda: np.dot(a, b), 16 * n),
        "torch.dot": (lambda: torch.dot(big_a, big_b), 16 * n),
        "two sums": (lambda: (big_a.sum(), big_b.sum()), 16 * n),
        "copy": (lambda: out.copy_(big_a), 16 * n),
        "add": (lambda: torch.add(big_a, big_b, out=out), 24 * n),
    }
    out.copy_(big_a)  # touch the output's pages once: the inputs were written when made
    rates: dict[str, list[float]] = {k: [] for k in kernels}
    fractions: dict[str, list[float]] = {k: [] for k in kernels}
    best: list[float] = []
    started = time.perf_counter()
    while len(best) < min_rounds or (time.perf_counter() - started < budget_s and len(best) < 40):
        round_rates = {}
        for name, (call, n_bytes) in kernels.items():
            t0 = time.perf_counter()
            call()
            round_rates[name] = n_bytes / (time.perf_counter() - t0) / 1e9
        top = max(round_rates.values())
        best.append(top)
        for name, rate in round_rates.items():
            rates[name].append(rate)
            fractions[name].append(rate / top)
    return Ceiling({k: statistics.median(v) for k, v in rates.items()},
                   {k: statistics.median(v) for k, v in fractions.items()},
                   statistics.median(best), len(best))


def dot_race(loop=python_dot, vectorised=None, *, n_small: int = 500_000,
             n_large: int = 20_000_000, threads: int | None = None, budget_s: float = 0.12,
             gpu: bool = True) -> VectorisationResult:
    """Time ``loop(a, b)`` on Python lists against ``vectorised(a, b)`` on NumPy arrays.

    Both must compute the same dot product (checked before timing).  ``n_small`` (5e5: two
    4 MB vectors) stays in the cache, so the race measures vectorisation rather than memory,
    and the loop's share of a live cell stays small.  ``n_large`` must make the
    two float64 vectors far larger than the last-level cache (32 MB here; 2 × 20M × 8 B =
    320 MB), or the "memory" numbers measure the cache instead.  Sizes shrink for tests only.
    """
    import numpy as np
    import torch

    vectorised = vectorised or np.dot
    rng = np.random.default_rng(0)
    a, b = rng.random(n_small), rng.random(n_small)
    la, lb = a.tolist(), b.tolist()
    expected = float(np.dot(a, b))
    for name, got in (("the loop", loop(la, lb)), ("the vectorised call", vectorised(a, b))):
        if abs(float(got) - expected) > 1e-6 * n_small:
            raise ValueError(f"{name} gives {float(got):.6g}, not the dot product {expected:.6g}")
    with same_threads(1):
        one = compare(lambda: loop(la, lb), lambda: vectorised(a, b), budget_s=budget_s * 2,
                      warmup=1, min_rounds=3)
    # torch fills big buffers with every thread; np.full faults pages in one at a time
    big_a = torch.full((n_large,), 0.5, dtype=torch.float64)
    big_b = torch.full((n_large,), 2.0, dtype=torch.float64)
    out = torch.empty_like(big_a)
    m1 = rng.random((1024, 1024), dtype=np.float32)
    m2 = rng.random((1024, 1024), dtype=np.float32)
    t1, t2 = torch.from_numpy(m1), torch.from_numpy(m2)
    with same_threads(threads) as used:
        # alternated with the loop like the one-thread row, so both rows see the same caches
        all_cores = compare(lambda: loop(la, lb), lambda: vectorised(a, b), budget_s=budget_s,
                            warmup=0, min_rounds=3)
        ceiling = memory_ceiling(big_a, big_b, out, budget_s * 2)
        mm_np = measure(lambda: m1 @ m2, budget_s=budget_s / 2, min_blocks=3)
        mm_t = measure(lambda: t1 @ t2, budget_s=budget_s / 2, min_blocks=3)
    flops = 2 * 1024**3
    result = VectorisationResult(
        n_small=n_small, n_large=n_large, threads=used, device="cpu",
        loop_name=getattr(loop, "__name__", "the loop"),
        vector_name=_call_name(vectorised), one_thread=one, all_cores=all_cores,
        loop_ns_per_element=one.slow.median / n_small * 1e9, ceiling=ceiling,
        matmul_gflops_numpy=flops / mm_np.median / 1e9,
        matmul_gflops_torch=flops / mm_t.median / 1e9)
    info = device_info()
    result.banner = info.banner()
    if gpu and info.is_gpu:
        _gpu_part(result, info.kind, big_a, big_b, budget_s)
    return result


def vectorisation(n_small: int = 500_000, n_large: int = 20_000_000, **kwargs):
    """The section-F race with the standard loop and np.dot (benchmarks and the GPU check)."""
    return dot_race(python_dot, None, n_small=n_small, n_large=n_large, **kwargs)


def _call_name(fn) -> str:
    module = getattr(fn, "__module__", "") or ""
    name = getattr(fn, "__name__", "the vectorised call")
    return f"np.{name}" if module.startswith("numpy") else name


def _gpu_part(result: VectorisationResult, kind: str, big_a, big_b, budget_s: float) -> None:
    """Dot on the GPU with data resident, compared with a device-to-device copy of the same
    bytes (the GPU's own ceiling).  What copies cost is the next slide's (``copy_cost``)."""
    import torch

    sync = synchronizer(kind)
    dtype = torch.float32 if kind == "mps" else torch.float64
    ga, gb = big_a.to(kind, dtype), big_b.to(kind, dtype)
    gc = torch.empty_like(ga)
    result.device = kind
    result.gpu_large = measure(lambda: torch.dot(ga, gb), budget_s=budget_s, sync=sync)
    copy = measure(lambda: gc.copy_(ga), budget_s=budget_s, sync=sync)
    result.gpu_bytes = 2 * ga.numel() * ga.element_size()
    result.gpu_copy_gbs = result.gpu_bytes / copy.median / 1e9
