"""The end-to-end run: real digits, a real network, a stated accuracy in a stated time."""

from __future__ import annotations

import pytest

pytest.importorskip("sklearn")

from autograd_kit.examples.digits import load_digits_tensors, make_model, train_digits  # noqa: E402


def test_data_shapes_and_split():
    x_train, y_train, x_test, y_test = load_digits_tensors()
    assert tuple(x_train.shape) == (1437, 1, 8, 8) and tuple(x_test.shape) == (360, 1, 8, 8)
    assert 0.0 <= x_train.min().item() and x_train.max().item() <= 1.0
    assert sorted(set(y_train.tolist())) == list(range(10))
    flat = load_digits_tensors(images=False)[0]
    assert tuple(flat.shape) == (1437, 64)


def test_cnn_reaches_97_percent_in_under_30_seconds():
    seen = []
    result = train_digits("cnn", on_epoch=seen.append)
    assert result.test_accuracy >= 0.97, result.history
    assert result.seconds < 30
    assert [r["epoch"] for r in seen] == list(range(1, len(result.history) + 1))
    assert seen[-1]["loss"] < seen[0]["loss"]


def test_mlp_callbacks_and_repeatability():
    batches = []
    first = train_digits("mlp", epochs=3, on_batch=batches.append)
    assert len(batches) == 3 * batches[0]["batches"]
    assert {"epoch", "batch", "batches", "loss"} <= set(batches[0])
    second = train_digits("mlp", epochs=3)
    assert [r["loss"] for r in first.history] == [r["loss"] for r in second.history]
    assert first.test_accuracy > 0.9


def test_unknown_model_kind():
    with pytest.raises(ValueError, match="unknown model kind"):
        make_model("rnn")
