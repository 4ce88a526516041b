"""Writes tests/fixtures/tf1_rnn.npz: TensorFlow 1's results (tf.compat.v1 of TensorFlow
2.21) for the recurrent cases of tests/compat/tf1_rnn_cases.py (cells, dynamic_rnn and
static_rnn with sequence lengths, peepholes, projection and clipping, bidirectional RNNs:
outputs, final states, gradients and variable names). tests/test_rnn_v1.py runs the same
cases on ndflow.compat.v1 and compares.

    /work/tfref/bin/python tools/make_tf1_rnn_fixtures.py

With Keras 3 installed, `tf.compat.v1.nn.rnn_cell` refuses to load; the TF1 cells it names
still ship in TensorFlow (tensorflow/python/keras/layers/legacy_rnn/rnn_cell_impl.py), so the
cases see `tf.compat.v1` with `nn.rnn_cell` bound to that module.
"""
import os
import sys

import numpy as np
import tensorflow as tf

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "compat"))
import tf1_rnn_cases  # noqa: E402


class _V1:
    """tf.compat.v1 with nn.rnn_cell taken from TensorFlow's legacy RNN cells."""

    def __init__(self):
        from tensorflow.python.keras.layers.legacy_rnn import rnn_cell_impl

        class _NN:
            rnn_cell = rnn_cell_impl

            def __getattr__(self, name):
                return getattr(tf.compat.v1.nn, name)
        self.nn = _NN()

    def __getattr__(self, name):
        return getattr(tf.compat.v1, name)


def main():
    tf.compat.v1.disable_eager_execution()
    v1 = _V1()
    out = {}
    for name in tf1_rnn_cases.CASES:
        for key, value in tf1_rnn_cases.run(v1, name).items():
            out[f"{name}/{key}"] = value.astype(str) if key == "names" else value
    path = os.path.join(ROOT, "tests", "fixtures", "tf1_rnn.npz")
    tmp = path + ".tmp.npz"
    np.savez(tmp, **out)
    os.replace(tmp, path)
    print(f"wrote {len(out)} arrays to {path}")


if __name__ == "__main__":
    main()
