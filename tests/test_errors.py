"""What deckkit says when an optional package is missing: the thing that needs it, and the
line that installs it, for every optional import (one helper, errors.need_module)."""

import sys

import pytest

from deckkit.errors import DeckError, need_module


@pytest.mark.parametrize("module, call", [
    ("PIL", lambda: __import__("deckkit.output.contact", fromlist=["_pillow"])._pillow()),
    ("playwright", lambda: __import__("deckkit.output.browser",
                                      fromlist=["_playwright"])._playwright()),
    ("mermaidx", lambda: __import__("deckkit.steps.mermaid", fromlist=["render_svg"]).render_svg(
        "graph LR; a-->b")),
    ("sphinx_revealjs", lambda: __import__("deckkit.output.export", fromlist=["x"])._package_dir(
        "sphinx_revealjs", "sphinx-revealjs")),
])
def test_a_missing_package_names_what_needs_it_and_how_to_install_it(module, call, monkeypatch):
    for name in [m for m in sys.modules if m == module or m.startswith(module + ".")]:
        monkeypatch.setitem(sys.modules, name, None)   # import now raises ImportError
    monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(DeckError) as caught:
        call()
    assert caught.value.problem.endswith(f"needs {module}, which is not installed")
    assert caught.value.fix.startswith("pip install ")


def test_need_module_returns_the_module_when_it_is_there():
    import json

    assert need_module("json", "a test", "nothing to install") is json
