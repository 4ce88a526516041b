"""Every differentiable op in the registry, checked against central finite differences.

Samples come from every `tests/gradcheck/samples_*.py`. For each sample:
  * running it under a GradientTape must record an op of the sample's registry name;
  * the tape gradient (along a random output-gradient direction) must match central
    differences in float64, and so must the gradient of a scalar function of the
    gradient for samples marked `second_order`;
  * the same gradient computed inside `ndflow.function` with all dimensions unknown must
    match the eager one, and the static shapes inferred there must fit the real ones.
"""
import importlib
import pathlib

import numpy as np
import pytest

import ndflow as tf
from ndflow.framework.autodiff import UnconnectedGradients
from ndflow.framework.registry import REGISTRY
from ndflow.framework.tensor_shape import TensorShape

DELTA = 2.0 ** -20   # a power of two: x +- DELTA is exact for inputs with short mantissas
MARGIN = 0.05        # how far random inputs stay from a sample's kinks
ZERO = UnconnectedGradients.ZERO


def _collect_samples():
    samples = []
    folder = pathlib.Path(__file__).parent / "gradcheck"
    for path in sorted(folder.glob("samples_*.py")):
        module = importlib.import_module(f"gradcheck.{path.stem}")
        samples.extend(module.SAMPLES)
    return samples


SAMPLES = _collect_samples()
_IDS = []
for _i, _s in enumerate(SAMPLES):
    _IDS.append(f"{_s.op}-{sum(1 for t in SAMPLES[:_i] if t.op == _s.op)}")


# --- helpers -----------------------------------------------------------------------------------

def _inputs(sample, seed):
    if sample.inputs is not None:
        return [np.array(x, dtype=np.float64) for x in sample.inputs]
    rng = np.random.default_rng(seed)
    arrays = []
    for shape in sample.shapes:
        x = rng.uniform(sample.low, sample.high, shape)
        for _ in range(100):  # redraw the values that fall near a kink
            near = np.zeros(np.shape(x), bool)
            for kink in sample.away_from:
                near |= np.abs(x - kink) < MARGIN
            if not near.any():
                break
            x = np.where(near, rng.uniform(sample.low, sample.high, np.shape(x)), x)
        arrays.append(np.asarray(x, dtype=np.float64))
    return arrays


def _as_list(y):
    return list(y) if isinstance(y, (list, tuple)) else [y]


def _directions(sample, xs, seed):
    """Random output gradients, one per output of the sample, in the outputs' dtypes."""
    outs = _as_list(sample.fn(*[tf.constant(x) for x in xs]))
    rng = np.random.default_rng(seed + 1)
    return [rng.uniform(-1.0, 1.0, o.shape.as_list()).astype(o.dtype.as_numpy_dtype)
            for o in outs]


def _objective(sample, xs, vs):
    """sum_k <v_k, y_k(xs)> evaluated eagerly in float64."""
    outs = _as_list(sample.fn(*[tf.constant(x) for x in xs]))
    return sum(float(np.sum(np.asarray(o.numpy(), np.float64) * v)) for o, v in zip(outs, vs))


def _tape_gradient(sample, xs, vs):
    tensors = [tf.constant(x) for x in xs]
    with tf.GradientTape() as tape:
        for t in tensors:
            tape.watch(t)
        outs = _as_list(sample.fn(*tensors))
    grads = tape.gradient(outs, tensors, output_gradients=[tf.constant(v) for v in vs],
                          unconnected_gradients=ZERO)
    return [np.asarray(g.numpy(), np.float64) for g in grads]


def _second_order(sample, xs, vs, ws):
    """d/dxs of sum_i <w_i, grad_i(xs)>, by nested tapes."""
    tensors = [tf.constant(x) for x in xs]
    with tf.GradientTape() as outer:
        for t in tensors:
            outer.watch(t)
        with tf.GradientTape() as inner:
            for t in tensors:
                inner.watch(t)
            outs = _as_list(sample.fn(*tensors))
        grads = inner.gradient(outs, tensors, output_gradients=[tf.constant(v) for v in vs],
                               unconnected_gradients=ZERO)
        total = tf.add_n([tf.reduce_sum(g * w) for g, w in zip(grads, ws)])
    return [np.asarray(g.numpy(), np.float64)
            for g in outer.gradient(total, tensors, unconnected_gradients=ZERO)]


def _central_differences(scalar_fn, xs):
    """d scalar_fn(xs) / d xs[i] for every i, one element at a time."""
    result = []
    for i, x in enumerate(xs):
        grad = np.zeros_like(x)
        for index in np.ndindex(x.shape):
            bumped = [a.copy() for a in xs]
            bumped[i][index] = x[index] + DELTA
            up = scalar_fn(bumped)
            bumped[i][index] = x[index] - DELTA
            down = scalar_fn(bumped)
            grad[index] = (up - down) / (2 * DELTA)
        result.append(grad)
    return result


def _assert_close(sample, analytic, numeric, what):
    for i, (a, n) in enumerate(zip(analytic, numeric)):
        np.testing.assert_allclose(
            a, n, atol=sample.atol, rtol=sample.rtol,
            err_msg=f"{sample.op}: {what} of input {i} differs from finite differences")


# --- the checks --------------------------------------------------------------------------------

def test_every_differentiable_op_has_a_sample():
    covered = {s.op for s in SAMPLES}
    missing = sorted(name for name, op in REGISTRY.items()
                     if op.differentiable and name not in covered)
    assert not missing, (f"differentiable ops without a gradient-check sample in "
                         f"tests/gradcheck/samples_*.py: {', '.join(missing)}")


def test_samples_name_registered_ops():
    unknown = sorted({s.op for s in SAMPLES} - set(REGISTRY))
    assert not unknown, f"samples name ops that are not registered: {unknown}"


@pytest.mark.parametrize("index", range(len(SAMPLES)), ids=_IDS)
def test_sample_records_its_op(index):
    sample = SAMPLES[index]
    tensors = [tf.constant(x) for x in _inputs(sample, 0)]
    with tf.GradientTape() as tape:
        for t in tensors:
            tape.watch(t)
        sample.fn(*tensors)
    recorded = {rec.op_def.name for rec in tape._records}
    assert sample.op in recorded, f"sample for {sample.op} only ran {sorted(recorded)}"


@pytest.mark.parametrize("index", range(len(SAMPLES)), ids=_IDS)
def test_gradient_matches_finite_differences(index):
    sample, seed = SAMPLES[index], index
    xs = _inputs(sample, seed)
    vs = _directions(sample, xs, seed)
    analytic = _tape_gradient(sample, xs, vs)
    numeric = _central_differences(lambda a: _objective(sample, a, vs), xs)
    _assert_close(sample, analytic, numeric, "gradient")
    if sample.second_order:
        rng = np.random.default_rng(seed + 2)
        ws = [rng.uniform(-1.0, 1.0, x.shape) for x in xs]
        analytic2 = _second_order(sample, xs, vs, ws)
        numeric2 = _central_differences(
            lambda a: sum(float(np.sum(g * w)) for g, w in zip(_tape_gradient(sample, a, vs),
                                                               ws)), xs)
        _assert_close(sample, analytic2, numeric2, "second-order gradient")


@pytest.mark.parametrize("index", range(len(SAMPLES)), ids=_IDS)
def test_symbolic_gradient_with_unknown_dims_matches_eager(index):
    sample, seed = SAMPLES[index], index
    xs = _inputs(sample, seed)
    vs = _directions(sample, xs, seed)
    n = len(xs)
    specs = [tf.TensorSpec([None] * x.ndim, tf.float64) for x in xs] + \
        [tf.TensorSpec([None] * v.ndim, tf.as_dtype(v.dtype)) for v in vs]
    static = {}

    @tf.function(input_signature=specs)
    def gradient(*args):
        inputs, directions = list(args[:n]), list(args[n:])
        with tf.GradientTape() as tape:
            for t in inputs:
                tape.watch(t)
            outs = _as_list(sample.fn(*inputs))
        grads = tape.gradient(outs, inputs, output_gradients=directions,
                              unconnected_gradients=ZERO)
        static["outputs"] = [o.shape for o in outs]
        static["grads"] = [g.shape for g in grads]
        return outs + grads

    results = gradient(*[tf.constant(x) for x in xs], *[tf.constant(v) for v in vs])
    outs, grads = results[:len(vs)], results[len(vs):]
    eager_outs = _as_list(sample.fn(*[tf.constant(x) for x in xs]))
    for o, e, shape in zip(outs, eager_outs, static["outputs"]):
        np.testing.assert_allclose(o.numpy(), e.numpy(), rtol=1e-12, atol=1e-12)
        assert shape.is_compatible_with(TensorShape(e.shape)), \
            f"{sample.op}: static shape {shape} does not fit the output shape {e.shape}"
    for g, e, shape in zip(grads, _tape_gradient(sample, xs, vs), static["grads"]):
        np.testing.assert_allclose(g.numpy(), e, rtol=1e-10, atol=1e-12,
                                   err_msg=f"{sample.op}: graph gradient differs from eager")
        assert shape.is_compatible_with(TensorShape(e.shape)), \
            f"{sample.op}: static gradient shape {shape} does not fit {e.shape}"
