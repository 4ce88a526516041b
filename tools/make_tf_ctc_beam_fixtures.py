"""Writes tests/fixtures/tf_ctc_beam_search.npz: TensorFlow's CTC beam search decodings of
seeded random logits (tests/test_ctc_beam_search.py compares ndflow's).

    /work/tfref/bin/python tools/make_tf_ctc_beam_fixtures.py
Case k stores its inputs `k.logits`, `k.lengths`, its settings `k.config` (beam width, top
paths, merge_repeated as 0/1, v1 form as 0/1), TensorFlow's `k.log_probs` and, per path p,
`k.p.indices`, `k.p.values`, `k.p.dense_shape`.
"""
import os

import numpy as np
import tensorflow as tf

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# (time, batch, classes, beam_width, top_paths, merge_repeated, v1 form, dtype)
CASES = [(5, 2, 4, 3, 2, True, True, np.float32), (6, 3, 5, 10, 3, False, True, np.float32),
         (8, 2, 6, 100, 1, True, True, np.float32), (4, 1, 3, 2, 2, False, False, np.float32),
         (10, 2, 4, 5, 5, True, True, np.float32), (30, 4, 12, 16, 4, False, False, np.float32),
         (25, 3, 8, 8, 3, True, True, np.float64), (40, 2, 29, 50, 2, False, False, np.float32)]


def main():
    rng = np.random.default_rng(20261204)
    out = {}
    for k, (steps, batch, classes, width, top, merge, v1, dtype) in enumerate(CASES):
        logits = (rng.standard_normal((steps, batch, classes)) * 2).astype(dtype)
        lengths = rng.integers(steps // 2 + 1, steps + 1, size=batch).astype(np.int32)
        lengths[0] = steps
        if v1:
            decoded, log_probs = tf.compat.v1.nn.ctc_beam_search_decoder(
                logits, lengths, beam_width=width, top_paths=top, merge_repeated=merge)
        else:
            decoded, log_probs = tf.nn.ctc_beam_search_decoder(logits, lengths, width, top)
        out.update({f"{k}.logits": logits, f"{k}.lengths": lengths,
                    f"{k}.config": np.array([width, top, merge, v1]),
                    f"{k}.log_probs": log_probs.numpy()})
        for p, sparse in enumerate(decoded):
            for part in ("indices", "values", "dense_shape"):
                out[f"{k}.{p}.{part}"] = getattr(sparse, part).numpy()
    path = os.path.join(ROOT, "tests", "fixtures", "tf_ctc_beam_search.npz")
    np.savez_compressed(path + ".tmp.npz", **out)
    os.replace(path + ".tmp.npz", path)


if __name__ == "__main__":
    main()
