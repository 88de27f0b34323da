import pytest

pytest.importorskip("torch")

from deckkit.demos import manual_gradients_check  # noqa: E402


def test_manual_numpy_gradients_match_autograd():
    check = manual_gradients_check()
    assert set(check.max_abs_diff) == {"E", "W", "b"}
    assert check.worst < 1e-6
    assert "match" in check._repr_html_()


def test_a_wrong_manual_gradient_would_be_caught(monkeypatch):
    import deckkit.demos.autograd as ag

    real = ag.manual_gradients

    def off_by_half(*args):
        loss, grads = real(*args)
        grads["W"] = grads["W"] * 0.5
        return loss, grads

    monkeypatch.setattr(ag, "manual_gradients", off_by_half)
    assert manual_gradients_check().max_abs_diff["W"] > 1e-3
