"""Live demos the decks call: one call each, returning a result that renders in Jupyter
(a small table and a chart) and keeps its numbers as attributes.

torch is imported lazily, inside each demo; nothing here imports deckkit's build code.
"""

from __future__ import annotations

from importlib import import_module

_EXPORTS = {
    "device_info": "device", "prepare": "device",
    "measure": "timing", "compare": "timing", "same_threads": "timing",
    "vectorisation": "vectorise", "dot_race": "vectorise", "python_dot": "vectorise",
    "copy_cost": "transfer",
    "manual_gradients_check": "autograd", "check_against_autograd": "autograd",
    "compile_demo": "compiled", "compile_race": "compiled", "warmup": "compiled",
    "preload": "compiled", "graph_breaks": "compiled",
    "loss_curves": "training", "train_runs": "training", "LivePlot": "training",
    "text_classifier_demo": "training",
}

__all__ = sorted(_EXPORTS)

# What the demos import lazily (prepare() among them; its first optimiser imports Dynamo, a
# second or more): a kernel that deckkit starts ahead of a deck importing this package imports
# these too while it waits for the deck's turn (read from this file, not imported: keep it a
# tuple of names).
PRELOAD_MODULES = ("numpy", "torch", "torch.optim", "torch._dynamo", "matplotlib.pyplot")


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module 'deckkit.demos' has no attribute {name!r}")
