"""Hooks on the tensors a graph saves for backward: ``saved_tensors_hooks`` and ``save_on_cpu``.

Backward needs some of forward's tensors (``x * y`` keeps ``x`` and ``y``); they stay alive in
the graph until backward runs, which is where a training step's memory goes. Inside
``saved_tensors_hooks(pack_hook, unpack_hook)`` every tensor an operation saves is handed to
``pack_hook`` and what it returns is kept instead; backward gets the tensor back by calling
``unpack_hook`` on that. Packing can log what is saved, compress it, or move it off the GPU
(``save_on_cpu``). The version check that catches in-place changes is skipped for packed
tensors, as in PyTorch: the packed value is the hook's responsibility.

Example:
    >>> x = ak.tensor([1.0, 2.0], requires_grad=True)
    >>> shapes = []
    >>> def pack(tensor):
    ...     shapes.append(tuple(tensor.shape))
    ...     return tensor
    >>> with ak.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
    ...     y = (x * x).exp()  # Mul saves x twice, Exp saves its result
    >>> shapes
    [(2,), (2,), (2,)]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# The hooks in force, innermost last: an operation packs with the innermost pair.
active_hooks: list[tuple[Callable[[Any], Any], Callable[[Any], Any]]] = []


class saved_tensors_hooks:
    """Pack every tensor saved for backward inside the block with ``pack_hook``; backward
    unpacks it with ``unpack_hook`` (which must return a tensor)."""

    def __init__(
        self, pack_hook: Callable[[Any], Any], unpack_hook: Callable[[Any], Any]
    ) -> None:
        self.pack_hook = pack_hook
        self.unpack_hook = unpack_hook

    def __enter__(self) -> None:
        active_hooks.append((self.pack_hook, self.unpack_hook))

    def __exit__(self, *exc_info: object) -> None:
        active_hooks.pop()


class save_on_cpu(saved_tensors_hooks):
    """Keep saved tensors in CPU memory and move them back to their device for backward: GPU
    memory for activations traded for copies (on the CPU itself nothing moves)."""

    def __init__(self, pin_memory: bool = False, device_type: str = "cuda") -> None:
        def pack_to_cpu(tensor: Any) -> tuple:
            return tensor.device, tensor.cpu()

        def unpack_from_cpu(packed: tuple) -> Any:
            device, tensor = packed
            return tensor.to(device)

        super().__init__(pack_to_cpu, unpack_from_cpu)
