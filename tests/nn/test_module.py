"""Module: registration, tree walking, state_dict, train/eval, hooks and repr, vs PyTorch."""

from __future__ import annotations

import copy
import pickle
import warnings

import numpy as np
import pytest
import torch

import autograd_kit as ak
from tests.nn.parity import copy_weights, to_ak


def build(lib):
    """The same small network in either library."""
    nn = lib.nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.features = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.BatchNorm1d(8))
            self.heads = nn.ModuleList([nn.Linear(8, 2), nn.Linear(8, 3, bias=False)])
            self.scale = nn.Parameter(lib.ones(1))

        def forward(self, x):
            hidden = self.features(x)
            return self.heads[0](hidden) * self.scale, self.heads[1](hidden)

    return Net()


def test_registration_order_matches_pytorch():
    ak_net, torch_net = build(ak), build(torch)
    assert [n for n, _ in ak_net.named_parameters()] == [n for n, _ in torch_net.named_parameters()]
    assert [n for n, _ in ak_net.named_buffers()] == [n for n, _ in torch_net.named_buffers()]
    assert [n for n, _ in ak_net.named_modules()] == [n for n, _ in torch_net.named_modules()]
    assert [n for n, _ in ak_net.named_children()] == [n for n, _ in torch_net.named_children()]
    assert list(ak_net.state_dict()) == list(torch_net.state_dict())
    assert len(list(ak_net.modules())) == len(list(torch_net.modules()))
    assert all(isinstance(p, ak.nn.Parameter) and p.requires_grad for p in ak_net.parameters())


def test_shared_parameter_is_listed_once():
    layer = ak.nn.Linear(2, 2)
    net = ak.nn.Sequential(layer, layer)
    assert len(list(net.parameters())) == 2
    assert [n for n, _ in net.named_parameters()] == ["0.weight", "0.bias"]


def test_repr_matches_pytorch():
    for lib in (ak, torch):
        lib.manual_seed(0)
    assert repr(build(ak)) == repr(build(torch))


def test_reassign_and_delete_attributes():
    net = ak.nn.Linear(2, 3)
    with pytest.raises(TypeError, match="as parameter 'weight'"):
        net.weight = ak.ones(3, 2)
    net.bias = None
    assert [n for n, _ in net.named_parameters()] == ["weight"]
    net.extra = ak.nn.Parameter(ak.zeros(1))
    assert [n for n, _ in net.named_parameters()] == ["weight", "extra"]
    del net.extra
    assert [n for n, _ in net.named_parameters()] == ["weight"]
    with pytest.raises(AttributeError, match="'Linear' object has no attribute 'missing'"):
        net.missing  # noqa: B018


def test_forward_is_required():
    with pytest.raises(NotImplementedError, match='missing the required "forward" function'):
        ak.nn.Module()(ak.ones(1))


def test_train_eval_propagates_and_rejects_non_bool():
    net = build(ak)
    assert all(m.training for m in net.modules())
    assert net.eval() is net
    assert not any(m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())
    with pytest.raises(ValueError, match="training mode is expected to be boolean"):
        net.train("yes")


def test_zero_grad_and_requires_grad():
    net = build(ak)
    outputs = net(ak.randn(5, 4))
    (outputs[0].sum() + outputs[1].sum()).backward()
    assert all(p.grad is not None for p in net.parameters())
    net.zero_grad(set_to_none=False)
    assert all(p.grad is not None and not p.grad.numpy().any() for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())
    net.features.requires_grad_(False)
    assert [n for n, p in net.named_parameters() if p.requires_grad] == [
        "scale", "heads.0.weight", "heads.0.bias", "heads.1.weight"]


def test_state_dict_round_trip_and_sharing():
    torch.manual_seed(0)
    torch_net = build(torch)
    ak_net = build(ak)
    result = ak_net.load_state_dict({k: to_ak(v) for k, v in torch_net.state_dict().items()})
    assert repr(result) == "<All keys matched successfully>"
    for name, value in torch_net.state_dict().items():
        np.testing.assert_array_equal(ak_net.state_dict()[name].numpy(), value.numpy())
    # The state dict shares storage with the module and is detached from the graph.
    state = ak_net.state_dict()
    assert not state["scale"].requires_grad
    with ak.no_grad():
        ak_net.scale.fill_(3.0)
    assert state["scale"].item() == 3.0
    assert ak_net.state_dict(keep_vars=True)["scale"] is ak_net.scale


def _errors(lib, state_for):
    net = build(lib)
    with pytest.raises(RuntimeError) as info:
        net.load_state_dict(state_for(net))
    return str(info.value)


@pytest.mark.parametrize("case", ["missing", "unexpected", "shape", "all"])
def test_load_state_dict_errors_match_pytorch(case):
    def state_for(lib):
        def make(net):
            state = dict(net.state_dict())
            if case in ("missing", "all"):
                del state["heads.0.bias"]
                del state["features.2.running_var"]
            if case in ("unexpected", "all"):
                state["heads.2.weight"] = lib.zeros(1)
                state["extra"] = lib.zeros(1)
            if case in ("shape", "all"):
                state["features.0.weight"] = lib.zeros(3, 3)
            return state
        return make

    assert _errors(ak, state_for(ak)) == _errors(torch, state_for(torch))


def test_load_state_dict_non_strict_reports_keys():
    for lib in (ak, torch):
        net = lib.nn.Linear(2, 2)
        result = net.load_state_dict({"weight": lib.zeros(2, 2), "foo": lib.zeros(1)},
                                     strict=False)
        assert result.missing_keys == ["bias"]
        assert result.unexpected_keys == ["foo"]


def test_to_dtype_keeps_parameter_objects():
    net = ak.nn.Sequential(ak.nn.Linear(2, 2), ak.nn.BatchNorm1d(2))
    weight = net[0].weight
    net.to(ak.float64)
    assert net[0].weight is weight
    assert weight.dtype == ak.float64
    assert net[1].running_mean.dtype == ak.float64
    assert net[1].num_batches_tracked.dtype == ak.int64
    assert net(ak.randn(3, 2, dtype=ak.float64)).dtype == ak.float64
    net.float()
    assert weight.dtype == ak.float32


def test_forward_hooks_see_and_replace_values():
    net = ak.nn.Linear(2, 2)
    seen = []
    handle = net.register_forward_hook(lambda module, args, out: seen.append(out.shape))
    pre = net.register_forward_pre_hook(lambda module, args: (args[0] * 0,))
    out = net(ak.ones(3, 2))
    np.testing.assert_allclose(out.detach().numpy(), np.broadcast_to(net.bias.detach().numpy(),
                                                                    (3, 2)))
    assert seen == [ak.Size([3, 2])]
    handle.remove()
    pre.remove()
    net(ak.ones(3, 2))
    assert len(seen) == 1
    replace = net.register_forward_hook(lambda module, args, out: out * 0)
    assert not net(ak.ones(1, 2)).detach().numpy().any()
    replace.remove()


def test_apply_and_get_submodule():
    net = build(ak)
    names = []
    net.apply(lambda m: names.append(type(m).__name__))
    assert names[-1] == "Net" and names.count("Linear") == 3
    assert net.get_submodule("heads.1") is net.heads[1]
    assert net.get_parameter("features.0.bias") is net.features[0].bias


def test_deepcopy_and_pickle_keep_parameters():
    net = build(ak)
    clone = copy.deepcopy(net)
    assert all(isinstance(p, ak.nn.Parameter) for p in clone.parameters())
    for a, b in zip(net.parameters(), clone.parameters(), strict=True):
        assert a is not b
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    plain = ak.nn.Sequential(ak.nn.Linear(2, 3), ak.nn.BatchNorm1d(3))
    restored = pickle.loads(pickle.dumps(plain))
    assert list(restored.state_dict()) == list(plain.state_dict())
    assert isinstance(restored[0].weight, ak.nn.Parameter)
    assert restored[0].weight.tolist() == plain[0].weight.tolist()


def test_copy_weights_gives_identical_outputs():
    torch.manual_seed(1)
    torch_net, ak_net = build(torch).eval(), build(ak).eval()
    copy_weights(torch_net, ak_net)
    x = np.random.default_rng(0).standard_normal((6, 4)).astype(np.float32)
    for a, t in zip(ak_net(ak.tensor(x)), torch_net(torch.tensor(x)), strict=True):
        np.testing.assert_allclose(a.detach().numpy(), t.detach().numpy(), rtol=1e-5, atol=1e-6)


# ---- nn-tail: half, type and the full backward hooks -------------------------------------------


@pytest.mark.parametrize("cast", ["half", "type_float64", "type_float16"])
def test_half_and_type_cast_parameters_and_buffers_like_pytorch(cast):
    dtypes = []
    for lib in (torch, ak):
        module = lib.nn.Sequential(lib.nn.Linear(2, 3), lib.nn.BatchNorm1d(3))
        if cast == "half":
            returned = module.half()
        else:
            returned = module.type(getattr(lib, cast.removeprefix("type_")))
        assert returned is module
        dtypes.append([(name, str(t.dtype)) for name, t in module.state_dict().items()])
    # (type casts the integer num_batches_tracked too; half leaves it an integer)
    assert dtypes[0] == dtypes[1]


def _rounded(grads):
    return [None if g is None else np.round(g.detach().numpy(), 9).tolist() for g in grads]


def _hooked_network_log(lib, input_requires_grad=True, replace_grad_input=False,
                        replace_grad_output=False):
    """Everything the hooks of a Sequential and two of its layers see, in order, then the
    gradients that reach the input and the first weight, and the warnings."""
    lib.manual_seed(0)
    log = []
    net = lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.Tanh(), lib.nn.Linear(4, 2)).double()
    with lib.no_grad():
        for i, param in enumerate(net.parameters()):
            values = np.linspace(-1, 1, param.numel()).reshape(tuple(param.shape)) * (i + 1)
            param.copy_(lib.tensor(values, dtype=param.dtype))

    def hook(name):
        def run(module, grad_input, grad_output):
            log.append((name, "hook", _rounded(grad_input), _rounded(grad_output)))
            if replace_grad_input and name == "last":
                return tuple(None if g is None else g * 2 for g in grad_input)
        return run

    def pre_hook(name):
        def run(module, grad_output):
            log.append((name, "pre", _rounded(grad_output)))
            if replace_grad_output and name == "net":
                return tuple(g * 10 for g in grad_output)
        return run

    net.register_full_backward_hook(hook("net"))
    net.register_full_backward_pre_hook(pre_hook("net"))
    net[2].register_full_backward_hook(hook("last"))
    handle = net[2].register_full_backward_pre_hook(pre_hook("last"))
    net[0].register_full_backward_hook(hook("first"))
    net[0].register_full_backward_pre_hook(pre_hook("removed")).remove()
    x = lib.tensor(np.linspace(-1, 1, 6).reshape(2, 3), dtype=lib.float64,
                   requires_grad=input_requires_grad)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = net(x)
        out.sum().backward()
    log.append(("input", None if x.grad is None else _rounded([x.grad])))
    log.append(("weight", _rounded([net[0].weight.grad])))
    log.append(("grad_fn", out.grad_fn.name()))
    log.append(("warnings", [str(w.message) for w in caught]))
    handle.remove()
    return log


@pytest.mark.parametrize("options", [
    {}, dict(input_requires_grad=False), dict(replace_grad_input=True),
    dict(replace_grad_output=True),
])
def test_full_backward_hooks_see_and_replace_what_pytorch_hooks_do(options):
    """The same calls in the same order (inner modules first, pre-hooks before hooks), the
    same grad_input/grad_output tuples, replacements flowing on, and the output's node
    BackwardHookFunctionBackward; with an input that needs no gradient the hooks fire from
    the output with grad_input (None,) and PyTorch's warning."""
    assert _hooked_network_log(ak, **options) == _hooked_network_log(torch, **options)


@pytest.mark.parametrize("register", [
    lambda L, layer: layer.register_full_backward_hook(lambda m, gi, go: (L.ones(1, 2),)),
    lambda L, layer: layer.register_full_backward_hook(lambda m, gi, go: (None, None)),
    lambda L, layer: layer.register_full_backward_pre_hook(lambda m, go: (None, None)),
])
@pytest.mark.parametrize("input_requires_grad", [True, False])
def test_full_backward_hook_errors_match_pytorch(register, input_requires_grad):
    errors = []
    for lib in (torch, ak):
        layer = lib.nn.Linear(2, 1)
        register(lib, layer)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                layer(lib.ones(1, 2, requires_grad=input_requires_grad)).sum().backward()
                errors.append(None)  # (all None is fine when no input requires grad)
            except RuntimeError as error:
                errors.append(str(error))
    assert errors[1] == errors[0]
