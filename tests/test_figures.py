"""The generated figures as the room sees them."""

import pytest

pytest.importorskip("matplotlib")

from conftest import REPO  # noqa: E402
from deckkit.figures import timeline, timeline_figure  # noqa: E402
from deckkit.model.facts import load_facts  # noqa: E402

EVENTS = load_facts(REPO / "decks")


def test_timeline_labels_never_overlap_and_every_year_is_marked():
    fig = timeline_figure(EVENTS)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_bbox_patch().get_window_extent(renderer)
             for ax in fig.axes for t in ax.texts if t.get_bbox_patch() is not None]
    assert len(boxes) == len(EVENTS)
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not a.overlaps(b), (a, b)
    years = sorted(int(t.get_text()) for ax in fig.axes for t in ax.texts
                   if t.get_text().isdigit())
    assert years == list(range(2007, 2025))


def test_timeline_text_is_large_enough_and_its_alt_text_lists_every_event():
    from deckkit.demos.render import min_font_px

    assert min_font_px(timeline_figure(EVENTS)) >= 20   # px in the PNG; ≈ 19.8 px as shown
    page = timeline(REPO / "decks")._repr_html_()
    for event in EVENTS:
        assert f"{int(event.year)}: {' '.join(event.label.split())}" in page
