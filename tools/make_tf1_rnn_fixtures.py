"""Writes tests/fixtures/tf1_rnn.npz: TensorFlow 1's results (tf.compat.v1 of TensorFlow
2.21) for the recurrent cases of tests/compat/tf1_rnn_cases.py (cells, dynamic_rnn and
static_rnn with sequence lengths, peepholes, projection and clipping, bidirectional RNNs:
outputs, final states, gradients and variable names). tests/test_rnn_v1.py runs the same
cases on ndflow.compat.v1 and compares.

    /work/tfref/bin/python tools/make_tf1_rnn_fixtures.py
"""
import os
import sys

import numpy as np
import tensorflow as tf

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "compat"))
import tf1_rnn_cases  # noqa: E402


def main():
    v1 = tf.compat.v1
    v1.disable_eager_execution()
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
