import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from deckkit.demos import dot_race, vectorisation  # noqa: E402

# How fast things are is measured by benchmarks/demos.py (idle and loaded), not asserted here:
# on a shared, busy machine any threshold on a timing fails for reasons that are not bugs.


def dot_loop(a, b):
    total = 0.0
    for x, y in zip(a, b):
        total += x * y
    return total


@pytest.fixture(scope="module")
def small():
    return dot_race(dot_loop, np.dot, n_small=20_000, n_large=400_000, budget_s=0.02, gpu=False)


def positive(x) -> bool:
    return math.isfinite(x) and x > 0


def test_the_slides_own_functions_are_raced_and_named(small):
    assert small.loop_name == "dot_loop" and small.vector_name == "np.dot"
    # the ratio depends on what is raced: the headline says so (the loop walks Python lists,
    # the call gets an array, and n is in the cache)
    headline = small.headline()
    assert headline.startswith("np.dot is ") and "faster than dot_loop here\n" in headline
    assert headline.endswith("(an array vs Python lists, one thread each, n = 20,000: in cache)")
    assert [r[0] for r in small.rows()][:3] == ["dot_loop", "np.dot", "np.dot, all cores"]
    assert [r[3] for r in small.rows()][:2] == ["1 thread", "1 thread"]


def test_the_loop_and_the_vectorised_call_are_compared_one_thread_each(small):
    c = small.one_thread
    assert positive(c.ratio) and c.ratio_min <= c.ratio <= c.ratio_max
    assert positive(small.speedup_all_cores) and positive(small.loop_ns_per_element)


def test_a_loop_that_computes_something_else_is_refused():
    with pytest.raises(ValueError, match="not the dot product"):
        dot_race(lambda a, b: sum(a), np.dot, n_small=1000, n_large=10_000, gpu=False)


def test_the_memory_ceiling_is_the_fastest_kernel_so_no_fraction_exceeds_one(small):
    ceiling = small.ceiling
    assert set(ceiling.gbs) == {"np.dot", "torch.dot", "two sums", "copy", "add"}
    assert all(positive(v) for v in ceiling.gbs.values()) and ceiling.rounds >= 3
    assert all(0 < f <= 1 for f in ceiling.fraction.values())
    assert max(ceiling.fraction.values()) > 0.5  # some kernel is that round's best most of the time
    assert 0 < small.bandwidth_fraction <= 1
    assert all("%" not in r[3] or int(r[3].split("%")[0]) <= 100 for r in small.rows())


def test_matmul_rates_are_measured(small):
    assert positive(small.matmul_gflops_numpy) and positive(small.matmul_gflops_torch)


def test_result_renders_a_headline_a_table_and_a_chart(small):
    page = small._repr_html_()
    assert "<table" in page and "data:image/png;base64," in page
    assert "faster than dot_loop here" in page and "an array vs Python lists" in page
    assert "fastest of 5 memory kernels" in page


def test_the_benchmark_entry_point_uses_the_standard_loop():
    r = vectorisation(n_small=5_000, n_large=100_000, budget_s=0.01, gpu=False)
    assert r.loop_name == "python_dot" and r.vector_name == "np.dot"


@pytest.mark.gpu
def test_gpu_rows_show_bandwidth_against_a_device_copy_and_the_crossover():
    if not torch.cuda.is_available():
        pytest.skip("no CUDA device")
    r = dot_race(dot_loop, np.dot, n_small=20_000, n_large=2_000_000, budget_s=0.02)
    assert r.device == "cuda" and r.gpu_large is not None and positive(r.gpu_copy_gbs)
    assert 0 < r.gpu_bandwidth_fraction < 1.5
    assert any("of a copy" in row[3] for row in r.rows())



def test_all_cores_slower_than_one_thread_is_said_on_the_slide(small):
    """Beside one busy process, two BLAS threads wait for the one that lost its core: in a
    kernel here np.dot on all cores took 6.5 ms against 0.13 ms on one thread."""
    import dataclasses

    slow_fast = dataclasses.replace(small.all_cores.fast,
                                    median=10 * small.one_thread.fast.median)
    busy = dataclasses.replace(small, all_cores=dataclasses.replace(small.all_cores,
                                                                    fast=slow_fast))
    assert busy.cores_contended
    assert "another program holds a core" in busy._repr_html_()


def test_sizes_read_as_a_person_writes_them_on_a_slide():
    from deckkit.demos.vectorise import power_of_ten

    assert [power_of_ten(n) for n in (20_000_000, 10_000_000, 1234, 123_456)] == [
        "2×10⁷", "10⁷", "1,234", "123,456"]
