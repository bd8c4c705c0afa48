"""A/B timing of two checkouts of autograd_kit on the same machine, interleaved.

Each checkout runs in its own long-lived worker process (its own virtual environment, so
each imports its own ``autograd_kit``); the workers take turns, one sample each, so
background load hits both alike. Every sample reports wall-clock (``perf_counter``) and CPU
(``process_time``) seconds; the table gives medians, IQRs and the new/base ratio.

    python benchmarks/ab.py --base ../wt-base/.venv/bin/python --new .venv/bin/python
    python benchmarks/ab.py --base ... --new ... --samples 15 --only dispatch mlp

The workloads are bench_core.py's, imported by each worker from its own checkout.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

WORKER = r"""
import gc, json, sys, time
sys.path.insert(0, sys.argv[1])
sys.setrecursionlimit(10_000)
import bench_core as b
import autograd_kit as ak
workloads = {
    "dispatch": (b.dispatch_lib(ak), 3),
    "mlp": (b.mlp_lib(ak), 10),
    "elementwise": (b.large_lib(ak), 3),
    "chain": (b.chain_lib(ak), 1),
    "chain_backward": (b.chain_lib(ak, backward_only=True), 1),
}
for work, _ in workloads.values():
    work()
print("ready", flush=True)
for line in sys.stdin:
    name = line.strip()
    work, calls = workloads[name]
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    inner = [work() for _ in range(calls)]
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if isinstance(inner[0], float):  # the workload timed only part of itself
        wall = cpu = sum(inner)
    print(json.dumps([wall / calls, cpu / calls]), flush=True)
"""

NAMES = ("dispatch", "mlp", "elementwise", "chain", "chain_backward")


def start(python: str) -> subprocess.Popen:
    benchmarks = str(Path(__file__).resolve().parent)
    worker = subprocess.Popen(
        [str(Path(python).absolute()), "-c", WORKER, benchmarks],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd="/",  # import autograd_kit from the interpreter's own environment
    )
    assert worker.stdout.readline().strip() == "ready"
    return worker


def sample(worker: subprocess.Popen, name: str) -> list[float]:
    worker.stdin.write(name + "\n")
    worker.stdin.flush()
    return json.loads(worker.stdout.readline())


def summary(values: list[float]) -> tuple[float, float]:
    quartiles = statistics.quantiles(values, n=4)
    return statistics.median(values), quartiles[2] - quartiles[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", required=True, help="python of the baseline checkout's venv")
    parser.add_argument("--new", required=True, help="python of the new checkout's venv")
    parser.add_argument("--samples", type=int, default=11)
    parser.add_argument("--only", nargs="*", choices=NAMES, default=list(NAMES))
    args = parser.parse_args()
    workers = {"base": start(args.base), "new": start(args.new)}
    print("| workload | clock | base median (IQR) | new median (IQR) | new / base |")
    print("|---|---|---:|---:|---:|")
    for name in args.only:
        count = args.samples if not name.startswith("chain") else max(3, args.samples // 3)
        times: dict[str, list[list[float]]] = {"base": [], "new": []}
        for index in range(count):
            order = ("base", "new") if index % 2 == 0 else ("new", "base")
            for side in order:
                times[side].append(sample(workers[side], name))
        for clock, column in (("wall", 0), ("cpu", 1)):
            base = summary([t[column] for t in times["base"]])
            new = summary([t[column] for t in times["new"]])
            print(
                f"| {name} | {clock} | {base[0] * 1e3:.3f} ms ({base[1] * 1e3:.3f}) | "
                f"{new[0] * 1e3:.3f} ms ({new[1] * 1e3:.3f}) | {new[0] / base[0]:.3f} |",
                flush=True,
            )
    for worker in workers.values():
        worker.stdin.close()
        worker.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
