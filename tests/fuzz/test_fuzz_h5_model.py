"""Fuzzing load_model on whole-model Keras 2 `.h5` files (ndflow's own, which carry a
checksum, and one written by Keras 2, which does not): every mutant is refused with a
documented error naming the file, or loads the original weights. No other exception type,
no allocation above PEAK_BYTES, no file written."""
import os
import tempfile
import warnings

import numpy as np
import pytest
from hypothesis import given

from ndflow import keras

from fuzz_helpers import (FUZZ, PEAK_BYTES, assert_clear_error, listing, mutate, mutations,
                          record, run_bounded)

pytest.importorskip("h5py")

_KERAS2_FIXTURE = os.path.join(os.path.dirname(os.path.dirname(__file__)), "fixtures",
                               "keras_h5", "k2_mlp.h5")


def _reference():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="relu"),
                              keras.layers.Dense(2)])
    model.compile(optimizer="adam", loss="mse")
    rng = np.random.default_rng(0)
    model.fit(rng.normal(size=(4, 3)), rng.normal(size=(4, 2)), verbose=0)
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "m.h5")
        model.save(path)
        with open(path, "rb") as f:
            ours = f.read()
    with open(_KERAS2_FIXTURE, "rb") as f:
        keras2 = f.read()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        keras2_weights = keras.models.load_model(_KERAS2_FIXTURE).get_weights()
    return (model.get_weights(), ours), (keras2_weights, keras2)


_OURS, _KERAS2 = _reference()


def _fuzz(name, reference, edits):
    weights, data = reference
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "model.h5")
        with open(path, "wb") as f:
            f.write(mutate(data, edits))
        before = listing(d, os.getcwd())
        result, error, peak, _ = run_bounded(
            lambda: keras.models.load_model(path).get_weights())
        assert peak < PEAK_BYTES, f"{name}: {peak} bytes allocated"
        assert listing(d, os.getcwd()) == before, f"{name}: files were written"
        if error is not None:
            assert_clear_error(error, path, allowed=(TypeError, ValueError))
            record(name, "clear error")
            return
        if len(result) == len(weights) and all(
                a.shape == b.shape and np.array_equal(a, b) for a, b in zip(result, weights)):
            record(name, "identical load")
            return
        # Keras 2's files have no checksum: a changed data byte is a valid file holding
        # other values, which loads as such (the layout and shapes must still match)
        assert name == "Keras 2 .h5 model", "ndflow's checksum let changed weights through"
        assert [a.shape for a in result] == [b.shape for b in weights]
        record(name, "data bytes changed: loads what the file holds")


@FUZZ
@given(edits=mutations(len(_OURS[1])))
def test_fuzz_h5_model_ndflow(edits):
    _fuzz("ndflow .h5 model", _OURS, edits)


@FUZZ
@given(edits=mutations(len(_KERAS2[1])))
def test_fuzz_h5_model_keras2(edits):
    _fuzz("Keras 2 .h5 model", _KERAS2, edits)
