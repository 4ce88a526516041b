"""Writes tests/keras_api/fixtures/keras2_reference.json: what Keras 3 gives for the cases of
tests/keras_api/keras2_cases.py (dataset loaders on small files in Keras's formats, the
LossScaleOptimizer's dynamic scale, dtype policies), checked by
tests/keras_api/test_keras2_reference.py.

Run with the reference venv:  /work/tfref/bin/python tools/make_keras2_reference.py
(Keras's loaders are pointed at the generated files; no network.)
"""
import json
import os
import sys
import tempfile

import numpy as np

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
import keras  # noqa: E402
from keras.src.datasets import boston_housing, imdb, reuters  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "keras_api"))
import keras2_cases as C  # noqa: E402

OUT = os.path.join(HERE, "..", "tests", "keras_api", "fixtures", "keras2_reference.json")


def plain(x):
    if isinstance(x, np.ndarray) and x.dtype == object:
        return [list(map(int, s)) for s in x]
    if isinstance(x, np.ndarray):
        return {"dtype": x.dtype.name, "shape": list(x.shape), "values": x.tolist()}
    return x


def datasets():
    out = {}
    with tempfile.TemporaryDirectory() as d:
        paths = C.make_dataset_files(d)
        modules = {"boston_housing": boston_housing, "imdb": imdb, "reuters": reuters}
        for name, calls in C.DATASET_CALLS.items():
            module = modules[name]
            module.get_file = lambda fname=None, **kw: fname  # the local file, no download
            out[name] = []
            for kwargs in calls:
                (a, b), (c, e) = module.load_data(path=paths[name], **kwargs)
                out[name].append([plain(a), plain(b), plain(c), plain(e)])
    return out


def loss_scale():
    var = keras.Variable(np.array(C.LSO_INIT, np.float32))
    opt = keras.optimizers.LossScaleOptimizer(keras.optimizers.SGD(0.5), initial_scale=8.0,
                                              dynamic_growth_steps=2)
    steps = [{"scale_before": float(np.asarray(opt.scale_loss(1.0)))}]
    for g in C.LSO_GRADS:
        opt.apply([keras.ops.convert_to_tensor(np.array(g, np.float32))], [var])
        steps.append({"var": np.asarray(var).tolist(),
                      "scale": float(np.asarray(opt.dynamic_scale)),
                      "counter": int(np.asarray(opt.step_counter)),
                      "iterations": int(np.asarray(opt.iterations))})
    steps.append({"variables": len(opt.variables),
                  "inner_variables": len(opt.inner_optimizer.variables)})
    return steps


def std(dtype):
    return keras.backend.standardize_dtype(dtype)


def policies():
    out = {}
    for name in C.POLICIES:
        p = keras.mixed_precision.Policy(name)
        out[name] = {"compute": p.compute_dtype, "variable": p.variable_dtype}
    keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        dense = keras.layers.Dense(3)
        y = dense(np.ones((2, 4), np.float32))
        last = keras.layers.Activation("softmax", dtype="float32")
        inp = keras.Input((4,))
        model = keras.Model(inp, last(keras.layers.Dense(3)(inp)))
        model.compile("sgd", "mse")
        layer = {"dtype": dense.dtype, "compute_dtype": dense.compute_dtype,
                 "variable_dtype": dense.variable_dtype, "policy": dense.dtype_policy.name,
                 "output": std(y.dtype), "kernel": std(dense.kernel.dtype),
                 "config_dtype": dense.get_config()["dtype"],
                 "last_output": std(last(y).dtype),
                 "optimizer": type(model.optimizer).__name__,
                 "model_policy": model.dtype_policy.name}
    finally:
        keras.mixed_precision.set_global_policy("float32")
    return out, layer


def mixed_model_file():
    """A Keras 3 model saved under mixed_float16 (trained one step, so the file holds a
    LossScaleOptimizer state) and its predictions, for ndflow to load."""
    keras.utils.set_random_seed(1)
    keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        inp = keras.Input((4,))
        hidden = keras.layers.Dense(5, activation="relu")(inp)
        out = keras.layers.Activation("softmax", dtype="float32")(keras.layers.Dense(3)(hidden))
        model = keras.Model(inp, out)
        model.compile("adam", "sparse_categorical_crossentropy")
        x = np.linspace(-1, 1, 24, dtype=np.float32).reshape(6, 4)
        model.fit(x, np.arange(6) % 3, epochs=1, batch_size=6, verbose=0)
        path = os.path.join(os.path.dirname(OUT), "keras3_mixed_float16.keras")
        model.save(path)
        reloaded = {}
        for policy in ("float32", "mixed_float16"):  # what compile() at load time makes
            keras.mixed_precision.set_global_policy(policy)
            loaded = keras.saving.load_model(path)
            reloaded[policy] = {"optimizer": type(loaded.optimizer).__name__,
                                "compute_dtypes": [l.compute_dtype for l in loaded.layers]}
        keras.mixed_precision.set_global_policy("mixed_float16")
        return {"reloaded": reloaded,"x": x.tolist(), "y": model.predict(x, verbose=0).tolist(),
                "optimizer": type(model.optimizer).__name__,
                "optimizer_variables": len(model.optimizer.variables),
                "scale": float(np.asarray(model.optimizer.dynamic_scale)),
                "compute_dtypes": [l.compute_dtype for l in model.layers]}
    finally:
        keras.mixed_precision.set_global_policy("float32")


def main():
    policy_table, layer = policies()
    result = {"keras_version": keras.__version__, "datasets": datasets(),
              "loss_scale": loss_scale(), "policies": policy_table, "mixed_layer": layer,
              "mixed_model": mixed_model_file()}
    with open(OUT, "w") as f:
        json.dump(result, f, indent=1, sort_keys=True)
        f.write("\n")
    print("wrote", OUT)


if __name__ == "__main__":
    main()
