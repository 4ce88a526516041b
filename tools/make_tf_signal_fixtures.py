"""Writes tests/fixtures/tf_signal.npz: TensorFlow's results for the tf.signal, complex and
tf.audio ops ndflow implements (tests/tf_signal/test_against_tf.py compares them).

    /work/tfref/bin/python tools/make_tf_signal_fixtures.py
Each case is named; a result is stored as `<name>`, a list of gradients as `<name>.<i>`.
The inputs are written in tests/tf_signal/tf_cases.py, shared by this program and the test.
"""
import os
import sys

import numpy as np
import tensorflow as tf

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "tf_signal"))
import tf_cases  # noqa: E402


def main():
    out = {}
    for name, fn in tf_cases.cases(tf).items():
        result = fn()
        if isinstance(result, list):  # gradients: one array per source
            for i, r in enumerate(result):
                out[f"{name}.{i}"] = np.asarray(r)
        else:
            out[name] = np.asarray(result)
    path = os.path.join(ROOT, "tests", "fixtures", "tf_signal.npz")
    tmp = path + ".tmp.npz"
    np.savez_compressed(tmp, **out)
    os.replace(tmp, path)
    print(f"wrote {len(out)} arrays to {path}")


if __name__ == "__main__":
    main()
