import pytest

torch = pytest.importorskip("torch")

from deckkit.demos import vectorisation  # noqa: E402


@pytest.fixture(scope="module")
def small():
    return vectorisation(n_small=20_000, n_large=400_000, budget_s=0.02, gpu=False)


def test_vectorised_dot_beats_the_python_loop(small):
    assert small.speedup_small.ratio > 1
    assert small.speedup_large > 1
    assert small.loop_ns_per_element > 1  # a Python loop costs nanoseconds per element


def test_bandwidth_and_gflops_are_measured_not_assumed(small):
    assert small.bandwidth_gbs > 0.5 and small.dot_large_gbs > 0.5
    assert 0.2 < small.bandwidth_fraction < 5  # a ratio of two measured rates, not a constant
    assert small.torch_dot_large_gbs > 0.5
    assert small.matmul_gflops_numpy > 1 and small.matmul_gflops_torch > 1


def test_result_renders_a_table_and_a_chart(small):
    page = small._repr_html_()
    assert "<table" in page and "data:image/png;base64," in page
    assert "threads on both sides" in page
    assert [r[0] for r in small.rows()][:2] == ["Python loop over lists", "np.dot"]


@pytest.mark.gpu
def test_gpu_crossover_is_measured_with_transfers():
    if not torch.cuda.is_available():
        pytest.skip("no CUDA device")
    r = vectorisation(n_small=20_000, n_large=1_000_000, budget_s=0.05)
    assert r.device == "cuda" and r.gpu_large is not None and r.crossover
