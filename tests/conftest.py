import numpy as np
import pytest

import ndflow  # noqa: F401  (registers every op)
from ndflow.framework import context


@pytest.fixture(autouse=True)
def _fresh_state():
    """Each test starts as a fresh process would: no graphs, sessions, tapes or seeds."""
    context.reset()
    np.random.seed(1234)
    yield
    context.reset()
