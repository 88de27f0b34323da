import pytest

torch = pytest.importorskip("torch")

from deckkit.demos import copy_cost  # noqa: E402
from deckkit.demos.transfer import RECORDED, Crossover, _dot, _matmul  # noqa: E402


def test_a_crossover_is_where_the_gpu_wins_from_then_on():
    c = Crossover("matmul", [256, 512, 1024, 2048], [1.0, 2.0, 8.0, 60.0], [1.5, 1.9, 4.0, 20.0])
    assert c.crossover_n == 512
    assert c.summary() == "a matmul pays for its copies from 512 × 512"
    late = Crossover("dot", [10, 100], [1.0, 1.0], [5.0, 0.5])  # a win only at the end
    assert late.crossover_n == 100
    lost = Crossover("dot", [10, 100], [1.0, 1.0], [5.0, 2.0])
    assert lost.crossover_n is None
    assert lost.summary() == "a dot never pays for its copies (CPU wins up to n = 100)"


def test_without_a_gpu_the_slide_says_so_and_shows_recorded_figures_with_their_source():
    cost = copy_cost("cpu")
    assert not cost.measured
    assert cost.headline().startswith("No GPU here; recorded on one, copies included:")
    assert cost.matmul_crossover_n == 1024 and cost.dot.crossover_n is None
    page = cost._repr_html_()
    assert RECORDED["source"] in page and "data:image/png;base64," in page
    sizes, cpu, gpu = RECORDED["matmul"]
    at_1024 = gpu[sizes.index(1024)] / cpu[sizes.index(1024)]
    assert f"1,024 × 1,024: {at_1024:.2g}" in cost.alt_text()  # the chart says the recorded ratio


def test_the_measuring_code_runs_with_the_cpu_standing_in_for_a_gpu():
    """What the numbers mean needs a real GPU (benchmarks/gpu_check.sh); that the sizes, the
    copies, the table and the chart work is checked here."""
    from deckkit.demos.transfer import CopyCost

    cost = CopyCost("cpu", True, _dot("cpu", (1000, 10_000), 0.01),
                    _matmul("cpu", (32, 64), 0.01))
    assert cost.dot.sizes == [1000, 10_000] and all(t > 0 for t in cost.dot.cpu_s + cost.dot.gpu_s)
    assert cost.headline().startswith("On cpu, copies included: a dot ")
    assert [row[0] for row in cost.rows()] == ["dot, n = 1,000", "dot, n = 10,000",
                                                "matmul, 32 × 32", "matmul, 64 × 64"]
    assert "data:image/png;base64," in cost._repr_html_()


@pytest.mark.gpu
def test_on_a_gpu_both_halves_are_measured():
    if not torch.cuda.is_available():
        pytest.skip("no CUDA device")
    cost = copy_cost("cuda", dot_sizes=(10**4, 10**6), matmul_sizes=(256, 1024), budget_s=0.05)
    assert cost.measured and cost.device == "cuda"
    assert all(t > 0 for t in cost.matmul.cpu_s + cost.matmul.gpu_s)
    assert "copies included" in cost.headline()
