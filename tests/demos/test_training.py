import pytest

pytest.importorskip("torch")

from deckkit.demos import live_fit, loss_curves, text_classifier_demo  # noqa: E402
from deckkit.demos.training import make_text_dataset  # noqa: E402


@pytest.fixture(scope="module")
def curves():
    return loss_curves(steps=80, n=300)


def test_healthy_run_descends_and_low_lr_stays_flat(curves):
    healthy = curves.runs["healthy"][0]
    low = curves.runs["LR too low"][0]
    assert curves.final("healthy") < 0.6 * healthy[0]
    assert abs(low[-1] - low[0]) < 0.15 * low[0]


def test_too_high_lr_diverges_and_missing_zero_grad_ends_worse(curves):
    assert curves.diverged("LR too high")
    assert not curves.diverged("healthy")
    assert curves.tail_mean("no zero_grad") > 1.5 * curves.tail_mean("healthy")


def test_validating_in_train_mode_with_dropout_is_noisier(curves):
    assert curves.val_noise("dropout, val in train mode") > curves.val_noise(
        "dropout, val in eval mode")


def test_curves_render_one_figure_and_a_table(curves):
    page = curves._repr_html_()
    assert page.count("data:image/png;base64,") == 1 and "NaN" in page


def test_live_fit_learns_y_equals_2x_plus_10():
    fit = live_fit(epochs=120, show=False)
    assert fit.weight == pytest.approx(2.0, abs=0.15)
    assert fit.bias == pytest.approx(10.0, abs=0.15)
    assert fit.losses[-1] < fit.losses[0] / 100


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
