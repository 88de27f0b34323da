"""Kernels forked from a warm process, on a CUDA machine (part of gpu_check.sh).

A build forks each deck's kernel from a process that has imported what the decks share
(deckkit/execution/fork.py).  CUDA cannot be used in a child forked from a process that has
initialised it, so this checks that those imports leave CUDA alone: it imports the same modules
as the build's forks, then forks children that put a tensor on the GPU, one of them compiling a
function there.  For contrast it also forks after the parent has asked torch.cuda whether a GPU
is there, which is what the fork must never do.  Prints one JSON object.

    python3 benchmarks/fork_cuda.py

Needs only torch (and numpy, matplotlib) with deckkit on PYTHONPATH=src: no Jupyter."""

from __future__ import annotations

import importlib
import json
import os
import sys
import traceback

from deckkit.execution.fork import declared_preloads, forkable

# what the decks import (imported_modules of decks D, E, F, H, J, K), as a build's forks see it
DECK_IMPORTS = ("deckkit.demos", "numpy", "torch", "deckkit.demos.training", "torch.utils.data")


def in_child(work) -> dict:
    """Run ``work`` in a forked child; its result or its error."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            result = {"ok": True, **work()}
        except BaseException as exc:  # noqa: BLE001
            result = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300],
                      "where": traceback.format_exc().splitlines()[-3:]}
        os.write(write, json.dumps(result).encode())
        os._exit(0)
    os.close(write)
    chunks = []
    while chunk := os.read(read, 65536):
        chunks.append(chunk)
    os.waitpid(pid, 0)
    return json.loads(b"".join(chunks) or b"{}")


def on_gpu() -> dict:
    import torch

    x = torch.arange(1000, device="cuda", dtype=torch.float32)
    return {"sum": (x * 2).sum().item(), "device": torch.cuda.get_device_name()}


def compiled_on_gpu() -> dict:
    import torch

    f = torch.compile(lambda t: torch.relu(t * 1.5 - 3.0) + 1.0)
    x = torch.arange(1000, device="cuda", dtype=torch.float32)
    return {"sum": f(x).sum().item()}


def main() -> None:
    wanted = list(DECK_IMPORTS)
    wanted += [m for name in DECK_IMPORTS for m in declared_preloads(name)]
    modules = forkable(dict.fromkeys(wanted))
    for name in modules:
        importlib.import_module(name)
    import torch

    report = {"torch": torch.__version__, "imported": list(modules),
              "parent_cuda_initialized_after_imports": torch.cuda.is_initialized(),
              "child": in_child(on_gpu), "child_compiles": in_child(compiled_on_gpu)}
    report["parent_asks_is_available"] = torch.cuda.is_available()
    report["child_after_parent_asked"] = in_child(on_gpu)
    print(json.dumps(report, indent=2))
    sys.exit(0 if report["child"].get("ok") and report["child_compiles"].get("ok") else 1)


if __name__ == "__main__":
    main()
