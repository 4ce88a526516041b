"""keras.optimizers: a few steps on a quadratic against hand-written NumPy updates (Keras 3
rules and defaults), clipping, weight decay, learning-rate variables and schedules, configs,
tf.function; against Keras 3 where installed."""
import math

import numpy as np
import pytest

import ndflow as tf
from ndflow.framework.errors import InvalidArgumentError
from ndflow.keras import optimizers
from ndflow.keras.optimizers import schedules

from .keras_reference import reference_keras, to_numpy

A = np.array([1.0, 3.0, 0.5, 2.0])
B = np.array([0.3, -1.0, 2.0, 0.0])
W0 = np.array([1.0, -2.0, 0.5, 3.0])
STEPS = 5


def _grad(w):
    """Gradient of the quadratic 0.5 * sum(A w^2) + B . w"""
    return A * w + B


# Each reference takes the step number t (1-based), gradient, weights and a state dict.
def ref_sgd(lr=0.01, momentum=0.0, nesterov=False):
    def step(t, g, w, s):
        if not momentum:
            return w - lr * g
        v = momentum * s.get("v", 0.0) - lr * g
        s["v"] = v
        return w + momentum * v - lr * g if nesterov else w + v
    return step


def ref_adam(lr=0.001, b1=0.9, b2=0.999, eps=1e-7, amsgrad=False, wd=0.0):
    def step(t, g, w, s):
        w = w - w * lr * wd
        m = s.get("m", 0.0) + (g - s.get("m", 0.0)) * (1 - b1)
        v = s.get("v", 0.0) + (g * g - s.get("v", 0.0)) * (1 - b2)
        s["m"], s["v"] = m, v
        if amsgrad:
            v = s["vhat"] = np.maximum(s.get("vhat", 0.0), v)
        alpha = lr * math.sqrt(1 - b2 ** t) / (1 - b1 ** t)
        return w - m * alpha / (np.sqrt(v) + eps)
    return step


def ref_rmsprop(lr=0.001, rho=0.9, momentum=0.0, eps=1e-7, centered=False):
    def step(t, g, w, s):
        v = s["v"] = rho * s.get("v", 0.0) + (1 - rho) * g * g
        denom = v
        if centered:
            mg = s["mg"] = rho * s.get("mg", 0.0) + (1 - rho) * g
            denom = v - mg * mg
        inc = lr * g / np.sqrt(denom + eps)
        if momentum:
            inc = s["mom"] = momentum * s.get("mom", 0.0) + inc
        return w - inc
    return step


def ref_adagrad(lr=0.001, init=0.1, eps=1e-7):
    def step(t, g, w, s):
        acc = s["acc"] = s.get("acc", init) + g * g
        return w - lr * g / np.sqrt(acc + eps)
    return step


def ref_nadam(lr=0.001, b1=0.9, b2=0.999, eps=1e-7):
    def step(t, g, w, s):
        u_t = b1 * (1 - 0.5 * 0.96 ** t)
        u_next = b1 * (1 - 0.5 * 0.96 ** (t + 1))
        prod = s["prod"] = s.get("prod", 1.0) * u_t
        m = s["m"] = s.get("m", 0.0) + (g - s.get("m", 0.0)) * (1 - b1)
        v = s["v"] = s.get("v", 0.0) + (g * g - s.get("v", 0.0)) * (1 - b2)
        m_hat = u_next * m / (1 - prod * u_next) + (1 - u_t) * g / (1 - prod)
        v_hat = v / (1 - b2 ** t)
        return w - lr * m_hat / (np.sqrt(v_hat) + eps)
    return step


def ref_adadelta(lr=0.001, rho=0.95, eps=1e-7):
    def step(t, g, w, s):
        ag = s["ag"] = rho * s.get("ag", 0.0) + (1 - rho) * g * g
        delta = -np.sqrt(s.get("ad", 0.0) + eps) / np.sqrt(ag + eps) * g
        s["ad"] = rho * s.get("ad", 0.0) + (1 - rho) * delta * delta
        return w + lr * delta
    return step


def ref_adamax(lr=0.001, b1=0.9, b2=0.999, eps=1e-7):
    def step(t, g, w, s):
        m = s["m"] = s.get("m", 0.0) + (g - s.get("m", 0.0)) * (1 - b1)
        u = s["u"] = np.maximum(b2 * s.get("u", 0.0), np.abs(g))
        return w - lr * m / ((1 - b1 ** t) * (u + eps))
    return step


CASES = [
    ("SGD", {}, ref_sgd()),
    ("SGD", {"learning_rate": 0.1, "momentum": 0.9}, ref_sgd(0.1, 0.9)),
    ("SGD", {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True}, ref_sgd(0.1, 0.9, True)),
    ("Adam", {"learning_rate": 0.1}, ref_adam(0.1)),
    ("Adam", {"learning_rate": 0.1, "amsgrad": True}, ref_adam(0.1, amsgrad=True)),
    ("AdamW", {"learning_rate": 0.1}, ref_adam(0.1, wd=0.004)),
    ("AdamW", {"learning_rate": 0.1, "weight_decay": 0.5}, ref_adam(0.1, wd=0.5)),
    ("RMSprop", {"learning_rate": 0.01}, ref_rmsprop(0.01)),
    ("RMSprop", {"learning_rate": 0.01, "momentum": 0.5, "centered": True},
     ref_rmsprop(0.01, momentum=0.5, centered=True)),
    ("Adagrad", {"learning_rate": 0.1}, ref_adagrad(0.1)),
    ("Nadam", {"learning_rate": 0.1}, ref_nadam(0.1)),
    ("Adadelta", {"learning_rate": 1.0}, ref_adadelta(1.0)),
    ("Adamax", {"learning_rate": 0.1}, ref_adamax(0.1)),
]


def _run_reference(reference, steps=STEPS):
    w, state = W0.copy(), {}
    for t in range(1, steps + 1):
        w = reference(t, _grad(w), w, state)
    return w


def _run_ndflow(optimizer, steps=STEPS, compiled=False):
    var = tf.Variable(W0.astype(np.float32))

    def step():
        with tf.GradientTape() as tape:
            loss = 0.5 * tf.reduce_sum(A.astype(np.float32) * var * var) + \
                tf.reduce_sum(B.astype(np.float32) * var)
        optimizer.apply_gradients([(tape.gradient(loss, var), var)])
    if compiled:
        step = tf.function(step)
    for _ in range(steps):
        step()
    return var


@pytest.mark.parametrize("compiled", [False, True], ids=["eager", "function"])
@pytest.mark.parametrize("name,kwargs,reference", CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_updates_match_numpy(name, kwargs, reference, compiled):
    optimizer = getattr(optimizers, name)(**kwargs)
    var = _run_ndflow(optimizer, compiled=compiled)
    assert var.dtype == tf.float32
    # float32 steps against a float64 reference: a few ulps of drift per step
    np.testing.assert_allclose(var.numpy(), _run_reference(reference), rtol=2e-5, atol=2e-5)
    assert int(optimizer.iterations) == STEPS


def test_keras3_defaults():
    assert float(optimizers.Adam().learning_rate) == pytest.approx(0.001)
    assert optimizers.Adam().epsilon == 1e-7
    assert float(optimizers.SGD().learning_rate) == pytest.approx(0.01)
    assert optimizers.AdamW().weight_decay == 0.004
    assert optimizers.RMSprop().rho == 0.9
    assert optimizers.Adagrad().initial_accumulator_value == 0.1
    assert isinstance(optimizers.get("adam"), optimizers.Adam)
    assert isinstance(optimizers.get("RMSprop"), optimizers.RMSprop)
    with pytest.raises(InvalidArgumentError, match="optimizer identifier"):
        optimizers.get("sgdd")


def test_clipping():
    g = np.array([3.0, 4.0], np.float32)  # norm 5
    for kwargs, expected in [({"clipnorm": 1.0}, g / 5), ({"clipvalue": 3.5}, [3.0, 3.5]),
                             ({"global_clipnorm": 2.5}, g / 2)]:
        var = tf.Variable([0.0, 0.0])
        optimizers.SGD(learning_rate=1.0, **kwargs).apply([tf.constant(g)], [var])
        np.testing.assert_allclose(var.numpy(), -np.asarray(expected), rtol=1e-6)
    # the global norm is taken over all gradients together
    v1, v2 = tf.Variable([0.0]), tf.Variable([0.0])
    optimizers.SGD(learning_rate=1.0, global_clipnorm=1.0).apply(
        [tf.constant([3.0]), tf.constant([4.0])], [v1, v2])
    np.testing.assert_allclose([v1.numpy()[0], v2.numpy()[0]], [-0.6, -0.8], rtol=1e-6)
    with pytest.raises(InvalidArgumentError, match="Only one of"):
        optimizers.SGD(clipnorm=1.0, clipvalue=1.0)


def test_none_gradients_are_skipped_and_iterations_count():
    a, b = tf.Variable([1.0]), tf.Variable([2.0])
    opt = optimizers.Adam(learning_rate=0.1)
    opt.apply_gradients([(tf.constant([1.0]), a), (None, b)])
    assert b.numpy()[0] == 2.0 and a.numpy()[0] != 1.0
    assert int(opt.iterations) == 1 and opt.iterations.dtype == tf.int64
    with pytest.raises(InvalidArgumentError, match="No gradients"):
        opt.apply_gradients([(None, b)])


def test_variables_order_like_keras():
    a, b = tf.Variable(np.zeros(2, np.float32), name="a"), tf.Variable(np.zeros(3, np.float32),
                                                                      name="b")
    opt = optimizers.Adam(amsgrad=True)
    opt.build([a, b])
    shapes = [tuple(v.shape.as_list()) for v in opt.variables]
    assert shapes == [(), (), (2,), (2,), (3,), (3,), (2,), (3,)]
    assert opt.variables[0] is opt.iterations
    names = [v.name for v in opt.variables[2:]]
    assert names[0].endswith("a_momentum:0") and names[1].endswith("a_velocity:0")
    assert len(optimizers.SGD().variables) == 2
    nadam = optimizers.Nadam()
    nadam.build([a])
    assert len(nadam.variables) == 5


def test_learning_rate_is_a_variable_and_settable_without_retracing():
    opt = optimizers.SGD(learning_rate=0.5)
    var = tf.Variable([1.0])

    @tf.function
    def step():
        opt.apply_gradients([(tf.constant([1.0]), var)])
    step()
    opt.learning_rate = 0.25
    step()
    opt.learning_rate.assign(0.125)
    step()
    assert step.experimental_get_tracing_count() == 1
    np.testing.assert_allclose(var.numpy(), [1.0 - 0.5 - 0.25 - 0.125])
    assert float(opt.learning_rate) == 0.125 and float(opt.lr) == 0.125


def test_keras2_spellings_warn():
    with pytest.warns(DeprecationWarning, match="lr"):
        opt = optimizers.Adam(lr=0.01)
    assert float(opt.learning_rate) == pytest.approx(0.01)
    with pytest.warns(DeprecationWarning, match="decay"):
        opt = optimizers.SGD(learning_rate=1.0, decay=0.5)
    var = tf.Variable([0.0])
    for _ in range(3):
        opt.apply([tf.constant([1.0])], [var])
    np.testing.assert_allclose(var.numpy(), [-(1.0 + 1 / 1.5 + 1 / 2.0)], rtol=1e-6)
    with pytest.raises(TypeError, match="unexpected"):
        optimizers.Adam(beta1=0.5)


def test_schedule_as_learning_rate():
    schedule = schedules.ExponentialDecay(1.0, decay_steps=1, decay_rate=0.5)
    opt = optimizers.SGD(learning_rate=schedule)
    var = tf.Variable([0.0])
    step = tf.function(lambda: opt.apply([tf.constant([1.0])], [var]))
    for _ in range(3):
        step()
    np.testing.assert_allclose(var.numpy(), [-(1.0 + 0.5 + 0.25)], rtol=1e-6)
    assert float(opt.learning_rate) == pytest.approx(0.125)
    with pytest.raises(TypeError, match="LearningRateSchedule"):
        opt.learning_rate = 0.1
    config = optimizers.serialize(opt)
    again = optimizers.deserialize(config)
    assert isinstance(again._learning_rate, schedules.ExponentialDecay)


def test_config_round_trip():
    opt = optimizers.RMSprop(learning_rate=0.02, momentum=0.3, centered=True, clipnorm=2.0)
    again = optimizers.deserialize(optimizers.serialize(opt))
    assert isinstance(again, optimizers.RMSprop)
    assert again.get_config() == opt.get_config()
    assert again.get_config()["learning_rate"] == pytest.approx(0.02)


def _cosine(step, start, decay_steps, alpha):
    step = min(step, decay_steps)
    return start * ((1 - alpha) * 0.5 * (1 + math.cos(math.pi * step / decay_steps)) + alpha)


SCHEDULE_CASES = [
    (schedules.ExponentialDecay(0.1, 10, 0.5), lambda s: 0.1 * 0.5 ** (s / 10)),
    (schedules.ExponentialDecay(0.1, 10, 0.5, staircase=True),
     lambda s: 0.1 * 0.5 ** (s // 10)),
    (schedules.InverseTimeDecay(0.1, 10, 0.5), lambda s: 0.1 / (1 + 0.5 * s / 10)),
    (schedules.PiecewiseConstantDecay([5, 12], [1.0, 0.5, 0.1]),
     lambda s: 1.0 if s <= 5 else 0.5 if s <= 12 else 0.1),
    (schedules.PolynomialDecay(0.1, 20, power=2.0),
     lambda s: (0.1 - 1e-4) * (1 - min(s, 20) / 20) ** 2 + 1e-4),
    (schedules.PolynomialDecay(0.1, 7, cycle=True),
     lambda s: (0.1 - 1e-4) * (1 - s / (7 * max(1, math.ceil(s / 7)))) + 1e-4),
    (schedules.CosineDecay(0.1, 20, alpha=0.1), lambda s: _cosine(s, 0.1, 20, 0.1)),
    (schedules.CosineDecay(0.0, 20, warmup_target=0.1, warmup_steps=5),
     lambda s: 0.1 * s / 5 if s < 5 else _cosine(s - 5, 0.1, 20, 0.0)),
]


@pytest.mark.parametrize("schedule,expected", SCHEDULE_CASES,
                         ids=[f"{type(c[0]).__name__}-{i}" for i, c in
                              enumerate(SCHEDULE_CASES)])
def test_schedule_values(schedule, expected):
    for step in (0, 1, 4, 5, 6, 10, 12, 13, 19, 20, 25, 40):
        assert float(schedule(step)) == pytest.approx(expected(step), rel=1e-5, abs=1e-8), step
    again = type(schedule).from_config(schedule.get_config())
    assert float(again(7)) == pytest.approx(float(schedule(7)))


def test_schedule_errors():
    with pytest.raises(InvalidArgumentError, match="boundaries"):
        schedules.PiecewiseConstantDecay([1, 2], [0.1])
    with pytest.raises(InvalidArgumentError, match="decay_steps"):
        schedules.CosineDecay(0.1, 0)


KERAS_CASES = [(name, kwargs) for name, kwargs, _ in CASES] + [
    ("Adam", {"clipnorm": 0.5}), ("SGD", {"global_clipnorm": 1.0}),
    ("SGD", {"clipvalue": 0.2}), ("Adam", {"weight_decay": 0.01}),
]


@pytest.mark.parametrize("name,kwargs", KERAS_CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(KERAS_CASES)])
def test_optimizers_match_keras(name, kwargs):
    keras = reference_keras()
    initial = [W0.astype(np.float32), np.array([[0.5, -1.5], [2.0, 0.1]], np.float32)]
    kvars = [keras.Variable(w.copy()) for w in initial]
    nvars = [tf.Variable(w.copy()) for w in initial]
    kopt, nopt = getattr(keras.optimizers, name)(**kwargs), getattr(optimizers, name)(**kwargs)

    def grads(values):
        return [A.astype(np.float32) * values[0] + 0.3, np.sin(values[1]) * 3]
    for _ in range(STEPS):
        kg = grads([to_numpy(v) for v in kvars])
        kopt.apply_gradients(zip([keras.ops.convert_to_tensor(g) for g in kg], kvars))
        ng = grads([v.numpy() for v in nvars])
        nopt.apply_gradients(zip([tf.constant(g) for g in ng], nvars))
    for k, n in zip(kvars, nvars):
        np.testing.assert_allclose(n.numpy(), to_numpy(k), rtol=1e-5, atol=1e-6)
    kstate = [to_numpy(v) for v in kopt.variables]
    nstate = [v.numpy() for v in nopt.variables]
    assert [np.shape(v) for v in nstate] == [np.shape(v) for v in kstate]
    for k, n in zip(kstate, nstate):
        np.testing.assert_allclose(n, k, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("graph_mode", ["disable_eager_execution", "graph_as_default"])
def test_keras_optimizer_step_in_a_tf1_session_runs_the_updates(graph_mode):
    # Keras 2 in TF1 graphs: apply_gradients returns the op that updates the variables (it
    # returned only the iteration increment, so sess.run(train) left the weights unchanged)
    import ndflow.compat.v1 as v1
    from ndflow.framework.context import reset
    reset()
    try:
        if graph_mode == "disable_eager_execution":
            v1.disable_eager_execution()
            graph = v1.get_default_graph()
        else:
            graph = v1.Graph()
        with graph.as_default():
            x = v1.placeholder("float32", [None, 1])
            w = v1.Variable([[2.0]])
            loss = v1.reduce_mean(v1.square(v1.matmul(x, w) - 1.0))
            opt = optimizers.SGD(0.1)
            train = opt.apply_gradients(zip(v1.gradients(loss, [w]), [w]))
            with v1.Session() as sess:
                sess.run(v1.global_variables_initializer())
                for _ in range(3):
                    sess.run(train, {x: [[1.0]]})
                # w - 0.1 * 2 (w - 1), three times: 2 -> 1.8 -> 1.64 -> 1.512
                np.testing.assert_allclose(sess.run(w), [[1.512]], rtol=1e-6)
                assert sess.run(opt.iterations) == 3
    finally:
        reset()
