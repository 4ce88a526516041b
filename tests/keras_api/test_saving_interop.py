"""ndflow <-> Keras 3 through `.keras` files (and one-step gradients against Keras on TF).

Keras runs in a subprocess so its backend never meets ndflow in this process. The Keras
interpreter and backend: $NDFLOW_KERAS_PYTHON / $KERAS_BACKEND when set, else this Python
with the first backend that imports (jax, torch, tensorflow, numpy: Keras's numpy
backend cannot fit). The gradient check
needs Keras on TensorFlow: $NDFLOW_KERAS_TF_PYTHON (a Python that has tensorflow) or this
Python if it has tensorflow. Tests skip when no such Keras is available.
"""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

import ndflow
from ndflow import keras

pytest.importorskip("h5py")

KERAS_SIDE = r"""
import json, sys
try:
    import numpy as np
    import keras
    keras.ops.ones((1,))
except Exception as e:  # this backend is not usable here: the caller tries the next one
    print(f"keras unavailable: {e!r}", file=sys.stderr)
    sys.exit(3)

def build(kind):
    keras.utils.set_random_seed(7)
    if kind == "dense":
        return keras.Sequential([keras.Input((6,)), keras.layers.Dense(5, activation="tanh"),
                                 keras.layers.Dense(3, activation="softmax")])
    if kind == "conv":
        return keras.Sequential([
            keras.Input((8, 8, 2)),
            keras.layers.Conv2D(4, 3, padding="same", activation="relu"),
            keras.layers.MaxPooling2D(),
            keras.layers.Conv2D(3, (2, 2), strides=2, padding="valid"),
            keras.layers.Flatten(), keras.layers.Dense(2)])
    if kind == "two_input":
        a = keras.Input((4,), name="a")
        b = keras.Input((3,), name="b")
        h = keras.layers.Concatenate()([keras.layers.Dense(5, activation="relu")(a), b])
        out = keras.layers.Dense(2, name="head")(h)
        return keras.Model(inputs=[a, b], outputs=out)
    raise ValueError(kind)

def inputs(path):
    data = np.load(path)
    x = [data[k] for k in sorted(data.files)]
    return x if len(x) > 1 else x[0]

for job in json.loads(sys.argv[1]):
    feed = inputs(job["x"])
    if job["mode"] == "save":
        model = build(job["kind"])
        model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
        y = model.predict(feed, verbose=0)
        model.fit(feed, y + 0.5, epochs=1, batch_size=4, verbose=0)
        model.save(job["path"])
    elif job["mode"] == "load":
        model = keras.saving.load_model(job["path"])
    elif job["mode"] == "grads":
        import tensorflow as tf
        model = build(job["kind"])
        model.load_weights(job["path"])
        with tf.GradientTape() as tape:
            pred = model(feed, training=True)
            loss = tf.reduce_mean(keras.losses.get(job["loss"])(np.load(job["y"]), pred))
        grads = tape.gradient(loss, model.trainable_variables)
        np.savez(job["out_grads"], loss=np.asarray(loss),
                 **{f"g{i}": np.asarray(g) for i, g in enumerate(grads)})
    np.save(job["out"], np.asarray(model.predict(feed, verbose=0)))
"""

KINDS = ["dense", "conv", "two_input"]


def _run_keras(python, backend, jobs):
    """Runs the jobs in one Keras process; False when Keras/backend cannot be imported."""
    env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3",
               CUDA_VISIBLE_DEVICES="")
    try:
        done = subprocess.run([python, "-c", KERAS_SIDE, json.dumps(jobs)], env=env,
                              capture_output=True, text=True, timeout=600)
    except OSError:
        return False
    if done.returncode == 3:
        return False
    assert done.returncode == 0, f"Keras side ({backend}) failed:\n{done.stderr[-4000:]}"
    return True


def _run_with_any_backend(jobs):
    python = os.environ.get("NDFLOW_KERAS_PYTHON", sys.executable)
    wanted = os.environ.get("KERAS_BACKEND")
    for backend in ([wanted] if wanted else ["jax", "torch", "tensorflow", "numpy"]):
        if _run_keras(python, backend, jobs):
            return backend
    return None


# --- the same models in ndflow -------------------------------------------------------------------

def build_ndflow(kind):
    if kind == "dense":
        return keras.Sequential([keras.Input((6,)), keras.layers.Dense(5, activation="tanh"),
                                 keras.layers.Dense(3, activation="softmax")])
    if kind == "conv":
        return keras.Sequential([
            keras.Input((8, 8, 2)),
            keras.layers.Conv2D(4, 3, padding="same", activation="relu"),
            keras.layers.MaxPooling2D(),
            keras.layers.Conv2D(3, (2, 2), strides=2, padding="valid"),
            keras.layers.Flatten(), keras.layers.Dense(2)])
    a = keras.Input((4,), name="a")
    b = keras.Input((3,), name="b")
    h = keras.layers.Concatenate()([keras.layers.Dense(5, activation="relu")(a), b])
    out = keras.layers.Dense(2, name="head")(h)
    return keras.Model(inputs=[a, b], outputs=out)


def make_inputs(kind, n=6, seed=0):
    rng = np.random.default_rng(seed)
    if kind == "dense":
        return [rng.normal(size=(n, 6)).astype("float32")]
    if kind == "conv":
        return [rng.normal(size=(n, 8, 8, 2)).astype("float32")]
    return [rng.normal(size=(n, 4)).astype("float32"), rng.normal(size=(n, 3)).astype("float32")]


def _feed(x):
    return x if len(x) > 1 else x[0]


def _save_inputs(path, x):
    np.savez(path, **{f"x{i}": v for i, v in enumerate(x)})


@pytest.fixture(scope="module")
def exchange(tmp_path_factory):
    """Both directions for every model kind, with one Keras process: ndflow's saved models
    are loaded by Keras, and Keras's saved models are handed back for ndflow to load."""
    tmp = tmp_path_factory.mktemp("interop")
    ours = {}
    jobs = []
    for kind in KINDS:
        ndflow.random.set_seed(3)
        model = build_ndflow(kind)
        model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
        x = make_inputs(kind)
        y = model.predict(_feed(x), verbose=0)
        model.fit(_feed(x), y + 0.5, epochs=1, batch_size=4, verbose=0)  # optimizer state too
        model.save(tmp / f"nd_{kind}.keras")
        _save_inputs(tmp / f"x_{kind}.npz", x)
        ours[kind] = (x, model.predict(_feed(x), verbose=0))
        jobs.append(dict(mode="load", kind=kind, path=str(tmp / f"nd_{kind}.keras"),
                         x=str(tmp / f"x_{kind}.npz"), out=str(tmp / f"keras_pred_{kind}.npy")))
        jobs.append(dict(mode="save", kind=kind, path=str(tmp / f"keras_{kind}.keras"),
                         x=str(tmp / f"x_{kind}.npz"), out=str(tmp / f"keras_own_{kind}.npy")))
    backend = _run_with_any_backend(jobs)
    if backend is None:
        pytest.skip("Keras 3 is not importable with any backend")
    return tmp, ours


@pytest.mark.parametrize("kind", KINDS)
def test_ndflow_saves_keras_loads(kind, exchange):
    tmp, ours = exchange
    _, expected = ours[kind]
    np.testing.assert_allclose(np.load(tmp / f"keras_pred_{kind}.npy"), expected, atol=1e-5)


@pytest.mark.parametrize("kind", KINDS)
def test_keras_saves_ndflow_loads(kind, exchange):
    tmp, ours = exchange
    x, _ = ours[kind]
    model = keras.models.load_model(tmp / f"keras_{kind}.keras")
    np.testing.assert_allclose(model.predict(_feed(x), verbose=0),
                               np.load(tmp / f"keras_own_{kind}.npy"), atol=1e-5)
    # The Keras optimizer's state came along: Adam's step count is the number of batches.
    assert int(model.optimizer.iterations.numpy()) == 2
    assert any(np.abs(v.numpy()).sum() > 0 for v in model.optimizer.variables[2:])


def _tf_python():
    for python in (os.environ.get("NDFLOW_KERAS_TF_PYTHON"), sys.executable):
        if python:
            try:
                done = subprocess.run([python, "-c", "import tensorflow"], capture_output=True,
                                      timeout=300, env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
            except (OSError, subprocess.TimeoutExpired):
                continue
            if done.returncode == 0:
                return python
    return None


LOSSES = {"dense": "categorical_crossentropy", "conv": "mse", "two_input": "mse"}


@pytest.fixture(scope="module")
def keras_tf_gradients(tmp_path_factory):
    """Keras (TensorFlow backend) computes one-step gradients for each kind with the weights
    of the ndflow model; returns {kind: (ndflow model, x, y, Keras's loss and gradients)}."""
    python = _tf_python()
    if python is None:
        pytest.skip("Keras on TensorFlow is not available (set NDFLOW_KERAS_TF_PYTHON to a "
                    "Python that has tensorflow)")
    tmp = tmp_path_factory.mktemp("grads")
    cases, jobs = {}, []
    for kind in KINDS:
        ndflow.random.set_seed(5)
        model = build_ndflow(kind)
        x = make_inputs(kind, n=8, seed=2)
        y = np.random.default_rng(3).normal(size=(8, 3 if kind == "dense" else 2))
        y = y.astype("float32")
        if kind == "dense":
            y = np.abs(y) / np.abs(y).sum(axis=1, keepdims=True)
        model.save_weights(tmp / f"{kind}.weights.h5")
        _save_inputs(tmp / f"x_{kind}.npz", x)
        np.save(tmp / f"y_{kind}.npy", y)
        cases[kind] = (model, x, y)
        jobs.append(dict(mode="grads", kind=kind, path=str(tmp / f"{kind}.weights.h5"),
                         loss=LOSSES[kind], x=str(tmp / f"x_{kind}.npz"),
                         y=str(tmp / f"y_{kind}.npy"), out=str(tmp / f"pred_{kind}.npy"),
                         out_grads=str(tmp / f"grads_{kind}.npz")))
    if not _run_keras(python, "tensorflow", jobs):
        pytest.skip("Keras cannot run on TensorFlow here")
    return {kind: cases[kind] + (np.load(tmp / f"grads_{kind}.npz"),) for kind in KINDS}


@pytest.mark.parametrize("kind", KINDS)
def test_one_step_gradients_match_keras_tensorflow(kind, keras_tf_gradients):
    model, x, y, theirs = keras_tf_gradients[kind]
    loss_fn = keras.losses.get(LOSSES[kind])
    with ndflow.GradientTape() as tape:
        pred = model(_feed(x), training=True)
        loss = ndflow.reduce_mean(loss_fn(y, pred))
    grads = tape.gradient(loss, model.trainable_variables)
    np.testing.assert_allclose(float(loss.numpy()), float(theirs["loss"]), rtol=1e-5, atol=1e-6)
    assert len(grads) == len(theirs.files) - 1
    for i, g in enumerate(grads):
        np.testing.assert_allclose(g.numpy(), theirs[f"g{i}"], atol=1e-5, rtol=1e-5)
