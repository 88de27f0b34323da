"""`deckkit warmup` and the preflight's warming: which cells are run to fill the compile cache."""

import pytest

from deckkit.commands.warmup import warm_decks
from deckkit.demos.compiled import compile_support
from deckkit.model.project import Project
from helper import code, good_decks, write_project

# A cell that names torch.compile( without compiling anything: what is run, and where, is the
# behaviour here, not what Inductor makes of it (test_preflight warms a real cell).
NAMES_COMPILE = "print('torch.compile(')"


@pytest.mark.skipif(not compile_support("cpu")[0], reason="no C++ compiler for Inductor")
def test_the_preflight_warms_the_presented_decks_cells_and_no_demo_workload(tmp_path,
                                                                            monkeypatch):
    monkeypatch.setenv("TORCHINDUCTOR_CACHE_DIR", str(tmp_path / "cache"))
    decks = good_decks()
    for nb in decks.values():
        nb.cells.append(code(NAMES_COMPILE))
    project = Project(write_project(tmp_path / "talk", decks))

    one = warm_decks(project, decks={"B_agenda"}, workloads=False)
    assert one.compiled and one.workloads == []          # nothing compiled but the cells
    assert one.cache_dir == str(tmp_path / "cache")
    assert [(c.deck, c.cell, c.ok) for c in one.cells] == [("decks/B_agenda.ipynb", 3, True)]

    every = warm_decks(project, workloads=False)          # the session: every deck's cells
    assert [c.deck for c in every.cells] == ["decks/A_hero.ipynb", "decks/B_agenda.ipynb"]


def test_a_failing_compile_cell_is_named_with_its_error(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCHINDUCTOR_CACHE_DIR", str(tmp_path / "cache"))
    decks = good_decks()
    decks["A_hero.ipynb"].cells.append(code("# torch.compile(model)\nraise SystemExit('no model')"))
    project = Project(write_project(tmp_path / "talk", decks))
    result = warm_decks(project, decks={"A_hero"}, workloads=False)
    if not result.compiled:    # no C++ compiler: said so, and no cell is run
        assert result.reason and result.cells == []
        return
    [cell] = result.cells
    assert (cell.deck, cell.ok, cell.error) == ("decks/A_hero.ipynb", False, "no model")
