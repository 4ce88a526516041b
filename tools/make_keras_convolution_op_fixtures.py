"""Writes Keras 3's outputs of custom convolution layers built on `convolution_op`, which
tests/keras/test_convolution_op.py compares ndflow with.

Run with a Python that has Keras 3 and TensorFlow (the reference venv):

    /work/tfref/bin/python tools/make_keras_convolution_op_fixtures.py

It writes tests/fixtures/keras_convolution_op.npz. For each case of `CASES` (the layer, its
arguments, the input shape) it stores the input, the layer's weights, and the outputs of
(1) the plain layer, (2) a subclass overriding `convolution_op` to standardize the kernel
(keras-io's "subclassing_conv_layers" recipe), (3) a subclass whose `call` passes its own
standardized kernel to `convolution_op`, and (4) `layer.convolution_op(x, kernel)` called
directly with a kernel of the layer's shape. (Keras 3's Conv1D.call does not go through
`convolution_op`, so its "override" output equals the plain one; ndflow does the same.)
"""
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, os.pardir, "tests", "fixtures", "keras_convolution_op.npz")

sys.path.insert(0, os.path.join(HERE, os.pardir, "tests", "keras_api"))
from convolution_op_cases import CASES, subclasses  # noqa: E402  (the test's cases)


def main():
    rng = np.random.default_rng(77)
    out = {}
    for name, (cls_name, kwargs, shape) in CASES.items():
        base = getattr(keras.layers, cls_name)
        x = rng.normal(size=shape).astype(np.float32)
        plain = base(**kwargs)
        plain(x)
        weights = [rng.normal(size=w.shape).astype(np.float32) for w in plain.weights]
        plain.set_weights(weights)
        out[f"{name}_x"] = x
        out[f"{name}_kernel"], out[f"{name}_bias"] = weights
        out[f"{name}_plain"] = np.asarray(plain(x))
        for label, cls in zip(("override", "call"), subclasses(tf, base)):
            layer = cls(**kwargs)
            layer(x)
            layer.set_weights(weights)
            out[f"{name}_{label}"] = np.asarray(layer(x))
        other = rng.normal(size=weights[0].shape).astype(np.float32)
        out[f"{name}_other_kernel"] = other
        out[f"{name}_direct"] = np.asarray(plain.convolution_op(x, other))
    np.savez_compressed(OUT, **out)
    print(f"wrote {len(out)} arrays to {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
