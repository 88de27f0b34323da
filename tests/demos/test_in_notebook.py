"""The demos as the decks use them: inside a real kernel."""

import pytest

from deckkit.execution.kernel import execute_notebook
from helper import code, make_nb, md

pytestmark = pytest.mark.slow


def test_the_annotated_loop_on_the_slide_draws_one_live_chart(tmp_path):
    """Deck E's set-up and loop cells as they are on the slides: it learns y = 2x + 10 and its
    chart is ONE output redrawn through its display id (not twelve charts, and not a stray
    pyplot copy)."""
    import re

    import nbformat

    from conftest import REPO

    deck = nbformat.read(str(REPO / "decks" / "E_training_loop.ipynb"), as_version=4)
    keys = [c.metadata.get("deckkit", {}).get("key") for c in deck.cells]
    setup = deck.cells[keys.index("e-setup") + 1]
    cell = deck.cells[keys.index("e-loop") + 1]
    assert "torch.optim.SGD" in setup.source and not setup.get("outputs")
    assert "opt.zero_grad()" in cell.source and "plot.update(epoch, model, loss)" in cell.source
    result = execute_notebook(make_nb("E", [md("# T", "slide"), setup, cell]),
                              "decks/E_t.ipynb", tmp_path, timeout=60)
    assert result.ok, result.findings
    assert result.nb.cells[1].outputs == []     # the set-up prints nothing
    outputs = result.nb.cells[2].outputs
    frames = [o for o in outputs if "data:image/png" in o.get("data", {}).get("text/html", "")]
    assert len(frames) == 1
    assert not [o for o in outputs if "image/png" in o.get("data", {})]
    last = frames[0]["data"]["text/html"]
    assert 'alt="Two charts after epoch 120.' in last and "data-min-font-px" in last
    printed = "".join(o.get("text", "") for o in outputs)
    w, b = map(float, re.fullmatch(r"learned w = (\S+), b = (\S+)\n", printed).groups())
    assert abs(w - 2) < 0.15 and abs(b - 10) < 0.15


def test_demo_results_render_as_html_in_the_kernel(tmp_path):
    nb = make_nb("H", [md("# T", "slide"),
                       code("from deckkit.demos import manual_gradients_check\n"
                            "manual_gradients_check()")])
    result = execute_notebook(nb, "decks/H_t.ipynb", tmp_path, timeout=60)
    assert result.ok, result.findings
    assert "text/html" in result.nb.cells[1].outputs[0]["data"]


def test_era_4_on_the_slide_prints_values_a_student_can_check_by_hand(tmp_path):
    """The requires_grad cells of deck H, run as they are on the slides."""
    import nbformat

    from conftest import REPO

    deck = nbformat.read(str(REPO / "decks" / "H_era_cards.ipynb"), as_version=4)
    keys = [c.metadata.get("deckkit", {}).get("key") for c in deck.cells]
    first, second = keys.index("h-era4"), keys.index("h-era4-grads")
    cells = [c for c in deck.cells[first:second + 2] if c.cell_type == "code"]
    assert len(cells) == 2
    result = execute_notebook(make_nb("H", [md("# T", "slide"), *cells]), "decks/H_t.ipynb",
                              tmp_path, timeout=60)
    assert result.ok, result.findings
    printed = ["".join(o.get("text", "") for o in c.outputs) for c in result.nb.cells[1:]]
    assert printed == ["y = 7.0, dy/dw = 2.0, recorded as AddBackward0\n",
                       "after one backward:  54.0\nafter two backwards: 108.0\n"
                       "recorded under no_grad? False\nrecorded after detach?  False\n"]


def test_era_1_runs_the_derivation_on_the_slide(tmp_path):
    """Deck H's era-1 cell as it is on the slide: its own NumPy backward pass, checked."""
    import nbformat

    from conftest import REPO

    deck = nbformat.read(str(REPO / "decks" / "H_era_cards.ipynb"), as_version=4)
    keys = [c.metadata.get("deckkit", {}).get("key") for c in deck.cells]
    first, second = keys.index("h-era1"), keys.index("h-era1-check")
    cells = [c for c in deck.cells[first:second + 2] if c.cell_type == "code"]
    assert "def loss_and_grads" in cells[0].source and "dlogits" in cells[0].source
    result = execute_notebook(make_nb("H", [md("# T", "slide"), *cells]), "decks/H_t.ipynb",
                              tmp_path, timeout=60)
    assert result.ok, result.findings
    printed = "".join(o.get("text", "") for o in result.nb.cells[1].outputs)
    assert printed.startswith("loss_and_grads: every gradient matches autograd")
    assert "text/html" in result.nb.cells[2].outputs[0]["data"]
