"""Why is the small MLP slower under torch.compile(mode="reduce-overhead") on a GPU?  Times the
per-call cost of each variant in tight loops (one synchronize per block), on a fresh module for
each mode and on one module compiled twice (as compile_demo does), and prints Dynamo's and the
CUDA-graph counters.  GPU only.

    PYTHONPATH=src python3 benchmarks/probe_reduce_overhead.py
"""

import time

import torch

from deckkit.demos.compiled import MLP_SHAPE, make_mlp
from deckkit.demos.timing import compare


def per_call(fn, n=300, repeats=5):
    out = []
    for _ in range(repeats):
        torch.cuda.synchronize()
        start = time.perf_counter()
        for _ in range(n):
            fn()
        torch.cuda.synchronize()
        out.append((time.perf_counter() - start) / n)
    return sorted(out)[len(out) // 2] * 1e6


def main():
    from torch._dynamo.utils import counters

    batch = torch.randn(MLP_SHAPE[0], MLP_SHAPE[1], device="cuda")
    with torch.no_grad():
        mlp = make_mlp(torch).cuda()
        print("eager µs/call", round(per_call(lambda: mlp(batch)), 1))
        for mode in ("default", "reduce-overhead", "max-autotune-no-cudagraphs"):
            torch._dynamo.reset()
            fresh = make_mlp(torch).cuda()
            c = torch.compile(fresh, dynamic=False, mode=mode)
            for _ in range(3):
                c(batch)
            print(f"fresh module, {mode}: µs/call", round(per_call(lambda c=c: c(batch)), 1))
        # as compile_demo does: one module, default first, then reduce-overhead
        torch._dynamo.reset()
        counters.clear()
        d = torch.compile(mlp, dynamic=False, mode="default")
        d(batch)
        r = torch.compile(mlp, dynamic=False, mode="reduce-overhead")
        for _ in range(3):
            r(batch)
        print("same module after default, reduce-overhead: µs/call",
              round(per_call(lambda: r(batch)), 1))
        cmp = compare(lambda: mlp(batch), lambda: r(batch), budget_s=0.2,
                      sync=torch.cuda.synchronize, warmup=0, min_rounds=3)
        print("compare(): eager", cmp.slow.median * 1e6, "compiled", cmp.fast.median * 1e6)
        print("counters", {k: dict(v) for k, v in counters.items() if v})
        # a plain function (no module guards) under reduce-overhead
        torch._dynamo.reset()
        w1, b1 = mlp[0].weight, mlp[0].bias
        w2, b2 = mlp[2].weight, mlp[2].bias

        def f(x):
            return torch.relu(x @ w1.T + b1) @ w2.T + b2
        cf = torch.compile(f, dynamic=False, mode="reduce-overhead")
        for _ in range(3):
            cf(batch)
        print("function, reduce-overhead: µs/call", round(per_call(lambda: cf(batch)), 1),
              "eager", round(per_call(lambda: f(batch)), 1))
        # outside no_grad
    torch._dynamo.reset()
    fresh = make_mlp(torch).cuda()
    c = torch.compile(fresh, dynamic=False, mode="reduce-overhead")
    for _ in range(3):
        c(batch)
    print("fresh module, reduce-overhead, grad enabled: µs/call",
          round(per_call(lambda c=c: c(batch)), 1))


if __name__ == "__main__":
    main()
