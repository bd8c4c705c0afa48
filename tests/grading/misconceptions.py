"""Answers written by confused learners, one table per chapter, graded by the real grader.

For every question: ``wrong`` answers that each hold one misconception (a hard-coded number,
a closed-form derivative where the text says "use backward", ``.data`` instead of
``detach()``, DFS where BFS is asked, ``=`` instead of ``+=`` ...) and must score 0, and
``right`` answers that differ from the solution but are correct and must score full marks.
Each entry replaces the code between the question's solution markers (indentation included).
"""

# notebook -> question -> {"wrong": [code, ...], "right": [code, ...]}
ANSWERS = {'01_requires_grad': {'q1': {'wrong': ['q1_w = ak.tensor([0.5, -1.0, 2.0], requires_grad=True)\n'
                                       'q1_x = ak.tensor([1.0, 2.0, 3.0])\n'
                                       'q1_y = ak.tensor([0.5, -2.0, 6.0], requires_grad=True)',
                                       'q1_w = ak.tensor([0.5, -1.0, 2.0], requires_grad=True)\n'
                                       'q1_x = ak.tensor([1.0, 2.0, 3.0], requires_grad=True)\n'
                                       'q1_y = q1_w * q1_x'],
                             'right': ['q1_w = ak.tensor([0.5, -1.0, 2.0]).requires_grad_()\n'
                                       'q1_x = ak.tensor([1.0, 2.0, 3.0])\n'
                                       'q1_y = q1_x * q1_w']},
                      'q2': {'wrong': ['q2_names = ["AddBackward", "MulBackward", "MeanBackward"]',
                                       'q2_names = ["AddBackward0", "MulBackward0", '
                                       '"SumBackward0"]'],
                             'right': ['q2_names = [type(t.grad_fn).__name__ for t in (w + 1, w * '
                                       '2, (w * 2).mean())]']},
                      'q3': {'wrong': ['    x = ak.tensor([1.0, 2.0], requires_grad=x_requires)\n'
                                       '    y = ak.tensor([3.0, 4.0], requires_grad=y_requires)\n'
                                       '    return x.requires_grad and y.requires_grad',
                                       '    x = ak.tensor([1.0, 2.0], requires_grad=x_requires)\n'
                                       '    return (x * 2 + 1).requires_grad'],
                             'right': ['    x = ak.tensor(1.0, requires_grad=x_requires)\n'
                                       '    y = ak.tensor(2.0, requires_grad=y_requires)\n'
                                       '    return (x * y + 1).grad_fn is not None']},
                      'q4': {'wrong': ['q4_by_hand = 14.0\n'
                                       '\n'
                                       '\n'
                                       'def q4_grad_at(f, v):\n'
                                       '    return 3 * v**2 + 2',
                                       'q4_by_hand = 12.0\n'
                                       '\n'
                                       '\n'
                                       'def q4_grad_at(f, v):\n'
                                       '    x = ak.tensor(float(v), requires_grad=True)\n'
                                       '    y = f(x)\n'
                                       '    return y.item()'],
                             'right': ['q4_by_hand = 14\n'
                                       '\n'
                                       '\n'
                                       'def q4_grad_at(f, v):\n'
                                       '    x = ak.tensor([float(v)], requires_grad=True)\n'
                                       '    (g,) = ak.autograd.grad(f(x).sum(), x)\n'
                                       '    return float(g[0])']}},
 '02_graph_and_leaves': {'q1': {'wrong': ['q1_loss = ak.tensor(2.0, requires_grad=True)',
                                          'q1_loss = ((a * b) + c).mean() * 2'],
                                'right': ['q1_loss = ak.sum(a.mul(b).add(c))']},
                         'q2': {'wrong': ['q2_is_leaf = [True, True, False, False, False]\n'
                                          'q2_requires_grad = [True, True, False, True, True]',
                                          'q2_is_leaf = [True, True, True, False, False]\n'
                                          'q2_requires_grad = [True, True, True, True, True]'],
                                'right': ['q2_is_leaf = [t.is_leaf for t in [a, b, c, a * b, (a * '
                                          'b + c).sum()]]\n'
                                          'q2_requires_grad = [t.requires_grad for t in [a, b, c, '
                                          'a * b, (a * b + c).sum()]]']},
                         'q3': {'wrong': ['    names, stack, seen = [], [t.grad_fn], set()\n'
                                          '    while stack:\n'
                                          '        node = stack.pop()\n'
                                          '        if id(node) in seen:\n'
                                          '            continue\n'
                                          '        seen.add(id(node))\n'
                                          '        names.append(type(node).__name__)\n'
                                          '        stack.extend(n for n, _ in '
                                          'reversed(node.next_functions) if n is not None)\n'
                                          '    return names',
                                          '    names, queue = [], deque([t.grad_fn])\n'
                                          '    while queue:\n'
                                          '        node = queue.popleft()\n'
                                          '        names.append(type(node).__name__)\n'
                                          '        queue.extend(n for n, _ in node.next_functions '
                                          'if n is not None)\n'
                                          '    return names'],
                                'right': ['    order, frontier, seen = [], [t.grad_fn], []\n'
                                          '    while frontier:\n'
                                          '        nxt = []\n'
                                          '        for node in frontier:\n'
                                          '            if any(node is s for s in seen):\n'
                                          '                continue\n'
                                          '            seen.append(node)\n'
                                          '            order.append(node.name())\n'
                                          '            nxt += [n for n, _ in node.next_functions '
                                          'if n is not None]\n'
                                          '        frontier = nxt\n'
                                          '    return order']}},
 '03_backward_and_gradient': {'q1': {'wrong': ['    return ak.full(shape, 0.4)',
                                               '    x = ak.ones(*shape, requires_grad=True)\n'
                                               '    (scale * x).sum().backward()\n'
                                               '    return x.grad'],
                                     'right': ['    x = ak.ones(*shape, requires_grad=True)\n'
                                               '    out = (scale * x).sum() / x.numel()\n'
                                               '    out.backward()\n'
                                               '    return x.grad']},
                              'q2': {'wrong': ['    x = ak.tensor(x_values, requires_grad=True)\n'
                                               '    (x * x).sum().backward()\n'
                                               '    return x.grad',
                                               '    x = ak.tensor(x_values)\n'
                                               '    return 2 * x * ak.tensor(v_values)'],
                                     'right': ['    x = ak.tensor(x_values, requires_grad=True)\n'
                                               '    ((x * x) * '
                                               'ak.tensor(v_values)).sum().backward()\n'
                                               '    return x.grad']},
                              'q3': {'wrong': ['try:\n'
                                               '    q3_y.backward()\n'
                                               'except RuntimeError as error:\n'
                                               '    q3_error = str(error)\n'
                                               'try:\n'
                                               '    q3_y.backward(gradient=ak.tensor(1.0))\n'
                                               'except RuntimeError:\n'
                                               '    pass',
                                               'try:\n'
                                               '    q3_y.backward()\n'
                                               'except RuntimeError as error:\n'
                                               '    q3_error = str(error)\n'
                                               'q3_y.mean().backward()'],
                                     'right': ['try:\n'
                                               '    q3_y.backward()\n'
                                               'except RuntimeError as error:\n'
                                               '    q3_error = error.args[0]\n'
                                               'q3_y.sum().backward()']},
                              'q4': {'wrong': ['q4_by_hand = (3.0, 8.0)\n'
                                               '\n'
                                               '\n'
                                               'def q4_grads(f, x, y):\n'
                                               '    return float(y), x + 2.0 * y',
                                               'q4_by_hand = (3.0, 6.0)\n'
                                               '\n'
                                               '\n'
                                               'def q4_grads(f, x, y):\n'
                                               '    x = ak.tensor(float(x), requires_grad=True)\n'
                                               '    y = ak.tensor(float(y))\n'
                                               '    f(x, y).backward()\n'
                                               '    return x.grad.item(), y.grad.item()'],
                                     'right': ['q4_by_hand = [3, 8]\n'
                                               '\n'
                                               '\n'
                                               'def q4_grads(f, x, y):\n'
                                               '    xy = ak.tensor([float(x), float(y)], '
                                               'requires_grad=True)\n'
                                               '    f(xy[0], xy[1]).backward()\n'
                                               '    return tuple(xy.grad.tolist())']},
                              'q5': {'wrong': ['    x = ak.tensor(values, requires_grad=True)\n'
                                               '    (x**2).sum().backward()\n'
                                               '    return x.grad',
                                               '    x = ak.tensor(values, requires_grad=True)\n'
                                               '    '
                                               '(x**2).sum().backward(gradient=ak.tensor(seed))\n'
                                               '    return x.grad * seed'],
                                     'right': ['    x = ak.tensor(values, requires_grad=True)\n'
                                               '    (seed * (x**2).sum()).backward()\n'
                                               '    return x.grad']}},
 '04_retain_graph_and_accumulation': {'q1': {'wrong': ['    y.backward()', '    pass'],
                                             'right': ['    ak.autograd.backward([y], '
                                                       'retain_graph=True)']},
                                      'q2': {'wrong': ['    x = ak.ones(*shape, '
                                                       'requires_grad=True)\n'
                                                       '    (scale * x).mean().backward()\n'
                                                       '    first = x.grad\n'
                                                       '    z = scale * x\n'
                                                       '    z.backward(gradient=ak.ones_like(z))\n'
                                                       '    return first, x.grad',
                                                       '    x = ak.ones(*shape, '
                                                       'requires_grad=True)\n'
                                                       '    (scale * x).mean().backward()\n'
                                                       '    first = x.grad.clone()\n'
                                                       '    x.grad.zero_()\n'
                                                       '    z = scale * x\n'
                                                       '    z.backward(gradient=ak.ones_like(z))\n'
                                                       '    return first, x.grad'],
                                             'right': ['    x = ak.ones(*shape, '
                                                       'requires_grad=True)\n'
                                                       '    (scale * '
                                                       'x).sum().div(x.numel()).backward()\n'
                                                       '    first = x.grad.detach().clone()\n'
                                                       '    (scale * '
                                                       'x).backward(ak.ones(*shape))\n'
                                                       '    return first, x.grad']},
                                      'q3': {'wrong': ['        pass',
                                                       '        w.grad = ak.zeros_like(w)\n'
                                                       '        w.grad += 0.0 if w.grad is None '
                                                       'else 0.0\n'
                                                       '        w = w.detach()'],
                                             'right': ['        w.grad = None']},
                                      'q4': {'wrong': ['    w = ak.tensor(values, '
                                                       'requires_grad=True)\n'
                                                       '    (2 * w).sum().backward()\n'
                                                       '    w.grad.zero_()\n'
                                                       '    (w**2).sum().backward()\n'
                                                       '    return w.grad',
                                                       '    w = ak.tensor(values, '
                                                       'requires_grad=True)\n'
                                                       '    (2 * w).sum().backward()\n'
                                                       '    first = w.grad.clone()\n'
                                                       '    w.grad = None\n'
                                                       '    (w**2).sum().backward()\n'
                                                       '    return first * w.grad'],
                                             'right': ['    w = ak.tensor(values, '
                                                       'requires_grad=True)\n'
                                                       '    ((2 * w).sum() + '
                                                       '(w**2).sum()).backward()\n'
                                                       '    return w.grad']}},
 '05_leaves_retain_grad_and_hooks': {'q1': {'wrong': ['    z.backward()\n    y.retain_grad()',
                                                      '    z.backward()'],
                                            'right': ['    y.retain_grad()\n'
                                                      '    ak.autograd.backward(z)']},
                                     'q2': {'wrong': ['    for name, tensor in tensors.items():\n'
                                                      '        tensor.register_hook(lambda grad: '
                                                      'fired.append(name))\n'
                                                      '    loss.backward()',
                                                      '    for name, tensor in tensors.items():\n'
                                                      '        fired.append(name)\n'
                                                      '        tensor.register_hook(lambda grad: '
                                                      'None)\n'
                                                      '    loss.backward()'],
                                            'right': ['    import functools\n'
                                                      '    for name in tensors:\n'
                                                      '        '
                                                      'tensors[name].register_hook(functools.partial(lambda '
                                                      'n, g: fired.append(n), name))\n'
                                                      '    ak.autograd.backward(loss)']},
                                     'q3': {'wrong': ['    def clip(grad):\n'
                                                      '        grad.clamp(-1.0, 1.0)\n'
                                                      '\n'
                                                      '    x.register_hook(clip)',
                                                      '    with ak.no_grad():\n'
                                                      '        x.clamp_(-1.0, 1.0)'],
                                            'right': ['    x.register_hook(lambda g: ak.clamp(g, '
                                                      'min=-1.0, max=1.0))']},
                                     'q4': {'wrong': ['    x.register_hook(lambda grad: grad * '
                                                      '2)\n'
                                                      '    x.sum().backward()\n'
                                                      '    first = x.grad.clone()\n'
                                                      '    x.grad.zero_()\n'
                                                      '    x.sum().backward()\n'
                                                      '    return first, x.grad',
                                                      '    handle = x.register_hook(lambda grad: '
                                                      'grad * 2)\n'
                                                      '    x.sum().backward()\n'
                                                      '    first = x.grad.clone()\n'
                                                      '    handle.remove()\n'
                                                      '    x.sum().backward()\n'
                                                      '    return first, x.grad'],
                                            'right': ['    handle = x.register_hook(lambda grad: '
                                                      '2 * grad)\n'
                                                      '    x.sum().backward()\n'
                                                      '    first = x.grad.clone()\n'
                                                      '    handle.remove()\n'
                                                      '    x.grad = None\n'
                                                      '    x.sum().backward()\n'
                                                      '    return first, x.grad']}},
 '06_detach_no_grad_and_freezing': {'q1': {'wrong': ['    w.requires_grad_(False)\n'
                                                     '    return w * x + 1',
                                                     '    return w * x + 1'],
                                           'right': ['    with ak.no_grad():\n'
                                                     '        out = x * w\n'
                                                     '    return out + 1']},
                                    'q2': {'wrong': ['    return t.data',
                                                     '    return t.detach().clone()'],
                                           'right': ['    out = t.detach()\n    return out']},
                                    'q3': {'wrong': ['    optimizer = '
                                                     'optim.SGD(model.parameters(), lr=0.1)\n'
                                                     '    for p in model[0].parameters():\n'
                                                     '        p.requires_grad = False\n'
                                                     '    for _ in range(steps):\n'
                                                     '        optimizer.zero_grad()\n'
                                                     '        ((model(x) - y) ** '
                                                     '2).mean().backward()\n'
                                                     '        optimizer.step()\n'
                                                     '    return optimizer',
                                                     '    model[0].weight.requires_grad = False\n'
                                                     '    optimizer = optim.SGD([p for p in '
                                                     'model.parameters() if p.requires_grad], '
                                                     'lr=0.1)\n'
                                                     '    for _ in range(steps):\n'
                                                     '        optimizer.zero_grad()\n'
                                                     '        ((model(x) - y) ** '
                                                     '2).mean().backward()\n'
                                                     '        optimizer.step()\n'
                                                     '    return optimizer'],
                                           'right': ['    model[0].requires_grad_(False)\n'
                                                     '    optimizer = '
                                                     'optim.SGD(model[2].parameters(), lr=0.1)\n'
                                                     '    for _ in range(steps):\n'
                                                     '        optimizer.zero_grad()\n'
                                                     '        loss = ((model(x) - y) ** '
                                                     '2).mean()\n'
                                                     '        loss.backward()\n'
                                                     '        optimizer.step()\n'
                                                     '    return optimizer']},
                                    'q4': {'wrong': ['    return t.detach()',
                                                     '    t = t.detach()\n    return t'],
                                           'right': ['    return t.detach_()']}},
 '07_custom_function': {'q1': {'wrong': [['        ctx.save_for_backward(x)\n        return x**3',
                                          '        (x,) = ctx.saved_tensors\n'
                                          '        return 3 * x**2 * grad.sum()'],
                                         ['        ctx.save_for_backward(x)\n        return x**3',
                                          '        (x,) = ctx.saved_tensors\n'
                                          '        return grad * 3 * x']],
                               'right': [['        ctx.save_for_backward(x)\n'
                                          '        return x * x * x',
                                          '        x = ctx.saved_tensors[0]\n'
                                          '        return 3 * x.pow(2) * grad']]},
                        'q2': {'wrong': [['        diff = pred - target\n'
                                          '        ctx.save_for_backward(diff)\n'
                                          '        return (diff**2).sum()',
                                          '        (diff,) = ctx.saved_tensors\n'
                                          '        return 2 * diff, -2 * diff'],
                                         ['        diff = pred - target\n'
                                          '        ctx.save_for_backward(diff)\n'
                                          '        return (diff**2).sum()',
                                          '        (diff,) = ctx.saved_tensors\n'
                                          '        return grad * 2 * diff, grad * 2 * diff']],
                               'right': [['        ctx.save_for_backward(pred, target)\n'
                                          '        return ((pred - target) ** 2).sum()',
                                          '        pred, target = ctx.saved_tensors\n'
                                          '        g = 2 * (pred - target) * grad\n'
                                          '        return g, -g']]},
                        'q3': {'wrong': [['        ctx.save_for_backward(x)\n'
                                          '        return x.exp()',
                                          '        (x,) = ctx.saved_tensors\n'
                                          '        return grad * x.exp()'],
                                         ['        out = x.exp()\n'
                                          '        ctx.save_for_backward(out)\n'
                                          '        return out',
                                          '        (out,) = ctx.saved_tensors\n'
                                          '        return out']],
                               'right': [['        result = ak.exp(x)\n'
                                          '        ctx.save_for_backward(result)\n'
                                          '        return result',
                                          '        return ctx.saved_tensors[0] * grad']]}},
 '08_higher_order_gradients': {'q1': {'wrong': ['    return 6.0 * v',
                                                '    (first,) = ak.autograd.grad(f(x), x)\n'
                                                '    (second,) = ak.autograd.grad(first, x, '
                                                'allow_unused=True)\n'
                                                '    return 0.0 if second is None else '
                                                'second.item()'],
                                      'right': ['    (first,) = ak.autograd.grad(f(x), x, '
                                                'create_graph=True)\n'
                                                '    first.backward()\n'
                                                '    return float(x.grad)']},
                               'q2': {'wrong': ['    x = x.detach().requires_grad_(True)\n'
                                                '    (g,) = ak.autograd.grad(f(x), x)\n'
                                                '    return g * v',
                                                '    x = x.detach().requires_grad_(True)\n'
                                                '    (g,) = ak.autograd.grad(f(x), x, '
                                                'create_graph=True)\n'
                                                '    (hv,) = ak.autograd.grad(g.sum(), x)\n'
                                                '    return hv * v'],
                                      'right': ['    x = x.detach().requires_grad_(True)\n'
                                                '    (g,) = ak.autograd.grad(f(x), x, '
                                                'create_graph=True)\n'
                                                '    (hv,) = ak.autograd.grad(g, x, '
                                                'grad_outputs=v)\n'
                                                '    return hv']},
                               'q3': {'wrong': ['    (g,) = ak.autograd.grad((x**2).sum(), x, '
                                                'create_graph=True)\n'
                                                '    (g_plain,) = ak.autograd.grad((x**2).sum(), '
                                                'x, create_graph=True)\n'
                                                '    return g, g_plain',
                                                '    (g,) = ak.autograd.grad((x**2).sum(), x, '
                                                'create_graph=True)\n'
                                                '    (g_plain,) = ak.autograd.grad((x**2).sum(), '
                                                'x)\n'
                                                '    return g_plain, g'],
                                      'right': ['    (g,) = ak.autograd.grad((x**2).sum(), x, '
                                                'create_graph=True)\n'
                                                '    return g, g.detach()']}}}
