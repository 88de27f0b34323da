"""Sections D and E (and era 5): real training runs — healthy and broken loss curves, the live
chart beside the annotated loop (one figure updated in place), and the TextClassifier trained
on generated text."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .. import palette
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


KNOBS = {  # what a run may change, and its value in a correct loop
    "lr": 0.1, "zero_grad": True, "dropout": 0.0, "eval_for_validation": True,
}

# In every panel the run to compare against is drawn in the palette's "healthy" green and the
# runs with a change in its "failing" vermillion, told apart by line style (and named in the
# legend): the colour means the same in every chart of the talk
FAILING_STYLES = ("-", (0, (5, 2)), ":")

# The six runs of section E: the same classifier, one change each
STANDARD_RUNS = {
    "healthy": {"lr": 0.1},
    "LR too low": {"lr": 1e-4},
    "LR too high": {"lr": 30.0},
    "no zero_grad": {"zero_grad": False},
    "dropout, eval()": {"dropout": 0.5},
    "dropout, no eval()": {"dropout": 0.5, "eval_for_validation": False},
}


def _train(torch, data, steps: int, lr: float = 0.1, zero_grad: bool = True,
           dropout: float = 0.0, eval_for_validation: bool = True):
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
        if eval_for_validation:
            model.eval()                          # dropout off for evaluation
        with torch.no_grad():
            val.append(loss_fn(model(xv), yv).item())
    model.eval()
    with torch.no_grad():   # after the last step, on every training point: set against val
        whole = loss_fn(model(xt), yt).item()
    return train, val, whole


def _shared_prefix(names) -> str:
    """"dropout, " for ["dropout, eval()", "dropout, no eval()"]: said once, on the axis."""
    heads = {n.split(", ", 1)[0] for n in names}
    if len(names) > 1 and len(heads) == 1 and all(", " in n for n in names):
        return heads.pop() + ", "
    return ""


def _change(settings: dict) -> str:
    """The run's settings as code, only where they differ from a correct loop."""
    parts = [f"{k}={v!r}" for k, v in settings.items() if KNOBS[k] != v]
    return ", ".join(parts) if parts else "none"


@dataclass
class LossCurves:
    steps: int
    runs: dict[str, tuple[list[float], list[float]]]   # name -> (train, val)
    settings: dict[str, dict] = field(default_factory=dict)  # name -> what the run changed
    # name -> loss on all training points after the last step (eval mode): the train column
    # is one mini-batch before each step, so this is what the validation loss compares with
    whole_train: dict[str, float] = field(default_factory=dict)

    @property
    def reference(self) -> str:
        """The run the others are compared with: the first one."""
        return next(iter(self.runs))

    def final(self, name: str, which: int = 0) -> float:
        return self.runs[name][which][-1]

    def _tail(self, series: list[float]) -> list[float]:
        return series[-max(self.steps // 4, 1):]

    def tail_mean(self, name: str, which: int = 0) -> float:
        """Mean loss over the last quarter of steps: one mini-batch is too noisy to judge by."""
        tail = self._tail(self.runs[name][which])
        return sum(tail) / len(tail)

    def diverged(self, name: str) -> bool:
        train = self.runs[name][0]
        return any(not math.isfinite(v) for v in train) or max(train) > 10 * train[0]

    def first_nan(self, name: str) -> int | None:
        return next((i for i, v in enumerate(self.runs[name][0]) if not math.isfinite(v)), None)

    def noise(self, name: str, which: int = 0) -> float:
        """Mean absolute step-to-step change of a loss over the last half of the run."""
        half = self.runs[name][which][self.steps // 2:]
        return sum(abs(a - b) for a, b in zip(half, half[1:])) / max(len(half) - 1, 1)

    def val_noise(self, name: str) -> float:
        return self.noise(name, 1)

    def verdict(self, name: str) -> str:
        """What the numbers say, in words, with the numbers it rests on."""
        train = self.runs[name][0]
        first = train[0]
        if self.diverged(name):
            bad = self.first_nan(name)
            return f"diverges: NaN from step {bad}" if bad is not None else "diverges: blows up"
        tail = self.tail_mean(name)
        if tail > 1.1 * first:
            return f"gets worse: {first:.2f} → {tail:.2f}"
        ref = self.closest(name)
        if ref is not None:
            jumps = self.noise(name) / max(self.noise(ref), 1e-12)
            if jumps > 3:
                return f"erratic: jumps {jumps:.0f}× more per step than {ref!r}"
        if tail > 0.8 * first:
            return f"flat: {first:.2f} → {tail:.2f}"
        if ref is not None:
            ratio = self.val_noise(name) / max(self.val_noise(ref), 1e-12)
            if ratio > 3:  # noise(): the mean step-to-step change, said in those words
                return (f"learns, but its validation loss jumps {ratio:.0f}× more per step "
                        f"than {ref!r} ({self.val_noise(name):.2g} vs "
                        f"{self.val_noise(ref):.2g})")
        return f"learns: {first:.2f} → {tail:.2f}, val {self.tail_mean(name, 1):.2f}"

    def val_below_train(self) -> str:
        """Why the reference run's validation loss ends below its training loss, measured:
        the training column is a mini-batch before each step, so compare with the loss on
        every training point after the last step.  "" when validation is not below."""
        ref = self.reference
        train, val = self.tail_mean(ref), self.tail_mean(ref, 1)
        whole = self.whole_train.get(ref)
        if not (round(val, 2) < round(train, 2)) or whole is None or not math.isfinite(whole):
            return ""   # not below, or not so anyone could see it in the table
        if whole > val:
            return (f"{ref}: val {val:.2f} < train {train:.2f} because the held-out points "
                    f"are easier in this draw (all training points after the last step: "
                    f"{whole:.2f})")
        return (f"{ref}: val {val:.2f} < train {train:.2f} because train is measured before "
                f"each step (all training points after the last step: {whole:.2f})")

    def closest(self, name: str) -> str | None:
        """The other run that differs from ``name`` in the fewest settings and did not
        diverge: what its noise is measured against (ties: the earlier run)."""
        mine = self.settings.get(name, {})
        others = [m for m in self.runs if m != name and not self.diverged(m)]
        if not others:
            return None
        return min(others, key=lambda m: sum(mine.get(k) != self.settings.get(m, {}).get(k)
                                             for k in KNOBS))

    def headline(self) -> str:
        clean = [n for n in self.runs if self.verdict(n).startswith("learns:")]
        return (f"{len(clean)} of {len(self.runs)} runs learn cleanly"
                + (f": {'; '.join(clean)}" if clean else ""))

    def rows(self):
        out = []
        for name, (train, val) in self.runs.items():
            tail = "NaN" if self.diverged(name) and self.first_nan(name) is not None \
                else f"{self.tail_mean(name):.2f}"
            val_tail = "NaN" if not math.isfinite(val[-1]) else f"{self.tail_mean(name, 1):.2f}"
            out.append([name, _change(self.settings.get(name, {})), f"{train[0]:.2f}", tail,
                        val_tail, self.verdict(name)])
        return out

    def _repr_html_(self) -> str:
        """The table: each run, its one change, and the numbers behind the verdict."""
        note = (f"train and val: mean over the last {max(self.steps // 4, 1)} of {self.steps} "
                "steps · mini-batches of 64 · validation loss on held-out points after every "
                "step")
        why = self.val_below_train()
        if why:
            note += f" · {why}"
        return (render.table(["run", "the change", "train loss, start", "train loss, end",
                              "val loss, end", "what the numbers say"], self.rows(), readable=True)
                + render.note(note))

    def chart_html(self) -> render.Html:
        """The chart alone, as the slide shows it (alt text: each run's verdict in words)."""
        return render.Html(render.figure_png(self.chart(), self.alt_text()))

    @staticmethod
    def role(position: int) -> str:
        """The palette role of the run drawn ``position``-th in a panel: the first is the one
        to compare against."""
        return "healthy" if position == 0 else "failing"

    def panels(self):
        """(title, runs to draw, which series) per panel; only runs that exist."""
        names = list(self.runs)
        ref = self.reference
        broken = [n for n in names[1:] if self.verdict(n).startswith(("diverges", "gets worse",
                                                                        "erratic", "flat"))]
        noisy = [n for n in names[1:] if "jumps" in self.verdict(n)
                 and self.verdict(n).startswith("learns")]
        panels = [(f"{ref}: train and validation", [ref], "both")]
        slow = [n for n in broken if self.verdict(n).startswith("flat")]
        wild = [n for n in broken if n not in slow]
        if slow:
            panels.append((" · ".join(slow), [ref, *slow], "train"))
        if wild:
            panels.append((" · ".join(wild), [ref, *wild], "train"))
        for n in noisy:
            panels.append((f"{n}: validation", [self.closest(n) or ref, n], "val"))
        return panels

    def alt_text(self) -> str:
        parts = [f"{n} ({_change(self.settings.get(n, {}))}): {self.verdict(n)}"
                 for n in self.runs]
        return (f"Loss curves of {len(self.runs)} training runs of the same classifier over "
                f"{self.steps} steps. " + "; ".join(parts) + ".")

    def chart(self):

        with render.style(15):  # ≥ 18 px as shown on a slide
            return self._chart()

    def _chart(self):
        panels = self.panels()
        cols = 2 if len(panels) > 1 else 1
        rows = math.ceil(len(panels) / cols)
        fig, grid = render.new_figure(10.0, 2.63 * rows, ncols=cols, nrows=rows)
        axes = list(getattr(grid, "flat", [grid]))
        for ax, (_title, names, which) in zip(axes, panels):
            top = self._panel_top(names, which)
            shared = _shared_prefix(names) if which == "val" else ""
            for position, name in enumerate(names):
                train, val = self.runs[name]
                role = self.role(position)
                ls = FAILING_STYLES[(position - 1) % len(FAILING_STYLES)] if position else "-"
                if which in ("train", "both"):
                    self._plot(ax, f"{name}, train" if which == "both" else name, train,
                               role, top, ls=ls)
                if which in ("val", "both"):
                    label = f"{name}, val" if which == "both" else name[len(shared):]
                    self._plot(ax, label, val, role, top, ls="--" if which == "both" else ls)
            if which == "val":  # the noise is the point: look past the first drop
                start = self.steps // 10
                tail = [v for n in names for v in self.runs[n][1][start:] if math.isfinite(v)]
                ax.set_xlim(start, self.steps)
                ax.set_ylim(0.9 * min(tail), 1.1 * max(tail))
            else:
                ax.set_ylim(0, top)
            ax.set_xlabel(f"step · both runs: {shared[:-2]}" if shared else "step")
            ax.set_ylabel({"train": "training loss", "val": "val. loss"}.get(which, "loss"))
            # the legend is the panel's title: above the axes, never over a curve
            ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncol=len(ax.get_lines()) - (1 if any(
                          self.first_nan(n) is not None for n in names) else 0),
                      frameon=False, fontsize=15, handlelength=1.0, columnspacing=0.8, handletextpad=0.4,
                      borderaxespad=0.2)
        for ax in axes[len(panels):]:
            ax.set_visible(False)
        # fixed margins, not tight_layout: a legend may run past its axes into the gap,
        # which tight_layout would pay for by shrinking every plot
        fig.subplots_adjust(left=0.08, right=0.98, top=0.88, bottom=0.12, hspace=0.8,
                            wspace=0.3)
        return fig

    def _panel_top(self, names, which) -> float:
        """The panel's y-limit: the largest finite loss it draws of runs that did not diverge
        (a diverged run is drawn to the top and marked)."""
        values = []
        for name in names:
            train, val = self.runs[name]
            if not self.diverged(name):
                values += {"train": train, "val": val, "both": train + val}[which]
        values = [v for v in values if math.isfinite(v)]
        return 1.08 * max(values or [1.0])

    @staticmethod
    def _plot(ax, label, series, role, top, ls="-"):
        colour = palette.colour(role)
        finite = [v if math.isfinite(v) else float("nan") for v in series]
        ax.plot([min(v, 0.98 * top) for v in finite], label=label, lw=2, color=colour, ls=ls)
        bad = next((i for i, v in enumerate(series) if not math.isfinite(v)), None)
        if bad is not None:
            ax.plot([bad], [0.96 * top], "x", color=colour, ms=10, mew=2.5)
            ax.annotate(f"NaN from step {bad}", (bad, 0.96 * top), (bad + 4, 0.86 * top),
                        fontsize=15, color=palette.ink(role), va="top",
                        bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})


def train_runs(changes: dict[str, dict], steps: int = 150, n: int = 600,
               seed: int = 0) -> LossCurves:
    """Train the same small classifier once per entry of ``changes`` (run name -> settings
    that differ from a correct loop: lr, zero_grad, dropout, eval_for_validation) and record
    the training and validation loss of every step.  The first run is the reference."""
    import torch

    if not changes:
        raise ValueError("train_runs needs at least one run, e.g. {'healthy': {'lr': 0.1}}")
    for name, settings in changes.items():
        unknown = sorted(set(settings) - set(KNOBS))
        if unknown:
            raise ValueError(f"run {name!r}: unknown setting {', '.join(unknown)}; "
                             f"a run may change {', '.join(KNOBS)}")
    x, y = _blobs(torch, 2 * n, seed)
    data = ((x[:n], y[:n]), (x[n:], y[n:]))
    full = {name: {**KNOBS, **settings} for name, settings in changes.items()}
    trained = {name: _train(torch, data, steps, **settings) for name, settings in full.items()}
    runs = {name: (train, val) for name, (train, val, _) in trained.items()}
    whole = {name: last for name, (_, _, last) in trained.items()}
    return LossCurves(steps, runs, full, whole)


def loss_curves(steps: int = 150, n: int = 600, seed: int = 0) -> LossCurves:
    """Section E's six runs (STANDARD_RUNS): healthy, and five with one thing changed."""
    return train_runs(STANDARD_RUNS, steps, n, seed)


# ---------------------------------------------------------------- live plot: y = 2x + 10

class LivePlot:
    """The chart beside section E's annotated loop: the points, the model's line and the loss so
    far.  The loop calls ``update(epoch, model, loss)`` after each step; every ``every`` epochs
    the chart is redrawn IN PLACE (one output, replaced through its display id), each frame a
    PNG with an alt text that says where the fit stands.  Outside Jupyter it draws the frames
    and keeps the last one (``html``), so a script or a test pays what a deck pays."""

    def __init__(self, x, y, every: int = 10, target: str = "y = 2x + 10"):
        from matplotlib.figure import Figure  # not pyplot: Jupyter must not show it a 2nd time
        from matplotlib.ticker import MaxNLocator

        if every < 1:
            raise ValueError(f"every must be at least 1 epoch, not {every}")
        self.x, self.y, self.every, self.target = x.detach(), y.detach(), every, target
        self.losses: list[float] = []
        self.frames = 0
        xs, ys = self.x.squeeze().numpy(), y.detach().squeeze().numpy()
        self.fig = Figure(figsize=(4.2, 4.6))  # its text stays ≥ 18 px beside code on 4:3
        self.ax, self.ax_loss = self.fig.subplots(2, 1)
        for ax in (self.ax, self.ax_loss):
            ax.tick_params(labelsize=15)
        palette.use_mpl_style()
        self.ax.scatter(xs, ys, s=14, color=palette.colour("neutral"))
        # the model's line is PyTorch's (the loop is torch code); the loss is the reference
        (self.line,) = self.ax.plot(xs, [float(ys.mean())] * len(xs),
                                    color=palette.colour("pytorch"), lw=2.5)
        self.ax.set_ylim(float(ys.min()) - 2, float(ys.max()) + 2)
        self.ax.xaxis.set_major_locator(MaxNLocator(5, integer=True))  # labels never touch
        self.ax.set_xlabel("x", fontsize=15, labelpad=0)
        self.ax.set_ylabel("y", fontsize=15)
        (self.loss_line,) = self.ax_loss.semilogy([1], [1], color=palette.colour("healthy"),
                                                  lw=2.5)
        self.ax_loss.set_xlabel("epoch", fontsize=15, labelpad=0)
        self.ax_loss.set_ylabel("loss (log)", fontsize=15)
        self.ax.set_title(f"epoch 0: fitting {target}", fontsize=15)
        self.fig.tight_layout(pad=0.4)  # once: every frame keeps this layout (and its cost)
        self.alt = "The fit has not started."
        self.html = ""
        self.handle = None
        try:
            from IPython import get_ipython
            from IPython.display import display

            if get_ipython() is not None:
                self.handle = display(render.Html(self._frame()), display_id=True)
        except ImportError:
            pass

    def update(self, epoch: int, model, loss) -> None:
        """Record this epoch's loss; redraw on every ``every``-th epoch."""
        self.losses.append(loss.item() if hasattr(loss, "item") else float(loss))
        if epoch % self.every == 0:
            self.draw(epoch, model)

    def draw(self, epoch: int, model) -> None:
        import torch

        if not self.losses:
            raise ValueError("LivePlot.draw: call update(epoch, model, loss) first")
        with torch.no_grad():
            pred = model(self.x)
        self.line.set_ydata(pred.squeeze().numpy())
        self.loss_line.set_data(range(1, len(self.losses) + 1), self.losses)
        self.ax_loss.relim()
        self.ax_loss.autoscale_view()
        self.ax.set_title(f"epoch {epoch}: fitting {self.target}", fontsize=15)
        params = [p.detach().flatten() for p in model.parameters()]
        line = (f"the model's line is y = {params[0][0]:.2f}x + {params[1][0]:.2f}"
                if len(params) == 2 and all(p.numel() == 1 for p in params)
                else "the model's line is drawn over them")
        self.alt = (f"Two charts after epoch {epoch}. Top: {len(self.x)} noisy points along "
                    f"{self.target}; {line}. Bottom: the loss per epoch on a log scale, from "
                    f"{self.losses[0]:.3g} to {self.losses[-1]:.3g}.")
        self.html = self._frame()
        self.frames += 1
        if self.handle is not None:
            self.handle.update(render.Html(self.html))

    def _frame(self) -> str:
        return render.figure_png(self.fig, self.alt, close=False, tight=False,
                                 kind="deckkit-live-plot")

    def residuals(self, model, noise: float) -> render.Html:
        """Why the loss stops where it does, drawn after the loop: top, each point's gap to the
        model's line (what no line can predict); bottom, the loss per epoch meeting ``noise``,
        the variance of the noise in the data (σ²), drawn as a floor.  Returns the chart (a
        notebook shows it; a script reads it as a string)."""
        import torch
        from matplotlib.figure import Figure
        from matplotlib.ticker import MaxNLocator

        if not self.losses:
            raise ValueError("LivePlot.residuals: run the loop (update) first")
        if not noise > 0:
            raise ValueError(f"noise is a variance (σ²) and must be above 0, not {noise}")
        with torch.no_grad():
            pred = model(self.x).squeeze().numpy()
        xs, ys = self.x.squeeze().numpy(), self.y.squeeze().numpy()
        mse = float(((ys - pred) ** 2).mean())
        palette.use_mpl_style()
        fig = Figure(figsize=(4.2, 4.1))   # a line of text fits under it on the slide
        top, bottom = fig.subplots(2, 1)
        for ax in (top, bottom):
            ax.tick_params(labelsize=15)
        gaps, sigma = ys - pred, math.sqrt(noise)
        within = float((abs(gaps) <= sigma).mean())
        top.axhline(0, color=palette.colour("pytorch"), lw=2.5)  # the model's line, flattened
        top.vlines(xs, 0, gaps, color=palette.colour("neutral"), lw=1.2)
        top.scatter(xs, gaps, s=14, color=palette.colour("neutral"), zorder=3)
        for level in (sigma, -sigma):
            top.axhline(level, color=palette.MUTED, lw=1.5, ls="--")
        top.text(xs[-1], -4.3 * sigma, f"dashed: ±σ = {sigma:.1f}", ha="right", va="bottom",
                 fontsize=15, color=palette.MUTED,
                 bbox={"facecolor": palette.WHITE, "edgecolor": "none", "pad": 1})
        top.set_ylim(-4.4 * sigma, 3.3 * sigma)
        top.set_yticks([round(-2 * sigma, 1), 0, round(2 * sigma, 1)])
        top.xaxis.set_major_locator(MaxNLocator(5, integer=True))
        top.set_xlabel("x", fontsize=15, labelpad=0)
        top.set_ylabel("y − line", fontsize=15)
        top.set_title(f"left over: mean square {mse:.3f}", fontsize=15)
        epochs = range(1, len(self.losses) + 1)
        bottom.semilogy(epochs, self.losses, color=palette.colour("healthy"), lw=2.5)
        bottom.axhline(noise, color=palette.MUTED, lw=2, ls="--")
        bottom.text(len(self.losses), noise * 1.6, f"σ² = {noise:.2f}", ha="right",
                    va="bottom", fontsize=15, color=palette.MUTED)
        bottom.set_xlabel("epoch", fontsize=15, labelpad=0)
        bottom.set_ylabel("loss (log)", fontsize=15)
        fig.tight_layout(pad=0.4)
        alt = (f"Two charts. Top: each of the {len(xs)} points' gap to the model's line, "
               f"scattered around zero, {within:.0%} of them within ±σ = {sigma:.1f}; the "
               f"mean of the squared gaps is {mse:.3f}. Bottom: the loss per epoch on a log "
               f"scale, from {self.losses[0]:.3g} down to {self.losses[-1]:.3g}, flattening "
               f"on a dashed floor at the noise's variance, σ² = {noise:.2f}.")
        # the live plot's class: RISE lays the cell out as the loop's, code left, chart right
        return render.Html(render.figure_png(fig, alt, close=False, kind="deckkit-live-plot"))


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
