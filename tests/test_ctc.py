"""CTC loss and greedy decoding (tf.nn.ctc_loss in its TF2 and TF1 forms,
tf.nn.ctc_greedy_decoder, keras.ops.ctc_loss / ctc_decode, keras.losses.CTC,
K.ctc_batch_cost / ctc_decode) against TensorFlow 2.21 / Keras 3.15's numbers for the same
inputs (recorded below); the gradients are in the registry-wide gradient check."""
import numpy as np
import pytest

import ndflow as tf
import ndflow.compat.v1 as v1
from ndflow import keras

RNG = np.random.default_rng(0)
LOGITS = RNG.standard_normal((6, 3, 5)).astype(np.float32)  # [time, batch, classes]
LABELS = np.array([[1, 2, 2], [3, 0, 0], [1, 3, 1]], np.int32)
LABEL_LENGTH, LOGIT_LENGTH = np.array([3, 1, 3]), np.array([6, 4, 5])


def _close(got, expected, atol=2e-5):
    np.testing.assert_allclose(np.asarray(got), expected, rtol=0, atol=atol)


def test_tf2_loss_and_gradient_equal_tensorflow():
    x = tf.constant(LOGITS)
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = tf.nn.ctc_loss(LABELS, x, LABEL_LENGTH, LOGIT_LENGTH)  # blank 0 by default
    _close(loss, [8.255633, 4.525383, 4.907626])
    grad = tape.gradient(loss, x).numpy()
    _close(grad[:, 0], [[-0.0793, -0.5619, 0.3386, 0.1982, 0.1045],
                        [-0.0805, -0.3126, -0.3151, 0.246, 0.4623],
                        [-0.2941, -0.0005, -0.2985, 0.3445, 0.2486],
                        [-0.2433, 0.1961, -0.3993, 0.2765, 0.17],
                        [-0.4083, 0.0359, 0.1413, 0.0704, 0.1607],
                        [-0.0293, 0.0438, -0.732, 0.0891, 0.6284]], atol=1e-4)
    assert np.abs(grad[4:, 1]).max() == 0 and np.abs(grad[5:, 2]).max() == 0  # past lengths
    _close(tf.nn.ctc_loss(LABELS, x, LABEL_LENGTH, LOGIT_LENGTH, blank_index=-1),
           [5.507010, 5.336077, 4.190011])
    batch_major = tf.transpose(x, [1, 0, 2])
    _close(tf.nn.ctc_loss(LABELS, batch_major, LABEL_LENGTH, LOGIT_LENGTH,
                          logits_time_major=False), [8.255633, 4.525383, 4.907626])
    sparse = tf.sparse.from_dense(tf.constant(LABELS))  # zeros dropped: row 1 is [3]
    _close(tf.nn.ctc_loss(sparse, x, None, LOGIT_LENGTH), [8.255633, 4.525383, 4.907626])


def test_a_labelling_too_long_for_its_frames():
    long_labels = np.array([[1, 2, 1, 2, 1, 2, 1]] * 3, np.int32)
    loss = tf.nn.ctc_loss(long_labels, LOGITS, [7, 7, 7], [6, 3, 6])
    assert np.isinf(loss.numpy()).all()  # TensorFlow's dense kernel gives ~7e2 instead
    with tf.GradientTape() as tape:
        x = tf.constant(LOGITS)
        tape.watch(x)
        total = tf.reduce_sum(tf.nn.ctc_loss(long_labels, x, [7, 7, 7], [6, 3, 6]))
    assert np.abs(tape.gradient(total, x).numpy()).max() == 0


def test_tf1_sparse_labels_in_a_session():
    with tf.Graph().as_default():
        sparse = v1.sparse.from_dense(tf.constant(LABELS))
        inputs = v1.placeholder(tf.float32, [None, None, 5])
        plain = v1.nn.ctc_loss(sparse, inputs, LOGIT_LENGTH)  # blank: the last class
        collapsed = v1.nn.ctc_loss(sparse, inputs, LOGIT_LENGTH,
                                   preprocess_collapse_repeated=True)
        too_long = v1.sparse.from_dense(tf.constant([[1, 2, 1, 2, 1, 2, 1]] * 3))
        ignored = v1.nn.ctc_loss(too_long, inputs, [6, 3, 6],
                                 ignore_longer_outputs_than_inputs=True)
        strict = v1.nn.ctc_loss(too_long, inputs, [6, 3, 6])
        (grad,) = v1.gradients(v1.reduce_sum(plain), inputs)
        with v1.Session() as sess:
            values = sess.run([plain, collapsed, ignored, grad], {inputs: LOGITS})
            with pytest.raises(tf.errors.InvalidArgumentError, match="not enough time"):
                sess.run(strict, {inputs: LOGITS})
    _close(values[0], [5.507010, 5.336080, 4.190010])
    _close(values[1], [3.978530, 5.336080, 4.190010])
    assert values[2].tolist() == [0.0, 0.0, 0.0] and values[3].shape == (6, 3, 5)


def test_tf1_simplified_topology_and_repeats_that_do_not_fit_equal_tensorflow():
    from ndflow.ops.ctc_ops import ctc_loss_v1
    x = tf.constant(np.random.default_rng(0).standard_normal((6, 3, 5)).astype(np.float32))
    labels = tf.sparse.from_dense(np.array([[1, 1, 2], [3, 3, 0], [1, 2, 1]], np.int32))
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = ctc_loss_v1(labels, x, [6, 4, 5], ctc_merge_repeated=False)
    _close(loss, [5.416375, 5.270612, 4.728254])
    _close(tape.gradient(loss, x).numpy()[:, 0],
           [[0.20237, -0.59295, 0.3386, 0.1982, -0.14623],
            [0.07837, -0.09408, 0.11879, 0.24599, -0.34906],
            [0.07309, -0.32291, 0.16129, 0.3445, -0.25597],
            [0.03334, -0.36777, 0.19853, 0.27652, -0.14062],
            [0.07473, 0.02339, -0.12791, 0.07041, -0.04062],
            [0.02265, 0.04378, 0.13761, 0.0891, -0.29315]], atol=1e-4)
    _close(ctc_loss_v1(labels, x, [6, 4, 5], ctc_merge_repeated=False,
                       preprocess_collapse_repeated=True), [5.409673, 6.072572, 4.728254])
    # Three frames hold the labels 1 1 2 only without the blank between the 1s: TensorFlow
    # gives an infinite loss (not its "not enough time" error, which counts labels only),
    # ignore_longer_outputs_than_inputs or not; the simplified topology fits them.
    _close(ctc_loss_v1(labels, x, [3, 4, 5]), [np.inf, 4.947068, 3.747926])
    _close(ctc_loss_v1(labels, x, [3, 4, 5], ignore_longer_outputs_than_inputs=True),
           [np.inf, 4.947068, 3.747926])
    _close(ctc_loss_v1(labels, x, [3, 4, 5], ctc_merge_repeated=False),
           [5.979555, 5.270612, 4.728254])
    _close(ctc_loss_v1(labels, x, [2, 4, 5], ctc_merge_repeated=False,
                       ignore_longer_outputs_than_inputs=True), [0.0, 5.270612, 4.728254])
    for merge in (True, False):
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"required: 3, available: 2"):
            ctc_loss_v1(labels, x, [2, 4, 5], ctc_merge_repeated=merge)


def test_greedy_decoder_equals_tensorflow():
    decoded, scores = tf.nn.ctc_greedy_decoder(LOGITS, LOGIT_LENGTH)
    dense = tf.sparse.to_dense(decoded[0], default_value=-1).numpy()
    assert dense.tolist() == [[2, 3, 2], [1, 3, -1], [1, 1, 2]]
    _close(scores, [[-7.9258], [-4.82037], [-4.2935]])
    decoded, _ = tf.nn.ctc_greedy_decoder(LOGITS, LOGIT_LENGTH, merge_repeated=False,
                                          blank_index=0)
    assert tf.sparse.to_dense(decoded[0], default_value=-1).numpy().tolist() == [
        [2, 4, 3, 2, 2, 4], [1, 1, 4, 3, -1, -1], [1, 4, 1, 2, 4, -1]]


def test_bad_arguments_are_named():
    with pytest.raises(tf.errors.InvalidArgumentError, match="blank"):
        tf.nn.ctc_loss(LABELS, LOGITS, LABEL_LENGTH, LOGIT_LENGTH, blank_index=1)  # a label
    with pytest.raises(tf.errors.InvalidArgumentError, match="logit_length"):
        tf.nn.ctc_loss(LABELS, LOGITS, LABEL_LENGTH, [7, 4, 5])
    with pytest.raises(tf.errors.InvalidArgumentError, match="blank_index 9"):
        tf.nn.ctc_loss(LABELS, LOGITS, LABEL_LENGTH, LOGIT_LENGTH, blank_index=9)


def test_keras_spellings_equal_keras():
    batch_major = LOGITS.reshape(3, 6, 5)  # the arrays Keras's numbers were taken on
    _close(keras.ops.ctc_loss(LABELS, batch_major, LABEL_LENGTH, LOGIT_LENGTH),
           [8.370890, 5.086750, 7.961330])
    decoded, scores = keras.ops.ctc_decode(batch_major, LOGIT_LENGTH)
    assert np.asarray(decoded).tolist() == [[[2, 1, 4, 1, 4, -1], [3, 4, 1, 2, -1, -1],
                                             [2, 1, 4, -1, -1, -1]]]
    _close(scores, [[-4.61492], [-5.50846], [-7.33576]])
    assert float(keras.losses.CTC()(LABELS, batch_major)) == pytest.approx(7.912947, abs=1e-4)
    assert keras.losses.get("ctc").name == "ctc"
    probs = tf.nn.softmax(batch_major).numpy()
    cost = keras.backend.ctc_batch_cost(LABELS, probs, LOGIT_LENGTH[:, None],
                                        LABEL_LENGTH[:, None])
    _close(cost, [[7.54736], [3.53009], [6.30872]])
    decoded, log_prob = keras.backend.ctc_decode(probs, LOGIT_LENGTH)
    assert np.asarray(decoded[0]).tolist() == [[2, 1, 1, -1, -1, -1], [3, 1, 2, -1, -1, -1],
                                               [2, 1, 0, -1, -1, -1]]
    _close(log_prob, [[5.64549], [3.93095], [3.35687]])


def test_a_keras_model_trains_with_the_ctc_loss():
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(1)
    labels = rng.integers(1, 4, (64, 3))
    x = np.zeros((64, 8, 4), np.float32)  # label i shown at frame 2i, blank frames between
    for i in range(3):
        x[np.arange(64), 2 * i, labels[:, i]] = 1.0
    model = keras.Sequential([keras.Input((8, 4)), keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dense(5)])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss=keras.losses.CTC())
    history = model.fit(x, labels, epochs=30, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < 0.3 * history.history["loss"][0]
    decoded, _ = keras.ops.ctc_decode(model.predict(x, verbose=0), np.full(64, 8))
    hits = (np.asarray(decoded)[0, :, :3] == labels).all(axis=1).mean()
    assert hits > 0.8
