"""Chapter 11 prints autograd_kit's own source; its prose must stay true of that source.

The listings are printed live (nbval does not compare them, they change with the engine), so
the facts the chapter's prose states about them are checked here against the running code.
"""

import inspect

from autograd_kit import ops
from autograd_kit.autograd import graph

from .conftest import read


def test_the_cut_points_of_the_loop_listing_exist_in_order():
    source = inspect.getsource(graph.run_backward)
    start, stop = source.find("while ready"), source.find("except Exception")
    assert 0 <= start < stop


def test_the_loop_counts_dependencies_and_runs_ready_nodes():
    # "first counts, for every node, how many edges lead into it. A node runs only when all of
    # them have delivered their gradient"
    source = inspect.getsource(graph.run_backward)
    assert "_count_dependencies" in source
    loop = source[source.find("while ready"):source.find("except Exception")]
    assert "dependencies[next_node]" in loop and "remaining == 0" in loop


def test_mul_reads_like_its_docstring():
    # "the gradient for x is grad * y ... the engine sums the gradient back down to x's shape"
    source = inspect.getsource(ops.Mul)
    assert "grad_x = grad * y" in ops.Mul.__doc__.replace("  ", " ")
    assert "grad_x = grad * y" in source and "def backward(ctx, grad)" in source
    assert "sum_to" not in source and "sum_to(" in inspect.getsource(graph._arrays_reduced)


def test_accumulate_grad_adds_into_the_leaf():
    source = inspect.getsource(graph.AccumulateGrad)
    assert "self.variable" in source and "_accumulate_into" in source


def test_listing_cells_are_the_only_unchecked_ones_in_chapter_11():
    ignored = [c.id for c in read("en", "11-engine").cells
               if "nbval-ignore-output" in c.metadata.get("tags", [])]
    assert ignored == ["op", "node", "loop"]
