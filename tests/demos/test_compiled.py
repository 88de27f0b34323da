import shutil

import pytest

torch = pytest.importorskip("torch")

from deckkit.demos import compile_demo  # noqa: E402
from deckkit.demos import compiled as cd  # noqa: E402

pytestmark = pytest.mark.slow
TINY = dict(pointwise_n=50_000, mlp_shape=(8, 16, 16, 4), budget_s=0.02, device="cpu")


@pytest.mark.skipif(not cd.compile_support("cpu")[0], reason="no C++ compiler for Inductor")
def test_compiled_output_equals_eager_and_compile_time_is_shown_apart():
    r = compile_demo(**TINY)
    assert r.compiled, r.reason
    for w in r.workloads:
        assert w.outputs_equal is True
        assert w.first_call_s > w.compiled_s  # the first call includes compilation
        assert w.speedup.ratio > 0
    assert "first call" in r._repr_html_()


def test_without_a_compiler_the_demo_explains_and_shows_eager(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    r = compile_demo(**TINY)
    assert not r.compiled and "no C++ compiler" in r.reason
    assert all(w.eager_s > 0 and w.compiled_s is None for w in r.workloads)
    assert "did not run here" in r._repr_html_()


def test_a_failing_backend_falls_back_to_eager_instead_of_crashing(monkeypatch):
    def broken(fn, **kwargs):
        def call(*args):
            raise RuntimeError("backend exploded")
        return call

    monkeypatch.setattr(torch, "compile", broken)
    r = compile_demo(**TINY)
    assert not r.compiled and "RuntimeError: backend exploded" in r.reason
    assert len(r.workloads) == 2 and all(w.eager_s > 0 for w in r.workloads)


def test_cache_dir_is_fixed_unless_the_user_set_one(monkeypatch, tmp_path):
    monkeypatch.delenv("TORCHINDUCTOR_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cd.cache_dir() == tmp_path / "deckkit" / "torchinductor"
    monkeypatch.setenv("TORCHINDUCTOR_CACHE_DIR", "/somewhere/else")
    assert str(cd.cache_dir()) == "/somewhere/else"


def chain(x):
    y = x * 1.5 + 0.5
    return y.clamp_min(0.0) - 0.25 * x


@pytest.mark.skipif(not cd.compile_support("cpu")[0], reason="no C++ compiler for Inductor")
def test_the_slides_compiled_function_is_raced_with_its_first_call_apart():
    from deckkit.demos import compile_race

    x = torch.randn(20_000)
    torch._dynamo.reset()
    r = compile_race(chain, torch.compile(chain), x, budget_s=0.02)
    assert r.compiled and r.outputs_equal is True and r.warm_cache in (True, False)
    assert r.first_call_s > r.race.fast.median  # the first call includes compiling
    assert r.headline().startswith("compiled chain is ")
    assert ("warm cache" in r.headline()) == r.warm_cache
    assert [row[0] for row in r.rows()][:3] == ["first call (compiles)", "eager, per call",
                                                "compiled, per call"]
    again = compile_race(chain, torch.compile(chain), x, budget_s=0.02)
    assert again.first_call_s < r.first_call_s or again.warm_cache


def test_the_race_without_a_compiler_says_why_and_shows_eager(monkeypatch):
    from deckkit.demos import compile_race

    monkeypatch.setattr(shutil, "which", lambda name: None)
    r = compile_race(chain, torch.compile(chain), torch.randn(1000), budget_s=0.01)
    assert not r.compiled and "no C++ compiler" in r.reason and r.eager_s > 0
    assert "did not run here" in r.headline() and "<table" in r._repr_html_()


@pytest.mark.skipif(not cd.compile_support("cpu")[0], reason="no C++ compiler for Inductor")
def test_each_workload_says_whether_it_gains_and_why_on_this_device():
    r = compile_demo(**TINY)
    page = r._repr_html_()
    for w in r.workloads:
        assert w.verdict() in ("gains", "no gain", "slower compiled")
        assert f"{w.name}: {w.verdict()} — " in page
    assert "one fused pass" in page and "BLAS" in page
    assert "reduce-overhead" not in page  # CUDA graphs only where there is CUDA


def test_the_small_model_reason_depends_on_the_device():
    assert "launch-bound" in cd.why("small MLP (matmul-bound)", "cuda")
    assert "BLAS" in cd.why("small MLP (matmul-bound)", "cpu")
    assert "guard checks" in cd.why("small MLP (matmul-bound)", "cpu", "slower compiled")
    assert "guard checks" not in cd.why("pointwise chain", "cpu", "gains")


@pytest.mark.gpu
def test_on_cuda_the_small_model_gets_a_reduce_overhead_row():
    if not torch.cuda.is_available():
        pytest.skip("no CUDA device")
    r = compile_demo(pointwise_n=1_000_000, mlp_shape=(64, 256, 256, 10), budget_s=0.05,
                     device="cuda")
    names = [w.name for w in r.workloads]
    assert names[-1] == "small MLP, reduce-overhead" and r.compiled, r.reason
    assert all(w.outputs_equal for w in r.workloads)


def _logged(x):
    y = x * 1.5 + 0.5
    print(f"mean {y.mean().item():.3f}")  # a number for Python: the graph must end here
    return y.clamp_min(0.0) * x


def _clean(x):
    return (x * 1.5 + 0.5).clamp_min(0.0) * x


def test_graph_breaks_names_the_line_and_dynamos_reason(capsys):
    r = cd.graph_breaks(_logged, torch.randn(64))
    assert not r.error, r.error
    assert r.graphs == 2 and len(r.breaks) == 1
    brk = r.breaks[0]
    assert brk.line == 3 and brk.code == 'print(f"mean {y.mean().item():.3f}")'  # comment gone
    assert "item()" in brk.reason
    assert "2 graphs, 1 graph break (line 3)" in r.headline()
    assert "capture_scalar_outputs" not in capsys.readouterr().err  # Dynamo's warning is muted
    html = r._repr_html_()
    assert "Dynamo&#x27;s reason" in html or "Dynamo's reason" in html


def test_a_function_without_breaks_is_one_graph():
    r = cd.graph_breaks(_clean, torch.randn(64))
    assert (r.graphs, r.breaks) == (1, [])
    assert "no graph breaks" in r.headline()


def test_graph_breaks_says_why_when_dynamo_cannot_run(monkeypatch):
    import torch._dynamo

    def refuse(fn):
        raise RuntimeError("Python 3.99 is not yet supported by Dynamo")

    monkeypatch.setattr(torch._dynamo, "explain", refuse)
    r = cd.graph_breaks(_clean, torch.randn(4))
    assert r.headline().startswith("Dynamo could not trace _clean here (RuntimeError: Python 3.99")
    assert "<table" not in r._repr_html_()


def test_the_race_is_drawn_beside_its_table_in_the_palettes_colours():
    from deckkit import palette
    from deckkit.demos import render
    from deckkit.demos.compiled import CompileRace
    from deckkit.demos.timing import Comparison, Timing

    def race(eager, compiled):
        return CompileRace("chain", "cpu", True, first_call_s=1.45, warm_cache=True,
                           race=Comparison(Timing(eager, eager, 0.1, 10, 5),
                                           Timing(compiled, compiled, 0.1, 10, 5),
                                           eager / compiled, 1.0, 1.0, 9), outputs_equal=True)

    fast = race(0.0784, 0.012)
    fig = fast.chart()
    assert render.off_palette(fig) == []
    assert {palette.colour("pytorch"), palette.colour("compile")} <= render.colours_drawn(fig)
    assert render.min_font_px(fig) >= 19
    html = fast._repr_html_()
    assert "deckkit-demo-result" in html and 'alt="Bar chart of the time per call: eager ' \
        "78.4 ms, compiled 12 ms (6.5× faster); the first, compiling call took 1.45 s." in html
    assert race(0.010, 0.013).per_call() == "1.3× slower"
    assert race(0.010, 0.0101).per_call() == "no faster"
    assert "<img" not in CompileRace("chain", "cpu", False, reason="no compiler",
                                     eager_s=0.01)._repr_html_()
