"""Era 1 (section H): the text classifier's hand-derived NumPy gradients checked against
autograd.  (Era 4's requires_grad lines are on the slide itself and run as they are.)"""

from __future__ import annotations

from dataclasses import dataclass

from . import render


@dataclass
class GradientCheck:
    loss: float
    max_abs_diff: dict[str, float]   # parameter -> max |manual - autograd|

    @property
    def worst(self) -> float:
        return max(self.max_abs_diff.values())

    def _repr_html_(self) -> str:
        names = list(self.max_abs_diff)
        row = [f"{self.max_abs_diff[n]:.1e}" for n in names]
        verdict = "match" if self.worst < 1e-6 else "DO NOT MATCH"
        return (render.table(["max |manual − autograd|"] + [f"d{n}" for n in names],
                             [["float64"] + row])
                + render.note(f"loss {self.loss:.4f} · hand-derived gradients and autograd "
                              f"{verdict}"))


def manual_gradients(tokens, labels, E, W, b):
    """Era 1: the text classifier's forward pass and hand-derived backward pass in NumPy.
    tokens (B,T) ids → E[tokens] (B,T,D) → mean over T (B,D) → logits (B,C) → softmax CE."""
    import numpy as np

    B, T = tokens.shape
    pooled = E[tokens].mean(axis=1)
    logits = pooled @ W + b
    shifted = logits - logits.max(axis=1, keepdims=True)
    probs = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    loss = -np.log(probs[np.arange(B), labels]).mean()
    dlogits = probs.copy()
    dlogits[np.arange(B), labels] -= 1          # probs − one-hot
    dlogits /= B
    dW = pooled.T @ dlogits
    db = dlogits.sum(axis=0)
    dpooled = dlogits @ W.T
    dE = np.zeros_like(E)
    np.add.at(dE, tokens, np.repeat(dpooled[:, None, :] / T, T, axis=1))
    return loss, {"E": dE, "W": dW, "b": db}


def manual_gradients_check(batch: int = 8, seq: int = 6, vocab: int = 20, dim: int = 5,
                           classes: int = 3, seed: int = 0) -> GradientCheck:
    import numpy as np
    import torch

    rng = np.random.default_rng(seed)
    tokens = rng.integers(0, vocab, size=(batch, seq))
    labels = rng.integers(0, classes, size=batch)
    E, W, b = rng.normal(size=(vocab, dim)), rng.normal(size=(dim, classes)), rng.normal(size=classes)
    loss, manual = manual_gradients(tokens, labels, E, W, b)

    params = {k: torch.tensor(v, requires_grad=True) for k, v in {"E": E, "W": W, "b": b}.items()}
    logits = params["E"][torch.as_tensor(tokens)].mean(dim=1) @ params["W"] + params["b"]
    torch.nn.functional.cross_entropy(logits, torch.as_tensor(labels)).backward()
    diffs = {k: float(np.abs(manual[k] - params[k].grad.numpy()).max()) for k in manual}
    return GradientCheck(float(loss), diffs)
