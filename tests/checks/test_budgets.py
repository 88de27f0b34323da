"""Demo time against slide budgets, and cell timings read from nbclient's metadata."""

from deckkit.checks import cell_timings, over_budget
from helper import code, make_nb, md


def test_demo_slower_than_its_slide_budget_is_a_warning():
    timings = [{"slide": "answer", "seconds": 75.0, "cell": 1, "source": "x"}]
    warnings = over_budget("decks/A_hero.ipynb", timings, {"intro": 60, "answer": 60})
    assert [w.severity for w in warnings] == ["warning"]
    assert str(warnings[0]).startswith('decks/A_hero.ipynb: slide "answer": its code took 75.0 s')
    assert over_budget("decks/A_hero.ipynb", [{"slide": "answer", "seconds": 5.0}],
                       {"answer": 60}) == []


def test_time_of_several_cells_on_one_slide_adds_up():
    timings = [{"slide": "fit", "seconds": 40.0}, {"slide": "fit", "seconds": 30.0}]
    assert len(over_budget("decks/E.ipynb", timings, {"fit": 60})) == 1


def test_cell_timings_belong_to_their_slide_and_skip_unexecuted_cells():
    nb = make_nb("C", [md("# T", "slide", key="t"), code("a = 1"),
                       md("## Next", "slide", key="next"), code("b = 2"), code("c = 3")])
    for index, (start, end) in {1: ("10.000", "10.250"), 3: ("11.000", "13.500")}.items():
        nb.cells[index].metadata["execution"] = {
            "iopub.execute_input": f"2026-11-26T10:00:{start}Z",
            "shell.execute_reply": f"2026-11-26T10:00:{end}Z"}
    assert cell_timings(nb) == [
        {"cell": 1, "slide": "t", "source": "a = 1", "seconds": 0.25},
        {"cell": 3, "slide": "next", "source": "b = 2", "seconds": 2.5}]
