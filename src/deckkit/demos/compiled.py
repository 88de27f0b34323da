"""Era 6 (section H): torch.compile — eager vs compiled where fusion honestly helps (a chain of
pointwise ops) and where it doesn't (a small matmul-bound MLP), compile time shown apart from
steady-state time, outputs checked equal, and an honest fallback where it cannot run."""

from __future__ import annotations

import html
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from .. import palette
from . import render
from .device import device_info, synchronizer
from .timing import Comparison, compare

POINTWISE_N = 10_000_000  # 40 MB of float32: larger than the 32 MB L3, like a real activation
MLP_SHAPE = (256, 512, 512, 10)   # batch, d_in, hidden, classes


def cache_dir() -> Path:
    """A fixed TorchInductor cache, so `deckkit warmup` pays the compile cost before class."""
    if "TORCHINDUCTOR_CACHE_DIR" not in os.environ:
        base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
        os.environ["TORCHINDUCTOR_CACHE_DIR"] = str(base / "deckkit" / "torchinductor")
    return Path(os.environ["TORCHINDUCTOR_CACHE_DIR"])


def preload() -> float:
    """Import Dynamo and Inductor (about 1.3 s here, once per kernel) so the live compile cell
    only pays for compiling.  Decks call this in an early set-up cell.  Returns seconds spent."""
    start = time.perf_counter()
    cache_dir()
    import torch._dynamo  # noqa: F401
    import torch._inductor.compile_fx  # noqa: F401

    return time.perf_counter() - start


def compile_support(kind: str = "cpu") -> tuple[bool, str]:
    """Can torch.compile's default backend run here?  (ok, reason when not)."""
    if sys.platform == "win32":
        return False, "torch.compile's Inductor backend needs Linux or macOS for this demo"
    if kind == "cpu":
        cxx = os.environ.get("CXX", "g++")
        if not (shutil.which(cxx) or shutil.which("c++") or shutil.which("clang++")):
            return False, (f"no C++ compiler found ({cxx}): Inductor generates C++ for the CPU. "
                           "Install one (Debian: apt-get install g++) to see the compiled numbers")
    return True, ""


def pointwise(x):
    """Eleven cheap pointwise ops.  Eager runs eleven kernels and writes a temporary array after
    each; the compiled version is one fused loop that reads x once and writes once."""
    y = x * 1.5 + 0.5
    y = torch_relu(y) - 0.25 * x
    y = y * y + x
    y = y.clamp(-2.0, 2.0) * 0.5 + x.abs()
    return y - 0.1 * x


def torch_relu(t):
    return t.clamp_min(0.0)


def make_mlp(torch, shape=MLP_SHAPE):
    _, d_in, hidden, classes = shape
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(d_in, hidden), torch.nn.ReLU(),
                               torch.nn.Linear(hidden, classes)).eval()


# Why a workload gains or not: what compiling changes for it (Dynamo captures the Python into a
# graph; Inductor fuses pointwise ops into generated kernels; matmuls stay library calls).
WHY = {
    "pointwise chain": "eager runs one kernel per op and writes a temporary after each; the "
                       "compiled chain is one fused pass over the data",
    "small MLP (matmul-bound)": {
        "cpu": "the time is in the matmuls, already one optimised BLAS call each: nothing to "
               "fuse",
        "cuda": "launch-bound: a call is a handful of tiny kernels, each paying microseconds "
                "of launch from Python; compiling keeps the launches (and adds a guard check)",
    },
    "small MLP, reduce-overhead": "CUDA graphs record the launches once and replay them as one",
}


SLOWER = ("; each compiled call also pays guard checks and a wrapper (microseconds), which a "
          "call this short cannot hide")


def why(name: str, device: str, verdict: str = "") -> str:
    """The reason for a workload's result on ``device``; a slowdown names its cost too."""
    reason = WHY.get(name, "")
    if isinstance(reason, dict):
        reason = reason.get(device, reason["cpu"])
    if verdict == "slower compiled" and "guard" not in reason:
        reason += SLOWER
    return reason


@dataclass
class Workload:
    name: str
    eager_s: float
    compiled_s: float | None = None
    first_call_s: float | None = None   # includes tracing and code generation
    speedup: Comparison | None = None
    outputs_equal: bool | None = None

    def verdict(self) -> str:
        if self.speedup is None:
            return "not compiled"
        r = self.speedup.ratio
        return "gains" if r >= 1.05 else "no gain" if r > 0.95 else "slower compiled"


@dataclass
class CompileResult:
    device: str
    compiled: bool
    reason: str = ""
    cache_dir: str = ""
    workloads: list[Workload] = field(default_factory=list)

    def workload(self, name: str) -> Workload:
        return next(w for w in self.workloads if w.name == name)

    def _repr_html_(self) -> str:
        f = render.fmt_time
        rows = []
        for w in self.workloads:
            if self.compiled and w.speedup is not None:
                rows.append([w.name, f(w.eager_s), f(w.compiled_s), f"{w.speedup.ratio:.1f}×",
                             f"{w.first_call_s:.2f} s", "yes" if w.outputs_equal else "NO"])
            else:
                rows.append([w.name, f(w.eager_s), "—", "—", "—", "—"])
        head = ["workload", "eager", "compiled", "speed-up", "first call (compile)", "same output"]
        note = (f"on {self.device} · steady state = median of alternated eager/compiled rounds · "
                f"cache {self.cache_dir}")
        if not self.compiled:
            note = f"torch.compile did not run here: {self.reason}. Eager numbers only. " + note
        reasons = "".join(render.note(f"{w.name}: {w.verdict()} — "
                                      f"{why(w.name, self.device, w.verdict())}")
                          for w in self.workloads if self.compiled and w.speedup is not None)
        return render.table(head, rows) + reasons + render.note(note)


def compile_demo(pointwise_n: int = POINTWISE_N, mlp_shape=MLP_SHAPE, *,
                 budget_s: float = 0.2, device: str | None = None) -> CompileResult:
    import torch

    cache = cache_dir()
    kind = device or device_info().kind
    sync = synchronizer(kind)
    ok, reason = compile_support(kind)
    result = CompileResult(device=kind, compiled=ok, reason=reason, cache_dir=str(cache))

    x = torch.randn(pointwise_n, device=kind)
    mlp = make_mlp(torch, mlp_shape).to(kind)
    batch = torch.randn(mlp_shape[0], mlp_shape[1], device=kind)
    cases = [("pointwise chain", pointwise, x, "default"),
             ("small MLP (matmul-bound)", mlp, batch, "default")]
    if kind == "cuda":  # what does pay for a launch-bound model: replaying the launches
        cases.append(("small MLP, reduce-overhead", mlp, batch, "reduce-overhead"))
    torch._dynamo.reset()  # a rerun of the cell shows the real first-call cost again
    with torch.no_grad():
        for name, fn, arg, mode in cases:
            result.workloads.append(_run_case(torch, name, fn, arg, result, budget_s, sync,
                                              mode))
    return result


def _run_case(torch, name, fn, arg, result, budget_s, sync, mode="default") -> Workload:
    """One workload of the table: compile_race's numbers, or eager only once compiling failed."""
    from .timing import measure

    if result.compiled:
        try:
            compiled = torch.compile(fn, dynamic=False, mode=mode)
        except Exception as exc:  # an unsupported platform can fail here already
            result.compiled = False
            result.reason = f"{type(exc).__name__}: {' '.join(str(exc).split())[:200]}"
        else:
            race = compile_race(fn, compiled, arg, budget_s=budget_s)
            if race.compiled:
                return Workload(name, race.race.slow.median, race.race.fast.median,
                                race.first_call_s, race.race, race.outputs_equal)
            result.compiled, result.reason = False, race.reason
            return Workload(name, race.eager_s)
    return Workload(name, measure(lambda: fn(arg), budget_s=budget_s / 2, sync=sync).median)


def warmup(pointwise_n: int = POINTWISE_N, mlp_shape=MLP_SHAPE) -> CompileResult:
    """Compile what the decks compile, filling the cache so the live cell is quick."""
    return compile_demo(pointwise_n, mlp_shape, budget_s=0.05)


@dataclass
class CompileRace:
    """Eager ``fn`` against ``torch.compile(fn)`` as the slide wrote them."""

    name: str
    device: str
    compiled: bool
    reason: str = ""
    first_call_s: float | None = None     # the compiled function's first call: compiles
    warm_cache: bool | None = None        # did that first call find its code in the cache?
    race: Comparison | None = None        # eager vs compiled per call, alternated
    eager_s: float | None = None          # when compiling could not run
    outputs_equal: bool | None = None

    def headline(self) -> str:
        if not self.compiled:
            return f"torch.compile did not run here ({self.reason}); eager only"
        cache = "warm cache" if self.warm_cache else "cold cache"
        verdict = ("faster" if self.race.ratio >= 1.05 else
                   "no faster" if self.race.ratio > 0.95 else "slower")
        # short enough for one line under the code on a 1280×720 slide
        return (f"compiled {self.name} is {verdict} ({self.race.ratio:.1f}×); first call "
                f"{self.first_call_s:.2f} s ({cache})")

    def rows(self):
        f = render.fmt_time
        if not self.compiled:
            return [["eager, per call", f(self.eager_s)], ["compiled", "did not run"]]
        return [["first call (compiles)", f"{self.first_call_s:.2f} s"],
                ["eager, per call", f(self.race.slow.median)],
                ["compiled, per call", f(self.race.fast.median)],
                ["speed-up per call", f"{self.race.ratio:.1f}×"],
                ["same output", "yes" if self.outputs_equal else "NO"]]

    def _repr_html_(self) -> str:
        note = (f"on {self.device} · per call: median of alternated eager/compiled rounds, after "
                "the first call · the first call traces the Python into a graph and generates code "
                "(Inductor: C++ on the CPU, Triton on a GPU)")
        left = (f"<p class='deckkit-headline'><b>{self.headline()}</b></p>"
                + render.table(["", "time"], self.rows(), readable=True)
                + render.note(note))
        if not self.compiled:
            return left
        return render.side_by_side(left, render.figure_png(self.chart(), self.alt_text()))

    def per_call(self) -> str:
        """ "6.6× faster", "no faster" or "1.3× slower": compiled against eager, per call."""
        r = self.race.ratio
        return (f"{r:.1f}× faster" if r >= 1.05 else "no faster" if r > 0.95
                else f"{1 / r:.1f}× slower")

    def alt_text(self) -> str:
        f = render.fmt_time
        return (f"Bar chart of the time per call: eager {f(self.race.slow.median)}, compiled "
                f"{f(self.race.fast.median)} ({self.per_call()}); the first, compiling call "
                f"took {self.first_call_s:.2f} s.")

    def chart(self):
        """Eager against compiled, per call: PyTorch's eager colour and the compilers' one."""
        with render.style(14):
            fig, ax = render.new_figure(5.0, 2.7)
            times = [self.race.slow.median * 1e3, self.race.fast.median * 1e3]
            bars = ax.barh(["eager", "compiled"], times,
                           color=[palette.colour("pytorch"), palette.colour("compile")])
            ax.invert_yaxis()
            for bar, label in zip(bars, (render.fmt_time(self.race.slow.median),
                                         render.fmt_time(self.race.fast.median))):
                ax.annotate(label, (bar.get_width(), bar.get_y() + bar.get_height() / 2),
                            xytext=(6, 0), textcoords="offset points", va="center",
                            color=palette.INK)
            ax.set_xlim(0, max(times) * 1.35)
            ax.set_xlabel("ms per call (median, after the first)")
            ax.set_title(f"compiled: {self.per_call()} per call")
            fig.tight_layout()
        return fig


def compile_race(fn, compiled_fn, *args, budget_s: float = 0.3) -> CompileRace:
    """Time the compiled function's first call on its own (it compiles), check its output
    against ``fn``, then race both per call.  Where compiling cannot run (no C++ compiler, a
    backend failure) the result says why and shows the eager time."""
    import torch

    from .timing import measure

    cache_dir()
    kind = next((a.device.type for a in args if hasattr(a, "device")), "cpu")
    sync = synchronizer(kind)
    name = getattr(fn, "__name__", "function")
    ok, reason = compile_support(kind)
    result = CompileRace(name, kind, ok, reason)
    with torch.no_grad():
        if ok:
            try:
                from torch._dynamo.utils import counters

                def hits():  # Inductor's graph cache, or AOTAutograd's in front of it
                    return (counters["inductor"]["fxgraph_cache_hit"]
                            + counters["aot_autograd"]["autograd_cache_hit"])

                before = hits()
                start = time.perf_counter()
                out = compiled_fn(*args)
                if sync:
                    sync()
                result.first_call_s = time.perf_counter() - start
                result.warm_cache = hits() > before
            except Exception as exc:  # no compiler, unsupported platform, backend failure
                result.compiled = False
                result.reason = f"{type(exc).__name__}: {' '.join(str(exc).split())[:200]}"
        if not result.compiled:
            result.eager_s = measure(lambda: fn(*args), budget_s=budget_s / 2, sync=sync).median
            return result
        result.outputs_equal = bool(torch.allclose(out, fn(*args), rtol=1e-4, atol=1e-5))
        result.race = compare(lambda: fn(*args), lambda: compiled_fn(*args), budget_s=budget_s,
                              sync=sync, warmup=0, min_rounds=3)
    return result


# ---------------------------------------------------------------- where compiling stops

@dataclass
class GraphBreak:
    line: int          # line of the function (1 = its `def`), 0 when Dynamo did not say
    code: str          # that line's source
    reason: str        # Dynamo's own words, first line


@dataclass
class GraphBreaks:
    """What Dynamo captured from ``name``: how many graphs, how many tensor ops in each, and
    each graph break with its line and Dynamo's reason.  ``error`` when Dynamo could not run."""

    name: str
    graphs: int = 0
    ops_per_graph: list[int] = field(default_factory=list)
    breaks: list[GraphBreak] = field(default_factory=list)
    error: str = ""

    def headline(self) -> str:
        if self.error:
            return f"Dynamo could not trace {self.name} here ({self.error})"
        if not self.breaks:
            return f"{self.name}: one graph, no graph breaks — all of it can be compiled"
        where = ", ".join(f"line {b.line}" if b.line else "a line Dynamo did not name"
                          for b in self.breaks)
        n = len(self.breaks)
        return (f"{self.name}: {self.graphs} graphs, {n} graph break{'s' * (n != 1)} "
                f"({where}); between graphs Python runs it eagerly")

    def rows(self):
        rows = [["graphs captured", f"{self.graphs} ("
                 + " + ".join(str(n) for n in self.ops_per_graph) + " tensor ops)"]]
        for b in self.breaks:
            rows.append([f"break at line {b.line}" if b.line else "break", b.code or "?"])
            rows.append(["Dynamo's reason", b.reason])
        return rows

    def _repr_html_(self) -> str:
        head = f"<p class='deckkit-headline'><b>{html.escape(self.headline())}</b></p>"
        if self.error:
            return head
        note = ("each graph is compiled to fused kernels; a break ends one and starts another · "
                "debug with print() in eager code, then remove it and compile")
        return (head + render.table(["", "what Dynamo reports"], self.rows(), readable=True)
                + render.note(note))


def graph_breaks(fn, *args) -> GraphBreaks:
    """Run ``fn(*args)`` once under Dynamo's explain mode (it traces; nothing is compiled to
    machine code, so no C++ compiler is needed) and report the graphs and the graph breaks."""
    import inspect
    import logging

    import torch

    name = getattr(fn, "__name__", "function")
    first = getattr(getattr(fn, "__code__", None), "co_firstlineno", None)
    try:
        source, start = inspect.getsourcelines(fn)
    except (OSError, TypeError):
        source, start = [], first
    log = logging.getLogger("torch._dynamo")
    level = log.level
    log.setLevel(logging.ERROR)  # Dynamo also logs each break as a warning: the table says it
    try:
        import torch._dynamo

        report = torch._dynamo.explain(fn)(*args)
    except Exception as exc:  # a Python Dynamo does not support yet, a tracing failure
        return GraphBreaks(name, error=f"{type(exc).__name__}: {' '.join(str(exc).split())[:160]}")
    finally:
        log.setLevel(level)
    result = GraphBreaks(name, report.graph_count,
                         [len(ops) for ops in (report.ops_per_graph or [])])
    for why in report.break_reasons:
        frame = next((f for f in reversed(why.user_stack or [])
                      if start is not None and f.name == name), None)
        line = frame.lineno - start + 1 if frame else 0
        code = (source[line - 1] if 0 < line <= len(source)
                else (frame.line or "") if frame else "")
        reason = why.reason.strip().splitlines()[0] if why.reason else "not given"
        result.breaks.append(GraphBreak(line, _without_comment(code), reason))
    return result


def _without_comment(line: str) -> str:
    """``line`` stripped, less a trailing # comment (a # inside a string stays)."""
    import io
    import tokenize

    try:
        for tok in tokenize.generate_tokens(io.StringIO(line.strip() + "\n").readline):
            if tok.type == tokenize.COMMENT:
                return line.strip()[:tok.start[1]].rstrip()
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    return line.strip()
