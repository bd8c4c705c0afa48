"""The course's end-to-end run: train a small network on scikit-learn's 8x8 digits.

`train_digits()` loads the 1,797 bundled images (no download), splits them into train and test
sets, trains an MLP or a small CNN with `ak.nn` and `ak.optim`, and returns the per-epoch
history. It prints nothing and draws nothing: a notebook passes `on_epoch` / `on_batch`
callbacks to drive a progress bar or a live loss plot.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

__all__ = ["load_digits_tensors", "make_model", "train_digits", "DigitsResult"]


@dataclass
class DigitsResult:
    """What a training run produced: the model, one dict per epoch and the final numbers."""

    model: object
    history: list[dict] = field(default_factory=list)
    test_accuracy: float = 0.0
    seconds: float = 0.0


def load_digits_tensors(test_fraction: float = 0.2, seed: int = 0, images: bool = True):
    """Return `(x_train, y_train, x_test, y_test)` as tensors.

    Pixels are scaled from 0..16 to 0..1. With `images=True` inputs have shape (N, 1, 8, 8)
    (for a CNN), otherwise (N, 64). The split is stratified and fixed by `seed`.
    Needs scikit-learn (the `course` extra).
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    from .. import tensor

    digits = load_digits()
    pixels = (digits.data / 16.0).astype(np.float32)
    labels = digits.target.astype(np.int64)
    x_train, x_test, y_train, y_test = train_test_split(
        pixels, labels, test_size=test_fraction, random_state=seed, stratify=labels
    )
    if images:
        x_train = x_train.reshape(-1, 1, 8, 8)
        x_test = x_test.reshape(-1, 1, 8, 8)
    return tensor(x_train), tensor(y_train), tensor(x_test), tensor(y_test)


def make_model(kind: str = "cnn"):
    """The two networks the course trains: `"mlp"` (64-64-10) or `"cnn"` (two conv blocks)."""
    from .. import nn

    if kind == "mlp":
        return nn.Sequential(
            nn.Linear(64, 64),
            nn.ReLU(),
            nn.Linear(64, 10),
        )
    if kind == "cnn":
        return nn.Sequential(
            nn.Conv2d(1, 16, kernel_size=3, padding=1),   # 16 x 8 x 8
            nn.ReLU(),
            nn.MaxPool2d(2),                              # 16 x 4 x 4
            nn.Conv2d(16, 32, kernel_size=3, padding=1),  # 32 x 4 x 4
            nn.ReLU(),
            nn.MaxPool2d(2),                              # 32 x 2 x 2
            nn.Flatten(),                                 # 128
            nn.Dropout(0.25),
            nn.Linear(128, 10),
        )
    raise ValueError(f"unknown model kind {kind!r}; use 'mlp' or 'cnn'")


def _blas_threads(count: int | None):
    """Limit NumPy's BLAS to `count` threads inside the block (None: leave it alone).

    The matrices here are tiny (a batch of 32), so extra BLAS threads only add start-up and
    spinning costs; on a busy machine with 2 cores, multi-threaded OpenBLAS made this run
    7x slower. threadpoolctl comes with scikit-learn, which this example needs anyway.
    """
    if count is None:
        return contextlib.nullcontext()
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return contextlib.nullcontext()
    return threadpool_limits(limits=count, user_api="blas")


def _accuracy(model, inputs, labels) -> float:
    from .. import no_grad

    model.eval()  # (Dropout off)
    with no_grad():
        predicted = model(inputs).argmax(dim=1)
    return float((predicted == labels).float().mean().item())


def train_digits(
    kind: str = "cnn",
    epochs: int = 15,
    batch_size: int = 32,
    lr: float = 0.01,
    seed: int = 0,
    on_epoch: Callable[[dict], None] | None = None,
    on_batch: Callable[[dict], None] | None = None,
    blas_threads: int | None = 1,
) -> DigitsResult:
    """Train `make_model(kind)` with Adam, a cosine learning-rate schedule and cross-entropy;
    return a `DigitsResult`.

    After every epoch `on_epoch(record)` is called with a dict holding `epoch` (1-based),
    `epochs`, `loss` (mean training loss of the epoch), `train_accuracy`, `test_accuracy` and
    `seconds` (elapsed since the start). After every mini-batch `on_batch(record)` gets
    `epoch`, `batch`, `batches` (per epoch) and `loss`. The same seed gives the same run.
    `blas_threads` caps NumPy's BLAS threads while training (None leaves them alone).

    Example:
        >>> result = train_digits("mlp", epochs=2)
        >>> len(result.history), result.test_accuracy > 0.8
        (2, True)
    """
    with _blas_threads(blas_threads):
        return _train(kind, epochs, batch_size, lr, seed, on_epoch, on_batch)


def _train(kind, epochs, batch_size, lr, seed, on_epoch, on_batch) -> DigitsResult:
    from .. import manual_seed, nn, optim
    from ..utils.data import DataLoader, TensorDataset

    manual_seed(seed)
    x_train, y_train, x_test, y_test = load_digits_tensors(seed=seed, images=(kind == "cnn"))
    model = make_model(kind)
    loader = DataLoader(TensorDataset(x_train, y_train), batch_size=batch_size, shuffle=True)
    optimizer = optim.Adam(model.parameters(), lr=lr)
    scheduler = optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)
    loss_fn = nn.CrossEntropyLoss()
    result = DigitsResult(model=model)
    start = time.perf_counter()
    batches = len(loader)
    for epoch in range(1, epochs + 1):
        total, count = 0.0, 0
        model.train()
        for batch, (inputs, labels) in enumerate(loader, start=1):
            optimizer.zero_grad()
            loss = loss_fn(model(inputs), labels)
            loss.backward()
            optimizer.step()
            value = float(loss.item())
            total += value * int(labels.shape[0])
            count += int(labels.shape[0])
            if on_batch is not None:
                on_batch({"epoch": epoch, "batch": batch, "batches": batches, "loss": value})
        scheduler.step()
        record = {
            "epoch": epoch,
            "epochs": epochs,
            "loss": total / count,
            "train_accuracy": _accuracy(model, x_train, y_train),
            "test_accuracy": _accuracy(model, x_test, y_test),
            "seconds": time.perf_counter() - start,
        }
        result.history.append(record)
        if on_epoch is not None:
            on_epoch(record)
    result.seconds = time.perf_counter() - start
    result.test_accuracy = result.history[-1]["test_accuracy"] if result.history else 0.0
    return result
