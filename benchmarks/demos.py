"""Run every live demo at full size, each in a fresh process (as in a freshly started kernel,
after the deck's hidden set-up cell), and print one JSON object with the headline numbers and
wall times.

    .venv/bin/python benchmarks/demos.py

Targets on the 2-core CPU, idle and loaded: dot_speedup_vs_loop >= 100 (one thread on both
sides), dot_bandwidth_fraction in [0.8, 1.05], compile_speedup_pointwise >= 5, every demo <= 2 s,
the compile demo <= 3 s with a warm cache.  On a GPU it adds gpu_bandwidth_fraction (torch.dot
against a device copy), dot_crossover_n and matmul_crossover_n (copies both ways included; None:
the CPU won at every size) and compile_speedup_mlp_reduce_overhead (CUDA graphs).
"Loaded" runs section F's race again beside one CPU-bound process (a busy laptop: a browser,
a sync client) and reports the *_loaded keys.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time

DEMOS = ["vectorisation", "copy_cost", "manual_gradients_check", "loss_curves",
         "annotated_loop", "text_classifier_demo", "compile_demo"]


def deck_cell(deck: str, key: str) -> str:
    """The source of the code cell right after slide ``key`` in decks/``deck``: what the
    slide shows is what is timed."""
    from pathlib import Path

    # plain JSON, not nbformat: the GPU machine's image has no Jupyter
    nb = json.loads((Path(__file__).resolve().parents[1] / "decks" / deck).read_text("utf-8"))
    keys = [c["metadata"].get("deckkit", {}).get("key") for c in nb["cells"]]
    source = nb["cells"][keys.index(key) + 1]["source"]
    return source if isinstance(source, str) else "".join(source)


def run_one(name: str) -> dict:
    import torch  # noqa: F401  (imported before the clock starts, as in a deck's first cell)

    from deckkit import demos
    from deckkit.demos.compiled import why

    if name == "annotated_loop":  # deck E's loop and its live chart, as on the slide
        source = deck_cell("E_training_loop.ipynb", "e-loop")
        fn = lambda: exec(source, {"__name__": "__deck__"})  # noqa: E731
    else:
        fn = getattr(demos, name)
    # what the deck's hidden set-up cell does before any live cell: prepare() (torch, the first
    # optimiser, Matplotlib), and preload() in deck H (Dynamo and Inductor)
    start = time.perf_counter()
    demos.prepare()
    prepare_s = time.perf_counter() - start
    preload_s = demos.preload() if name == "compile_demo" else 0.0
    start = time.perf_counter()
    result = fn()
    out = {"wall_s": time.perf_counter() - start, "device": demos.device_info().kind,
           "prepare_s": prepare_s}
    if name == "vectorisation":
        out |= {"dot_speedup_vs_loop": result.speedup,
                "dot_speedup_vs_loop_all_cores": result.speedup_all_cores,
                "dot_bandwidth_fraction": result.bandwidth_fraction,
                "memory_ceiling_gbs": result.ceiling.best_gbs,
                "memory_kernels_gbs": {k: round(v, 1) for k, v in result.ceiling.gbs.items()},
                "demo_says_noisy": result.noisy,
                "matmul_gflops_numpy": result.matmul_gflops_numpy,
                "matmul_gflops_torch": result.matmul_gflops_torch}
        if result.gpu_bandwidth_fraction is not None:
            out |= {"gpu_bandwidth_fraction": result.gpu_bandwidth_fraction,
                    "gpu_dot_gbs": result.gpu_dot_gbs, "gpu_copy_gbs": result.gpu_copy_gbs}
    if name == "copy_cost":
        out["copy_cost_measured"] = result.measured  # False: no GPU, recorded figures shown
        if result.measured:
            out |= {"dot_crossover_n": result.dot.crossover_n,
                    "matmul_crossover_n": result.matmul_crossover_n,
                    "matmul_cpu_vs_gpu_incl_copies_s": {
                        n: [round(c, 6), round(g, 6)] for n, c, g in zip(
                            result.matmul.sizes, result.matmul.cpu_s, result.matmul.gpu_s)}}
    if name == "compile_demo":
        out["compiled"] = result.compiled
        out["preload_s"] = preload_s
        if result.compiled:
            pw = result.workload("pointwise chain")
            mlp = result.workload("small MLP (matmul-bound)")
            out |= {"compile_speedup_pointwise": pw.speedup.ratio,
                    "compile_speedup_mlp": mlp.speedup.ratio,
                    "compile_reasons": {
                        w.name: f"{w.verdict()}: {why(w.name, result.device, w.verdict())}"
                        for w in result.workloads},
                    "compile_first_call_s": pw.first_call_s,
                    "outputs_equal": all(w.outputs_equal for w in result.workloads)}
            if len(result.workloads) > 2:
                out["compile_speedup_mlp_reduce_overhead"] = result.workloads[2].speedup.ratio
    if name == "text_classifier_demo":
        out["accuracy"] = result.accuracy
    return out


def spawn(name: str, env: dict | None = None) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--one", name], capture_output=True,
                          text=True, env=env, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"demo {name} failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def loaded(name: str) -> dict:
    """``name`` again, beside one CPU-bound process for its whole run."""
    burner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(0.5)
        return spawn(name)
    finally:
        burner.kill()
        burner.wait()


def main() -> None:
    report: dict = {"wall_s": {}}
    busy = loaded("vectorisation")
    report["dot_speedup_vs_loop_loaded"] = busy["dot_speedup_vs_loop"]
    report["dot_bandwidth_fraction_loaded"] = busy["dot_bandwidth_fraction"]
    report["demo_says_noisy_loaded"] = busy["demo_says_noisy"]
    report["wall_s"]["vectorisation_loaded"] = round(busy["wall_s"], 3)
    busy.pop("prepare_s")
    for name in DEMOS[:-1]:
        one = spawn(name)
        report["wall_s"][name] = round(one.pop("wall_s"), 3)
        report["wall_s"]["prepare (set-up cell)"] = round(one.pop("prepare_s"), 3)
        report["device"] = one.pop("device")
        report |= one
    with tempfile.TemporaryDirectory(prefix="inductor-") as cache:
        env = dict(os.environ, TORCHINDUCTOR_CACHE_DIR=cache)
        cold = spawn("compile_demo", env)
        warm = spawn("compile_demo", env)
    report["compiled"] = warm.get("compiled")
    if warm.get("compiled"):
        report["compile_first_call_s_cold"] = round(cold["compile_first_call_s"], 3)
        report["compile_first_call_s_warm"] = round(warm["compile_first_call_s"], 3)
        report["compile_speedup_pointwise"] = warm["compile_speedup_pointwise"]
        report["compile_speedup_mlp"] = warm["compile_speedup_mlp"]
        report["compile_reasons"] = warm["compile_reasons"]
        if "compile_speedup_mlp_reduce_overhead" in warm:
            report["compile_speedup_mlp_reduce_overhead"] = (
                warm["compile_speedup_mlp_reduce_overhead"])
        report["compile_outputs_equal"] = warm["outputs_equal"]
    report["wall_s"]["compile_preload (set-up cell)"] = round(warm["preload_s"], 3)
    report["wall_s"]["compile_demo_cold"] = round(cold["wall_s"], 3)
    report["wall_s"]["compile_demo_warm"] = round(warm["wall_s"], 3)
    report = {k: round(v, 3) if isinstance(v, float) else v for k, v in report.items()}
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        print(json.dumps(run_one(sys.argv[2])))
    else:
        main()
