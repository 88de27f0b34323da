import time

import pytest

from deckkit.demos.timing import compare, measure, same_threads


def test_measure_reports_median_min_and_spread_per_call():
    t = measure(lambda: time.sleep(0.001), budget_s=0.05, warmup=1, min_blocks=4)
    assert 0.0009 < t.min <= t.median < 0.005
    assert t.blocks >= 4 and t.calls >= t.blocks and t.spread >= 0


def test_compare_reports_the_median_ratio_of_alternated_rounds():
    order = []

    def slow():
        order.append("s")
        time.sleep(0.004)

    def fast():
        order.append("f")
        time.sleep(0.002)

    c = compare(slow, fast, budget_s=0.1, warmup=0, min_rounds=4)
    assert 1.4 < c.ratio < 2.6
    assert c.ratio_min <= c.ratio <= c.ratio_max and c.rounds >= 4
    # alternated: both sides appear throughout the run, not all of one then all of the other
    assert "f" in order[: len(order) // 2] and "s" in order[len(order) // 2:]


def test_sync_is_called_around_every_block():
    calls = []
    measure(lambda: None, budget_s=0.0, warmup=0, min_blocks=3, max_blocks=3,
            sync=lambda: calls.append(1))
    assert len(calls) >= 6


def test_same_threads_sets_numpy_blas_and_torch_alike_and_restores():
    torch = pytest.importorskip("torch")
    threadpoolctl = pytest.importorskip("threadpoolctl")
    before = torch.get_num_threads()
    with same_threads(1) as n:
        assert n == 1 and torch.get_num_threads() == 1
        blas = [p["num_threads"] for p in threadpoolctl.threadpool_info()
                if p["user_api"] == "blas"]
        assert blas and set(blas) == {1}
    assert torch.get_num_threads() == before


def test_noisy_timings_carry_a_warning():
    from deckkit.demos.timing import Timing

    assert Timing(1.0, 0.5, 0.6, 10, 5).warning()
    assert Timing(1.0, 0.95, 0.05, 10, 5).warning() == ""
