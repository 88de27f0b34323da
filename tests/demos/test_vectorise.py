import math

import pytest

torch = pytest.importorskip("torch")

from deckkit.demos import vectorisation  # noqa: E402


@pytest.fixture(scope="module")
def small():
    return vectorisation(n_small=20_000, n_large=400_000, budget_s=0.02, gpu=False)


# How fast things are is measured by benchmarks/demos.py (idle and loaded), not asserted here:
# on a shared, busy machine any threshold on a timing fails for reasons that are not bugs.


def positive(x) -> bool:
    return math.isfinite(x) and x > 0


def test_the_loop_and_np_dot_are_both_measured_and_compared(small):
    ratio = small.speedup_small
    assert positive(ratio.ratio) and ratio.ratio_min <= ratio.ratio <= ratio.ratio_max
    assert positive(small.speedup_large) and positive(small.loop_ns_per_element)


def test_bandwidth_and_gflops_are_measured_not_assumed(small):
    for value in (small.bandwidth_gbs, small.dot_large_gbs, small.torch_dot_large_gbs,
                  small.bandwidth_fraction, small.matmul_gflops_numpy, small.matmul_gflops_torch):
        assert positive(value)
    again = vectorisation(n_small=20_000, n_large=400_000, budget_s=0.02, gpu=False)
    assert again.bandwidth_gbs != small.bandwidth_gbs  # measured each time, not a constant


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
