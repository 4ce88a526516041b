"""Cases shared by tools/make_keras2_reference.py (run on Keras 3) and the keras2 tests (run
on ndflow), so both frameworks see the same inputs: small dataset files in Keras's formats
and a loss-scaling gradient sequence."""
import numpy as np

DATASET_CALLS = {  # name -> list of load_data keyword sets (path added by the caller)
    "boston_housing": [{}, {"test_split": 0.3, "seed": 7}],
    "imdb": [{}, {"num_words": 20, "skip_top": 2}, {"maxlen": 6, "seed": 3},
             {"start_char": None, "oov_char": None, "num_words": 15, "index_from": 0}],
    "reuters": [{}, {"num_words": 25, "test_split": 0.25}, {"maxlen": 7, "oov_char": None,
                                                             "num_words": 18}],
}


def _object_array(seqs):
    out = np.empty(len(seqs), dtype=object)
    for i, s in enumerate(seqs):
        out[i] = s
    return out


def _sequences(rng, n, vocab, longest):
    return [list(map(int, rng.integers(1, vocab, rng.integers(1, longest)))) for _ in range(n)]


def make_dataset_files(directory):
    """Writes boston_housing.npz, imdb.npz and reuters.npz (Keras's layouts) into
    `directory`; returns {name: path}."""
    import os
    rng = np.random.default_rng(20261203)
    paths = {name: os.path.join(directory, f"{name}.npz") for name in DATASET_CALLS}
    np.savez(paths["boston_housing"], x=rng.normal(size=(23, 13)) * 10,
             y=rng.uniform(5, 50, size=23))
    np.savez(paths["imdb"], x_train=_object_array(_sequences(rng, 14, 40, 12)),
             y_train=rng.integers(0, 2, 14), x_test=_object_array(_sequences(rng, 11, 40, 12)),
             y_test=rng.integers(0, 2, 11))
    np.savez(paths["reuters"], x=_object_array(_sequences(rng, 19, 30, 10)),
             y=rng.integers(0, 46, 19))
    return paths


# LossScaleOptimizer(SGD(0.5), initial_scale=8, dynamic_growth_steps=2) applied to one
# variable (initial LSO_INIT) with these (already scaled) gradients, one apply per row
LSO_INIT = [1.0, -2.0]
LSO_GRADS = [[8.0, 16.0], [4.0, -8.0], [np.inf, 1.0], [2.0, 2.0], [np.nan, 0.0],
             [1.0, 3.0], [6.0, 6.0], [5.0, -5.0]]

POLICIES = ["float32", "float16", "float64", "mixed_float16", "mixed_bfloat16", "bfloat16",
            "int32"]
