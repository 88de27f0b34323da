#!/usr/bin/env bash
# The GPU check, prepared for a lent device machine (the `device` tool), run from the repository
# root there in one call, e.g. with timeout_s=480:
#     bash benchmarks/gpu_check.sh
# It needs only what that machine's image holds (torch with CUDA, numpy, matplotlib,
# threadpoolctl, pytest); deckkit itself is used from src/ without installing it.
# Results land in $OUT (the device tool brings them back): gpu.txt, tests.txt, demos.json,
# crossover.txt. Record the GPU figures in README.md's benchmark section.
set -uo pipefail
export PYTHONPATH=src PYTHONUNBUFFERED=1 TORCHINDUCTOR_CACHE_DIR=/tmp/deckkit-inductor
OUT=${OUT:-/tmp/deckkit-gpu-check}
mkdir -p "$OUT"

(nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv || echo "no nvidia-smi") \
    | tee "$OUT/gpu.txt"
python3 -c "import torch; print('torch', torch.__version__, 'cuda', torch.version.cuda,
      'available', torch.cuda.is_available())" | tee -a "$OUT/gpu.txt"

# The demo tests, GPU-marked ones included (they skip only without CUDA).
python3 -m pytest -q -p no:cacheprovider -p no:deckkit -o addopts="" tests/demos/test_device.py \
    tests/demos/test_vectorise.py tests/demos/test_timing.py tests/demos/test_autograd.py \
    tests/demos/test_compiled.py tests/demos/test_training.py 2>&1 | tee "$OUT/tests.txt"

# Every demo at full size, each in a fresh process, as the benchmark prints it.
python3 benchmarks/demos.py 2>&1 | tee "$OUT/demos.json"

# The CPU <-> GPU crossover of the vectorisation demo, copies included.
python3 - <<'PY' 2>&1 | tee "$OUT/crossover.txt"
from deckkit.demos import vectorisation

r = vectorisation()
print(r.banner)
print(r.headline())
for row in r.rows():
    print(" | ".join(row))
print("gpu_bandwidth_fraction", r.gpu_bandwidth_fraction)
print("n, CPU s, GPU s incl. copy")
for n, cpu, gpu in r.crossover:
    print(f"{n:>10} {cpu:.2e} {gpu:.2e} {'GPU' if gpu < cpu else 'CPU'} wins")
PY
