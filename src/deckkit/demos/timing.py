"""Measuring honestly: inputs made outside the timed code, warm-up, repeated blocks, the median
with its min and spread, GPU synchronisation, equal thread counts on both sides of a comparison,
and a time budget so a demo finishes while the room waits."""

from __future__ import annotations

import contextlib
import statistics
import time
from dataclasses import dataclass

SPREAD_WARNING = 0.25  # (p90 - p10) / median above this earns a warning


@dataclass(frozen=True)
class Timing:
    """Seconds per call."""

    median: float
    min: float
    spread: float      # (p90 - p10) / median of the block times
    calls: int         # calls measured (excluding warm-up)
    blocks: int

    @property
    def noisy(self) -> bool:
        return self.spread > SPREAD_WARNING

    def warning(self) -> str:
        if not self.noisy:
            return ""
        return (f"timings spread {self.spread:.0%} around the median: the machine is busy; "
                "rerun for steadier numbers")


@dataclass(frozen=True)
class Comparison:
    """How many times faster ``fast`` is than ``slow``: the median of per-round ratios."""

    slow: Timing
    fast: Timing
    ratio: float
    ratio_min: float
    ratio_max: float
    rounds: int


def _quantile(values: list[float], q: float) -> float:
    values = sorted(values)
    pos = q * (len(values) - 1)
    lo, hi = int(pos), min(int(pos) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (pos - lo)


def _summarise(per_call: list[float], number: int) -> Timing:
    med = statistics.median(per_call)
    spread = (_quantile(per_call, 0.9) - _quantile(per_call, 0.1)) / med if med > 0 else 0.0
    return Timing(med, min(per_call), spread, number * len(per_call), len(per_call))


def _block(fn, number: int, sync) -> float:
    if sync:
        sync()
    start = time.perf_counter()
    for _ in range(number):
        fn()
    if sync:
        sync()
    return (time.perf_counter() - start) / number


def calibrate(fn, sync=None, target_block_s: float = 0.005, max_number: int = 100_000) -> int:
    """Calls per block so that one block lasts about ``target_block_s`` (timer noise ≪ block)."""
    number = 1
    while number < max_number:
        per_call = _block(fn, number, sync)
        if per_call * number >= target_block_s:
            break
        number = min(max_number, max(number * 2, int(target_block_s / max(per_call, 1e-9))))
    return number


def measure(fn, *, budget_s: float = 0.3, warmup: int = 2, min_blocks: int = 5,
            max_blocks: int = 50, sync=None, target_block_s: float = 0.005) -> Timing:
    """Time ``fn()`` (which must close over inputs made beforehand)."""
    for _ in range(warmup):
        fn()
    number = calibrate(fn, sync, target_block_s)
    per_call, start = [], time.perf_counter()
    while len(per_call) < max_blocks and (
            len(per_call) < min_blocks or time.perf_counter() - start < budget_s):
        per_call.append(_block(fn, number, sync))
    return _summarise(per_call, number)


def compare(slow_fn, fast_fn, *, budget_s: float = 0.6, warmup: int = 2, min_rounds: int = 5,
            max_rounds: int = 40, sync=None) -> Comparison:
    """Alternate the two sides round by round, so drifting machine load hits both alike."""
    for _ in range(warmup):
        slow_fn()
        fast_fn()
    n_slow, n_fast = calibrate(slow_fn, sync), calibrate(fast_fn, sync)
    slow, fast, ratios, start = [], [], [], time.perf_counter()
    while len(ratios) < max_rounds and (
            len(ratios) < min_rounds or time.perf_counter() - start < budget_s):
        slow.append(_block(slow_fn, n_slow, sync))
        fast.append(_block(fast_fn, n_fast, sync))
        ratios.append(slow[-1] / fast[-1])
    return Comparison(_summarise(slow, n_slow), _summarise(fast, n_fast),
                      statistics.median(ratios), min(ratios), max(ratios), len(ratios))


@contextlib.contextmanager
def same_threads(threads: int | None = None):
    """Give NumPy's BLAS and torch the same thread count for the duration of a comparison."""
    import torch

    threads = threads or torch.get_num_threads()
    before = torch.get_num_threads()
    limiter = contextlib.nullcontext()
    try:
        from threadpoolctl import threadpool_limits

        limiter = threadpool_limits(limits=threads)
    except ImportError:
        pass
    torch.set_num_threads(threads)
    try:
        with limiter:
            yield threads
    finally:
        torch.set_num_threads(before)
