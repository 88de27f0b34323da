import pytest

pytest.importorskip("torch")

from deckkit.demos import manual_gradients_check, requires_grad_demo  # noqa: E402


def test_dy_dw_of_w_times_x_plus_one_is_x():
    r = requires_grad_demo(w=3.0, x=2.0)
    assert r.y == 7.0 and r.dy_dw == 2.0
    assert r.chain == ["AddBackward0", "MulBackward0", "AccumulateGrad"]


def test_gradients_accumulate_without_zeroing_and_the_fix_restores_them():
    assert requires_grad_demo().grads == (18.0, 36.0, 18.0)


def test_no_grad_and_detach_record_nothing():
    r = requires_grad_demo()
    assert r.no_grad_tracks is False and r.detach_tracks is False
    assert "<table" in r._repr_html_()


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
