import pytest

from deckkit.demos.timing import compare, measure, same_threads


class FakeClock:
    """A clock that advances only when a timed function "runs": timing logic is tested
    exactly, with no dependence on how busy the machine is."""

    def __init__(self):
        self.now = 0.0

    def perf_counter(self):
        return self.now

    def costing(self, seconds, log=None, name=""):
        def fn():
            self.now += seconds
            if log is not None:
                log.append(name)
        return fn


@pytest.fixture
def clock(monkeypatch):
    import deckkit.demos.timing as timing

    fake = FakeClock()
    monkeypatch.setattr(timing, "time", fake)
    return fake


def test_measure_reports_median_min_and_spread_per_call(clock):
    t = measure(clock.costing(0.001), budget_s=0.05, warmup=1, min_blocks=4)
    assert t.median == pytest.approx(0.001) and t.min == pytest.approx(0.001)
    assert t.spread == pytest.approx(0.0)
    assert t.blocks >= 4 and t.calls == t.blocks * 5  # 5 calls fill a 5 ms block


def test_compare_reports_the_median_ratio_of_alternated_rounds(clock):
    order = []
    c = compare(clock.costing(0.004, order, "s"), clock.costing(0.002, order, "f"),
                budget_s=0.1, warmup=0, min_rounds=4)
    assert c.ratio == pytest.approx(2.0)
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
