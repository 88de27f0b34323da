import pytest

pytest.importorskip("torch")

from deckkit.demos import check_against_autograd, manual_gradients_check  # noqa: E402
from deckkit.demos.autograd import manual_gradients  # noqa: E402


def test_the_reference_derivation_matches_autograd():
    check = manual_gradients_check()
    assert set(check.max_abs_diff) == {"E", "W", "b"}
    assert check.agrees and check.worst < 1e-12
    assert "every gradient matches autograd" in check.headline()
    assert check._repr_html_().count(">match<") == 4   # the loss and three gradients


def test_a_wrong_derivation_is_named_in_the_headline():
    def forgot_the_mean(tokens, labels, E, W, b):   # a classic slip: dividing by B twice
        loss, grads = manual_gradients(tokens, labels, E, W, b)
        grads["W"] = grads["W"] / tokens.shape[0]
        return loss, grads

    check = check_against_autograd(forgot_the_mean)
    assert not check.agrees
    assert check.max_abs_diff["W"] > 1e-3 and check.max_abs_diff["b"] < 1e-12
    assert "dW DO NOT MATCH" in check.headline() and "forgot_the_mean" in check.headline()
    assert "WRONG" in check._repr_html_()


def test_a_function_that_returns_the_wrong_shape_gets_a_clear_error():
    def transposed(tokens, labels, E, W, b):
        loss, grads = manual_gradients(tokens, labels, E, W, b)
        grads["W"] = grads["W"].T
        return loss, grads

    with pytest.raises(ValueError, match=r"transposed: dW has shape \(3, 5\), but W has \(5, 3\)"):
        check_against_autograd(transposed)
    with pytest.raises(ValueError, match="missing E"):
        check_against_autograd(lambda *args: (0.0, {"W": 0, "b": 0}))
