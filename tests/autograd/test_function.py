"""Custom ``autograd.Function``: the whole ctx contract, checked against PyTorch.

Each scenario is written once as ``scenario(lib)`` and run with ``lib=torch`` and
``lib=ak``; what it returns (or the exception type and PyTorch's message, without our
teaching hint, which is an exception note) must be the same.
"""

from __future__ import annotations

import re

import pytest
import torch

import autograd_kit as ak


def outcome(scenario, lib):
    try:
        return ("returned", scenario(lib))
    except Exception as error:  # the comparison is the point: type and message must match
        message = str(error)
        return (type(error).__name__, re.sub(r"0x[0-9a-f]+", "0x?", message))


def assert_same_in_both(scenario):
    ours, theirs = outcome(scenario, ak), outcome(scenario, torch)
    assert ours == theirs
    return ours


def relu_function(lib, backward=None):
    class MyReLU(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x.clamp(min=0)

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            if backward is not None:
                return backward(lib, x, grad)
            return grad * (x > 0)

    return MyReLU


def leaf(lib, values=(-1.0, 2.0, 3.0)):
    return lib.tensor(list(values), requires_grad=True)


# ---- the happy path ---------------------------------------------------------------------------


def test_apply_forward_backward_and_grad_fn():
    def scenario(lib):
        x = leaf(lib)
        y = relu_function(lib).apply(x)
        y.sum().backward()
        node = y.grad_fn
        return (
            x.grad.tolist(),
            str(y),
            node.name(),
            type(node).__name__,
            re.sub(r"0x[0-9a-f]+", "0x?", repr(node)),
            type(node.next_functions[0][0]).__name__,
            node.next_functions[0][0].variable is x,
        )

    result = assert_same_in_both(scenario)
    assert result[1][2] == "MyReLUBackward"


def test_grad_fn_appears_in_next_functions_of_later_nodes():
    def scenario(lib):
        x = leaf(lib)
        z = relu_function(lib).apply(x) * 2
        return [node.name() if node else None for node, _ in z.grad_fn.next_functions]

    assert assert_same_in_both(scenario) == ("returned", ["MyReLUBackward", None])


def test_no_input_requires_grad_records_nothing():
    def scenario(lib):
        y = relu_function(lib).apply(lib.tensor([-1.0, 2.0]))
        return y.requires_grad, y.grad_fn is None

    assert assert_same_in_both(scenario) == ("returned", (False, True))


def test_forward_runs_without_recording_and_no_grad_disables_the_node():
    def scenario(lib):
        seen = []

        class Probe(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                inner = x * 2
                seen.append((lib.is_grad_enabled(), inner.requires_grad))
                return inner

            @staticmethod
            def backward(ctx, grad):
                return grad * 2

        y = Probe.apply(leaf(lib))
        with lib.no_grad():
            z = Probe.apply(leaf(lib))
        return seen, y.requires_grad, z.requires_grad

    assert_same_in_both(scenario)


def test_ctx_attributes_and_needs_input_grad():
    def scenario(lib):
        seen = []

        class Scale(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x, y, factor, label):
                ctx.factor = factor
                seen.append(("forward", ctx.needs_input_grad))
                return x * y * factor

            @staticmethod
            def backward(ctx, grad):
                seen.append(("backward", ctx.needs_input_grad, ctx.factor))
                return grad * ctx.factor, None, None, None

        x = leaf(lib)
        out = Scale.apply(x, lib.tensor([1.0, 2.0, 3.0]), 3.0, "label")
        out.sum().backward()
        return seen, x.grad.tolist()

    assert_same_in_both(scenario)


def test_non_tensor_arguments_get_no_edge_and_need_none():
    def scenario(lib):
        class Scale(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x, factor, w):
                ctx.factor = factor
                return x * factor + w

            @staticmethod
            def backward(ctx, grad):
                return grad * ctx.factor, None, grad

        x, w = leaf(lib), leaf(lib)
        y = Scale.apply(x, 3.0, w)
        y.sum().backward()
        edges = [type(node).__name__ for node, _ in y.grad_fn.next_functions]
        return x.grad.tolist(), w.grad.tolist(), edges

    assert assert_same_in_both(scenario)[1][2] == ["AccumulateGrad", "AccumulateGrad"]


def test_several_outputs_share_one_node():
    def scenario(lib):
        class Split(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2, x * 3

            @staticmethod
            def backward(ctx, grad_a, grad_b):
                return grad_a * 2 + grad_b * 3

        x = leaf(lib)
        a, b = Split.apply(x)
        a.sum().backward(retain_graph=True)
        only_a = x.grad.tolist()
        x.grad = None
        (a.sum() + b.sum()).backward()
        return only_a, x.grad.tolist(), a.grad_fn is b.grad_fn

    assert assert_same_in_both(scenario) == ("returned", ([2.0] * 3, [5.0] * 3, True))


def test_materialize_grads_true_gives_zeros_false_gives_none():
    def scenario(lib):
        seen = []

        def split(materialize):
            class Split(lib.autograd.Function):
                @staticmethod
                def forward(ctx, x):
                    ctx.set_materialize_grads(materialize)
                    return x * 2, x * 3

                @staticmethod
                def backward(ctx, grad_a, grad_b):
                    seen.append(None if grad_b is None else grad_b.tolist())
                    return grad_a * 2

            return Split

        for materialize in (True, False):
            a, _ = split(materialize).apply(leaf(lib))
            a.sum().backward()
        return seen

    assert assert_same_in_both(scenario) == ("returned", [[0.0, 0.0, 0.0], None])


def test_mark_non_differentiable():
    def scenario(lib):
        class ArgMax(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                index = x.argmax(0, keepdim=True)
                ctx.mark_non_differentiable(index)
                return x * 1, index

            @staticmethod
            def backward(ctx, grad, grad_index):
                return grad

        values, index = ArgMax.apply(leaf(lib))
        return values.requires_grad, index.requires_grad, index.grad_fn is None

    assert assert_same_in_both(scenario) == ("returned", (True, False, True))


def add_one_in_place(lib, returns_input=True):
    class AddOne_(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            x.add_(1)
            ctx.mark_dirty(x)
            return x if returns_input else x * 1

        @staticmethod
        def backward(ctx, grad):
            return grad

    return AddOne_


def test_mark_dirty_rebases_the_input_onto_the_node():
    def scenario(lib):
        x = leaf(lib, (1.0, 2.0))
        a = x.clone()
        before = a._version
        b = add_one_in_place(lib).apply(a)
        (b * b).sum().backward()
        return b is a, a.grad_fn.name(), x.grad.tolist(), a._version - before

    assert assert_same_in_both(scenario) == ("returned", (True, "AddOne_Backward", [4.0, 6.0], 2))


def test_mark_dirty_on_a_leaf_that_requires_grad_raises():
    assert_same_in_both(lambda lib: add_one_in_place(lib).apply(leaf(lib)))


def test_mark_dirty_must_return_the_modified_input():
    result = assert_same_in_both(
        lambda lib: add_one_in_place(lib, returns_input=False).apply(leaf(lib) * 1)
    )
    assert result[0] == "RuntimeError"


def test_returning_an_input_unchanged_makes_a_new_output():
    def scenario(lib):
        class Identity(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x

            @staticmethod
            def backward(ctx, grad):
                return grad * 2

        x = leaf(lib)
        y = Identity.apply(x)
        y.sum().backward()
        return y is x, x.grad.tolist(), y.grad_fn.name()

    assert_same_in_both(scenario)


def test_saving_an_output_and_an_intermediate():
    def scenario(lib):
        class Exp(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                doubled = x * 2
                out = doubled.exp()
                ctx.save_for_backward(out, doubled)
                return out

            @staticmethod
            def backward(ctx, grad):
                out, doubled = ctx.saved_tensors
                return grad * out * 2 + doubled * 0

        x = lib.tensor([0.0, 0.5], dtype=lib.float64, requires_grad=True)
        (grad,) = lib.autograd.grad(Exp.apply(x).sum(), x, create_graph=True)
        grad.sum().backward()
        return [round(v, 10) for v in grad.tolist()], [round(v, 10) for v in x.grad.tolist()]

    assert_same_in_both(scenario)


def test_hooks_on_a_custom_node():
    def scenario(lib):
        x = leaf(lib)
        y = relu_function(lib).apply(x)
        seen = []
        y.grad_fn.register_prehook(lambda outputs: seen.append(("pre", outputs[0].tolist())))
        y.grad_fn.register_hook(
            lambda grad_inputs, grad_outputs: seen.append(("post", grad_inputs[0].tolist()))
        )
        y.register_hook(lambda grad: grad * 10)
        y.sum().backward()
        return seen, x.grad.tolist()

    assert_same_in_both(scenario)


def test_setup_context_style():
    def scenario(lib):
        class Square(lib.autograd.Function):
            @staticmethod
            def forward(x, factor):
                return x * x * factor

            @staticmethod
            def setup_context(ctx, inputs, output):
                x, factor = inputs
                ctx.save_for_backward(x)
                ctx.factor = factor

            @staticmethod
            def backward(ctx, grad):
                (x,) = ctx.saved_tensors
                return 2 * x * grad * ctx.factor, None

        x = leaf(lib, (1.0, 3.0))
        y = Square.apply(x, 2.0)
        y.sum().backward()
        return x.grad.tolist(), y.grad_fn.name()

    assert assert_same_in_both(scenario) == ("returned", ([4.0, 12.0], "SquareBackward"))


def test_custom_function_is_twice_differentiable():
    def scenario(lib):
        class Cube(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x**3

            @staticmethod
            def backward(ctx, grad):
                (x,) = ctx.saved_tensors
                return 3 * x**2 * grad

        x = leaf(lib, (1.0, 2.0))
        (grad,) = lib.autograd.grad(Cube.apply(x).sum(), x, create_graph=True)
        (second,) = lib.autograd.grad(grad.sum(), x)
        return grad.tolist(), second.tolist()

    assert assert_same_in_both(scenario) == ("returned", ([3.0, 12.0], [6.0, 12.0]))


def test_once_differentiable_runs_backward_without_grad_and_refuses_a_second_derivative():
    def scenario(lib):
        from_module = lib.autograd.function.once_differentiable
        seen = []

        class Square(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x**2

            @staticmethod
            @from_module
            def backward(ctx, grad):
                seen.append(lib.is_grad_enabled())
                (x,) = ctx.saved_tensors
                return 2 * x * grad

        x = leaf(lib, (1.0, 2.0))
        seed = lib.ones(2, requires_grad=True)
        (grad,) = lib.autograd.grad(Square.apply(x), x, seed, create_graph=True)
        try:
            grad.sum().backward()
        except RuntimeError as error:
            return seen, grad.tolist(), str(error)
        return seen, grad.tolist(), None

    result = assert_same_in_both(scenario)
    assert "once_differentiable" in result[1][2]


# ---- mistakes, each with PyTorch's exception and message ---------------------------------------


@pytest.mark.parametrize(
    "backward",
    [
        pytest.param(lambda lib, x, grad: (grad, grad), id="too-many-gradients"),
        pytest.param(lambda lib, x, grad: (grad, None, None), id="extra-nones-are-dropped"),
        pytest.param(lambda lib, x, grad: (grad, None, grad), id="extra-non-none-refused"),
        pytest.param(lambda lib, x, grad: (), id="no-gradients"),
        pytest.param(lambda lib, x, grad: lib.ones(3), id="wrong-shape"),
        pytest.param(lambda lib, x, grad: lib.ones(2, 3), id="broadcastable-shape-is-summed"),
        pytest.param(lambda lib, x, grad: 3.0, id="a-number-not-a-tensor"),
        pytest.param(lambda lib, x, grad: None, id="none-means-no-gradient"),
        pytest.param(lambda lib, x, grad: grad.double(), id="other-dtype-is-converted"),
    ],
)
def test_bad_gradients_from_backward(backward):
    def scenario(lib):
        x = leaf(lib)
        relu_function(lib, backward).apply(x).sum().backward()
        return None if x.grad is None else (x.grad.tolist(), str(x.grad.dtype))

    assert_same_in_both(scenario)


def test_linear_function_without_bias_returns_a_trailing_none():
    """The docs' LinearFunction: backward returns grad_bias=None even when forward got no bias."""

    def scenario(lib):
        class LinearFunction(lib.autograd.Function):
            @staticmethod
            def forward(ctx, input, weight, bias=None):
                ctx.save_for_backward(input, weight, bias)
                output = input.mm(weight.t())
                if bias is not None:
                    output += bias.unsqueeze(0).expand_as(output)
                return output

            @staticmethod
            def backward(ctx, grad_output):
                input, weight, bias = ctx.saved_tensors
                grad_input = grad_weight = grad_bias = None
                if ctx.needs_input_grad[0]:
                    grad_input = grad_output.mm(weight)
                if ctx.needs_input_grad[1]:
                    grad_weight = grad_output.t().mm(input)
                if bias is not None and ctx.needs_input_grad[2]:
                    grad_bias = grad_output.sum(0)
                return grad_input, grad_weight, grad_bias

        x = lib.ones(2, 3, requires_grad=True)
        w = lib.full((4, 3), 0.5, requires_grad=True)
        LinearFunction.apply(x, w).sum().backward()
        return x.grad.tolist(), w.grad.tolist()

    assert assert_same_in_both(scenario)[0] == "returned"


def test_gradient_for_a_non_tensor_argument_raises():
    def scenario(lib):
        class Scale(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x, factor, y):
                return x * factor

            @staticmethod
            def backward(ctx, grad):
                return grad, grad, grad

        Scale.apply(leaf(lib), 2.0, lib.ones(3)).sum().backward()

    assert assert_same_in_both(scenario)[0] == "RuntimeError"


def test_saved_tensors_after_the_graph_was_freed():
    def scenario(lib):
        y = relu_function(lib).apply(leaf(lib))
        y.sum().backward()
        return y.grad_fn.saved_tensors

    message = assert_same_in_both(scenario)[1]
    assert message.startswith("Trying to backward through the graph a second")


def test_backward_twice_through_a_custom_node():
    def scenario(lib):
        out = relu_function(lib).apply(leaf(lib)).sum()
        out.backward()
        out.backward()

    assert assert_same_in_both(scenario)[0] == "RuntimeError"


@pytest.mark.parametrize("where", ["input", "output", "intermediate-leaf"])
def test_saved_tensor_modified_in_place(where):
    def scenario(lib):
        x = leaf(lib)
        if where == "input":
            a = x * 1
            y = relu_function(lib).apply(a)
            a.mul_(2)
        elif where == "output":

            class Exp(lib.autograd.Function):
                @staticmethod
                def forward(ctx, x):
                    out = x.exp()
                    ctx.save_for_backward(out)
                    return out

                @staticmethod
                def backward(ctx, grad):
                    (out,) = ctx.saved_tensors
                    return grad * out

            y = Exp.apply(x)
            y.add_(1)
        else:
            y = relu_function(lib).apply(x)
            with lib.no_grad():
                x.mul_(2)
        y.sum().backward()

    result = assert_same_in_both(scenario)
    assert result[1].startswith("one of the variables needed for gradient computation")


def test_saved_output_of_a_multi_output_function_names_its_output_number():
    def scenario(lib):
        class Split(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                a, b = x * 2, x * 3
                ctx.save_for_backward(b)
                return a, b

            @staticmethod
            def backward(ctx, grad_a, grad_b):
                (b,) = ctx.saved_tensors
                return grad_a

        a, b = Split.apply(leaf(lib))
        b.add_(1)
        a.sum().backward()

    assert ", which is output 1 of Split," in assert_same_in_both(scenario)[1]


def test_save_for_backward_only_takes_tensors():
    def scenario(lib):
        class Saves(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x, None, 3)
                return x * 2

            @staticmethod
            def backward(ctx, grad):
                return grad

        Saves.apply(leaf(lib))

    assert assert_same_in_both(scenario)[0] == "TypeError"


def test_calling_forward_directly_is_just_the_function():
    def scenario(lib):
        return relu_function(lib).forward(None, leaf(lib)).tolist()

    assert_same_in_both(scenario)


def test_old_style_functions_are_refused():
    def scenario(lib):
        class Old(lib.autograd.Function):
            def forward(self, x):
                return x * 2

            def backward(self, grad):
                return grad * 2

        return Old()(leaf(lib))

    result = assert_same_in_both(scenario)
    assert result[0] == "RuntimeError" and "Legacy autograd function" in result[1]


def test_instantiating_a_new_style_function_is_refused_too():
    assert_same_in_both(lambda lib: relu_function(lib)()(leaf(lib)))


def test_gradient_on_the_wrong_device(strict_devices):
    """backward returns a gradient on another device than its input: PyTorch's message."""

    class Moves(ak.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, grad):
            return grad.to(strict_devices[2])

    x = ak.ones(3, device=strict_devices[1], requires_grad=True)
    with pytest.raises(RuntimeError) as info:
        Moves.apply(x).sum().backward()
    assert str(info.value).startswith(
        "Function MovesBackward returned an invalid gradient at index 0 - expected device "
        "strict:1 but got strict:2"
    )
