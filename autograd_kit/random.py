"""Random numbers: one seeded generator, so ``ak.manual_seed(0)`` makes a run repeatable.

Numbers are always drawn on the CPU with NumPy's PCG64 and then moved to the tensor's
device, so the same seed gives the same values on every device.
"""

from __future__ import annotations

import numpy as np


class Generator:
    """A source of random numbers (``torch.Generator``), e.g. for a DataLoader's shuffling.

    Example:
        >>> g = ak.Generator().manual_seed(0)
        >>> ak.randperm(4, generator=g).tolist()  # doctest: +SKIP
    """

    def __init__(self, device: str = "cpu") -> None:
        self.device = device
        self._seed = 67280421310721  # PyTorch's default seed
        self.numpy = np.random.default_rng(self._seed)

    def manual_seed(self, seed: int) -> Generator:
        """Restart the sequence from ``seed``; returns the generator."""
        self._seed = int(seed)
        self.numpy = np.random.default_rng(self._seed)
        return self

    def initial_seed(self) -> int:
        return self._seed

    def get_state(self) -> dict:
        return self.numpy.bit_generator.state

    def set_state(self, state: dict) -> None:
        self.numpy.bit_generator.state = state


default_generator = Generator()


def manual_seed(seed: int) -> Generator:
    """Seed the global generator (used by rand, randn, randint, randperm, nn init, dropout).

    Example:
        >>> _ = ak.manual_seed(0); a = ak.rand(2)
        >>> _ = ak.manual_seed(0); b = ak.rand(2)
        >>> bool((a == b).all())
        True
    """
    return default_generator.manual_seed(seed)


def seed() -> int:
    """Seed the global generator from the operating system's entropy; returns the seed."""
    new_seed = int(np.random.SeedSequence().entropy % (2**63))
    default_generator.manual_seed(new_seed)
    return new_seed


def initial_seed() -> int:
    return default_generator.initial_seed()


def get_rng_state() -> dict:
    return default_generator.get_state()


def set_rng_state(state: dict) -> None:
    default_generator.set_state(state)


def numpy_generator(generator: Generator | None) -> np.random.Generator:
    """The NumPy generator behind ``generator`` (the global one when None)."""
    return (generator or default_generator).numpy
