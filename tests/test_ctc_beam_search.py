"""CTC beam search decoding (tf.nn.ctc_beam_search_decoder in its TF2 and TF1 forms,
keras.ops.ctc_decode(strategy="beam_search"), K.ctc_decode(greedy=False)) against
TensorFlow 2.21 / Keras 3.15's results on the same logits (tests/fixtures, written by
tools/make_tf_ctc_beam_fixtures.py), and against an exhaustive search on tiny cases."""
import itertools
import os

import numpy as np
import pytest

import ndflow as tf
from ndflow import keras
from ndflow.framework.errors import FailedPreconditionError, InvalidArgumentError
from ndflow.ops.ctc_beam_search import ctc_beam_search_decoder_v1

FIXTURE = np.load(os.path.join(os.path.dirname(__file__), "fixtures", "tf_ctc_beam_search.npz"))
CASES = sorted({int(name.split(".")[0]) for name in FIXTURE.files})


@pytest.mark.parametrize("k", CASES)
def test_paths_and_log_probabilities_equal_tensorflow(k):
    logits, lengths = FIXTURE[f"{k}.logits"], FIXTURE[f"{k}.lengths"]
    width, top, merge, v1 = (int(v) for v in FIXTURE[f"{k}.config"])
    if v1:
        decoded, log_probs = ctc_beam_search_decoder_v1(logits, lengths, width, top, bool(merge))
    else:
        decoded, log_probs = tf.nn.ctc_beam_search_decoder(logits, lengths, width, top)
    assert log_probs.dtype == tf.as_dtype(logits.dtype) and len(decoded) == top
    np.testing.assert_allclose(log_probs.numpy(), FIXTURE[f"{k}.log_probs"], rtol=1e-5,
                               atol=1e-5)
    for p, sparse in enumerate(decoded):
        for part in ("indices", "values", "dense_shape"):
            np.testing.assert_array_equal(getattr(sparse, part).numpy(),
                                          FIXTURE[f"{k}.{p}.{part}"], err_msg=f"path {p} {part}")


def _log_softmax(x):
    x = x.astype(np.float64)
    return x - np.log(np.exp(x - x.max(-1, keepdims=True)).sum(-1, keepdims=True)) - x.max(
        -1, keepdims=True)


def _collapse(path, blank):
    out = [c for i, c in enumerate(path) if c != blank and (i == 0 or c != path[i - 1])]
    return tuple(out)


def test_a_wide_beam_finds_the_most_likely_labellings_of_an_exhaustive_search():
    rng = np.random.default_rng(3)
    steps, classes = 4, 3  # 81 frame paths: every labelling's probability summed exactly
    logits = rng.standard_normal((steps, 1, classes)).astype(np.float32)
    log_p = _log_softmax(logits[:, 0])
    totals = {}
    for path in itertools.product(range(classes), repeat=steps):
        label = _collapse(path, classes - 1)
        totals[label] = np.logaddexp(totals.get(label, -np.inf),
                                     sum(log_p[t, c] for t, c in enumerate(path)))
    best = sorted(totals.items(), key=lambda kv: -kv[1])[:3]
    decoded, log_probs = tf.nn.ctc_beam_search_decoder(logits, [steps], beam_width=50,
                                                       top_paths=3)
    assert [tuple(d.values.numpy()) for d in decoded] == [label for label, _ in best]
    np.testing.assert_allclose(log_probs.numpy()[0], [v for _, v in best], rtol=1e-5)


def test_merge_repeated_collapses_equal_neighbours_of_a_beam():
    # Frames that spell 1, blank, 1: the labelling is (1, 1); TF1's merge_repeated=True
    # reports it as (1,) while the TF2 form keeps both.
    logits = np.log(np.array([[0.01, 0.98, 0.01], [0.01, 0.01, 0.98], [0.01, 0.98, 0.01]],
                             np.float32))[:, None, :]
    (v2,), _ = tf.nn.ctc_beam_search_decoder(logits, [3], beam_width=4)
    (merged,), _ = ctc_beam_search_decoder_v1(logits, [3], beam_width=4)
    assert v2.values.numpy().tolist() == [1, 1] and merged.values.numpy().tolist() == [1]


def test_runs_in_graphs_and_in_tf_function():
    logits = FIXTURE["0.logits"]
    eager = tf.nn.ctc_beam_search_decoder(logits, FIXTURE["0.lengths"], 3, 2)[1].numpy()
    traced = tf.function(lambda x, n: tf.nn.ctc_beam_search_decoder(x, n, 3, 2)[1])
    np.testing.assert_array_equal(traced(logits, FIXTURE["0.lengths"]).numpy(), eager)
    import ndflow.compat.v1 as v1
    with tf.Graph().as_default():
        x = v1.placeholder(tf.float32, [None, None, logits.shape[-1]])
        n = v1.placeholder(tf.int32, [None])
        decoded, log_probs = v1.nn.ctc_beam_search_decoder(x, n, beam_width=3, top_paths=2)
        assert log_probs.shape.as_list() == [None, 2]
        with v1.Session() as sess:
            got, values = sess.run([log_probs, decoded[0].values],
                                   {x: logits, n: FIXTURE["0.lengths"]})
    np.testing.assert_allclose(got, FIXTURE["0.log_probs"], rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(values, FIXTURE["0.0.values"])


def test_bad_arguments_are_named():
    logits = np.zeros((3, 2, 4), np.float32)
    with pytest.raises(ValueError, match="top_paths .3. must not exceed beam_width .2."):
        tf.nn.ctc_beam_search_decoder(logits, [3, 3], beam_width=2, top_paths=3)
    with pytest.raises(ValueError, match="at least 1"):
        tf.nn.ctc_beam_search_decoder(logits, [3, 3], top_paths=0)
    with pytest.raises(FailedPreconditionError, match=r"sequence_length\(1\) = 4"):
        tf.nn.ctc_beam_search_decoder(logits, [3, 4])
    with pytest.raises(InvalidArgumentError, match="sequence_length must be"):
        tf.nn.ctc_beam_search_decoder(logits, [3])
    with pytest.raises(InvalidArgumentError, match="example 0 has only 1 beams"):
        tf.nn.ctc_beam_search_decoder(logits, [0, 3], beam_width=4, top_paths=2)


# Keras 3.15 (keras.ops.ctc_decode, TF backend) and its legacy K.ctc_decode on these
# probabilities, recorded.
PROBS = np.random.default_rng(5).random((2, 6, 5)).astype(np.float32)
PROBS /= PROBS.sum(-1, keepdims=True)


def test_keras_ops_ctc_decode_beam_search_equals_keras():
    decoded, scores = keras.ops.ctc_decode(PROBS, [6, 4], strategy="beam_search",
                                           beam_width=4, top_paths=2)
    assert decoded.dtype == tf.int32
    assert decoded.numpy().tolist() == [[[1, 4, 3, -1, -1, -1], [4, 1, -1, -1, -1, -1]],
                                        [[1, 4, 2, -1, -1, -1], [4, -1, -1, -1, -1, -1]]]
    np.testing.assert_allclose(scores.numpy(), [[-5.146494, -5.251275], [-3.880974, -4.249450]],
                               rtol=1e-5)
    decoded, scores = keras.ops.ctc_decode(PROBS, [6, 4], strategy="beam_search",
                                           beam_width=4, top_paths=2, mask_index=None)
    assert decoded.numpy().tolist() == [[[0, 3, -1, -1, -1, -1], [0, 1, -1, -1, -1, -1]],
                                        [[1, 0, -1, -1, -1, -1], [0, -1, -1, -1, -1, -1]]]
    np.testing.assert_allclose(scores.numpy(), [[-6.449438, -6.625988], [-3.483183, -4.262466]],
                               rtol=1e-5)
    with pytest.raises(ValueError, match="strategy must be"):
        keras.ops.ctc_decode(PROBS, [6, 4], strategy="beam")


def test_backend_ctc_decode_beam_search_equals_keras():
    decoded, log_prob = keras.backend.ctc_decode(PROBS, np.array([6, 4]), greedy=False,
                                                 beam_width=4, top_paths=2)
    assert [d.numpy().tolist() for d in decoded] == [  # path 0, then path 1
        [[0, 3, 2, -1, -1, -1], [0, 1, -1, -1, -1, -1]],
        [[1, 3, 0, 2, -1, -1], [2, 1, -1, -1, -1, -1]]]
    assert decoded[0].dtype == tf.int64
    np.testing.assert_allclose(log_prob.numpy(), [[-4.695925, -4.963172],
                                                  [-2.324668, -2.665589]], rtol=1e-5)
