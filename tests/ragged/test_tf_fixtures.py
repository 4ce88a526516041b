"""ndflow's ragged tensors against TensorFlow 2.21's results (tests/fixtures/tf_ragged.json,
written by tools/make_tf_strings_ragged_fixtures.py from tests/ragged/tf_cases.py)."""
import pytest

import ndflow as tf

from . import tf_cases
from strings.fixture_compare import check, load

EXPECTED = load("tf_ragged.json")
CASES = tf_cases.cases(tf)


def test_fixture_covers_every_case():
    assert sorted(EXPECTED) == sorted(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_tensorflow(name):
    check(CASES[name], EXPECTED[name], tf_cases.encode)
