"""Engine benchmarks: autograd_kit against PyTorch (CPU), hand-written NumPy and MyGrad.

Every workload runs forward + backward in each library in the same process, alternating
libraries between repeats so background load hits them alike, and reports the median, the
spread (interquartile range) and the ratio to PyTorch and to the NumPy floor (the fastest a
NumPy-based engine could be: the same math written by hand with no graph). Memory is the
peak of NumPy allocations traced by tracemalloc.

A sample times a few calls run back to back after one garbage collection, as ``timeit`` does
and as a training loop runs its steps. ``--cold`` times single calls, each right after a
collection: the collector's walk over every Python object evicts the CPU caches, which
penalises whichever library runs more Python code per call.

    python benchmarks/bench_core.py            # all workloads
    python benchmarks/bench_core.py --quick    # fewer repeats
    python benchmarks/bench_core.py --cold     # one call per sample, caches cold
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

import autograd_kit as ak

try:
    import torch

    torch.set_num_threads(1)
except ImportError:  # the benchmarks still compare with NumPy without it
    torch = None
try:
    import mygrad
except ImportError:
    mygrad = None


def timed(work: Callable[[], Any], calls: int = 1) -> float:
    """Wall-clock seconds per ``work()`` call over ``calls`` calls run back to back, starting
    from a collected heap.

    A workload that times only part of itself returns that time instead.
    """
    gc.collect()
    start = time.perf_counter()
    inner = [work() for _ in range(calls)]
    if isinstance(inner[0], float):
        return sum(inner) / calls
    return (time.perf_counter() - start) / calls


def alternating_samples(
    works: dict[str, Callable[[], Any]], count: int, measure: Callable[[Callable], Any]
) -> dict[str, list]:
    """``count`` samples of ``measure(work)`` for each library, after one warm-up call each,
    alternating libraries between samples so changes in background load hit them all."""
    samples: dict[str, list] = {name: [] for name in works}
    for work in works.values():
        work()  # warm-up
    for _ in range(count):
        for name, work in works.items():
            samples[name].append(measure(work))
    return samples


def peak_memory(work: Callable[[], Any]) -> int:
    """Peak bytes of Python/NumPy allocations while ``work()`` runs."""
    gc.collect()
    tracemalloc.start()
    work()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


@dataclass
class Phases:
    """A workload cut where a training step is cut: ``forward()`` returns what ``backward``
    needs, ``backward(...)`` returns what ``update`` needs (the MLP's SGD step).

    The benchmarks time a call, all phases in a row; ``profile_core.py`` times each phase.
    """

    forward: Callable[[], Any]
    backward: Callable[[Any], Any]
    update: Callable[[Any], Any] | None = None

    def __call__(self) -> None:
        result = self.backward(self.forward())
        if self.update is not None:
            self.update(result)


def _backward(loss: Any) -> None:
    loss.backward()


# ---- 1. dispatch overhead: 1,000 small ops ----------------------------------------------------

OPS = 1000


def dispatch_lib(lib: Any) -> Phases:
    def forward() -> Any:
        x = lib.tensor([0.5], requires_grad=True)
        y = x
        for _ in range(OPS // 3):
            y = (y * 1.001 + 0.01).tanh()
        return y.sum()

    return Phases(forward, _backward)


def dispatch_mygrad() -> None:
    x = mygrad.tensor([0.5])
    y = x
    for _ in range(OPS // 3):
        y = mygrad.tanh(y * 1.001 + 0.01)
    y.sum().backward()


def dispatch_numpy() -> Phases:
    """The same chain with its derivative written by hand (no graph at all)."""

    def forward() -> list:
        y = np.array([0.5])
        outs = []
        for _ in range(OPS // 3):
            y = np.tanh(y * 1.001 + 0.01)
            outs.append(y)
        return outs

    def backward(outs: list) -> np.ndarray:
        grad = np.ones(1)
        for out in reversed(outs):
            grad = grad * (1 - out * out) * 1.001
        return grad

    return Phases(forward, backward)


# ---- 2. an MLP training step written with raw ops ---------------------------------------------

BATCH, IN, HIDDEN, OUT = 64, 784, 256, 10


def mlp_data() -> tuple:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((BATCH, IN)).astype(np.float32)
    labels = rng.integers(0, OUT, BATCH)
    w1 = (rng.standard_normal((IN, HIDDEN)) * 0.05).astype(np.float32)
    w2 = (rng.standard_normal((HIDDEN, OUT)) * 0.05).astype(np.float32)
    b1, b2 = np.zeros(HIDDEN, np.float32), np.zeros(OUT, np.float32)
    return x, labels, [w1, b1, w2, b2]


def mlp_lib(lib: Any) -> Phases:
    x_np, labels_np, params_np = mlp_data()
    x, labels = lib.tensor(x_np), lib.tensor(labels_np)
    params = [lib.tensor(p, requires_grad=True) for p in params_np]
    rows = lib.arange(BATCH)

    def forward() -> Any:
        w1, b1, w2, b2 = params
        hidden = (x @ w1 + b1).relu()
        logits = hidden @ w2 + b2
        return -logits.log_softmax(1)[rows, labels].mean()

    def update(_: None) -> None:
        with lib.no_grad():
            for p in params:
                p -= 0.01 * p.grad
                p.grad = None

    return Phases(forward, _backward, update)


def mlp_mygrad() -> Callable[[], None]:
    x, labels, params_np = mlp_data()
    params = [mygrad.tensor(p) for p in params_np]
    rows = np.arange(BATCH)

    def work() -> None:
        w1, b1, w2, b2 = params
        hidden = mygrad.maximum(x @ w1 + b1, 0)
        logits = hidden @ w2 + b2
        shifted = logits - logits.max(axis=1, keepdims=True)
        log_probs = shifted - mygrad.log(mygrad.exp(shifted).sum(axis=1, keepdims=True))
        loss = -log_probs[rows, labels].mean()
        loss.backward()
        for p in params:
            p.data -= 0.01 * p.grad
            p.null_grad()

    return work


def mlp_numpy() -> Phases:
    x, labels, params = mlp_data()
    rows = np.arange(BATCH)

    def forward() -> tuple:
        w1, b1, w2, b2 = params
        pre = x @ w1 + b1
        hidden = np.maximum(pre, 0)
        logits = hidden @ w2 + b2
        shifted = logits - logits.max(axis=1, keepdims=True)
        exp = np.exp(shifted)
        probs = exp / exp.sum(axis=1, keepdims=True)
        return pre, hidden, probs

    def backward(saved: tuple) -> tuple:
        pre, hidden, probs = saved
        w2 = params[2]
        # d(mean cross-entropy)/d(logits) = (softmax - one_hot) / batch
        grad_logits = probs
        grad_logits[rows, labels] -= 1
        grad_logits /= BATCH
        grad_w2 = hidden.T @ grad_logits
        grad_b2 = grad_logits.sum(axis=0)
        grad_hidden = grad_logits @ w2.T
        grad_pre = grad_hidden * (pre > 0)
        grad_w1 = x.T @ grad_pre
        grad_b1 = grad_pre.sum(axis=0)
        return grad_w1, grad_b1, grad_w2, grad_b2

    def update(grads: tuple) -> None:
        for p, g in zip(params, grads):
            p -= 0.01 * g

    return Phases(forward, backward, update)


# ---- 3. a large elementwise workload ----------------------------------------------------------

ELEMENTS = 1_000_000


def large_lib(lib: Any) -> Phases:
    data = np.random.default_rng(0).standard_normal(ELEMENTS).astype(np.float32)

    def forward() -> Any:
        x = lib.tensor(data, requires_grad=True)
        return (x.tanh() * x + x.sigmoid()).sum()

    return Phases(forward, _backward)


def large_mygrad() -> Callable[[], None]:
    data = np.random.default_rng(0).standard_normal(ELEMENTS).astype(np.float32)

    def work() -> None:
        x = mygrad.tensor(data)
        (mygrad.tanh(x) * x + 1 / (1 + mygrad.exp(-x))).sum().backward()

    return work


def large_numpy() -> Phases:
    data = np.random.default_rng(0).standard_normal(ELEMENTS).astype(np.float32)

    def forward() -> tuple:
        x = data.copy()  # the library versions copy the input into a tensor too
        tanh = np.tanh(x)
        sigmoid = 0.5 * (np.tanh(0.5 * x) + 1)
        _ = (tanh * x + sigmoid).sum()
        return x, tanh, sigmoid

    def backward(saved: tuple) -> np.ndarray:
        x, tanh, sigmoid = saved
        # d/dx [tanh(x) x + sigmoid(x)] = (1 - tanh^2) x + tanh + sigmoid (1 - sigmoid)
        return (1 - tanh * tanh) * x + tanh + sigmoid * (1 - sigmoid)

    return Phases(forward, backward)


# ---- 4. a 100,000-op chain --------------------------------------------------------------------

CHAIN = 100_000


def chain_lib(lib: Any, backward_only: bool = False) -> Callable[[], Any]:
    def work() -> float | None:
        x = lib.tensor([1.0], requires_grad=True)
        y = x
        for _ in range(CHAIN):
            y = y * 1.0000001
        start = time.perf_counter()
        y.sum().backward()
        return time.perf_counter() - start if backward_only else None

    return work


def chain_mygrad(backward_only: bool = False) -> Callable[[], Any]:
    def work() -> float | None:
        x = mygrad.tensor([1.0])
        y = x
        for _ in range(CHAIN):
            y = y * 1.0000001
        start = time.perf_counter()
        y.sum().backward()
        return time.perf_counter() - start if backward_only else None

    return work


def memory_freed_after_chain() -> bool:
    """Build and back-propagate the chain, drop it, and check traced memory is back down."""
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    chain_lib(ak)()
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return after - before < 1_000_000


# ---- report -----------------------------------------------------------------------------------


def summarise(times: list[float]) -> tuple[float, float]:
    quartiles = statistics.quantiles(times, n=4) if len(times) >= 4 else [min(times), 0, max(times)]
    return statistics.median(times), quartiles[2] - quartiles[0]


def run(repeats: int, chain_repeats: int, cold: bool = False) -> list[dict]:
    workloads: list[tuple[str, dict[str, Callable[[], Any]], int, int]] = [
        (
            "dispatch: 1,000 small ops, fwd+bwd",
            {
                "autograd_kit": dispatch_lib(ak),
                "torch": dispatch_lib(torch) if torch else None,
                "numpy floor": dispatch_numpy(),
                "mygrad": dispatch_mygrad if mygrad else None,
            },
            5 * repeats,  # milliseconds each: more samples steady the median on a noisy VM
            3,  # calls per sample
        ),
        (
            "MLP 784-256-10 step, batch 64",
            {
                "autograd_kit": mlp_lib(ak),
                "torch": mlp_lib(torch) if torch else None,
                "numpy floor": mlp_numpy(),
                "mygrad": mlp_mygrad() if mygrad else None,
            },
            5 * repeats,
            10,
        ),
        (
            "1e6 elements tanh*x+sigmoid, fwd+bwd",
            {
                "autograd_kit": large_lib(ak),
                "torch": large_lib(torch) if torch else None,
                "numpy floor": large_numpy(),
                "mygrad": large_mygrad() if mygrad else None,
            },
            repeats,
            3,
        ),
        (
            "100,000-op chain, fwd+bwd",
            {
                "autograd_kit": chain_lib(ak),
                "torch": chain_lib(torch) if torch else None,
                "mygrad": chain_mygrad() if mygrad else None,
            },
            chain_repeats,
            1,
        ),
        (
            "100,000-op chain, backward only",
            {
                "autograd_kit": chain_lib(ak, backward_only=True),
                "torch": chain_lib(torch, backward_only=True) if torch else None,
                "mygrad": chain_mygrad(backward_only=True) if mygrad else None,
            },
            chain_repeats,
            1,
        ),
    ]
    rows = []
    for title, works, count, calls in workloads:
        calls = 1 if cold else calls
        works = {name: work for name, work in works.items() if work is not None}
        times = alternating_samples(works, count, lambda work, calls=calls: timed(work, calls))
        medians = {name: summarise(values) for name, values in times.items()}
        row = {"workload": title, "medians": medians}
        if "numpy floor" in works and title.startswith("1e6"):
            row["peak_memory"] = {
                name: peak_memory(works[name]) for name in ("autograd_kit", "numpy floor")
            }
        rows.append(row)
    return rows


def print_table(rows: list[dict]) -> None:
    print("| workload | library | median | IQR | vs torch | vs numpy floor |")
    print("|---|---|---:|---:|---:|---:|")
    for row in rows:
        medians = row["medians"]
        torch_median = medians.get("torch", (None,))[0]
        floor_median = medians.get("numpy floor", (None,))[0]
        for name, (median, spread) in medians.items():
            vs_torch = f"{median / torch_median:.2f}x" if torch_median else "-"
            vs_floor = f"{median / floor_median:.2f}x" if floor_median else "-"
            print(
                f"| {row['workload']} | {name} | {median * 1e3:.3f} ms | {spread * 1e3:.3f} ms | {vs_torch} | {vs_floor} |"
            )
        if "peak_memory" in row:
            memory = row["peak_memory"]
            ratio = memory["autograd_kit"] / memory["numpy floor"]
            print(
                f"| {row['workload']} | peak memory | ak {memory['autograd_kit'] / 2**20:.1f} MiB | "
                f"floor {memory['numpy floor'] / 2**20:.1f} MiB | - | {ratio:.2f}x |"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    parser.add_argument("--cold", action="store_true", help="one call per sample, caches cold")
    args, _ = parser.parse_known_args(argv)  # scripts/bench passes one set of flags to every bench
    repeats, chain_repeats = (5, 1) if args.quick else (21, 5)
    sys.setrecursionlimit(10_000)  # the default; the engine must not need more
    rows = run(repeats, chain_repeats, cold=args.cold)
    print("one call per sample, caches cold" if args.cold else "calls back to back per sample")
    print_table(rows)
    print(f"\nmemory freed after the 100,000-op chain: {memory_freed_after_chain()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
