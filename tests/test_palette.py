"""The one visual system: every colour readable where it is used, one meaning per colour, and
every surface (stylesheets, charts, diagrams) reading from it."""

import logging
import re

import pytest

from deckkit import palette
from deckkit.commands.live_room import rise_css
from deckkit.output.export import stylesheet
from deckkit.steps import mermaid


def test_each_role_is_readable_where_it_is_used():
    for name, role in palette.ROLES.items():
        assert palette.contrast(role.colour, palette.WHITE) >= 3.0, name      # lines, bars
        assert palette.contrast(role.ink, palette.WHITE) >= 4.5, name         # its text
        assert palette.contrast(role.ink, role.tint) >= 4.5, name             # text on its box
        assert palette.contrast(palette.INK, role.tint) >= 4.5, name          # body text on it


def test_a_colour_means_one_thing():
    colours = [role.colour for role in palette.ROLES.values()]
    assert len(set(colours)) == len(colours)


def test_every_colour_variable_the_stylesheets_use_is_defined_by_the_palette():
    for css in (stylesheet(), rise_css()):
        defined = set(re.findall(r"(--deckkit-[\w-]+)\s*:", css))
        used = set(re.findall(r"var\((--deckkit-[\w-]+)", css))
        assert used and used <= defined, used - defined
    assert "--deckkit-healthy: #009e73" in stylesheet()
    # a card or chip of class deckkit-role-<role> takes its role's colour, ink and tint
    assert (".reveal .deckkit-role-pytorch { --deckkit-role: var(--deckkit-pytorch); "
            "--deckkit-role-ink: var(--deckkit-pytorch-ink); "
            "--deckkit-role-tint: var(--deckkit-pytorch-tint); }") in stylesheet()
    assert "var(--deckkit-role, var(--deckkit-heading))" in stylesheet()


def test_charts_use_the_deck_font_and_no_label_prints_a_font_warning(caplog):
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt

    from deckkit.demos import render

    if palette.font_path() is None:
        pytest.skip("sphinx-revealjs (which ships the deck's font) is not installed")
    with caplog.at_level(logging.WARNING, logger="matplotlib.font_manager"):
        fig, ax = render.new_figure(4, 3)
        ax.set_title("n = 2×10⁷: the memory wall")   # superscripts the font lacks: a fallback
        ax.set_xlabel("GPU ÷ CPU time")
        fig.canvas.draw()
    plt.close(fig)
    assert caplog.records == []
    from matplotlib import font_manager
    assert "source-sans-pro" in str(font_manager.findfont(ax.title.get_fontproperties()))


def test_demo_charts_draw_only_palette_colours_and_a_chart_that_does_not_says_so():
    pytest.importorskip("matplotlib")
    from deckkit.demos import render
    from deckkit.demos.training import LossCurves
    from deckkit.figures import timeline_figure

    curves = LossCurves(3, {"healthy": ([1.0, 0.5, 0.3], [1.0, 0.6, 0.4]),
                            "LR too high": ([1.0, float("nan"), float("nan")], [1.0, 2.0, 3.0])},
                        {"healthy": {}, "LR too high": {"lr": 30.0}})
    for fig in (curves.chart(), timeline_figure()):
        drawn = render.colours_drawn(fig)
        assert palette.colour("healthy") in drawn or palette.colour("static") in drawn
        assert render.off_palette(fig) == []
    fig, ax = render.new_figure(3, 2)
    ax.plot([0, 1], [1, 0], color="#1f77b4")  # matplotlib's own blue (C0 is ours: the cycle)
    ax.bar([0], [1], color="#ff0000")
    assert render.off_palette(fig) == ["#1f77b4", "#ff0000"]
    assert 'data-off-palette="#1f77b4 #ff0000"' in render.figure_png(fig, "A line and a bar")


def test_a_diagram_gets_the_palettes_classes_and_its_own_colours_are_findings():
    source = 'flowchart LR\n  A["x"]:::gpu --> B["y"]:::pytorch'
    assert "classDef gpu fill:" in mermaid.with_roles(source)
    assert mermaid.with_roles("sequenceDiagram\n  A->>B: hi") == "sequenceDiagram\n  A->>B: hi"
    directive = '%%{init: {"flowchart": {"rankSpacing": 14}}}%%\n' + source
    assert "classDef numpy" in mermaid.with_roles(directive)
    assert mermaid.unknown_roles('flowchart LR\n  A:::gpux --> B:::gpu') == ["gpux"]
    assert mermaid.off_palette(mermaid.with_roles(source)) == []
    own = 'flowchart LR\n  A --> B\n  style A fill:#ff0000,stroke:#1f3a5f,color:rgb(1,2,3)'
    assert mermaid.off_palette(own) == ["#ff0000", "rgb(1,2,3)"]
    assert "classDef" not in mermaid._alt_text(mermaid.with_roles(source))
    assert mermaid._alt_text(source) == "Diagram: x → y."


def test_a_drawn_diagram_carries_the_deck_font_cut_to_its_labels():
    pytest.importorskip("fontTools")
    if palette.font_path() is None:
        pytest.skip("sphinx-revealjs (which ships the deck's font) is not installed")
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 20"><style>#m{font-size:20px}'
           '</style><text>GPU &amp; CPU</text></svg>')
    embedded = mermaid.embed_font(svg)
    assert embedded.count("@font-face") == 1 and 'font-family:"Source Sans Pro"' in embedded
    assert mermaid.svg_metrics(embedded) == (20.0, 100.0)   # the legibility check still reads it
    assert len(embedded) < 20_000   # a subset, not the whole font (about 250 kB as woff)


def test_a_diagrams_font_is_cut_once_and_then_read_from_the_cache(tmp_path, monkeypatch):
    """Cutting the font down is most of a check's time: a second check reads the result."""
    pytest.importorskip("fontTools")
    if palette.font_path() is None:
        pytest.skip("sphinx-revealjs (which ships the deck's font) is not installed")
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 20"><text>cached labels'
           '</text></svg>')
    first = mermaid.with_font(svg, tmp_path)
    assert first == mermaid.embed_font(svg) and "@font-face" in first
    [kept] = tmp_path.glob("*.font.svg")
    calls = []
    monkeypatch.setattr(mermaid, "embed_font", lambda s: calls.append(s) or s)
    assert mermaid.with_font(svg, tmp_path) == first and calls == []   # read, not cut again
    other = svg.replace("cached", "other")
    assert mermaid.with_font(other, tmp_path) == other and calls == [other]  # its own entry
    assert len(list(tmp_path.glob("*.font.svg"))) == 2 and kept.exists()
