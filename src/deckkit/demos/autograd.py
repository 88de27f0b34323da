"""Era 4 (section H): requires_grad presses Record, backward() presses Rewind — and era 1's
hand-derived NumPy gradients checked against autograd."""

from __future__ import annotations

from dataclasses import dataclass

from . import render


@dataclass
class RequiresGradResult:
    w: float
    x: float
    y: float
    dy_dw: float
    chain: list[str]                # grad_fn names from y back to the leaf
    grads: tuple[float, float, float]  # after 1st backward, 2nd without zeroing, after zeroing
    no_grad_tracks: bool            # does a result computed under no_grad require grad?
    detach_tracks: bool

    def _repr_html_(self) -> str:
        rows = [
            ["y = w·x + 1", f"w={self.w:g}, x={self.x:g}", f"y = {self.y:g}"],
            ["y.backward()", "dy/dw should be x", f"w.grad = {self.dy_dw:g}"],
            ["y.grad_fn chain", "recorded while y was computed", " → ".join(self.chain)],
            ["(3w)² backward", "first time", f"w.grad = {self.grads[0]:g}"],
            ["(3w)² backward again", "no zero_grad: gradients add up", f"w.grad = {self.grads[1]:g}"],
            ["w.grad.zero_(), backward", "the fix", f"w.grad = {self.grads[2]:g}"],
            ["with torch.no_grad():", "nothing recorded", f"requires_grad = {self.no_grad_tracks}"],
            ["w.detach()", "cut from the record", f"requires_grad = {self.detach_tracks}"],
        ]
        return render.table(["step", "what happens", "result"], rows)


def requires_grad_demo(w: float = 3.0, x: float = 2.0) -> RequiresGradResult:
    import torch

    wt = torch.tensor(w, requires_grad=True)   # press Record
    y = wt * x + 1
    chain, fn = [], y.grad_fn
    while fn is not None:
        chain.append(type(fn).__name__)
        fn = next((f for f, _ in fn.next_functions if f is not None), None)
    y.backward()                               # press Rewind
    dy_dw = wt.grad.item()

    v = torch.tensor(1.0, requires_grad=True)
    grads = []
    ((v * 3) ** 2).backward()
    grads.append(v.grad.item())                # 18
    ((v * 3) ** 2).backward()
    grads.append(v.grad.item())                # 36: accumulated
    v.grad.zero_()
    ((v * 3) ** 2).backward()
    grads.append(v.grad.item())                # 18 again

    with torch.no_grad():
        frozen = wt * x
    return RequiresGradResult(w, x, y.item(), dy_dw, chain, tuple(grads),
                              frozen.requires_grad, wt.detach().requires_grad)


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
