#!/usr/bin/env bash
# The GPU check, prepared for a lent device machine (the `device` tool), run from the repository
# root there in one call, e.g. with timeout_s=480:
#     bash benchmarks/gpu_check.sh
# It needs only what that machine's image holds (torch with CUDA, numpy, matplotlib,
# threadpoolctl, pytest); deckkit itself is used from src/ without installing it.
# Results land in $OUT (the device tool brings them back): gpu.txt, cells.json, cells.html,
# fork.json, tests.txt, demos.json, crossover.txt, compile.txt. Each step has its own time limit and
# writes as it goes, so a step that hangs still leaves the others' results. Record the GPU
# figures in README.md's benchmark section.
set -uo pipefail
export PYTHONPATH=src PYTHONUNBUFFERED=1 TORCHINDUCTOR_CACHE_DIR=/tmp/deckkit-inductor
OUT=${OUT:-/tmp/deckkit-gpu-check}
mkdir -p "$OUT"

(nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv || echo "no nvidia-smi") \
    | tee "$OUT/gpu.txt"
python3 -c "import torch; print('torch', torch.__version__, 'cuda', torch.version.cuda,
      'available', torch.cuda.is_available())" | tee -a "$OUT/gpu.txt"

# Every deck's code cells as plain Python (no Jupyter there), outputs on one page to look at.
timeout 300 python3 benchmarks/deck_cells.py --html "$OUT/cells.html" > "$OUT/cells.json" \
    2> >(tee -a "$OUT/cells.json" >&2)
echo "deck cells: exit $?" | tee -a "$OUT/gpu.txt"

# Kernels forked from a warm process leave CUDA usable in each deck's kernel (fork.py).
timeout 120 python3 benchmarks/fork_cuda.py 2>&1 | tee "$OUT/fork.json"

# The demo tests, GPU-marked ones included (they skip only without CUDA).
timeout 240 python3 -m pytest -q -p no:cacheprovider -p no:deckkit -o addopts="" tests/demos/test_device.py \
    tests/demos/test_vectorise.py tests/demos/test_timing.py tests/demos/test_autograd.py \
    tests/demos/test_compiled.py tests/demos/test_training.py \
    tests/demos/test_transfer.py 2>&1 | tee "$OUT/tests.txt"

# Every demo at full size, each in a fresh process, as the benchmark prints it.
timeout 300 python3 benchmarks/demos.py 2>&1 | tee "$OUT/demos.json"

# The CPU <-> GPU crossover of the vectorisation demo, copies included.
timeout 120 python3 - <<'PY' 2>&1 | tee "$OUT/crossover.txt"
from deckkit.demos import vectorisation

r = vectorisation()
print(r.banner)
print(r.headline())
for row in r.rows():
    print(" | ".join(row))
print("gpu_bandwidth_fraction", r.gpu_bandwidth_fraction)

from deckkit.demos import copy_cost

cost = copy_cost()
print(cost.headline())
for name, cross in (("dot (float64)", cost.dot), ("matmul (float32, n x n)", cost.matmul)):
    print(f"{name}: n, CPU s, GPU s incl. copies both ways")
    for n, cpu, gpu in zip(cross.sizes, cross.cpu_s, cross.gpu_s):
        print(f"{n:>10} {cpu:.2e} {gpu:.2e} {'GPU' if gpu < cpu else 'CPU'} wins")
print("matmul_crossover_n", cost.matmul_crossover_n)
PY

# Era 6 on CUDA: why the small model does not gain, and what does (reduce-overhead).
timeout 180 python3 - <<'PY' 2>&1 | tee "$OUT/compile.txt"
import re
from deckkit.demos import compile_demo

r = compile_demo()
print(re.sub(r"<[^>]+>", " ", r._repr_html_()))
PY
