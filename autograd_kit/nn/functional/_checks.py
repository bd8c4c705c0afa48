"""The argument checks the functional modules share: shapes as PyTorch prints them,
pairs of sizes, floating inputs, and the in-place form of an activation.
"""

from __future__ import annotations

from ... import dtypes


def _shape_repr(shape) -> str:
    return f"torch.Size([{', '.join(str(int(n)) for n in shape)}])"


def _pair(value) -> tuple[int, int]:
    if isinstance(value, (tuple, list)):
        if len(value) == 1:
            return (int(value[0]), int(value[0]))
        return (int(value[0]), int(value[1]))
    return (int(value), int(value))


def _check_floating(input, kernel: str) -> None:
    """PyTorch has no integer kernel for these activations: refuse as it does."""
    if not input.dtype.is_floating_point:
        name = dtypes.LEGACY_NAMES[input.dtype.name].removesuffix("Tensor")
        raise NotImplementedError(f'"{kernel}" not implemented for \'{name}\'')


def _maybe_inplace(input, primitive, inplace: bool, **settings):
    """``primitive`` applied to input, written into input's own memory when ``inplace``."""
    if inplace:
        from ...ops.inplace import _inplace

        return _inplace(input, primitive, **settings)
    return primitive.apply(input, **settings)
