"""The package's imports form layers, and no module imports a module that imports it back.

The layers, bottom up: the array backend, the tensor, the autograd engine, the operations,
then nn / optim / utils, then viz / grading. Read from the source (``ast``), not by importing.
Two graphs are checked:

- module level (what runs when a module is imported, ``if TYPE_CHECKING:`` blocks left out):
  no cycle at all, every import points to the same layer or one below, and neither
  ``tensor.py`` nor the engine (``autograd/graph.py``) imports an operation module;
- module and function level together (an import inside a function runs when it is called):
  no cycle either, so no two modules lean on each other even lazily.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "autograd_kit"

LAYERS = [
    ("array backend", ["_backend", "dtypes", "_errors", "i18n", "_numpy_names", "random", "cuda"]),
    ("tensor", ["tensor", "_printing", "_broadcasting", "_registry"]),
    ("autograd engine", ["autograd", "creation"]),
    ("ops", ["ops", "linalg"]),
    ("nn / optim / utils", ["nn", "optim", "utils", "serialization"]),
    ("viz / grading", ["viz", "grading", "widgets", "examples"]),
]

def _modules() -> dict[str, tuple[Path, bool]]:
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        is_package = parts[-1] == "__init__"
        name = ".".join(parts[:-1] if is_package else parts)
        modules[name] = (path, is_package)
    return modules


MODULES = _modules()


def _imports(name: str) -> list[tuple[str, bool]]:
    """(imported module, inside a function) for every import of the package in ``name``."""
    path, is_package = MODULES[name]
    parts = name.split(".") if name else []
    package = parts if is_package else parts[:-1]
    found = []

    def target_of(parts: list[str], imported: str) -> str:
        module = ".".join(parts)
        sub = ".".join(parts + [imported])
        return sub if sub in MODULES else module

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue
            inside = in_function or isinstance(
                child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
            )
            if isinstance(child, ast.ImportFrom) and (
                child.level or (child.module or "").startswith("autograd_kit")
            ):
                if child.level:
                    parts = package[: len(package) - (child.level - 1)]
                    parts = parts + (child.module.split(".") if child.module else [])
                else:
                    parts = child.module.split(".")[1:]
                for alias in child.names:
                    found.append((target_of(parts, alias.name), inside))
            elif isinstance(child, ast.Import):
                for alias in child.names:
                    if alias.name.startswith("autograd_kit."):
                        found.append((alias.name.split(".", 1)[1], inside))
            visit(child, inside)

    visit(ast.parse(path.read_text()), False)
    return [(target, inside) for target, inside in found if target and target != name]


GRAPH = {name: _imports(name) for name in MODULES if name}


def _layer(name: str) -> int:
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if name == prefix or name.startswith(prefix + "."):
                return index
    raise AssertionError(f"autograd_kit.{name} is in no layer: add it to LAYERS")


def _cycles(with_functions: bool) -> list[set[str]]:
    """The strongly connected components with more than one module (Tarjan, iteratively)."""
    edges = {
        name: sorted({t for t, inside in imports if t in GRAPH and (with_functions or not inside)})
        for name, imports in GRAPH.items()
    }
    index, low, on_stack, stack, components = {}, {}, set(), [], []
    for root in edges:
        if root in index:
            continue
        work = [(root, iter(edges[root]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(edges[child])))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.add(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        components.append(component)
    return components


def _describe(cycles: list[set[str]], with_functions: bool) -> str:
    """Each cycle's modules, then the imports between them (marked when inside a function)."""
    lines = []
    for cycle in cycles:
        lines.append("modules that import each other: " + ", ".join(sorted(cycle)))
        for name in sorted(cycle):
            for target in sorted({
                (target, inside) for target, inside in GRAPH[name]
                if target in cycle and (with_functions or not inside)
            }):
                where = " (inside a function)" if target[1] else ""
                lines.append(f"    autograd_kit.{name} imports autograd_kit.{target[0]}{where}")
    return "\n".join(lines)


def test_no_import_cycle_at_module_level():
    cycles = _cycles(with_functions=False)
    assert not cycles, _describe(cycles, with_functions=False)


def test_no_import_cycle_through_imports_inside_functions():
    cycles = _cycles(with_functions=True)
    assert not cycles, _describe(cycles, with_functions=True)


def test_imports_point_down_the_layers():
    wrong = [
        f"{name} ({LAYERS[_layer(name)][0]}) imports {target} ({LAYERS[_layer(target)][0]})"
        for name, imports in GRAPH.items()
        for target, inside in imports
        if not inside and target in GRAPH and _layer(target) > _layer(name)
    ]
    assert not wrong, "\n".join(wrong)


def test_tensor_and_engine_import_no_operation():
    for name in ("tensor", "autograd.graph"):
        ops = [target for target, _ in GRAPH[name] if target == "ops" or target.startswith("ops.")]
        assert not ops, f"{name} imports {ops}"


def test_the_layers_are_in_course_order():
    assert [layer for layer, _ in LAYERS] == [
        "array backend", "tensor", "autograd engine", "ops", "nn / optim / utils",
        "viz / grading",
    ]
