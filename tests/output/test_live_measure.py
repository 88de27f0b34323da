"""The legibility measure as the live sheet runs it in RISE, on a page shaped as JupyterLab
draws a code cell (one .cm-line element per line, no <pre>): a line wider than its box wraps
there, and is found; a line that fits is not."""

import pytest

from deckkit.output import browser
from deckkit.output.legibility import MEASURE, judge

pytestmark = [pytest.mark.browser]

PAGE = """<!doctype html><html><body style="margin:0">
<div class="reveal"><div class="slides"><section class="present">
<h2>Code in RISE</h2>
<div class="cm-content" style="width:400px; font: 20px monospace; white-space: pre-wrap">
<div class="cm-line">short = 1</div>
<div class="cm-line">a_line_far_too_long_for_its_box = torch.tensor([1.0, 2.0, 3.0])</div>
</div></section></div></div></body></html>"""


def test_a_codemirror_line_that_wraps_in_rise_is_found(tmp_path):
    page_path = tmp_path / "live.html"
    page_path.write_text(PAGE, encoding="utf-8")
    with browser.open_page(page_path, viewport=(1024, 768)) as session:
        measured = session.page.evaluate(MEASURE, {"live": 0})
    wrapped = measured["wrapped"]
    assert [w["words"] for w in wrapped] == ["a_line_far_too_long_for_its_box = torch."]
    assert wrapped[0]["room"] == pytest.approx(400, abs=2) and wrapped[0]["width"] > 600
    problems = [p.problem for p in judge(measured, 18)]
    assert any(p.endswith("wider than its box: it wraps") for p in problems)
