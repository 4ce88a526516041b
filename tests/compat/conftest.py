import pytest


@pytest.fixture
def eager_v1():
    """compat.v1 in eager mode (enable_eager_execution), put back afterwards."""
    from ndflow.compat import v1
    saved = v1._eager_enabled[0]
    v1.enable_eager_execution()
    yield
    v1._eager_enabled[0] = saved
