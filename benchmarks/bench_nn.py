"""Training-step speed of ak.nn against PyTorch, measured in the same run.

Each case builds the same network in both libraries (same initial weights), then times one
full training step (zero_grad, forward, loss, backward, optimizer step) many times and reports
the medians and their ratio ak / torch. Run it with

    BENCH_THREADS=1 .venv/bin/python benchmarks/bench_nn.py [--repeats 50] [--json results.json]

Targets from issue 5: the MLP step at most 1.5x PyTorch; Conv2d forward+backward at most 3x.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

# Both libraries get the same number of BLAS/compute threads (set before NumPy loads OpenBLAS).
# One thread by default: on a shared, busy machine multi-threaded BLAS spins and the timings
# become noise.
THREADS = int(os.environ.get("BENCH_THREADS", "1"))
for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, str(THREADS))

import numpy as np  # noqa: E402
import torch  # noqa: E402

torch.set_num_threads(THREADS)

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import autograd_kit as ak  # noqa: E402
import autograd_kit.nn  # noqa: E402, F401
import autograd_kit.optim  # noqa: E402, F401


def _compare(ak_step, torch_step, repeats: int, warmup: int = 5) -> dict:
    """Median wall and CPU seconds of each step. The two steps alternate, so both see the same
    machine load; CPU time (this process only) is the steadier number on a shared machine."""
    for _ in range(warmup):
        ak_step()
        torch_step()
    times: dict[str, list[float]] = {"ak": [], "torch": [], "ak_cpu": [], "torch_cpu": []}
    for _ in range(repeats):
        for name, step in (("ak", ak_step), ("torch", torch_step)):
            wall, cpu = time.perf_counter(), time.process_time()
            step()
            times[name].append(time.perf_counter() - wall)
            times[name + "_cpu"].append(time.process_time() - cpu)
    return {name: statistics.median(values) for name, values in times.items()}


def _copy(torch_module, ak_module) -> None:
    ak_module.load_state_dict(
        {name: ak.tensor(value.detach().numpy().copy())
         for name, value in torch_module.state_dict().items()}
    )


def _training_step(lib, model, optimizer, inputs, labels):
    def step():
        optimizer.zero_grad()
        loss = lib.nn.functional.cross_entropy(model(inputs), labels)
        loss.backward()
        optimizer.step()

    return step


def _train_case(make, input_shape, classes, batch, repeats):
    torch.manual_seed(0)
    torch_model, ak_model = make(torch.nn), make(ak.nn)
    _copy(torch_model, ak_model)
    rng = np.random.default_rng(0)
    inputs = rng.standard_normal((batch,) + input_shape).astype(np.float32)
    labels = rng.integers(0, classes, batch)
    torch_step = _training_step(
        torch, torch_model, torch.optim.SGD(torch_model.parameters(), lr=0.01, momentum=0.9),
        torch.tensor(inputs), torch.tensor(labels))
    ak_step = _training_step(
        ak, ak_model, ak.optim.SGD(ak_model.parameters(), lr=0.01, momentum=0.9),
        ak.tensor(inputs), ak.tensor(labels))
    return _compare(ak_step, torch_step, repeats)


def _conv_case(batch, channels, out_channels, size, repeats):
    torch.manual_seed(0)
    torch_conv = torch.nn.Conv2d(channels, out_channels, 3, padding=1)
    ak_conv = ak.nn.Conv2d(channels, out_channels, 3, padding=1)
    _copy(torch_conv, ak_conv)
    data = np.random.default_rng(0).standard_normal((batch, channels, size, size))
    data = data.astype(np.float32)
    torch_x = torch.tensor(data, requires_grad=True)
    ak_x = ak.tensor(data, requires_grad=True)

    def torch_step():
        torch_conv(torch_x).sum().backward()

    def ak_step():
        ak_conv(ak_x).sum().backward()

    return _compare(ak_step, torch_step, repeats)


def mlp_digits(nn):
    return nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))


def mlp_mnist(nn):
    return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(),
                         nn.Linear(128, 10))


def cnn_digits(nn):
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(128, 10),
    )


def cnn_mnist(nn):
    return nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(16 * 7 * 7, 10),
    )


CASES = {
    "MLP step, digits 64-64-10, batch 32": lambda r: _train_case(mlp_digits, (64,), 10, 32, r),
    "MLP step, 784-256-128-10, batch 128": lambda r: _train_case(mlp_mnist, (784,), 10, 128, r),
    "CNN step, digits 1x8x8, batch 32": lambda r: _train_case(cnn_digits, (1, 8, 8), 10, 32, r),
    "CNN step, 1x28x28, batch 64": lambda r: _train_case(cnn_mnist, (1, 28, 28), 10, 64, r),
    "Conv2d fwd+bwd, 16->32 3x3, 16x16, batch 32": lambda r: _conv_case(32, 16, 32, 16, r),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=50)
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument(
        "--keep-freed-memory", action="store_true",
        help="experiment: tell glibc malloc to keep freed memory (mallopt) so large temporaries "
             "are not page-faulted in again every step, as PyTorch's caching allocator avoids")
    args, _ = parser.parse_known_args()  # scripts/bench passes one set of flags to every bench
    if args.keep_freed_memory:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-3, 512 << 20)  # M_MMAP_THRESHOLD: serve big blocks from the heap
        libc.mallopt(-1, 1 << 30)  # M_TRIM_THRESHOLD: do not hand freed heap back to the OS
        print("glibc malloc keeps freed memory (mallopt)")
    print(f"torch {torch.__version__}, numpy {np.__version__}, {THREADS} thread(s) each; "
          f"medians of {args.repeats} alternating steps")
    print(f"{'case':46s} {'ak ms':>8s} {'torch ms':>9s} {'ratio':>6s} {'cpu ratio':>10s}")
    results = []
    for name, case in CASES.items():
        timing = case(args.repeats)
        ratio = timing["ak"] / timing["torch"]
        cpu_ratio = timing["ak_cpu"] / timing["torch_cpu"]
        results.append({"case": name, "ak_ms": timing["ak"] * 1e3,
                        "torch_ms": timing["torch"] * 1e3, "ratio": ratio,
                        "cpu_ratio": cpu_ratio, "threads": THREADS})
        print(f"{name:46s} {timing['ak'] * 1e3:8.3f} {timing['torch'] * 1e3:9.3f} {ratio:6.2f} "
              f"{cpu_ratio:10.2f}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
