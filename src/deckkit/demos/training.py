"""Sections D and E (and era 5): real training runs — healthy and broken loss curves, a live plot
that updates one figure in place, and the TextClassifier trained on generated text."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from . import render

# ---------------------------------------------------------------- loss curves (sections D, E)

def _blobs(torch, n: int, seed: int):
    """Three overlapping Gaussian blobs in 2-D: easy enough to learn, noisy enough to overfit."""
    g = torch.Generator().manual_seed(seed)
    centres = torch.tensor([[0.0, 2.0], [-1.8, -1.0], [1.8, -1.0]])
    y = torch.randint(0, 3, (n,), generator=g)
    x = centres[y] + 1.1 * torch.randn(n, 2, generator=g)
    return x, y


def _mlp(torch, dropout: float = 0.0, seed: int = 0):
    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Linear(2, 64), torch.nn.ReLU(), torch.nn.Dropout(dropout),
                               torch.nn.Linear(64, 3))


def _train(torch, data, lr: float, steps: int, zero_grad: bool = True, dropout: float = 0.0,
           val_in_train_mode: bool = False):
    """Mini-batch SGD; returns per-step train loss and per-step validation loss."""
    (xt, yt), (xv, yv) = data
    model = _mlp(torch, dropout)
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    g = torch.Generator().manual_seed(1)
    train, val = [], []
    for _ in range(steps):
        model.train()
        idx = torch.randint(0, len(xt), (64,), generator=g)
        if zero_grad:
            opt.zero_grad()                      # clear, then compute, then use
        loss = loss_fn(model(xt[idx]), yt[idx])
        loss.backward()
        opt.step()
        train.append(loss.item())
        if not val_in_train_mode:
            model.eval()                          # dropout off for evaluation
        with torch.no_grad():
            val.append(loss_fn(model(xv), yv).item())
    return train, val


@dataclass
class LossCurves:
    steps: int
    runs: dict[str, tuple[list[float], list[float]]]   # name -> (train, val)

    def final(self, name: str, which: int = 0) -> float:
        return self.runs[name][which][-1]

    def tail_mean(self, name: str) -> float:
        """Mean training loss over the last quarter: one step is too noisy to judge a run by."""
        train = self.runs[name][0][-max(self.steps // 4, 1):]
        return sum(train) / len(train)

    def diverged(self, name: str) -> bool:
        train = self.runs[name][0]
        return any(not math.isfinite(v) for v in train) or max(train) > 10 * train[0]

    def val_noise(self, name: str) -> float:
        """Mean absolute step-to-step change of the validation loss over the last half."""
        val = self.runs[name][1][self.steps // 2:]
        return sum(abs(a - b) for a, b in zip(val, val[1:])) / max(len(val) - 1, 1)

    def rows(self):
        verdicts = {"healthy": "smooth descent, train ≈ val",
                    "LR too low": "flat: barely moves",
                    "LR too high": "explodes / NaN",
                    "no zero_grad": "gradients pile up: erratic",
                    "dropout, val in train mode": "noisy validation curve"}
        out = []
        for name, (train, _val) in self.runs.items():
            last = train[-1]
            shown = "NaN" if not math.isfinite(last) else f"{last:.3f}"
            out.append([name, f"{train[0]:.3f}", shown, verdicts.get(name, "")])
        return out

    def _repr_html_(self) -> str:
        return render.side_by_side(
            render.table(["run", "first loss", "last loss", "what it looks like"], self.rows()),
            render.figure_png(self.chart()))

    def chart(self):
        fig, grid = render.new_figure(7.5, 5.2, ncols=2, nrows=2)
        axes = list(grid.flat)
        panels = [("Healthy", ["healthy"]), ("LR too low", ["LR too low", "healthy"]),
                  ("LR too high / no zero_grad", ["LR too high", "no zero_grad", "healthy"])]
        for ax, (title, names) in zip(axes, panels):
            for name in names:
                self._plot(ax, name, self.runs[name][0])
                if name == "healthy" and title == "Healthy":
                    ax.plot(self.runs[name][1], label="validation", lw=1.4, ls="--")
            ax.set_title(title, fontsize=10)
            ax.set_ylim(0, 3)
        ax = axes[3]
        start = self.steps // 10
        for name in ("dropout, val in eval mode", "dropout, val in train mode"):
            val = self.runs[name][1]
            ax.plot(range(start, len(val)), val[start:], lw=1.4,
                    label=name.replace("dropout, ", "") + " (val)")
        ax.set_title("Dropout: validate in eval()", fontsize=10)
        for i, ax in enumerate(axes):
            ax.set_xlabel("step")
            ax.legend(fontsize=7, loc="center right" if i == 2 else "best")
        axes[0].set_ylabel("cross-entropy")
        axes[2].set_ylabel("cross-entropy")
        fig.tight_layout()
        return fig

    @staticmethod
    def _plot(ax, name, series):
        finite = [v if math.isfinite(v) else float("nan") for v in series]
        (line,) = ax.plot([min(v, 2.95) for v in finite], label=name, lw=1.4)
        bad = next((i for i, v in enumerate(series) if not math.isfinite(v)), None)
        if bad is not None:
            ax.plot([bad], [2.9], "x", color=line.get_color(), ms=9, mew=2)
            ax.annotate(f"NaN from step {bad}", (bad, 2.9), (bad + 8, 2.55), fontsize=8,
                        color=line.get_color())


def loss_curves(steps: int = 150, n: int = 600, seed: int = 0) -> LossCurves:
    """Five real runs of one small classifier, each with one thing changed."""
    import torch

    x, y = _blobs(torch, 2 * n, seed)
    data = ((x[:n], y[:n]), (x[n:], y[n:]))
    runs = {
        "healthy": _train(torch, data, lr=0.1, steps=steps),
        "LR too low": _train(torch, data, lr=1e-4, steps=steps),
        "LR too high": _train(torch, data, lr=30.0, steps=steps),
        "no zero_grad": _train(torch, data, lr=0.1, steps=steps, zero_grad=False),
        "dropout, val in eval mode": _train(torch, data, lr=0.1, steps=steps, dropout=0.5),
        "dropout, val in train mode": _train(torch, data, lr=0.1, steps=steps, dropout=0.5,
                                             val_in_train_mode=True),
    }
    return LossCurves(steps, runs)


# ---------------------------------------------------------------- live plot: y = 2x + 10

@dataclass
class LiveFit:
    weight: float
    bias: float
    losses: list[float]

    def _repr_html_(self) -> str:
        return render.note(f"learned weight {self.weight:.3f} (target 2), bias {self.bias:.3f} "
                           f"(target 10), final loss {self.losses[-1]:.4f} after "
                           f"{len(self.losses)} epochs")


def live_fit(epochs: int = 120, lr: float = 0.1, every: int = 10, seed: int = 0,
             show: bool = True) -> LiveFit:
    """Fit y = 2x + 10 with nn.Linear, redrawing ONE figure in place every ``every`` epochs."""
    import torch

    torch.manual_seed(seed)
    x = torch.linspace(-2, 2, 64).unsqueeze(1)
    y = 2 * x + 10 + 0.3 * torch.randn_like(x)
    model = torch.nn.Linear(1, 1)
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = torch.nn.MSELoss()
    losses: list[float] = []
    plot = _LivePlot(x, y) if show else None
    for epoch in range(1, epochs + 1):
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
        if plot and (epoch % every == 0 or epoch == epochs):
            with torch.no_grad():
                plot.update(epoch, model(x), losses)
    if plot:
        plot.close()
    return LiveFit(model.weight.item(), model.bias.item(), losses)


class _LivePlot:
    """One matplotlib figure shown once and then updated through its display id."""

    def __init__(self, x, y):
        import matplotlib.pyplot as plt

        self.fig, (self.ax, self.ax_loss) = plt.subplots(1, 2, figsize=(9, 3.0))
        self.ax.scatter(x.squeeze().numpy(), y.squeeze().numpy(), s=10, color="#999")
        (self.line,) = self.ax.plot(x.squeeze().numpy(), [0] * len(x), color="#e45756", lw=2)
        self.ax.set_ylim(float(y.min()) - 2, float(y.max()) + 2)
        (self.loss_line,) = self.ax_loss.semilogy([1], [1])
        self.ax_loss.set_xlabel("epoch")
        self.ax_loss.set_title("loss")
        self.handle = None
        try:
            from IPython import get_ipython
            from IPython.display import display

            if get_ipython() is not None:
                self.handle = display(self.fig, display_id=True)
        except ImportError:
            pass

    def update(self, epoch, pred, losses):
        self.line.set_ydata(pred.squeeze().numpy())
        self.loss_line.set_data(range(1, len(losses) + 1), losses)
        self.ax_loss.relim()
        self.ax_loss.autoscale_view()
        self.ax.set_title(f"epoch {epoch}: fitting y = 2x + 10")
        if self.handle is not None:
            self.handle.update(self.fig)

    def close(self):
        import matplotlib.pyplot as plt

        plt.close(self.fig)


# ---------------------------------------------------------------- era 5: the TextClassifier

POSITIVE = ["good", "great", "love", "fun", "clear", "fast", "helpful", "brilliant"]
NEGATIVE = ["bad", "boring", "hate", "slow", "confusing", "broken", "awful", "dull"]
NEUTRAL = ["the", "a", "lecture", "model", "code", "was", "is", "very", "today", "and",
           "this", "loop", "tensor", "it", "really", "quite"]


def make_text_dataset(n: int, seed: int = 0, max_len: int = 12, label_noise: float = 0.05):
    """Generated reviews: label 1 when positive words outnumber negative ones, with a share of
    labels flipped (real labels are noisy too, so 100 % is not on offer).  Returns token ids
    padded with 0 to ``max_len``, labels, and the vocabulary (id 0 = <pad>)."""
    import random

    rng = random.Random(seed)
    vocab = ["<pad>"] + POSITIVE + NEGATIVE + NEUTRAL
    index = {w: i for i, w in enumerate(vocab)}
    rows, labels = [], []
    for _ in range(n):
        label = rng.random() < 0.5
        strong, weak = (POSITIVE, NEGATIVE) if label else (NEGATIVE, POSITIVE)
        k = rng.randint(1, 3)
        words = (rng.choices(strong, k=k + 1) + rng.choices(weak, k=rng.randint(0, k))
                 + rng.choices(NEUTRAL, k=rng.randint(2, max_len - 2 * k - 1)))
        rng.shuffle(words)
        ids = [index[w] for w in words][:max_len]
        rows.append(ids + [0] * (max_len - len(ids)))
        labels.append(int(label) ^ (rng.random() < label_noise))
    return rows, labels, vocab


def text_classifier_class():
    """The era-5 model, defined on first use so importing this module never imports torch."""
    import torch
    from torch import nn

    class TextClassifier(nn.Module):
        """tokens (B,T) → embedding (B,T,D) → mean over real tokens (B,D) → 64 → ReLU → C."""

        def __init__(self, vocab_size: int, dim: int = 32, classes: int = 2):
            super().__init__()
            self.embed = nn.Embedding(vocab_size, dim, padding_idx=0)
            self.head = nn.Sequential(nn.Linear(dim, 64), nn.ReLU(), nn.Linear(64, classes))

        def forward(self, tokens: torch.Tensor) -> torch.Tensor:
            mask = (tokens != 0).unsqueeze(-1).float()           # ignore <pad>
            pooled = (self.embed(tokens) * mask).sum(1) / mask.sum(1).clamp_min(1)
            return self.head(pooled)                              # logits, no softmax

    return TextClassifier


@dataclass
class TextClassifierResult:
    accuracy: float
    train_losses: list[float]
    epochs: int
    clip_norm: float
    accumulation: int
    device: str
    examples: list[tuple[str, int, int]] = field(default_factory=list)  # text, label, predicted

    def _repr_html_(self) -> str:
        rows = [[t, "positive" if y else "negative", "positive" if p else "negative"]
                for t, y, p in self.examples]
        return (render.table(["validation text", "label", "model says"], rows)
                + render.note(f"validation accuracy {self.accuracy:.1%} after {self.epochs} "
                              f"epochs on {self.device} · Adam · gradients clipped to norm "
                              f"{self.clip_norm:g} · {self.accumulation} batches accumulated "
                              "per step"))


def text_classifier_demo(epochs: int = 6, n_train: int = 2000, n_val: int = 500,
                         batch: int = 32, accumulation: int = 2, clip_norm: float = 1.0,
                         seed: int = 0, device: str | None = None) -> TextClassifierResult:
    """Train the TextClassifier with every one of the 7 jobs written out."""
    import torch
    from torch.utils.data import DataLoader, TensorDataset

    from .device import device_info

    dev = device or device_info().kind                         # job 1: tensors & device
    torch.manual_seed(seed)
    rows, labels, vocab = make_text_dataset(n_train + n_val, seed)
    x, y = torch.tensor(rows), torch.tensor(labels)
    train = DataLoader(TensorDataset(x[:n_train], y[:n_train]), batch_size=batch, shuffle=True)
    val = DataLoader(TensorDataset(x[n_train:], y[n_train:]), batch_size=256)  # job 6: no shuffle
    model = text_classifier_class()(len(vocab)).to(dev)
    loss_fn = torch.nn.CrossEntropyLoss()                      # job 3: expects raw logits
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)        # job 5: optimiser
    losses = []
    for _ in range(epochs):
        model.train()
        opt.zero_grad()
        for i, (xb, yb) in enumerate(train, 1):
            xb, yb = xb.to(dev), yb.to(dev)
            loss = loss_fn(model(xb), yb) / accumulation       # job 2: forward, job 3: loss
            loss.backward()                                    # job 4: gradients (they add up)
            if i % accumulation == 0:
                torch.nn.utils.clip_grad_norm_(model.parameters(), clip_norm)
                opt.step()
                opt.zero_grad()
            losses.append(loss.item() * accumulation)
    model.eval()                                               # job 7: evaluate
    correct, examples = 0, []
    with torch.no_grad():
        for xb, yb in val:
            pred = model(xb.to(dev)).argmax(1).cpu()
            correct += (pred == yb).sum().item()
            for ids, label, p in list(zip(xb, yb, pred))[: 4 - len(examples)]:
                text = " ".join(vocab[i] for i in ids.tolist() if i)
                examples.append((text, int(label), int(p)))
    return TextClassifierResult(correct / n_val, losses, epochs, clip_norm, accumulation, dev,
                                examples)
