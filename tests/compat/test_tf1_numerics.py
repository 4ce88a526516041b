"""TF1 losses, metrics, optimizers, learning-rate decays and moving averages against values
TensorFlow computed (tests/compat/fixtures/tf1_reference.json, written by
tools/make_tf1_reference.py with tf.compat.v1 in graph mode)."""
import json
import pathlib

import numpy as np
import pytest

import ndflow.compat.v1 as tf

from . import tf1_metric_cases

REF = json.loads((pathlib.Path(__file__).parent / "fixtures" / "tf1_reference.json").read_text())


@pytest.fixture(autouse=True)
def fresh_graph():
    tf.reset_default_graph()
    yield
    tf.reset_default_graph()


def _f32(x):
    return np.asarray(x, np.float32)


# --- tf.losses -----------------------------------------------------------------------------------

def _loss(name, w, r, i):
    L = tf.losses
    labels, preds, logits = _f32(i["labels"]), _f32(i["preds"]), _f32(i["logits"])
    binary, onehot = _f32(i["binary"]), _f32(i["onehot"])
    makers = {
        "mean_squared_error": lambda: L.mean_squared_error(labels, preds, w, reduction=r),
        "absolute_difference": lambda: L.absolute_difference(labels, preds, w, reduction=r),
        "huber_loss": lambda: L.huber_loss(labels * 3, preds, w, delta=0.7, reduction=r),
        "log_loss": lambda: L.log_loss(binary, preds, w, reduction=r),
        "hinge_loss": lambda: L.hinge_loss(binary, logits, w, reduction=r),
        "sigmoid_cross_entropy": lambda: L.sigmoid_cross_entropy(
            binary, logits, w, label_smoothing=0.1, reduction=r),
        "cosine_distance": lambda: L.cosine_distance(_f32(i["unit"]), _f32(i["unit_p"]),
                                                     axis=1, weights=w, reduction=r),
        "softmax_cross_entropy": lambda: L.softmax_cross_entropy(
            onehot, logits, w, label_smoothing=0.2, reduction=r),
        "sparse_softmax_cross_entropy": lambda: L.sparse_softmax_cross_entropy(
            np.asarray(i["sparse"], np.int32), logits, w, reduction=r),
    }
    return makers[name]()


@pytest.mark.parametrize("case", REF["losses"]["cases"],
                         ids=lambda c: f"{c['loss']}-{c['weights']}-{c['reduction']}")
def test_losses_match_tf1(case):
    w = REF["losses"]["weights"][case["weights"]]
    w = _f32(w)
    if case["loss"] in ("softmax_cross_entropy", "sparse_softmax_cross_entropy") and \
            case["weights"] == "per_example":
        w = w.reshape(-1)
    loss = _loss(case["loss"], w, case["reduction"], REF["losses"]["inputs"])
    assert loss.dtype == tf.float32
    assert tf.get_collection(tf.GraphKeys.LOSSES) == [loss]
    with tf.Session() as s:
        np.testing.assert_allclose(s.run(loss), case["value"], rtol=2e-5, atol=1e-6)


def test_default_reduction_and_collection_helpers():
    assert tf.losses.Reduction.SUM_BY_NONZERO_WEIGHTS == "weighted_sum_by_nonzero_weights"
    with pytest.raises(ValueError, match="No losses"):
        tf.losses.get_total_loss()
    a = tf.losses.mean_squared_error([1.0, 2.0], [1.5, 2.0], weights=[1.0, 0.0])
    b = tf.losses.absolute_difference([1.0], [3.0], loss_collection=None)
    tf.losses.add_loss(tf.constant(10.0))
    w = tf.get_variable("w", [2], initializer=tf.ones_initializer(),
                        regularizer=lambda v: 0.5 * tf.reduce_sum(v))
    assert len(tf.losses.get_losses()) == 2 and all(x is not b for x in tf.losses.get_losses())
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        # (0.25 * 1) / one non-zero weight; total = 0.25 + 10 + regularization 1.0
        assert s.run(a) == pytest.approx(0.25)
        assert s.run(tf.losses.get_regularization_loss()) == pytest.approx(1.0)
        assert s.run(tf.losses.get_total_loss()) == pytest.approx(11.25)
        assert s.run(tf.losses.get_total_loss(add_regularization_losses=False)) == \
            pytest.approx(10.25)
    assert w.name == "w:0"
    with pytest.raises(ValueError, match="Invalid Reduction"):
        tf.losses.mean_squared_error([1.0], [1.0], reduction="avg")
    with pytest.raises(ValueError, match="broadcast"):
        tf.losses.mean_squared_error(np.ones((4, 3), np.float32), np.ones((4, 3), np.float32),
                                     weights=np.ones((2, 3), np.float32))


# --- tf.metrics ----------------------------------------------------------------------------------

def test_metrics_stream_matches_tf1():
    ph = tf1_metric_cases.placeholders(tf)
    metrics = tf1_metric_cases.metrics(tf, ph)
    ref = REF["metrics"]
    assert [v.name for v in tf.local_variables()] == ref["local_variable_names"]
    assert tf.get_collection(tf.GraphKeys.METRIC_VARIABLES) == tf.local_variables()
    assert not tf.global_variables() and not tf.trainable_variables()
    with tf.Session() as s:
        for _ in range(2):  # the second pass checks that local_variables_initializer resets
            s.run(tf.local_variables_initializer())
            for i, batch in enumerate(ref["batches"]):
                feed = {ph[k]: np.asarray(v) for k, v in batch.items()}
                ups = s.run({k: m[1] for k, m in metrics.items()}, feed)
                vals = s.run({k: m[0] for k, m in metrics.items()})
                for k in metrics:
                    want = ref["metrics"][k]
                    np.testing.assert_allclose(ups[k], want["updates"][i], rtol=2e-5,
                                               atol=1e-6, err_msg=f"{k} update {i}")
                    np.testing.assert_allclose(vals[k], want["values"][i], rtol=2e-5,
                                               atol=1e-6, err_msg=f"{k} value {i}")


def test_metric_collections_and_errors():
    labels = tf.constant([1, 0, 1])
    acc, update = tf.metrics.accuracy(labels, tf.constant([1, 1, 1]),
                                      metrics_collections=["m"], updates_collections=["u"])
    assert tf.get_collection("m") == [acc] and tf.get_collection("u") == [update]
    scores = tf.placeholder(tf.float32, [3])
    auc, auc_update = tf.metrics.auc(labels, scores)
    with tf.Session() as s:
        s.run(tf.local_variables_initializer())
        assert s.run(update) == pytest.approx(2 / 3)
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"\[0, 1\]"):
            s.run(auc_update, {scores: [0.2, 1.5, 0.3]})
    with pytest.raises(ValueError, match="curve"):
        tf.metrics.auc(labels, tf.constant([0.2, 0.5, 0.3]), curve="XY")


# --- optimizers, decays, moving averages ---------------------------------------------------------

_OPTIMIZERS = {
    "adadelta": lambda: tf.train.AdadeltaOptimizer(1.0, rho=0.9, epsilon=1e-6),
    "ftrl": lambda: tf.train.FtrlOptimizer(0.1, l1_regularization_strength=0.01,
                                           l2_regularization_strength=0.02),
    "ftrl_power": lambda: tf.train.FtrlOptimizer(0.2, learning_rate_power=-0.3,
                                                 initial_accumulator_value=0.5,
                                                 l2_shrinkage_regularization_strength=0.05),
    "proximal_gd": lambda: tf.train.ProximalGradientDescentOptimizer(
        0.05, l1_regularization_strength=0.02, l2_regularization_strength=0.1),
    "proximal_gd_plain": lambda: tf.train.ProximalGradientDescentOptimizer(0.05),
}


@pytest.mark.parametrize("name", sorted(_OPTIMIZERS))
def test_optimizer_steps_match_tf1(name):
    ref = REF["optimizers"]
    w = tf.Variable(_f32(ref["w0"]), name="w")
    loss = tf.reduce_sum(tf.square(tf.tensordot(_f32(ref["x"]), w, 1) - _f32(ref["y"])))
    train = _OPTIMIZERS[name]().minimize(loss)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        for step, want in enumerate(ref["steps"][name]):
            s.run(train)
            np.testing.assert_allclose(s.run(w), want, rtol=1e-5, atol=1e-6,
                                       err_msg=f"{name} step {step}")


def test_slot_names_and_slot_variable_names_are_tf1s():
    # TensorFlow 1.15 / tf.compat.v1 in 2.21: get_slot_names() and the slot variables made,
    # in order, for one variable `w` (names made unique within the graph).
    expected = [
        (lambda: tf.train.AdamOptimizer(0.1), ["m", "v"],
         ["beta1_power:0", "beta2_power:0", "w/Adam:0", "w/Adam_1:0"]),
        (lambda: tf.train.MomentumOptimizer(0.1, 0.9), ["momentum"], ["w/Momentum:0"]),
        (lambda: tf.train.RMSPropOptimizer(0.1), ["momentum", "rms"],
         ["w/RMSProp:0", "w/RMSProp_1:0"]),
        (lambda: tf.train.RMSPropOptimizer(0.1, momentum=0.9, centered=True),
         ["mg", "momentum", "rms"], ["w/RMSProp_2:0", "w/RMSProp_3:0", "w/RMSProp_4:0"]),
        (lambda: tf.train.AdagradOptimizer(0.1), ["accumulator"], ["w/Adagrad:0"]),
        (lambda: tf.train.AdadeltaOptimizer(), ["accum", "accum_update"],
         ["w/Adadelta:0", "w/Adadelta_1:0"]),
        (lambda: tf.train.FtrlOptimizer(0.1), ["accum", "linear"], ["w/Ftrl:0", "w/Ftrl_1:0"]),
        (lambda: tf.train.ProximalAdagradOptimizer(0.1), ["accumulator"],
         ["w/ProximalAdagrad:0"]),
    ]
    with tf.Graph().as_default():
        w = tf.Variable(tf.zeros([2, 2]), name="w")
        loss = tf.reduce_sum(w * w)
        for make, slot_names, variables in expected:
            before = len(tf.global_variables())
            optimizer = make()
            optimizer.minimize(loss)
            assert optimizer.get_slot_names() == slot_names
            assert [v.name for v in tf.global_variables()[before:]] == variables
            assert {optimizer.get_slot(w, n).name for n in slot_names} == set(
                variables[-len(slot_names):])


def test_ftrl_rejects_bad_arguments():
    with pytest.raises(ValueError, match="l1_regularization_strength"):
        tf.train.FtrlOptimizer(0.1, l1_regularization_strength=-1.0)
    with pytest.raises(ValueError, match="learning_rate_power"):
        tf.train.FtrlOptimizer(0.1, learning_rate_power=0.5)


def test_learning_rate_decays_match_tf1():
    ref = REF["decay"]
    step = tf.placeholder(tf.int64, [])
    T = tf.train
    scheds = {
        "exponential": T.exponential_decay(0.1, step, 10, 0.96),
        "exponential_staircase": T.exponential_decay(0.1, step, 10, 0.5, staircase=True),
        "piecewise": T.piecewise_constant(step, [5, 10], [1.0, 0.5, 0.1]),
        "polynomial": T.polynomial_decay(0.1, step, 20, 0.01, power=0.5),
        "polynomial_cycle": T.polynomial_decay(0.1, step, 20, 0.01, power=2.0, cycle=True),
        "cosine": T.cosine_decay(0.1, step, 20, alpha=0.1),
        "inverse_time": T.inverse_time_decay(0.1, step, 10, 0.5),
        "inverse_time_staircase": T.inverse_time_decay(0.1, step, 10, 0.5, staircase=True),
        "natural_exp": T.natural_exp_decay(0.1, step, 10, 0.5),
        "natural_exp_staircase": T.natural_exp_decay(0.1, step, 10, 0.5, staircase=True),
        "cosine_restarts": T.cosine_decay_restarts(0.1, step, 4, alpha=0.05),
        "cosine_restarts_t1": T.cosine_decay_restarts(0.1, step, 6, t_mul=1.0, m_mul=0.5),
        "linear_cosine": T.linear_cosine_decay(0.1, step, 30, num_periods=2.0, alpha=0.1),
    }
    assert all(v.dtype == tf.float32 for v in scheds.values())
    with tf.Session() as s:
        for i, st in enumerate(ref["steps"]):
            got = s.run(scheds, {step: st})
            for k in scheds:
                # rel 5e-6: TF's float32 cos (Eigen) and NumPy's differ by an ulp or so
                assert got[k] == pytest.approx(ref["values"][k][i], rel=5e-6), (k, st)
    with pytest.raises(ValueError, match="boundaries"):
        T.piecewise_constant(step, [5], [1.0])


def test_decay_drives_an_optimizer_through_the_global_step():
    gs = tf.train.get_or_create_global_step()
    lr = tf.train.exponential_decay(1.0, gs, 1, 0.5, staircase=True)
    w = tf.Variable(0.0)
    train = tf.train.GradientDescentOptimizer(lr).minimize(-w, global_step=gs)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        for _ in range(3):
            s.run(train)
        assert s.run(w) == pytest.approx(1.0 + 0.5 + 0.25)
        assert s.run(gs) == 3


def test_exponential_moving_average_matches_tf1():
    ref = REF["ema"]
    a = tf.Variable(np.array([1.0, 2.0], np.float32), name="a")
    b = tf.Variable(3.0, name="b")
    step = tf.Variable(0, trainable=False, name="step")
    ema = tf.train.ExponentialMovingAverage(0.9, num_updates=step)
    apply = ema.apply([a, b])
    bump = [tf.assign_add(a, [1.0, -1.0]), tf.assign_add(b, 2.0), tf.assign_add(step, 1)]
    assert ema.average(a).name == "a/ExponentialMovingAverage:0"
    assert not ema.average(a).trainable
    assert tf.get_collection(tf.GraphKeys.MOVING_AVERAGE_VARIABLES) == [a, b]
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        for want_a, want_b in ref["with_num_updates"]:
            s.run(bump)
            s.run(apply)
            np.testing.assert_allclose(s.run(ema.average(a)), want_a, rtol=1e-6)
            assert s.run(ema.average(b)) == pytest.approx(want_b, rel=1e-6)
    assert sorted(ema.variables_to_restore()) == ref["restore_names"]
    assert ema.variables_to_restore()["a/ExponentialMovingAverage"] is a


def test_exponential_moving_average_plain_and_errors():
    ref = REF["ema"]
    c = tf.Variable(0.0, name="c")
    ema = tf.train.ExponentialMovingAverage(0.5)
    apply = ema.apply([c])
    assert ema.average_name(c) == ref["average_name"]
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        for i, want in enumerate(ref["plain"]):
            s.run(tf.assign(c, float(i + 1)))
            s.run(apply)
            assert s.run(ema.average(c)) == pytest.approx(want)
    with pytest.raises(TypeError, match="floating"):
        ema.apply([tf.Variable(1)])


def test_exponential_moving_average_eagerly():
    import ndflow as tf2
    v = tf2.Variable(1.0, name="w")
    ema = tf2.train.ExponentialMovingAverage(0.5)
    ema.apply([v])
    v.assign(3.0)
    ema.apply([v])
    assert ema.average(v).name == "w/ExponentialMovingAverage:0"
    assert float(ema.average(v).numpy()) == 2.0
