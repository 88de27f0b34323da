"""The offline assets come from installed packages at fixed paths; a new release that moves
them must fail here, by name, rather than in a student's browser."""

from deckkit.output.export import asset_sources


def test_every_offline_asset_is_where_deckkit_takes_it_from():
    missing = [f"{rel} <- {src}" for rel, src in asset_sources().items() if not src.exists()]
    assert missing == [], ("sphinx-revealjs or jupyter-server-mathjax moved an asset; pin the "
                           "version in pyproject.toml or update output/export.py: "
                           + "; ".join(missing))


def test_the_reading_plugins_ship_offline():
    sources = asset_sources()
    for plugin in ("notes", "search", "zoom"):
        path = sources[f"reveal/plugin/{plugin}/{plugin}.js"]
        assert path.stat().st_size > 1000 and b"Reveal" in path.read_bytes()[:20000]


def test_only_a_page_with_maths_loads_mathjax():
    """MathJax is the slowest part of opening a page: a deck without maths does not load it;
    one with maths in its markdown, or in a LaTeX output, does."""
    from deckkit.output.export import slides_html
    from helper import code, make_nb, md

    plain = make_nb("B", [md("# Agenda\n\nCosts $5, no maths.", "slide", key="plan")])
    assert "MathJax.js" not in slides_html(plain, "B")
    for maths in (md("# C\n\nsoftmax: $p_i = e^{z_i} / \\sum_j e^{z_j}$", "slide", key="c"),
                  md("# C\n\n\\[ \\sigma(x) \\]", "slide", key="c")):
        assert "assets/mathjax/MathJax.js" in slides_html(make_nb("C", [maths]), "C")
    nb = make_nb("C", [md("# C", "slide", key="t"), code("show()", "slide", key="l")])
    nb.cells[1].outputs = [{"output_type": "display_data", "metadata": {},
                            "data": {"text/latex": "$x^2$", "text/plain": "x^2"}}]
    assert "MathJax.js" in slides_html(nb, "C")
