"""Shared fixtures for the viz tests: the same expression written once, run by ak and by torch."""

import importlib

import pytest


@pytest.fixture(params=["autograd_kit", "torch"])
def lib(request):
    """The tensor library under test; torch is also the oracle for what autograd_kit must do."""
    return importlib.import_module(request.param)


@pytest.fixture
def zh():
    """The kit speaks Chinese for one test, then English again."""
    import autograd_kit as ak

    ak.set_language("zh")
    try:
        yield
    finally:
        ak.set_language("en")
