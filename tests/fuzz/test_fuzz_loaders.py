"""Fuzzing the loaders (issue 16): every mutant of a valid file is either refused with a
documented ndflow error naming the file, or loads exactly the original values. Nothing
else: no other exception type, no allocation above PEAK_BYTES, no file written."""
import gzip
import io
import os
import tempfile
import warnings

import numpy as np
import pytest
from hypothesis import given

import ndflow.compat.v1 as v1
from ndflow import keras
from ndflow.keras.datasets._idx_dataset import load_npz
from ndflow.keras.datasets.idx import idx_bytes, read_idx
from ndflow.train import saver as saver_lib

from fuzz_helpers import (FUZZ, PEAK_BYTES, assert_clear_error, listing, mutate, mutations,
                          record, run_bounded)

h5py = pytest.importorskip("h5py")
pytest.importorskip("safetensors")


def _check_mutant(loader, directory, path, load, same, allowed=()):
    """Loads the mutant at `path`; checks the outcome and that nothing was written."""
    before = listing(directory, os.getcwd())
    result, error, peak, _ = run_bounded(load)
    assert peak < PEAK_BYTES, f"{loader}: {peak} bytes allocated"
    assert listing(directory, os.getcwd()) == before, f"{loader}: files were written"
    if error is None:
        record(loader, same(result) or "identical load")
    else:
        assert_clear_error(error, path, allowed)
        record(loader, "clear error")


@pytest.fixture
def workdir(monkeypatch):
    with tempfile.TemporaryDirectory() as cwd, tempfile.TemporaryDirectory() as d:
        monkeypatch.chdir(cwd)
        yield d


# --- IDX ----------------------------------------------------------------------------------------

_IDX_ARRAY = np.arange(5 * 4 * 3, dtype=np.uint8).reshape(5, 4, 3)
_IDX = idx_bytes(_IDX_ARRAY)
_IDX_GZ = gzip.compress(_IDX, mtime=0)


def _same_idx(array):
    assert array.dtype == _IDX_ARRAY.dtype and array.shape == _IDX_ARRAY.shape
    np.testing.assert_array_equal(array, _IDX_ARRAY)


@FUZZ
@given(edits=mutations(len(_IDX)), compressed=__import__("hypothesis").strategies.booleans())
def test_fuzz_idx(edits, compressed):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "train-images-idx3-ubyte" + (".gz" if compressed else ""))
        mutant = mutate(_IDX_GZ if compressed else _IDX, edits)
        with open(path, "wb") as f:
            f.write(mutant)
        same = _same_idx
        if not compressed and len(mutant) == len(_IDX) and mutant[:16] == _IDX[:16] and \
                mutant != _IDX:
            # A raw IDX file has no checksum: a changed data byte with an intact header is
            # a valid file holding other values (gzip's CRC catches it in .gz files).
            def same(array):
                np.testing.assert_array_equal(
                    array, np.frombuffer(mutant[16:], np.uint8).reshape(5, 4, 3))
                return "raw data bytes changed: loads what the file holds"
        _check_mutant("IDX", d, path, lambda: read_idx(path), same)


# --- MNIST .npz ---------------------------------------------------------------------------------

_NPZ_ARRAYS = {"x_train": np.arange(32, dtype=np.uint8).reshape(2, 4, 4),
               "y_train": np.array([3, 1], np.uint8),
               "x_test": np.arange(16, dtype=np.uint8).reshape(1, 4, 4),
               "y_test": np.array([7], np.uint8)}


def _npz_bytes():
    buffer = io.BytesIO()
    np.savez(buffer, **_NPZ_ARRAYS)
    return buffer.getvalue()


_NPZ = _npz_bytes()


def _same_npz(result):
    (x, y), (xt, yt) = result
    for got, key in ((x, "x_train"), (y, "y_train"), (xt, "x_test"), (yt, "y_test")):
        assert got.dtype == _NPZ_ARRAYS[key].dtype
        np.testing.assert_array_equal(got, _NPZ_ARRAYS[key])


@FUZZ
@given(edits=mutations(len(_NPZ)))
def test_fuzz_mnist_npz(edits):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "mnist.npz")
        with open(path, "wb") as f:
            f.write(mutate(_NPZ, edits))
        _check_mutant("MNIST .npz", d, path, lambda: load_npz(path), _same_npz)


# --- .keras and .weights.h5 ---------------------------------------------------------------------

def _model():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="relu"),
                              keras.layers.Dense(2)])
    model.compile(optimizer="sgd", loss="mse")
    return model


def _reference():
    model = _model()
    rng = np.random.default_rng(0)
    model.set_weights([rng.normal(size=w.shape).astype(w.dtype) for w in model.get_weights()])
    with tempfile.TemporaryDirectory() as d:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.save(os.path.join(d, "m.keras"))
            model.save_weights(os.path.join(d, "m.weights.h5"))
        with open(os.path.join(d, "m.keras"), "rb") as f:
            keras_bytes = f.read()
        with open(os.path.join(d, "m.weights.h5"), "rb") as f:
            h5_bytes = f.read()
    return model.get_weights(), keras_bytes, h5_bytes


_WEIGHTS, _KERAS, _H5 = _reference()


def _same_weights(weights):
    assert len(weights) == len(_WEIGHTS)
    for got, want in zip(weights, _WEIGHTS):
        assert got.dtype == want.dtype and got.shape == want.shape
        np.testing.assert_array_equal(got, want)


@FUZZ
@given(edits=mutations(len(_KERAS)))
def test_fuzz_keras_file(edits):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "model.keras")
        with open(path, "wb") as f:
            f.write(mutate(_KERAS, edits))

        def load():
            return keras.models.load_model(path).get_weights()

        _check_mutant(".keras", d, path, load, _same_weights, allowed=(TypeError, ValueError))


@FUZZ
@given(edits=mutations(len(_H5)))
def test_fuzz_weights_h5(edits):
    target = _model()
    untouched = target.get_weights()
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "model.weights.h5")
        with open(path, "wb") as f:
            f.write(mutate(_H5, edits))

        def load():
            target.load_weights(path)
            return target.get_weights()

        _check_mutant(".weights.h5", d, path, load, _same_weights, allowed=(ValueError,))
    weights = target.get_weights()
    if not all(np.array_equal(a, b) for a, b in zip(weights, _WEIGHTS)):
        for got, want in zip(weights, untouched):   # refused: nothing changed
            np.testing.assert_array_equal(got, want)


# --- Saver checkpoints and the state file ---------------------------------------------------------

def _checkpoint():
    g = v1.Graph()
    with g.as_default():
        w = v1.Variable(np.arange(6, dtype=np.float32).reshape(2, 3), name="w")
        step = v1.Variable(np.int64(12), name="global_step")
        saver = v1.train.Saver([w, step])
        with tempfile.TemporaryDirectory() as d, v1.Session() as sess:
            sess.run(v1.global_variables_initializer())
            saver.save(sess, os.path.join(d, "model.ckpt"), global_step=12)
            with open(os.path.join(d, "model.ckpt-12.safetensors"), "rb") as f:
                data = f.read()
            with open(os.path.join(d, "checkpoint"), "rb") as f:
                state = f.read()
    return data, state


_CKPT, _STATE = _checkpoint()


@FUZZ
@given(edits=mutations(len(_CKPT)))
def test_fuzz_saver_checkpoint(edits):
    g = v1.Graph()
    with g.as_default(), tempfile.TemporaryDirectory() as d:
        w = v1.Variable(np.zeros((2, 3), np.float32), name="w")
        step = v1.Variable(np.int64(0), name="global_step")
        saver = v1.train.Saver([w, step])
        path = os.path.join(d, "model.ckpt-12")
        with open(path + ".safetensors", "wb") as f:
            f.write(mutate(_CKPT, edits))
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer())

            def load():
                saver.restore(sess, path)
                return sess.run([w, step])

            def same(values):
                np.testing.assert_array_equal(values[0], np.arange(6).reshape(2, 3))
                assert values[1] == 12

            _check_mutant("Saver checkpoint", d, path + ".safetensors", load, same)
            values = sess.run([w, step])
            if values[1] != 12:                       # refused: nothing changed
                np.testing.assert_array_equal(values[0], np.zeros((2, 3)))
                assert values[1] == 0


@FUZZ
@given(edits=mutations(len(_STATE)))
def test_fuzz_checkpoint_state_file(edits):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "checkpoint")
        mutant = mutate(_STATE, edits)
        with open(path, "wb") as f:
            f.write(mutant)
        before = listing(d)
        state, error, peak, caught = run_bounded(lambda: saver_lib.get_checkpoint_state(d))
        assert error is None, f"{type(error).__name__}: {error}"
        assert peak < PEAK_BYTES and listing(d) == before
        if state is None:
            # ignored as TensorFlow ignores it, with a warning naming the file
            assert any(path in str(w.message) for w in caught) or not mutant.strip(), caught
            record("checkpoint state", "clear error (ignored, warned)")
        elif state.model_checkpoint_path == os.path.join(d, "model.ckpt-12") and \
                state.all_model_checkpoint_paths == [os.path.join(d, "model.ckpt-12")]:
            record("checkpoint state", "identical load")
        else:
            # Only a file whose checksum comment was removed reads as another state: it is
            # then a state file as TensorFlow writes it, read the way TensorFlow reads it.
            assert b"ndflow-sha256" not in mutant, state
            record("checkpoint state", "foreign (no checksum)")
