"""ndflow against Keras 3 on tests/keras_api/keras2_cases.py: dataset loaders on small files
in Keras's formats (exact), the LossScaleOptimizer's trajectory (exact in float32) and the
dtype policies. The fixture comes from tools/make_keras2_reference.py (Keras 3.15)."""
import json
import os

import numpy as np
import pytest

import ndflow as tf
from ndflow import keras
from ndflow.keras import mixed_precision as mp
from ndflow.keras.datasets import boston_housing, imdb, reuters

from . import keras2_cases as C

with open(os.path.join(os.path.dirname(__file__), "fixtures", "keras2_reference.json")) as f:
    REF = json.load(f)


def _plain(x):
    if isinstance(x, np.ndarray) and x.dtype == object:
        return [list(map(int, s)) for s in x]
    return {"dtype": x.dtype.name, "shape": list(x.shape), "values": x.tolist()}


@pytest.mark.parametrize("name", sorted(C.DATASET_CALLS))
def test_loaders_match_keras(name, tmp_path):
    paths = C.make_dataset_files(str(tmp_path))
    module = {"boston_housing": boston_housing, "imdb": imdb, "reuters": reuters}[name]
    for kwargs, want in zip(C.DATASET_CALLS[name], REF["datasets"][name]):
        (a, b), (c, d) = module.load_data(path=paths[name], **kwargs)
        assert [_plain(v) for v in (a, b, c, d)] == want, kwargs


def test_loss_scale_trajectory_matches_keras():
    var = tf.Variable(np.array(C.LSO_INIT, np.float32))
    opt = mp.LossScaleOptimizer(keras.optimizers.SGD(0.5), initial_scale=8.0,
                                dynamic_growth_steps=2)
    got = [{"scale_before": float(opt.scale_loss(tf.constant(1.0)))}]
    for g in C.LSO_GRADS:
        opt.apply([tf.constant(np.array(g, np.float32))], [var])
        got.append({"var": var.numpy().tolist(), "scale": float(opt.dynamic_scale.numpy()),
                    "counter": int(opt.step_counter.numpy()),
                    "iterations": int(opt.iterations.numpy())})
    got.append({"variables": len(opt.variables),
                "inner_variables": len(opt.inner_optimizer.variables)})
    assert got == REF["loss_scale"]


def test_policies_match_keras():
    for name, want in REF["policies"].items():
        p = mp.Policy(name)
        assert {"compute": p.compute_dtype, "variable": p.variable_dtype} == want, name
    ref = REF["mixed_layer"]
    mp.set_global_policy("mixed_float16")
    try:
        dense = keras.layers.Dense(3)
        y = dense(np.ones((2, 4), np.float32))
        last = keras.layers.Activation("softmax", dtype="float32")
        inp = keras.Input((4,))
        model = keras.Model(inp, last(keras.layers.Dense(3)(inp)))
        model.compile("sgd", "mse")
        got = {"dtype": dense.dtype, "compute_dtype": dense.compute_dtype,
               "variable_dtype": dense.variable_dtype, "policy": dense.dtype_policy.name,
               "output": y.dtype.name, "kernel": dense.kernel.dtype.name,
               "config_dtype": dense.get_config()["dtype"], "last_output": last(y).dtype.name,
               "optimizer": type(model.optimizer).__name__,
               "model_policy": model.dtype_policy.name}
    finally:
        mp.set_global_policy(None)
    assert got == ref


def test_keras3_mixed_precision_file_loads():
    """As in Keras 3, compile() at load time wraps the optimizer only under a mixed global
    policy; otherwise the saved 14-variable LossScaleOptimizer state is skipped."""
    ref = REF["mixed_model"]
    path = os.path.join(os.path.dirname(__file__), "fixtures", "keras3_mixed_float16.keras")
    x = np.array(ref["x"], np.float32)
    with pytest.warns(UserWarning, match="Skipping variable loading for optimizer"):
        plain = keras.models.load_model(path)
    want = ref["reloaded"]["float32"]
    assert type(plain.optimizer).__name__ == want["optimizer"]
    # Keras 3's InputLayer reports the policy's compute dtype; ndflow's its input's float32
    assert [l.compute_dtype for l in plain.layers][1:] == want["compute_dtypes"][1:]
    mp.set_global_policy("mixed_float16")
    try:
        model = keras.models.load_model(path)
    finally:
        mp.set_global_policy(None)
    want = ref["reloaded"]["mixed_float16"]
    assert type(model.optimizer).__name__ == want["optimizer"] == ref["optimizer"]
    assert [l.compute_dtype for l in model.layers][1:] == want["compute_dtypes"][1:]
    np.testing.assert_allclose(model.predict(x, verbose=0), ref["y"], atol=2e-3)
    assert len(model.optimizer.variables) == ref["optimizer_variables"]
    assert float(model.optimizer.dynamic_scale.numpy()) == ref["scale"]
    assert int(model.optimizer.iterations.numpy()) == 1
