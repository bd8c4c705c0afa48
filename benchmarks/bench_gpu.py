"""GPU speed of ak (CuPy arrays) against PyTorch on CUDA, measured in the same run.

Two cases, each a full forward + backward, timed after warm-up with the GPU synchronised
before the clock stops:

* elementwise: ``(tanh(x) * x + sigmoid(x)).sum()`` and its backward on 1e7 elements,
* mlp: one SGD training step of a 1024-4096-4096-10 MLP on a batch of 512.

Reports the median seconds of each library and the ratio ak / torch. Without a GPU it says
why and exits 0 (the section is skipped). ``--device cpu`` runs the same code on the CPU with
smaller sizes, a quick check that the script itself works:

    .venv/bin/python benchmarks/bench_gpu.py [--repeats 20] [--json results.json]
    .venv/bin/python benchmarks/bench_gpu.py --device cpu --elements 100000 --width 256
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import autograd_kit as ak  # noqa: E402
import autograd_kit.nn  # noqa: E402, F401
import autograd_kit.optim  # noqa: E402, F401


def _torch_or_none():
    try:
        import torch
    except ImportError:
        return None
    return torch


def _synchronizer(library: str, device: str) -> Callable[[], None]:
    if device == "cpu":
        return lambda: None
    if library == "ak":
        return ak.cuda.synchronize
    return _torch_or_none().cuda.synchronize


def _median_seconds(
    step: Callable[[], None], sync: Callable[[], None], repeats: int, warmup: int
) -> float:
    for _ in range(warmup):
        step()
    sync()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        sync()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def elementwise_step(library, device: str, elements: int) -> Callable[[], None]:
    """Forward and backward of an elementwise chain on ``elements`` numbers."""
    library.manual_seed(0)
    x = library.randn(elements, device=device, requires_grad=True)

    def step() -> None:
        x.grad = None
        (x.tanh() * x + x.sigmoid()).sum().backward()

    return step


def mlp_step(library, device: str, width: int, batch: int) -> Callable[[], None]:
    """One SGD step (zero_grad, forward, cross-entropy, backward, step) of a 3-layer MLP."""
    nn = library.nn
    library.manual_seed(0)
    model = nn.Sequential(
        nn.Linear(1024, width), nn.ReLU(), nn.Linear(width, width), nn.ReLU(), nn.Linear(width, 10)
    ).to(device)
    optimizer = library.optim.SGD(model.parameters(), lr=0.01)
    inputs = library.randn(batch, 1024, device=device)
    targets = library.randint(0, 10, (batch,), device=device)

    def step() -> None:
        optimizer.zero_grad()
        nn.functional.cross_entropy(model(inputs), targets).backward()
        optimizer.step()

    return step


def run(device: str, elements: int, width: int, batch: int, repeats: int, warmup: int) -> dict:
    torch = _torch_or_none()
    torch_usable = torch is not None and (device == "cpu" or torch.cuda.is_available())
    if torch is not None and device == "cpu":
        torch.set_num_threads(1)  # NumPy's elementwise work is single-threaded too
    cases = {
        "elementwise_forward_backward": lambda lib: elementwise_step(lib, device, elements),
        "mlp_sgd_step": lambda lib: mlp_step(lib, device, width, batch),
    }
    results = {}
    for name, make in cases.items():
        entry = {"ak_s": _median_seconds(make(ak), _synchronizer("ak", device), repeats, warmup)}
        if torch_usable:
            entry["torch_s"] = _median_seconds(
                make(torch), _synchronizer("torch", device), repeats, warmup
            )
            entry["ratio_ak_over_torch"] = entry["ak_s"] / entry["torch_s"]
        else:
            entry["torch_s"] = None
            entry["note"] = "PyTorch with CUDA is not installed here: ak timed alone"
        results[name] = entry
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cuda", help="cuda (default) or cpu for a smoke run")
    parser.add_argument("--elements", type=int, default=10_000_000)
    parser.add_argument("--width", type=int, default=4096)
    parser.add_argument("--batch", type=int, default=512)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args, _ = parser.parse_known_args(argv)  # scripts/bench passes one set of flags to every bench

    report: dict = {"device": args.device}
    if args.device.startswith("cuda") and not ak.cuda.is_available():
        report["skipped"] = f"no CUDA GPU: {ak.cuda.unavailable_reason()}"
        print(f"GPU benchmark skipped: {report['skipped']}")
    else:
        if args.device.startswith("cuda"):
            report["gpu"] = ak.cuda.get_device_name()
        report["cases"] = run(
            args.device, args.elements, args.width, args.batch, args.repeats, args.warmup
        )
        print(f"device: {report.get('gpu', args.device)}")
        for name, entry in report["cases"].items():
            torch_part = (
                f"torch {entry['torch_s'] * 1e3:9.2f} ms   ak/torch {entry['ratio_ak_over_torch']:.2f}x"
                if entry["torch_s"] is not None
                else entry["note"]
            )
            print(f"{name:32s} ak {entry['ak_s'] * 1e3:9.2f} ms   {torch_part}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
