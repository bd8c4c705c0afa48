"""The engine benchmarks measure what they claim.

A ratio against the NumPy floor compares equal work only if the floor computes the same
gradients as autograd_kit, so each floor is checked against the library here. The profile
must count the parts it names and leave the library as it found it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import autograd_kit as ak
from autograd_kit import ops
from autograd_kit.autograd import graph

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.fixture
def bench(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    import bench_core

    return bench_core


def leaves_of(loss: ak.Tensor) -> list[ak.Tensor]:
    """The leaves a loss was computed from, found through its graph (as a learner can)."""
    leaves, seen, stack = [], set(), [loss.grad_fn]
    while stack:
        node = stack.pop()
        if node is None or node in seen:
            continue
        seen.add(node)
        if hasattr(node, "variable"):  # an AccumulateGrad node
            leaves.append(node.variable)
        stack.extend(next_node for next_node, _ in node.next_functions)
    return leaves


def library_gradients(workload: Any) -> dict[tuple, np.ndarray]:
    """Run a library workload's forward and backward; its leaves' gradients by shape."""
    loss = workload.forward()
    leaves = leaves_of(loss)
    workload.backward(loss)
    return {tuple(leaf.shape): leaf.grad.numpy() for leaf in leaves}


def test_dispatch_floor_computes_the_library_gradient(bench: Any) -> None:
    floor = bench.dispatch_numpy()
    expected = floor.backward(floor.forward())
    (grad,) = library_gradients(bench.dispatch_lib(ak)).values()
    np.testing.assert_allclose(grad, expected, rtol=1e-4)


def test_large_floor_computes_the_library_gradient(bench: Any) -> None:
    floor = bench.large_numpy()
    expected = floor.backward(floor.forward())
    (grad,) = library_gradients(bench.large_lib(ak)).values()
    np.testing.assert_allclose(grad, expected, rtol=1e-4, atol=1e-6)


def test_mlp_floor_computes_the_library_gradients(bench: Any) -> None:
    floor = bench.mlp_numpy()
    expected = floor.backward(floor.forward())
    grads = library_gradients(bench.mlp_lib(ak))
    assert len(grads) == len(expected) == 4
    for grad in expected:  # w1, b1, w2, b2: each of its own shape
        np.testing.assert_allclose(grads[grad.shape], grad, rtol=1e-4, atol=1e-6)


def test_mlp_update_takes_an_sgd_step(bench: Any) -> None:
    workload = bench.mlp_lib(ak)
    loss = workload.forward()
    w1 = next(leaf for leaf in leaves_of(loss) if leaf.shape == (784, 256))
    before = w1.detach().numpy().copy()
    workload.backward(loss)
    grad = w1.grad.numpy().copy()
    workload.update(None)
    np.testing.assert_allclose(w1.detach().numpy(), before - 0.01 * grad, rtol=1e-6)
    assert w1.grad is None


def test_profile_counts_every_part_and_restores_the_library(bench: Any) -> None:
    import profile_core

    def patched() -> tuple:
        node_class = ops.Mul._backward_cls
        return (ops.Mul.forward, node_class._apply_arrays, graph._add_to_buffer, ak.tensor)

    originals = patched()
    medians, counts = profile_core.part_medians(bench.dispatch_lib(ak), repeats=1, calls=1)

    # 333 rounds of (mul, add, tanh), then sum: every primitive's forward is counted once.
    assert counts["forward"]["array math"] == 1000
    assert counts["forward"]["ak.tensor (copies its data)"] == 1
    # A thousand recorded operations keep thousands of container objects alive: the cyclic
    # garbage collector runs during the forward pass, and the profile says how long.
    assert counts["forward"][profile_core.COLLECTOR] >= 1
    assert medians["forward"][profile_core.COLLECTOR] > 0
    assert counts["backward"]["TanhBackward0"] == 333
    assert counts["backward"]["MulBackward0"] == 333
    assert counts["backward"]["SumBackward0"] == 1
    for phase in ("forward", "backward"):
        assert medians[phase]["total"] > 0
        assert medians[phase]["array math" if phase == "forward" else "TanhBackward0"] > 0
    assert patched() == originals
