"""Code from PyTorch's autograd and nn tutorials and docs, as a learner copies it.

Each snippet is run unchanged twice by ``tests/test_torch_sweep.py``: once with ``torch``, once
with ``autograd_kit`` imported under the name ``torch``; what it prints must be the same.
Where a tutorial draws random numbers and prints them, the snippet uses fixed numbers instead
(the two libraries' random streams differ); everything else is the tutorial's code.
"""

SNIPPETS: dict[str, str] = {}

# ---- "A Gentle Introduction to torch.autograd" (Blitz) -----------------------------------

SNIPPETS["blitz_differentiation"] = '''
import torch
a = torch.tensor([2., 3.], requires_grad=True)
b = torch.tensor([6., 4.], requires_grad=True)
Q = 3*a**3 - b**2
external_grad = torch.tensor([1., 1.])
Q.backward(gradient=external_grad)
print(9*a**2 == a.grad)
print(-2*b == b.grad)
print(Q)
'''

SNIPPETS["blitz_exclusion_from_the_dag"] = '''
import torch
x = torch.rand(5, 5)
y = torch.rand(5, 5)
z = torch.rand((5, 5), requires_grad=True)
a = x + y
print(f"Does `a` require gradients?: {a.requires_grad}")
b = x + z
print(f"Does `b` require gradients?: {b.requires_grad}")
'''

SNIPPETS["blitz_freezing_parameters"] = '''
import torch
from torch import nn, optim
model = nn.Sequential(nn.Linear(8, 4), nn.ReLU(), nn.Linear(4, 10))
for param in model.parameters():
    param.requires_grad = False
model[2] = nn.Linear(4, 10)
optimizer = optim.SGD(model.parameters(), lr=1e-2, momentum=0.9)
print([p.requires_grad for p in model.parameters()])
print(sum(p.numel() for p in model.parameters() if p.requires_grad))
print(model)
'''

# ---- "Automatic Differentiation with torch.autograd" (Basics) -----------------------------

SNIPPETS["basics_autograd"] = '''
import torch
x = torch.ones(5)  # input tensor
y = torch.zeros(3)  # expected output
w = torch.tensor([[0.1, -0.2, 0.3]] * 5, requires_grad=True)
b = torch.tensor([0.5, 0.0, -0.5], requires_grad=True)
z = torch.matmul(x, w)+b
loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
print(f"Gradient function for z = {z.grad_fn}")
print(f"Gradient function for loss = {loss.grad_fn}")
loss.backward()
print(w.grad)
print(b.grad)
z = torch.matmul(x, w)+b
print(z.requires_grad)
with torch.no_grad():
    z = torch.matmul(x, w)+b
print(z.requires_grad)
z = torch.matmul(x, w)+b
z_det = z.detach()
print(z_det.requires_grad)
'''

SNIPPETS["basics_jacobian_product"] = '''
import torch
inp = torch.eye(4, 5, requires_grad=True)
out = (inp+1).pow(2).t()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"First call\\n{inp.grad}")
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\\nSecond call\\n{inp.grad}")
inp.grad.zero_()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\\nCall after zeroing gradients\\n{inp.grad}")
'''

# ---- Autograd mechanics notes -------------------------------------------------------------

SNIPPETS["mechanics_saved_tensors"] = '''
import torch
x = torch.randn(5, requires_grad=True)
y = x.pow(2)
print(x.equal(y.grad_fn._saved_self))  # True
print(x is y.grad_fn._saved_self)  # True
x = torch.randn(5, requires_grad=True)
y = x.exp()
print(y.equal(y.grad_fn._saved_result))  # True
print(y is y.grad_fn._saved_result)  # False
'''

SNIPPETS["mechanics_grad_modes"] = '''
import torch
x = torch.tensor([1., 2.], requires_grad=True)
with torch.no_grad():
    y = x * 2
print(y.requires_grad)
with torch.enable_grad():
    z = x * 2
print(z.requires_grad)
torch.set_grad_enabled(False)
print((x * 2).requires_grad)
torch.set_grad_enabled(True)
with torch.inference_mode():
    w = x * 2
print(w.requires_grad, w.is_inference())
try:
    w._version
except RuntimeError as e:
    print(e)
@torch.no_grad()
def doubler(t):
    return t * 2
print(doubler(x).requires_grad)
'''

SNIPPETS["mechanics_inplace_version"] = '''
import torch
a = torch.tensor([1., 2., 3.], requires_grad=True)
b = a * 2
print(b._version)
b.add_(1)
print(b._version)
c = b.sigmoid()
b.mul_(2)
try:
    c.sum().backward()
except RuntimeError as e:
    print(str(e).split(";")[0])
'''

SNIPPETS["mechanics_backward_twice"] = '''
import torch
x = torch.ones(3, requires_grad=True)
y = (x * x).sum()
y.backward()
try:
    y.backward()
except RuntimeError as e:
    print(e)
y = (x * x).sum()
y.backward(retain_graph=True)
y.backward()
print(x.grad)
'''

# ---- Saved tensors hooks tutorial ---------------------------------------------------------

SNIPPETS["saved_tensors_intro"] = '''
import torch
a = torch.randn(5, requires_grad=True)
b = torch.ones(5, requires_grad=True)
def f(x, y):
    return x * y
y = f(a, b)
print(y.grad_fn._saved_self.equal(a))
print(y.grad_fn._saved_other.equal(b))
print(y.grad_fn._saved_self is a)
x = torch.randn(5, requires_grad=True)
y = x.pow(2)
print(y.grad_fn._saved_self.equal(x))
print(y.grad_fn._saved_exponent)
y = x.exp()
print(y.grad_fn._saved_result.equal(y))
print(y.grad_fn._saved_result is y)
y.sum().backward()
try:
    y.grad_fn._saved_result
except RuntimeError as e:
    print(e)
'''

SNIPPETS["saved_tensors_register_hooks"] = '''
import torch
def pack_hook(x):
    print("Packing", x)
    return x
def unpack_hook(x):
    print("Unpacking", x)
    return x
a = torch.ones(5, requires_grad=True)
b = torch.ones(5, requires_grad=True) * 2
y = a * b
y.grad_fn._raw_saved_self.register_hooks(pack_hook, unpack_hook)
y.sum().backward()
print(a.grad)
'''

SNIPPETS["saved_tensors_context_manager"] = '''
import torch
def pack_hook(x):
    print("Packing", x)
    return x
def unpack_hook(x):
    print("Unpacking", x)
    return x
a = torch.ones(5, requires_grad=True)
b = torch.ones(5, requires_grad=True) * 2
with torch.autograd.graph.saved_tensors_hooks(pack_hook, unpack_hook):
    y = a * b
y.sum().backward()
print(a.grad)
'''

SNIPPETS["saved_tensors_save_on_cpu_style"] = '''
import torch
class SelfDeletingTempFile():
    store = {}
    def __init__(self, key):
        self.key = key
def pack_hook(tensor):
    temp_file = SelfDeletingTempFile(len(SelfDeletingTempFile.store))
    SelfDeletingTempFile.store[temp_file.key] = tensor.clone()
    return temp_file
def unpack_hook(temp_file):
    return SelfDeletingTempFile.store[temp_file.key]
x = torch.tensor([1., 2., 3.], requires_grad=True)
with torch.autograd.graph.saved_tensors_hooks(pack_hook, unpack_hook):
    y = x.pow(2).sin()
y.sum().backward()
print(x.grad)
print(len(SelfDeletingTempFile.store))
'''

# ---- Extending PyTorch: custom autograd.Function ------------------------------------------

SNIPPETS["extending_linear_function"] = '''
import torch
from torch.autograd import Function
class LinearFunction(Function):
    @staticmethod
    def forward(input, weight, bias):
        output = input.mm(weight.t())
        if bias is not None:
            output += bias.unsqueeze(0).expand_as(output)
        return output
    @staticmethod
    def setup_context(ctx, inputs, output):
        input, weight, bias = inputs
        ctx.save_for_backward(input, weight, bias)
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
linear = LinearFunction.apply
x = torch.tensor([[1., 2., 3.], [4., 5., 6.]], dtype=torch.double, requires_grad=True)
w = torch.tensor([[0.1, 0.2, 0.3], [0.0, -1.0, 0.5]], dtype=torch.double, requires_grad=True)
b = torch.tensor([1., -1.], dtype=torch.double, requires_grad=True)
out = linear(x, w, b)
print(out)
out.sum().backward()
print(x.grad, w.grad, b.grad, sep="\\n")
print(torch.autograd.gradcheck(linear, (x, w, b), eps=1e-6, atol=1e-4))
'''

SNIPPETS["extending_linear_function_old_style_no_bias"] = '''
import torch
from torch.autograd import Function
class LinearFunction(Function):
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
x = torch.ones(2, 3, requires_grad=True)
w = torch.full((4, 3), 0.5, requires_grad=True)
y = LinearFunction.apply(x, w)
y.sum().backward()
print(y)
print(x.grad)
print(w.grad)
'''

SNIPPETS["extending_mul_constant"] = '''
import torch
class MulConstant(torch.autograd.Function):
    @staticmethod
    def forward(tensor, constant):
        return tensor * constant
    @staticmethod
    def setup_context(ctx, inputs, output):
        tensor, constant = inputs
        ctx.constant = constant
    @staticmethod
    def backward(ctx, grad_output):
        return grad_output * ctx.constant, None
x = torch.tensor([1., 2., 3.], requires_grad=True)
y = MulConstant.apply(x, 5.0)
y.sum().backward()
print(y, x.grad)
'''

SNIPPETS["extending_mark_non_differentiable_sort"] = '''
import torch
class Sort(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        out, idx = x.sort()
        ctx.mark_non_differentiable(idx)
        ctx.save_for_backward(x, idx)
        return out, idx
    @staticmethod
    def backward(ctx, g1, g2):
        x, idx = ctx.saved_tensors
        grad_input = torch.zeros_like(x)
        grad_input.index_add_(0, idx, g1)
        return grad_input
x = torch.tensor([3., 1., 2.], requires_grad=True)
out, idx = Sort.apply(x)
print(out, idx, idx.requires_grad)
(out * torch.tensor([1., 10., 100.])).sum().backward()
print(x.grad)
'''

SNIPPETS["extending_once_differentiable_and_double_backward"] = '''
import torch
from torch.autograd.function import once_differentiable
class Square(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 2
    @staticmethod
    def backward(ctx, grad_out):
        x, = ctx.saved_tensors
        return grad_out * 2 * x
class SquareOnce(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 2
    @staticmethod
    @once_differentiable
    def backward(ctx, grad_out):
        x, = ctx.saved_tensors
        return grad_out * 2 * x
x = torch.tensor(3., dtype=torch.double, requires_grad=True)
(g,) = torch.autograd.grad(Square.apply(x), x, create_graph=True)
print(g, torch.autograd.grad(g, x))
print(torch.autograd.gradgradcheck(Square.apply, x))
(g,) = torch.autograd.grad(SquareOnce.apply(x), x, create_graph=True)
try:
    g.backward()
except RuntimeError as e:
    print(e)
'''

SNIPPETS["extending_legacy_call_refused"] = '''
import torch
class Exp(torch.autograd.Function):
    @staticmethod
    def forward(ctx, i):
        result = i.exp()
        ctx.save_for_backward(result)
        return result
    @staticmethod
    def backward(ctx, grad_output):
        result, = ctx.saved_tensors
        return grad_output * result
x = torch.tensor([0., 1.], requires_grad=True)
out = Exp.apply(x)
out.backward(torch.ones(2))
print(out, x.grad)
print(out.grad_fn.name() if hasattr(out.grad_fn, "name") else type(out.grad_fn).__name__)
try:
    Exp()(x)
except RuntimeError as e:
    print(e)
'''

# ---- Tensor and autograd API details a lecture prints ------------------------------------

SNIPPETS["graph_walk_next_functions"] = '''
import torch
x = torch.ones(2, 2, requires_grad=True)
y = x + 2
z = y * y * 3
out = z.mean()
print(y, z, out, sep="\\n")
print(out.grad_fn)
print(out.grad_fn.next_functions)
print(out.grad_fn.next_functions[0][0].next_functions)
print(y.is_leaf, x.is_leaf, y.grad_fn.name())
out.backward()
print(x.grad)
'''

SNIPPETS["hooks_and_retain_grad"] = '''
import torch
x = torch.tensor([1., 2.], requires_grad=True)
y = x * 3
y.retain_grad()
h = y.register_hook(lambda g: print("grad of y:", g))
z = (y ** 2).sum()
z.backward()
print(y.grad, x.grad)
h.remove()
'''

SNIPPETS["keepdims_numpy_spelling"] = '''
import torch
x = torch.arange(6.).reshape(2, 3).requires_grad_()
s = x.sum(axis=1, keepdims=True)
m = x.mean(0, keepdims=True)
v, i = x.max(dim=1, keepdims=True)
print(s, m, v, i, sep="\\n")
(s.sum() + m.sum() + v.sum()).backward()
print(x.grad)
print(torch.amax(x, 1, keepdims=True), x.std(0, keepdims=True), x.logsumexp(1, keepdims=True))
'''

SNIPPETS["index_add_from_the_docs"] = '''
import torch
x = torch.ones(5, 3)
t = torch.tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]], dtype=torch.float)
index = torch.tensor([0, 4, 2])
x.index_add_(0, index, t)
print(x)
print(x.index_add_(0, index, t, alpha=-1))
print(torch.index_add(torch.zeros(3), 0, torch.tensor([0, 0]), torch.tensor([1., 2.])))
'''

SNIPPETS["higher_order_grad"] = '''
import torch
x = torch.tensor(2.0, requires_grad=True)
y = x ** 3
(dy,) = torch.autograd.grad(y, x, create_graph=True)
(d2y,) = torch.autograd.grad(dy, x)
print(dy, d2y)
from torch.autograd.functional import jacobian, hessian
def f(t):
    return t ** 2 + t.sin()
print(jacobian(f, torch.tensor([0., 1.])))
print(hessian(lambda t: (t ** 3).sum(), torch.tensor([1., 2.])))
'''

# ---- nn tutorial basics -------------------------------------------------------------------

SNIPPETS["nn_module_and_optim_loop"] = '''
import torch
from torch import nn
class NeuralNetwork(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(4, 8),
            nn.ReLU(),
            nn.Linear(8, 3),
        )
    def forward(self, x):
        x = self.flatten(x)
        logits = self.linear_relu_stack(x)
        return logits
model = NeuralNetwork()
print(model)
with torch.no_grad():
    for i, p in enumerate(model.parameters()):
        p.copy_(torch.linspace(-0.5, 0.5, p.numel()).reshape(p.shape) * (i + 1))
X = torch.arange(8.).reshape(2, 2, 2) / 8
y = torch.tensor([0, 2])
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
for step in range(3):
    pred = model(X)
    loss = loss_fn(pred, y)
    loss.backward()
    optimizer.step()
    optimizer.zero_grad()
    print(f"loss: {loss.item():>7f}")
for name, param in model.named_parameters():
    print(f"Layer: {name} | Size: {param.size()} | Values : {param[:2]} \\n")
'''

SNIPPETS["nn_data_loader_batches"] = '''
import torch
from torch.utils.data import DataLoader, TensorDataset
ds = TensorDataset(torch.arange(10.).reshape(5, 2), torch.arange(5))
loader = DataLoader(ds, batch_size=2)
print(next(iter(loader)))
for xb, yb in loader:
    print(xb.shape, yb)
print(len(loader))
'''

SNIPPETS["nn_manual_sgd_like_d2l"] = '''
import torch
def synthetic_data(w, b, num_examples):
    X = torch.arange(num_examples * len(w), dtype=torch.float32).reshape((-1, len(w))) / 10
    y = torch.matmul(X, w) + b
    return X, y.reshape((-1, 1))
true_w = torch.tensor([2, -3.4])
true_b = 4.2
features, labels = synthetic_data(true_w, true_b, 10)
w = torch.zeros(size=(2, 1), requires_grad=True)
b = torch.zeros(1, requires_grad=True)
def linreg(X, w, b):
    return torch.matmul(X, w) + b
def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2
def sgd(params, lr, batch_size):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()
for epoch in range(3):
    l = squared_loss(linreg(features, w, b), labels)
    l.sum().backward()
    sgd([w, b], 0.03, 10)
    with torch.no_grad():
        train_l = squared_loss(linreg(features, w, b), labels)
        print(f'epoch {epoch + 1}, loss {float(train_l.mean()):f}')
print(w.reshape(true_w.shape), b)
'''

SNIPPETS["micrograd_style_check"] = '''
import torch
x = torch.Tensor([-4.0]).double()
x.requires_grad = True
z = 2 * x + 2 + x
q = z.relu() + z * x
h = (z * z).relu()
y = h + q + q * x
y.backward()
xpt, ypt = x, y
print(ypt.data.item(), xpt.grad.item())
a = torch.Tensor([-4.0]).double()
b = torch.Tensor([2.0]).double()
a.requires_grad = True
b.requires_grad = True
c = a + b
d = a * b + b**3
c = c + c + 1
c = c + 1 + c + (-a)
d = d + d * 2 + (b + a).relu()
d = d + 3 * d + (b - a).relu()
e = c - d
f = e**2
g = f / 2.0
g = g + 10.0 / f
g.backward()
print(g.data.item(), a.grad.item(), b.grad.item())
'''

SNIPPETS["error_messages_print_like_torch"] = '''
import torch
def show(f):
    try:
        f()
    except Exception as e:
        print(type(e).__name__ + ":", e)
show(lambda: (torch.ones(2, requires_grad=True) * 2).backward())
show(lambda: torch.ones(2, 3) @ torch.ones(2, 3))
show(lambda: torch.ones(2, 3).view(4))
show(lambda: torch.ones(2, requires_grad=True).numpy())
show(lambda: torch.tensor([1, 2], requires_grad=True))
show(lambda: torch.ones(3) + torch.ones(2))
'''


# ---- A second sweep: PyTorch's autograd mechanics, extending and nn docs ----------------------

SNIPPETS["multi_output_views_unbind_split_chunk"] = '''
import torch
x = torch.arange(6.).reshape(2, 3).requires_grad_()
for parts in (x.split(1), x.chunk(2), x.unbind(), x.split([1, 2], dim=1), torch.split(x, 2, 1), torch.unbind(x, 1), torch.chunk(x, 3, 1)):
    print([p.grad_fn.name() for p in parts], [p.grad_fn is parts[0].grad_fn for p in parts], [p.output_nr for p in parts], [tuple(p.shape) for p in parts])
p = x.unbind()
print(p[1].grad_fn.next_functions, p[1].output_nr, p[1]._version)
y = x * 1
a, b = y.unbind()
for f in (lambda: a.mul_(2), lambda: y.split(1)[1].add_(1), lambda: y.chunk(3, 1)[2].zero_(), lambda: y.split([2, 1], 1)[0].neg_()):
    try:
        f()
    except RuntimeError as e:
        print(e)
with torch.no_grad():
    a.mul_(2)
print(y)
z = torch.arange(6.).reshape(2, 3)
e, f = z.unbind(); e.mul_(2); print(z, e._base is z)
(y.unbind(1)[1] * 2).sum().backward(); print(x.grad)
x.grad = None
s = x.split(1); (s[0] * 3).sum().backward(); print(x.grad)
w = torch.tensor([1., 2., 3.], requires_grad=True)
g, = torch.autograd.grad(w.unbind()[1] ** 2, w, create_graph=True); print(g, g.grad_fn)
try:
    x.split([1, 1], dim=1)
except RuntimeError as e:
    print(e)
print(torch.arange(7.).chunk(3), torch.ones(0, 2).unbind())
'''

SNIPPETS["extending_setup_context_two_outputs"] = '''
import torch
class MyCube(torch.autograd.Function):
    @staticmethod
    def forward(x):
        return x ** 3, 3 * x ** 2
    @staticmethod
    def setup_context(ctx, inputs, output):
        x, = inputs
        result, dx = output
        ctx.save_for_backward(x, dx)
    @staticmethod
    def backward(ctx, grad_output, grad_dx):
        x, dx = ctx.saved_tensors
        return grad_output * dx + grad_dx * 6 * x
x = torch.tensor([1., 2.], requires_grad=True)
y, dy = MyCube.apply(x)
print(y, dy)
y.sum().backward(); print(x.grad)
'''

SNIPPETS["nn_module_forward_and_backward_hooks"] = '''
import torch
import torch.nn as nn
m = nn.Linear(3, 2)
def fwd(module, inp, out):
    print("forward", type(module).__name__, tuple(inp[0].shape), tuple(out.shape))
def bwd(module, grad_input, grad_output):
    print("backward", [None if g is None else tuple(g.shape) for g in grad_input],
          [tuple(g.shape) for g in grad_output])
h1 = m.register_forward_hook(fwd)
h2 = m.register_full_backward_hook(bwd)
x = torch.randn(4, 3, requires_grad=True)
m(x).sum().backward()
h1.remove(); h2.remove()
m(x).sum().backward()
m.register_forward_pre_hook(lambda module, args: (args[0] * 0,))
print(torch.equal(m(x), m.bias.expand(4, 2)))
'''

SNIPPETS["cross_entropy_ignore_index"] = '''
import torch
import torch.nn as nn
loss = nn.CrossEntropyLoss(ignore_index=1)
logits = torch.tensor([[0.1, 0.2, -0.3, 0.4], [1., 0., 2., -1.], [0.5, 0.5, 0.1, 0.]],
                      requires_grad=True)
l = loss(logits, torch.tensor([1, 2, 3])); l.backward()
print(round(l.item(), 4), logits.grad)
print(nn.utils.clip_grad_norm_([logits], 0.1))
'''

SNIPPETS["functional_jacobian_hessian_vjp_jvp_hvp"] = '''
import torch
from torch.autograd.functional import jacobian, hessian, vjp, jvp, hvp
def f(x):
    return x ** 2 * x.sum()
x = torch.tensor([1., 2., 3.])
print(jacobian(f, x))
print(hessian(lambda x: (x ** 3).sum(), x))
print(vjp(f, x, torch.ones(3)))
print(jvp(f, x, torch.ones(3)))
print(hvp(lambda x: (x ** 3).sum(), x, torch.ones(3)))
'''

SNIPPETS["grad_allow_unused_materialize"] = '''
import torch
x = torch.tensor(1., requires_grad=True)
y = torch.tensor(2., requires_grad=True)
print(torch.autograd.grad(x * 2, [x, y], allow_unused=True))
try:
    torch.autograd.grad(x * 2, [x, y])
except RuntimeError as e:
    print(e)
print(torch.autograd.grad(x * 3, [x, y], allow_unused=True, materialize_grads=True))
'''

SNIPPETS["inplace_unary_methods"] = '''
import torch
x = torch.tensor([0.5, 2.0], requires_grad=True)
y = x * 1
y.exp_().sqrt_().neg_()
print(y, y.grad_fn, y._version)
try:
    y.sum().backward()  # sqrt saved its output, which neg_ then changed
except RuntimeError as e:
    print(e)
w = x * 1
w.add_(1).mul_(-1).exp_()  # nothing saved is changed later: exp's output is the last
w.sum().backward(); print(x.grad)
r = x * 1
r.relu_().mul_(2)  # relu_ saved its output, mul_ changes it
try:
    r.sum().backward()
except RuntimeError as e:
    print(e)
z = torch.tensor([1., -2., 3.])
z.abs_().clamp_max_(2.5).masked_fill_(z > 2, 0.); print(z)
print(torch.tensor([4.]).rsqrt(), torch.tensor([4.], requires_grad=True).rsqrt().grad_fn)
'''

SNIPPETS["tensor_split_hsplit_vsplit_dsplit"] = '''
import torch
x = torch.arange(8.).reshape(2, 4).requires_grad_()
for parts in (x.tensor_split(3, dim=1), torch.tensor_split(x, [1, 3], dim=1), torch.hsplit(x, 2), torch.vsplit(x, [1]), x.tensor_split(torch.tensor([2]), 1)):
    print(parts)
    print([p.grad_fn.name() for p in parts], [p.grad_fn is parts[0].grad_fn for p in parts], [p.output_nr for p in parts])
cube = torch.arange(12.).reshape(1, 3, 4)
print(torch.dsplit(cube, 2), cube.dsplit([1, 3])[1].shape)
left, right = torch.hsplit(x, 2)
(left * 2 + right * 3).sum().backward()
print(x.grad)
y = x * 1
y.hsplit(2)[1].zero_()
print(y)
for bad in (lambda: torch.hsplit(x, 3), lambda: torch.vsplit(torch.ones(3), 1), lambda: x.tensor_split(0)):
    try:
        bad()
    except RuntimeError as e:
        print(e)
'''


# ---- Sweep 3: the nn docs (modules, parameters, buffers, losses, optimizers, schedulers), ----
# ---- grad modes, autograd.grad's full signature, post-accumulate hooks ----------------------

SNIPPETS["module_print_and_parameters"] = '''
import torch
import torch.nn as nn
model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Dropout(0.2), nn.Linear(3, 2, bias=False))
print(model)
for name, p in model.named_parameters():
    print(name, tuple(p.shape), p.requires_grad)
print(list(model.state_dict().keys()))
print(sum(p.numel() for p in model.parameters()))
print([type(m).__name__ for m in model.modules()])
print(model[0], model[-1].weight.shape)
'''
SNIPPETS["parameter_repr_and_requires_grad_"] = '''
import torch
import torch.nn as nn
p = nn.Parameter(torch.tensor([1., 2.]))
print(p)
print(p.is_leaf, p.requires_grad, type(p).__name__)
x = torch.tensor([3., 4.])
x.requires_grad_()
print(x)
lin = nn.Linear(2, 1)
lin.requires_grad_(False)
print([q.requires_grad for q in lin.parameters()])
'''
SNIPPETS["grad_mode_decorators"] = '''
import torch
x = torch.tensor([1.], requires_grad=True)
@torch.no_grad()
def f(t):
    return t * 2
print(f(x).requires_grad)
with torch.no_grad():
    with torch.enable_grad():
        print((x * 2).requires_grad)
torch.set_grad_enabled(False)
print((x * 2).requires_grad, torch.is_grad_enabled())
torch.set_grad_enabled(True)
with torch.set_grad_enabled(False):
    print((x * 2).requires_grad)
print(torch.is_inference_mode_enabled())
'''
SNIPPETS["post_accumulate_grad_hook"] = '''
import torch
w = torch.tensor([1., 2.], requires_grad=True)
def hook(p):
    print("accumulated", p.grad)
h = w.register_post_accumulate_grad_hook(hook)
(w * 3).sum().backward()
(w * w).sum().backward()
h.remove()
(w * 1).sum().backward()
print(w.grad)
'''
SNIPPETS["optimizer_state_and_schedulers"] = '''
import torch
import torch.nn as nn
w = nn.Parameter(torch.tensor([1., -2.]))
opt = torch.optim.SGD([w], lr=0.1, momentum=0.9)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
for step in range(4):
    opt.zero_grad()
    (w ** 2).sum().backward()
    opt.step()
    sched.step()
    print(step, w.data, sched.get_last_lr())
print(opt.state_dict()["param_groups"])
print(opt)
'''
SNIPPETS["losses_reductions_and_weights"] = '''
import torch
import torch.nn as nn
import torch.nn.functional as F
pred = torch.tensor([[0.2, 0.8], [0.6, 0.4], [0.1, 0.9]], requires_grad=True)
target = torch.tensor([1, 0, 0])
print(F.cross_entropy(pred, target, reduction="sum"))
print(F.cross_entropy(pred, target, weight=torch.tensor([1., 2.])))
print(nn.CrossEntropyLoss(label_smoothing=0.1)(pred, target))
print(F.nll_loss(F.log_softmax(pred, dim=1), target, reduction="none"))
print(F.mse_loss(pred, torch.ones(3, 2), reduction="sum"))
print(nn.BCEWithLogitsLoss(pos_weight=torch.tensor([2., 1.]))(pred, torch.ones(3, 2)))
print(nn.L1Loss()(pred, torch.zeros(3, 2)), nn.SmoothL1Loss(beta=0.5)(pred, torch.zeros(3, 2)))
'''
SNIPPETS["train_eval_dropout_batchnorm"] = '''
import torch
import torch.nn as nn
bn = nn.BatchNorm1d(2)
x = torch.tensor([[1., 2.], [3., 6.], [6., 11.]])
print(bn(x))
print(bn.running_mean, bn.running_var, bn.num_batches_tracked)
bn.eval()
print(bn(x))
print(bn.training, bn)
d = nn.Dropout(0.5)
d.eval()
print(d(x))
print(list(dict(bn.named_buffers()).keys()))
'''
SNIPPETS["module_apply_init_and_buffers"] = '''
import torch
import torch.nn as nn
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2, 2)
        self.register_buffer("scale", torch.tensor(2.))
    def forward(self, x):
        return self.fc(x) * self.scale
net = Net()
def init(m):
    if isinstance(m, nn.Linear):
        nn.init.constant_(m.weight, 0.5)
        nn.init.zeros_(m.bias)
net.apply(init)
out = net(torch.tensor([[1., 2.]]))
print(out)
out.sum().backward()
print(net.fc.weight.grad)
net.zero_grad()
print(net.fc.weight.grad)
print(net.state_dict())
print([n for n, _ in net.named_children()], net)
'''
SNIPPETS["grad_outputs_and_create_graph"] = '''
import torch
x = torch.tensor([1., 2., 3.], requires_grad=True)
y = x ** 3
g, = torch.autograd.grad(y, x, grad_outputs=torch.ones_like(y), create_graph=True)
print(g)
g2, = torch.autograd.grad(g.sum(), x)
print(g2)
z = x * 2
z.backward(torch.tensor([1., 0.1, 0.01]))
print(x.grad)
x.grad.zero_()
print(x.grad)
print(x.data, x.detach().requires_grad)
'''
SNIPPETS["custom_function_needs_input_grad_and_dirty"] = '''
import torch
class Scale(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, k):
        ctx.k = k
        return x * k
    @staticmethod
    def backward(ctx, g):
        print("needs", ctx.needs_input_grad)
        return g * ctx.k, None
class AddOneInPlace(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        x.add_(1)
        ctx.mark_dirty(x)
        return x
    @staticmethod
    def backward(ctx, g):
        return g
a = torch.tensor([1., 2.], requires_grad=True)
Scale.apply(a, 3.).sum().backward()
print(a.grad)
b = a.clone()
c = AddOneInPlace.apply(b)
print(c, c is b, c.grad_fn)
c.sum().backward()
print(a.grad)
'''
SNIPPETS["anomaly_detection_context"] = '''
import torch
import warnings
x = torch.tensor([0., 1.], requires_grad=True)
with torch.autograd.detect_anomaly():
    y = torch.sqrt(x) * 0
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            y.sum().backward()
    except RuntimeError as e:
        print(str(e))
print(torch.is_anomaly_enabled())
'''
SNIPPETS["clip_grad_and_utils"] = '''
import torch
import torch.nn as nn
w = nn.Parameter(torch.tensor([3., 4.]))
(w * w).sum().backward()
print(nn.utils.clip_grad_norm_([w], max_norm=1.0), w.grad)
nn.utils.clip_grad_value_([w], clip_value=0.5)
print(w.grad)
v = nn.utils.parameters_to_vector([w, nn.Parameter(torch.ones(2, 1))])
print(v)
'''
SNIPPETS["tensor_grad_attributes_and_warnings"] = '''
import torch
import warnings
a = torch.tensor([1., 2.], requires_grad=True)
b = a * 2
with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter("always")
    print(b.grad)
    print(len(w), str(w[0].message)[:80] if w else None)
b.retain_grad()
b.sum().backward()
print(b.grad, b.is_leaf, b.requires_grad, b.grad_fn.name())
print(a.grad_fn, a.is_leaf)
'''
SNIPPETS["autograd_grad_of_non_scalar_and_is_grads_batched"] = '''
import torch
x = torch.tensor([1., 2.], requires_grad=True)
y = x * x
try:
    torch.autograd.grad(y, x)
except RuntimeError as e:
    print(e)
print(torch.autograd.grad(y, x, torch.ones(2), retain_graph=True))
print(torch.autograd.grad(y, x, torch.eye(2), is_grads_batched=True))
'''
SNIPPETS["embedding_and_sequential_ordered_dict"] = '''
import torch
import torch.nn as nn
from collections import OrderedDict
emb = nn.Embedding(4, 2, padding_idx=0)
with torch.no_grad():
    emb.weight.copy_(torch.arange(8.).reshape(4, 2))
out = emb(torch.tensor([[0, 2], [3, 0]]))
print(out)
out.sum().backward()
print(emb.weight.grad)
seq = nn.Sequential(OrderedDict([("lin", nn.Linear(2, 2)), ("act", nn.Tanh())]))
print(seq, seq.lin)
ml = nn.ModuleList([nn.Linear(1, 1) for _ in range(2)])
md = nn.ModuleDict({"a": nn.ReLU()})
print(ml, md, len(ml))
'''
SNIPPETS['post_accumulate_grad_hook_optimizer_in_backward'] = '''
import torch
def run(f):
    try: print(f())
    except Exception as e: print(type(e).__name__, e)
w = torch.tensor([1., 2.], requires_grad=True)
w.register_post_accumulate_grad_hook(lambda p: p.grad * 2)
run(lambda: (w * 3).sum().backward())
print(w.grad)
run(lambda: (w*2).register_post_accumulate_grad_hook(print))
run(lambda: torch.ones(2).register_post_accumulate_grad_hook(print))
v = torch.tensor([1., 2.], requires_grad=True)
v.register_post_accumulate_grad_hook(lambda p: print("hook", p.grad))
print(torch.autograd.grad((v*2).sum(), v))
(v * 2).sum().backward(inputs=[v])
u = torch.tensor([1., 2.], requires_grad=True)
u.register_hook(lambda g: print("pre", g) or g * 10)
h = u.register_post_accumulate_grad_hook(lambda p: print("post", p.grad))
(u * 2).sum().backward()
(u * u).sum().backward()
h.remove()
(u * 2).sum().backward()
print(u.grad)
w2 = torch.tensor([1., 2.], requires_grad=True)
w2.register_post_accumulate_grad_hook(lambda p: p.add_(p.grad, alpha=-0.01))
w2.backward(torch.tensor([1., 2.]))
print(w2)
nn = torch.nn
lin = nn.Linear(2, 1)
with torch.no_grad():
    lin.weight.fill_(1.); lin.bias.fill_(0.)
for p in lin.parameters():
    p.register_post_accumulate_grad_hook(lambda p: (p.sub_(0.1 * p.grad), setattr(p, "grad", None)) and None)
lin(torch.tensor([[1., 2.]])).sum().backward()
print(lin.weight, lin.bias, lin.weight.grad)
w3 = torch.tensor([1., 2.], requires_grad=True)
w3.register_post_accumulate_grad_hook(lambda p: print("create_graph", p.grad.requires_grad))
(w3 ** 2).sum().backward(create_graph=True)
'''
