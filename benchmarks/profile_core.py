"""Where the time goes: the engine workloads of ``bench_core.py``, phase by phase and part by part.

``bench_core.py`` says how fast each library is; this script says why. Each workload runs
its phases (forward, backward and, for the MLP, the SGD update) in autograd_kit, PyTorch
and the hand-written NumPy floor, alternating libraries as the benchmark does, and prints
the median of each phase. Then it runs autograd_kit once more with timers around its parts:

- forward: the array math inside the primitives' ``forward`` and ``ak.tensor``'s copy of
  its data (what the floor also does) against everything around them (Python dispatch,
  recording the node, saving for backward);
- backward: the backward formulas, per node type, the sums of gradients (two paths into
  one tensor, and ``.grad``) and undoing broadcasting (``sum_to`` on a gradient bigger than
  its input) against the rest of the engine's loop;
- in every phase, the time of Python's cyclic garbage collector, which runs whenever enough
  container objects (tensors, nodes, the tuples a node records) were made since it last ran.

The timed run's phases and parts are corrected for the timers' own cost, measured in the
same run. The rest of a phase (its time minus its timed parts) is taken per sample, so
like every row it is a median, and the rows add up to about the phase's median.

    scripts/bench profile            # what scripts/bench sets up, then this script
    scripts/bench profile --quick    # fewer samples
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import bench_core as bench

import autograd_kit as ak
from autograd_kit import ops
from autograd_kit.autograd import function as function_module
from autograd_kit.autograd import graph

PHASES = ("forward", "backward", "update")
COLLECTOR = "cyclic garbage collector"


def run_phases(
    workload: bench.Phases, totals: dict[str, float], entering: Callable[[str], None]
) -> None:
    """Run one call of ``workload`` phase by phase, adding each phase's seconds to ``totals``;
    ``entering(phase)`` runs just before each phase starts."""
    result = None
    for phase in PHASES:
        step = getattr(workload, phase)
        if step is None:
            continue
        entering(phase)
        start = time.perf_counter()
        result = step() if phase == "forward" else step(result)
        totals[phase] += time.perf_counter() - start


def time_phases(workload: bench.Phases, calls: int) -> dict[str, float]:
    """Seconds per call of each phase over ``calls`` calls run back to back after one
    collection, as ``bench_core.timed`` times whole calls."""
    totals = dict.fromkeys(PHASES, 0.0)
    gc.collect()
    for _ in range(calls):
        run_phases(workload, totals, entering=lambda phase: None)
    return {phase: seconds / calls for phase, seconds in totals.items()}


# ---- timers around autograd_kit's parts -------------------------------------------------------


class Parts:
    """Seconds spent in named parts of autograd_kit, per phase.

    Only the outermost timed call counts (a part called from inside another is already
    counted there), and a garbage collection counts as the collector's time, not as the
    time of the part that happened to allocate when it started.
    """

    def __init__(self) -> None:
        self.phase = "forward"
        self.seconds: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        self.calls: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.depth = 0
        self.collections: dict[str, int] = defaultdict(int)
        self.collected_inside = 0.0  # collector seconds spent inside timed parts
        self.collection_started = 0.0

    def timer(self, function: Callable, part: Callable[..., str]) -> Callable:
        """``function`` with a timer around it; ``part(*args)`` names what the time counts as."""

        def timed(*args: Any, **kwargs: Any) -> Any:
            if self.depth:
                return function(*args, **kwargs)
            self.depth += 1
            collected_before = self.collected_inside
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - start
                self.depth -= 1
                name = part(*args)
                self.seconds[self.phase][name] += elapsed - (
                    self.collected_inside - collected_before
                )
                self.calls[self.phase][name] += 1

        return timed

    def on_collection(self, stage: str, info: dict) -> None:
        """A ``gc.callbacks`` entry: time each collection."""
        if stage == "start":
            self.collection_started = time.perf_counter()
            return
        elapsed = time.perf_counter() - self.collection_started
        self.seconds[self.phase][COLLECTOR] += elapsed
        self.collections[self.phase] += 1
        if self.depth:
            self.collected_inside += elapsed


@contextmanager
def instrumented(parts: Parts) -> Iterator[None]:
    """Put timers around the primitives' forward, the backward formulas, the engine's sums of
    gradients and broadcasting, ``ak.tensor`` and the garbage collector; take them off after."""
    originals: list[tuple[Any, str, Any]] = []

    def patch(owner: Any, name: str, replacement: Any) -> None:
        originals.append((owner, name, vars(owner)[name]))
        setattr(owner, name, replacement)

    classes = {
        cls
        for primitive in ops.PRIMITIVES.values()
        for cls in primitive.__mro__
        if issubclass(cls, ops.Primitive) and "forward" in vars(cls)
    }
    for cls in classes:
        forward = vars(cls)["forward"].__func__
        patch(cls, "forward", staticmethod(parts.timer(forward, lambda *_: "array math")))
    backward_function = function_module.BackwardFunction
    for method in ("_apply_arrays", "_apply"):
        patch(
            backward_function,
            method,
            parts.timer(vars(backward_function)[method], lambda node, *_: node.name()),
        )
    for name in ("_add_to_buffer", "_accumulate_into"):
        patch(graph, name, parts.timer(vars(graph)[name], lambda *_: "sums of gradients"))
    for name in ("_arrays_reduced", "_validate_grads"):
        patch(graph, name, parts.timer(vars(graph)[name], lambda *_: "undoing broadcasting"))
    patch(ak, "tensor", parts.timer(vars(ak)["tensor"], lambda *_: "ak.tensor (copies its data)"))
    gc.callbacks.append(parts.on_collection)
    try:
        yield
    finally:
        gc.callbacks.remove(parts.on_collection)
        for owner, name, original in reversed(originals):
            setattr(owner, name, original)


def timer_cost(parts: Parts) -> tuple[float, float]:
    """Seconds one timer adds to the part it measures, and to the whole run around it.

    Measured on a function that does nothing: called plainly, then through a timer.
    """

    def nothing(*_: Any) -> None:
        return None

    timed = parts.timer(nothing, lambda *_: "calibration")
    rounds = 200_000
    start = time.perf_counter()
    for _ in range(rounds):
        nothing()
    plain = (time.perf_counter() - start) / rounds
    parts.phase = "calibration"
    start = time.perf_counter()
    for _ in range(rounds):
        timed()
    whole = (time.perf_counter() - start) / rounds
    inside = parts.seconds["calibration"]["calibration"] / rounds
    del parts.seconds["calibration"], parts.calls["calibration"]
    return max(inside - plain, 0.0), max(whole - plain, 0.0)


def part_medians(workload: bench.Phases, repeats: int, calls: int) -> tuple[dict, dict]:
    """Median seconds per call of each phase (as ``"total"``), of each timed part in it and
    of the rest of it (as ``"rest"``), and how often each part ran per call, from a run with
    the timers on."""
    parts = Parts()
    inside, whole = timer_cost(parts)
    samples: list[dict[str, dict[str, float]]] = []
    counts: dict[str, dict[str, float]] = {}

    def entering(phase: str) -> None:
        parts.phase = phase

    with instrumented(parts):
        workload()  # warm-up
        for _ in range(repeats):
            gc.collect()  # before the counts start: this collection is the harness's
            parts.seconds.clear()
            parts.calls.clear()
            parts.collections.clear()
            totals = dict.fromkeys(PHASES, 0.0)
            for _ in range(calls):
                run_phases(workload, totals, entering)
            sample = {}
            for phase, named in parts.seconds.items():
                sample[phase] = {
                    name: (seconds - inside * parts.calls[phase][name]) / calls
                    for name, seconds in named.items()
                }
                timers = sum(parts.calls[phase].values())
                total = (totals[phase] - whole * timers) / calls
                sample[phase]["rest"] = total - sum(sample[phase].values())
                sample[phase]["total"] = total
            samples.append(sample)
            counts = {
                phase: {name: count / calls for name, count in named.items()}
                for phase, named in parts.calls.items()
            }
            for phase, collections in parts.collections.items():
                counts.setdefault(phase, {})[COLLECTOR] = collections / calls
    medians = {
        phase: {
            name: statistics.median(sample.get(phase, {}).get(name, 0.0) for sample in samples)
            for name in {name for sample in samples for name in sample.get(phase, {})}
        }
        for phase in {phase for sample in samples for phase in sample}
    }
    return medians, counts


# ---- report -----------------------------------------------------------------------------------


def milliseconds(seconds: float) -> str:
    return f"{seconds * 1e3:.3f} ms"


def report(title: str, works: dict[str, bench.Phases], repeats: int, calls: int) -> None:
    print(f"\n## {title}\n")
    samples = bench.alternating_samples(works, repeats, lambda work: time_phases(work, calls))
    phases = [phase for phase in PHASES if works["autograd_kit"].update or phase != "update"]
    medians = {
        name: {phase: statistics.median(sample[phase] for sample in values) for phase in phases}
        for name, values in samples.items()
    }
    for medians_of in medians.values():
        medians_of["total"] = sum(medians_of.values())
    names = list(works)
    print("| phase | " + " | ".join(names) + " | ak / torch | ak / floor |")
    print("|---|" + "---:|" * (len(names) + 2))
    for phase in [*phases, "total"]:
        ak_time = medians["autograd_kit"][phase]
        cells = [milliseconds(medians[name][phase]) for name in names]
        ratios = [
            f"{ak_time / medians[other][phase]:.2f}x" if other in medians else "-"
            for other in ("torch", "numpy floor")
        ]
        print(f"| {phase} | " + " | ".join(cells + ratios) + " |")

    timed_parts, counts = part_medians(works["autograd_kit"], repeats, calls)
    print("\nautograd_kit part by part, per call, from a run with timers on:\n")
    print("| phase | part | calls | time | share of phase |")
    print("|---|---|---:|---:|---:|")
    for phase in phases:
        named = dict(timed_parts.get(phase, {}))
        phase_time = named.pop("total", 0.0)
        rest = named.pop("rest", 0.0)
        named["engine loop" if phase == "backward" else "Python dispatch and recording"] = rest
        for name, seconds in sorted(named.items(), key=lambda item: -item[1]):
            calls_per = counts[phase].get(name)
            calls_text = "" if calls_per is None else f"{calls_per:.1f}".removesuffix(".0")
            share = seconds / phase_time
            print(f"| {phase} | {name} | {calls_text} | {milliseconds(seconds)} | {share:.0%} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer samples")
    args, _ = parser.parse_known_args(argv)
    repeats = 7 if args.quick else 31
    libraries = {"autograd_kit": ak, "torch": bench.torch}
    workloads = [
        (
            "dispatch: 1,000 small ops (target: ak / torch <= 1.0)",
            bench.dispatch_lib,
            bench.dispatch_numpy,
            3,
        ),
        (
            "MLP 784-256-10 step, batch 64 (target: ak / floor <= 1.15)",
            bench.mlp_lib,
            bench.mlp_numpy,
            10,
        ),
        (
            "1e6 elements tanh*x+sigmoid (target: ak / floor <= 1.15)",
            bench.large_lib,
            bench.large_numpy,
            3,
        ),
    ]
    for title, make_lib, make_floor, calls in workloads:
        works = {name: make_lib(lib) for name, lib in libraries.items() if lib is not None}
        works["numpy floor"] = make_floor()
        report(title, works, repeats, calls)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
