"""Era 1 (section H): gradients derived by hand in NumPy, checked against autograd.

The slide defines its own ``loss_and_grads(tokens, labels, E, W, b)`` — forward pass and the
backward pass derived on paper — and hands it to ``check_against_autograd``, which only builds
inputs, runs the same forward in PyTorch, lets autograd differentiate it and compares.  (Era 4's
requires_grad lines are on the slide itself and run as they are.)
"""

from __future__ import annotations

from dataclasses import dataclass

from . import render

TOLERANCE = 1e-6   # float64: a correct derivation agrees to ~1e-16, a wrong one by far more
PARAMETERS = ("E", "W", "b")


@dataclass
class GradientCheck:
    name: str                        # the function that was checked
    loss: float
    autograd_loss: float
    max_abs_diff: dict[str, float]   # parameter -> max |hand-derived - autograd|
    shapes: dict[str, tuple[int, ...]]

    @property
    def worst(self) -> float:
        return max(self.max_abs_diff.values())

    @property
    def agrees(self) -> bool:
        return self.worst < TOLERANCE and abs(self.loss - self.autograd_loss) < TOLERANCE

    def headline(self) -> str:
        if self.agrees:
            return (f"{self.name}: every gradient matches autograd "
                    f"(largest difference {self.worst:.0e})")
        wrong = [f"d{k}" for k, v in self.max_abs_diff.items() if v >= TOLERANCE]
        if abs(self.loss - self.autograd_loss) >= TOLERANCE:
            wrong.insert(0, "the loss")
        return f"{self.name}: {', '.join(wrong)} DO NOT MATCH autograd (off by {self.worst:.2g})"

    def _repr_html_(self) -> str:
        rows = [[f"d{k}", "×".join(map(str, self.shapes[k])), f"{v:.1e}",
                 "match" if v < TOLERANCE else "WRONG"] for k, v in self.max_abs_diff.items()]
        rows.insert(0, ["loss", "scalar", f"{abs(self.loss - self.autograd_loss):.1e}",
                        "match" if abs(self.loss - self.autograd_loss) < TOLERANCE else "WRONG"])
        return (f"<p class='deckkit-headline'><b>{self.headline()}</b></p>"
                + render.table(["", "shape", "max |by hand − autograd|", "verdict"], rows,
                               readable=True)
                + render.note(f"float64, random inputs · agreement means below {TOLERANCE:g}"))


def check_against_autograd(loss_and_grads, batch: int = 8, seq: int = 6, vocab: int = 20,
                           dim: int = 5, classes: int = 3, seed: int = 0) -> GradientCheck:
    """Run ``loss_and_grads(tokens, labels, E, W, b) -> (loss, {"E": dE, "W": dW, "b": db})``
    on random float64 inputs and compare each gradient with what autograd computes for the
    same model: tokens (B,T) → mean of E[tokens] over T → @ W + b → softmax cross-entropy."""
    import numpy as np
    import torch

    rng = np.random.default_rng(seed)
    tokens = rng.integers(0, vocab, size=(batch, seq))
    labels = rng.integers(0, classes, size=batch)
    arrays = {"E": rng.normal(size=(vocab, dim)), "W": rng.normal(size=(dim, classes)),
              "b": rng.normal(size=classes)}
    name = getattr(loss_and_grads, "__name__", "the hand-derived gradients")
    loss, grads = loss_and_grads(tokens, labels, *(a.copy() for a in arrays.values()))
    missing = [k for k in PARAMETERS if k not in grads]
    if missing:
        raise ValueError(f"{name} must return (loss, {{'E': dE, 'W': dW, 'b': db}}); "
                         f"missing {', '.join(missing)}")
    params = {k: torch.tensor(v, requires_grad=True) for k, v in arrays.items()}
    logits = params["E"][torch.as_tensor(tokens)].mean(dim=1) @ params["W"] + params["b"]
    reference = torch.nn.functional.cross_entropy(logits, torch.as_tensor(labels))
    reference.backward()
    diffs = {}
    for k in PARAMETERS:
        got = np.asarray(grads[k], dtype=np.float64)
        want = params[k].grad.numpy()
        if got.shape != want.shape:
            raise ValueError(f"{name}: d{k} has shape {got.shape}, but {k} has {want.shape}")
        diffs[k] = float(np.abs(got - want).max())
    return GradientCheck(name, float(loss), reference.item(), diffs,
                         {k: tuple(v.shape) for k, v in arrays.items()})


def manual_gradients(tokens, labels, E, W, b):
    """Era 1's derivation as the slide writes it (kept here for tests and benchmarks)."""
    import numpy as np

    B, T = tokens.shape
    pooled = E[tokens].mean(axis=1)
    logits = pooled @ W + b
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    loss = -np.log(p[np.arange(B), labels]).mean()
    dlogits = (p - np.eye(len(b))[labels]) / B
    dW, db = pooled.T @ dlogits, dlogits.sum(axis=0)
    dE = np.zeros_like(E)
    np.add.at(dE, tokens, (dlogits @ W.T)[:, None, :] / T)
    return loss, {"E": dE, "W": dW, "b": db}


def manual_gradients_check(**kwargs) -> GradientCheck:
    """The check with the reference derivation (the benchmark's entry point)."""
    return check_against_autograd(manual_gradients, **kwargs)
