"""Writes tests/fixtures/tf_sparse.npz: TensorFlow's results for the sparse, segment and set
ops ndflow implements (tests/sparse/test_against_tf.py compares them).

    /work/tfref/bin/python tools/make_tf_sparse_fixtures.py
Each case is named; a dense result is stored as `<name>`, a SparseTensor result as
`<name>.indices`, `<name>.values`, `<name>.dense_shape`. The inputs are written in
tests/sparse/tf_cases.py, shared by this program and the test.
"""
import os
import sys

import numpy as np
import tensorflow as tf

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "sparse"))
import tf_cases  # noqa: E402


def _plain(a):
    """Strings as a unicode array, so the fixture loads without pickle."""
    return a.astype(str) if a.dtype.kind == "O" else a


def main():
    out = {}
    for name, fn in tf_cases.cases(tf).items():
        result = fn()
        if isinstance(result, tf.sparse.SparseTensor):
            out[name + ".indices"] = result.indices.numpy()
            out[name + ".values"] = _plain(result.values.numpy())
            out[name + ".dense_shape"] = result.dense_shape.numpy()
        elif isinstance(result, list):  # gradients: one array per source
            for i, r in enumerate(result):
                out[f"{name}.{i}"] = np.asarray(r)
        else:
            out[name] = _plain(np.asarray(result))
    path = os.path.join(ROOT, "tests", "fixtures", "tf_sparse.npz")
    tmp = path + ".tmp.npz"
    np.savez(tmp, **out)
    os.replace(tmp, path)
    print(f"wrote {len(out)} arrays to {path}")


if __name__ == "__main__":
    main()
