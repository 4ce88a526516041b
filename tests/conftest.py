import numpy as np
import pytest

import ndflow
from ndflow.framework import graph as _graph
from ndflow.framework.context import state


@pytest.fixture(autouse=True)
def _fresh_state():
    """Each test starts with an empty default graph, no tapes and no seeds."""
    _graph._default_stack.clear()
    _graph.reset_default_graph()
    state.tapes.clear()
    state.building = None
    state.eager_disabled = False
    state.run_functions_eagerly = False
    ndflow.random.set_seed(None)
    np.random.seed(1234)
    yield
    state.tapes.clear()
    state.building = None
