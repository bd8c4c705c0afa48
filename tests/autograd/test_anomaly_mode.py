"""Anomaly detection against PyTorch: the forward stack each node remembers, the NaN check,
the warning that names the forward line of a failing node, and the switches' state."""

from __future__ import annotations

import warnings

import pytest
import torch

import autograd_kit as ak


def run_quietly(action):
    """``action()``'s error message (or None) and the messages of the warnings it gave."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            action()
            error = None
        except RuntimeError as raised:
            error = str(raised).split("\nHint:")[0]
    return error, [str(w.message) for w in caught if w.category is UserWarning]


def nan_from_division(L, check_nan=True):
    x = L.tensor([0.0, 1.0], requires_grad=True)
    with L.autograd.detect_anomaly(check_nan=check_nan):
        (x / x).sum().backward()


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # NumPy's 0/0 warning
def test_a_nan_gradient_is_reported_with_the_node_and_its_forward_line_like_torch():
    ours, theirs = (run_quietly(lambda L=L: nan_from_division(L)) for L in (ak, torch))
    assert ours[0] == theirs[0] == "Function 'DivBackward0' returned nan values in its 1th output."
    for _, messages in (ours, theirs):
        assert messages[0].startswith("Anomaly Detection has been enabled.")
        failed = [m for m in messages if m.startswith("Error detected in DivBackward0.")]
        assert failed and "(x / x).sum().backward()" in failed[0]
    assert ours[1][0] == theirs[1][0]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_check_nan_false_keeps_going_like_torch():
    for L in (ak, torch):
        error, _ = run_quietly(lambda L=L: nan_from_division(L, check_nan=False))
        assert error is None


def test_a_second_backward_names_the_forward_line_that_made_the_node():
    for L in (ak, torch):
        a = L.ones(2, requires_grad=True)

        def twice(L=L, a=a):
            with L.autograd.detect_anomaly():
                b = a * 2  # the line the warning must show
                b.sum().backward()
                b.sum().backward()

        error, messages = run_quietly(twice)
        assert error.startswith("Trying to backward through the graph a second time")
        failed = [m for m in messages if m.startswith("Error detected in MulBackward0.")]
        assert len(failed) == 1 and "b = a * 2  # the line the warning must show" in failed[0]


class Double(ak.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, grad):
        return grad * 2


def test_every_kind_of_node_remembers_the_users_line_only_in_anomaly_mode():
    x = ak.ones(3, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with ak.autograd.detect_anomaly():
            primitive = x.exp()
            custom = Double.apply(x)
            copied = x * 1
            copied[1:].mul_(3)  # the base's node becomes CopySlices
    for tensor, line in ((primitive, "x.exp()"), (custom, "Double.apply(x)"), (copied, "mul_(3)")):
        trace = tensor.grad_fn.metadata["traceback_"]
        assert line in trace[-1] and "autograd_kit" not in trace[-1]
    assert type(copied.grad_fn).__name__ == "CopySlices"
    assert "traceback_" not in (x * 2).grad_fn.metadata


def test_switches_report_and_restore_their_state_like_torch():
    for L in (ak, torch):
        assert not L.is_anomaly_enabled()
        L.autograd.set_detect_anomaly(True, check_nan=False)
        assert L.is_anomaly_enabled() and not L.is_anomaly_check_nan_enabled()
        L.autograd.set_detect_anomaly(False)
        with L.autograd.set_detect_anomaly(True):
            assert L.is_anomaly_enabled() and L.is_anomaly_check_nan_enabled()
        assert not L.is_anomaly_enabled()
        with pytest.raises(ValueError), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with L.autograd.detect_anomaly():
                raise ValueError("the block failed")
        assert not L.is_anomaly_enabled()


def test_detect_anomaly_works_as_a_decorator():
    @ak.autograd.detect_anomaly()
    def inside():
        return ak.is_anomaly_enabled()

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert inside() is True
    assert ak.is_anomaly_enabled() is False
