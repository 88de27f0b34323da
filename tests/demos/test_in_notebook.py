"""The demos as the decks use them: inside a real kernel."""

import pytest

from deckkit.execution.kernel import execute_notebook
from helper import code, make_nb, md

pytestmark = pytest.mark.slow


def test_live_plot_updates_one_figure_in_place(tmp_path):
    nb = make_nb("E", [md("# T", "slide"),
                       code("from deckkit.demos import live_fit\nfit = live_fit(epochs=40, every=5)")])
    result = execute_notebook(nb, "decks/E_t.ipynb", tmp_path, timeout=60)
    assert result.ok, result.findings
    images = [o for o in result.nb.cells[1].outputs if "image/png" in o.get("data", {})]
    assert len(images) == 1  # one figure, redrawn through its display id, not 8 figures


def test_demo_results_render_as_html_in_the_kernel(tmp_path):
    nb = make_nb("H", [md("# T", "slide"),
                       code("from deckkit.demos import requires_grad_demo\nrequires_grad_demo()")])
    result = execute_notebook(nb, "decks/H_t.ipynb", tmp_path, timeout=60)
    assert result.ok, result.findings
    assert "text/html" in result.nb.cells[1].outputs[0]["data"]
