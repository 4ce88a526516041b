"""ndflow's string ops against TensorFlow 2.21's results (tests/fixtures/tf_strings.json,
written by tools/make_tf_strings_ragged_fixtures.py from tests/strings/tf_cases.py)."""
import pytest

import ndflow as tf

from . import tf_cases
from .fixture_compare import check, load

EXPECTED = load("tf_strings.json")
CASES = tf_cases.cases(tf)


def test_fixture_covers_every_case():
    assert sorted(EXPECTED) == sorted(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_tensorflow(name):
    check(CASES[name], EXPECTED[name], tf_cases.encode)


def test_hash_fixture_is_large_enough():
    assert len(tf_cases.HASH_STRINGS) >= 30
    assert "" in tf_cases.HASH_STRINGS and any(ord(c) > 127 for c in "".join(
        tf_cases.HASH_STRINGS))
