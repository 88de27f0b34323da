import re

import pytest

pytest.importorskip("torch")

from deckkit.demos import LivePlot, loss_curves, text_classifier_demo, train_runs  # noqa: E402
from deckkit.demos.training import make_text_dataset  # noqa: E402


@pytest.fixture(scope="module")
def curves():
    return loss_curves(steps=80, n=300)


def test_healthy_run_descends_and_low_lr_stays_flat(curves):
    healthy = curves.runs["healthy"][0]
    low = curves.runs["LR too low"][0]
    assert curves.final("healthy") < 0.6 * healthy[0]
    assert abs(low[-1] - low[0]) < 0.15 * low[0]
    assert curves.verdict("healthy").startswith("learns:")
    assert curves.verdict("LR too low").startswith("flat:")


def test_too_high_lr_diverges_and_missing_zero_grad_ends_worse(curves):
    assert curves.diverged("LR too high")
    assert not curves.diverged("healthy")
    assert curves.tail_mean("no zero_grad") > 1.5 * curves.tail_mean("healthy")
    assert curves.verdict("LR too high").startswith("diverges: NaN from step ")
    assert curves.verdict("no zero_grad").startswith("erratic: jumps ")
    assert curves.verdict("no zero_grad").endswith("more per step than 'healthy'")


def test_validating_without_eval_is_noisier_than_its_eval_twin(curves):
    assert curves.closest("dropout, no eval()") == "dropout, eval()"
    assert curves.val_noise("dropout, no eval()") > 3 * curves.val_noise("dropout, eval()")
    # "noisier" is defined where it is said: the step-to-step change, both values given
    verdict = curves.verdict("dropout, no eval()")
    ratio, mine, theirs = re.search(r"jumps (\d+)× more per step than 'dropout, eval\(\)' "
                                    r"\(([\d.e-]+) vs ([\d.e-]+)\)", verdict).groups()
    assert verdict.startswith("learns, but its validation loss ")
    assert abs(float(mine) / float(theirs) - int(ratio)) < 0.15 * int(ratio)


def test_validation_below_training_is_explained_by_a_measurement():
    import html

    curves = loss_curves()   # the slide's own runs: there, validation ends below training
    why = curves.val_below_train()
    assert round(curves.tail_mean("healthy", 1), 2) < round(curves.tail_mean("healthy"), 2)
    assert why.startswith("healthy: val ") and "all training points after the last step" in why
    assert f"{curves.whole_train['healthy']:.2f}" in why
    assert html.escape(why, quote=False) in curves._repr_html_()


def test_verdicts_come_from_the_losses_not_from_the_names():
    runs = train_runs({"healthy": {"lr": 30.0}, "LR too high": {"lr": 0.1}}, steps=60, n=200)
    assert runs.verdict("healthy").startswith("diverges")
    assert runs.verdict("LR too high").startswith("learns:")
    assert runs.headline() == "1 of 2 runs learn cleanly: LR too high"


def test_each_row_shows_the_one_change_as_code(curves):
    changes = {row[0]: row[1] for row in curves.rows()}
    assert changes == {"healthy": "none", "LR too low": "lr=0.0001", "LR too high": "lr=30.0",
                       "no zero_grad": "zero_grad=False", "dropout, eval()": "dropout=0.5",
                       "dropout, no eval()": "dropout=0.5, eval_for_validation=False"}


def test_an_unknown_setting_names_what_a_run_may_change():
    with pytest.raises(ValueError, match=r"run 'fast': unknown setting momentum; a run may "
                                         r"change lr, zero_grad, dropout, eval_for_validation"):
        train_runs({"fast": {"momentum": 0.9}})
    with pytest.raises(ValueError, match="at least one run"):
        train_runs({})


def test_the_table_and_the_chart_render_apart(curves):
    table = curves._repr_html_()
    assert "data:image/png" not in table and "NaN" in table and "zero_grad=False" in table
    chart = curves.chart_html()
    assert chart._repr_html_().count("data:image/png;base64,") == 1
    assert "LR too high (lr=30.0): diverges: NaN from step" in chart  # the alt text


def test_live_plot_redraws_every_nth_epoch_and_says_where_the_fit_stands():
    import torch

    x = torch.linspace(-2, 2, 16).unsqueeze(1)
    model = torch.nn.Linear(1, 1)
    with torch.no_grad():
        model.weight.fill_(1.5)
        model.bias.fill_(4.0)
    plot = LivePlot(x, 2 * x + 10, every=5)
    for epoch in range(1, 13):
        plot.update(epoch, model, torch.tensor(100.0 / epoch))
    assert plot.frames == 2 and len(plot.losses) == 12  # epochs 5 and 10 drawn
    assert "after epoch 10" in plot.alt and "y = 1.50x + 4.00" in plot.alt
    assert "from 100 to 10" in plot.alt
    assert plot.html.count("data:image/png;base64,") == 1
    with pytest.raises(ValueError, match="every must be at least 1"):
        LivePlot(x, x, every=0)


def test_a_live_frame_is_drawn_once_and_looks_as_savefig_draws_it(monkeypatch):
    """Each frame of E's animated loop costs one draw of the chart (not savefig's two), and
    the picture is the very one savefig makes of the same figure."""
    import base64
    import io
    import re

    import torch
    from matplotlib.figure import Figure
    from PIL import Image

    x = torch.linspace(-2, 2, 16).unsqueeze(1)
    plot = LivePlot(x, 2 * x + 10, every=1)
    draws = []
    real_draw = Figure.draw
    monkeypatch.setattr(Figure, "draw", lambda fig, r: (draws.append(1), real_draw(fig, r))[1])
    plot.update(1, torch.nn.Linear(1, 1), torch.tensor(3.0))
    assert len(draws) == 1
    monkeypatch.setattr(Figure, "draw", real_draw)
    frame = base64.b64decode(re.search(r"base64,([^\"]+)", plot.html)[1])
    saved = io.BytesIO()
    plot.fig.savefig(saved, format="png", dpi=100)
    pictures = [Image.open(io.BytesIO(png)).convert("RGBA") for png in (frame, saved.getvalue())]
    assert pictures[0].size == pictures[1].size == (420, 460)
    assert pictures[0].tobytes() == pictures[1].tobytes()


def test_the_floor_chart_shows_the_gaps_left_and_the_loss_on_the_noise_floor():
    """E's "why the loss stops near 0.09": the gaps to the fitted line and the loss curve
    meeting σ², with the numbers measured from this run in its alt text, in the deck's
    palette and font (no glyph missing: σ and ² come from the fallback font)."""
    import warnings

    import torch

    torch.manual_seed(0)
    x = torch.linspace(-2, 2, 64).unsqueeze(1)
    y = 2 * x + 10 + 0.3 * torch.randn(64, 1)
    model = torch.nn.Linear(1, 1)
    plot = LivePlot(x, y, every=50)
    with pytest.raises(ValueError, match="run the loop"):
        plot.residuals(model, noise=0.09)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    for epoch in range(1, 101):
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(model(x), y)
        loss.backward()
        opt.step()
        plot.update(epoch, model, loss)
    with warnings.catch_warnings():
        warnings.simplefilter("error")   # a missing glyph warns
        chart = plot.residuals(model, noise=0.3 ** 2)
    with torch.no_grad():
        mse = torch.nn.functional.mse_loss(model(x), y).item()
    assert f"the mean of the squared gaps is {mse:.3f}" in chart
    assert "σ² = 0.09" in chart and f"down to {plot.losses[-1]:.3g}" in chart
    assert 0.07 < mse < 0.12   # the fit reached the noise: the chart has a floor to show
    assert "data-off-palette" not in chart
    assert float(re.search(r'data-min-font-px="([\d.]+)"', chart)[1]) >= 15
    with pytest.raises(ValueError, match="above 0"):
        plot.residuals(model, noise=0)


def test_text_dataset_is_generated_and_padded():
    rows, labels, vocab = make_text_dataset(50, max_len=12)
    assert len(rows) == 50 and all(len(r) == 12 for r in rows)
    assert vocab[0] == "<pad>" and set(labels) == {0, 1}


def test_text_classifier_trains_to_a_useful_accuracy_with_clipping_and_accumulation():
    r = text_classifier_demo(epochs=4, n_train=800, n_val=200)
    assert r.accuracy >= 0.85
    assert r.clip_norm == 1.0 and r.accumulation == 2
    assert r.train_losses[-1] < r.train_losses[0]
    assert "validation accuracy" in r._repr_html_()
