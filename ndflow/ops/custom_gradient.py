"""tf.custom_gradient, tf.recompute_grad and tf.identity_n.

A function decorated with `custom_gradient` runs as written; its results then pass
through one `IdentityN` op whose inputs are (results, arguments, reads of the variables
the function used) and whose gradient is the user's `grad_fn`. The gradient gives the
results none (so no gradient flows through the function's own ops) and the arguments
and variables what `grad_fn` returns. The same op serves eager tapes, tapes inside
tf.function and TF1 `tf.gradients`; `grad_fn` is written in ndflow ops, so it is itself
differentiable (higher-order gradients through the tensors it closes over).
"""
import contextlib
import functools
import inspect

from ..framework.autodiff import GradientTape, UnconnectedGradients
from ..framework.constant_op import convert_to_tensor
from ..framework.context import state
from ..framework.graph import graph_for_building
from ..framework.registry import execute, op
from ..framework.tensor import TensorLike
from ..util import nest
from ..util.export import export_many
from . import array_ops


@op("IdentityN", multi_output=True, infer=lambda ts, a: [(t.shape, t.dtype) for t in ts])
def IDENTITY_N(xp, *xs, grad_fn=None):
    return list(xs)


@IDENTITY_N.gradient
def _identity_n_grad(o, *grads):
    custom = o.attrs.get("grad_fn")
    return list(grads) if custom is None else custom(*grads)


def identity_n(input, name=None):  # noqa: A002 - TensorFlow's name
    """Returns a list of tensors with the same shapes and contents as the input tensors.

    Args:
      input: a list of tensors.
      name: optional name of the op.
    """
    if isinstance(input, TensorLike) or not isinstance(input, (list, tuple)):
        raise TypeError(f"identity_n: input must be a list of tensors, got {input!r}.")
    return execute(IDENTITY_N, tuple(input), {}, name)


# --- custom_gradient -----------------------------------------------------------------------------

class _VariableWatcher:
    """Hears of every variable read while active, eagerly and in graphs, the way tapes do,
    without recording ops (`_recording` False) and even while tapes are stopped."""
    _recording = False

    def __init__(self):
        self.variables = []

    def _variable_read(self, var, tensor):
        if not any(v is var for v in self.variables):
            self.variables.append(var)

    def __enter__(self):
        state.tapes.append(self)
        return self

    def __exit__(self, *exc):
        state.tapes.remove(self)
        return False


@contextlib.contextmanager
def _stop_recording():
    """Pauses every active tape (TensorFlow's tape.stop_recording for all of them)."""
    paused = [(t, t._recording) for t in state.tapes]
    for t, _ in paused:
        t._recording = False
    try:
        yield
    finally:
        for t, was in paused:
            t._recording = was


def _accepts_variables(fn):
    try:
        spec = inspect.getfullargspec(fn)
    except TypeError:
        return True
    return "variables" in spec.args or "variables" in spec.kwonlyargs or spec.varkw is not None


def _as_gradient(g, like):
    if g is None or isinstance(g, TensorLike):
        return g
    return convert_to_tensor(g, dtype_hint=like.dtype)


def _call_with_custom_gradient(f, args, kwargs):
    name = getattr(f, "__name__", "custom_gradient")
    eager = graph_for_building() is None
    if not eager:
        if kwargs:
            raise ValueError(f"custom_gradient: {name} was called with keyword arguments "
                             f"{sorted(kwargs)}; inside graphs (tf.function, TF1) keyword "
                             "arguments are supported only when executing eagerly.")
        args = nest.map_structure(convert_to_tensor, args)
    with _VariableWatcher() as watcher:
        result, grad_fn = f(*args, **kwargs)
    raw_args = nest.flatten(args) + nest.flatten(kwargs)
    variables = [v for v in watcher.variables if not any(v is a for a in raw_args)
                 and (v.trainable or not eager)]
    variables.sort(key=lambda v: v.name)
    if variables and not _accepts_variables(grad_fn):
        raise TypeError(f"@tf.custom_gradient grad_fn must accept keyword argument 'variables', "
                        f"since function {name} uses variables: "
                        f"{[v.name for v in variables]}")
    flat_result = [convert_to_tensor(r) for r in nest.flatten(result)]
    flat_args = [convert_to_tensor(a) for a in nest.flatten(args)]
    reads = [convert_to_tensor(v) for v in variables]  # fresh reads: their gradients are ours
    n_result = len(flat_result)

    def gradient(*grads):
        upstream = [g if g is not None else array_ops.zeros_like(y)
                    for g, y in zip(grads[:n_result], flat_result)]
        if variables:
            input_grads, variable_grads = grad_fn(*upstream, variables=variables)
            variable_grads = list(variable_grads)
            if len(variable_grads) != len(variables):
                raise ValueError(f"custom_gradient: grad_fn of {name} must return a gradient for "
                                 f"each of the {len(variables)} variables it was given; it "
                                 f"returned {len(variable_grads)}.")
        else:
            input_grads, variable_grads = grad_fn(*upstream), []
        input_grads = nest.flatten(input_grads)
        if len(input_grads) != len(flat_args):
            raise ValueError(f"custom_gradient: {name} expected to return {len(flat_args)} "
                             f"gradients, but returned {len(input_grads)} instead.")
        return [None] * n_result + \
            [_as_gradient(g, x) for g, x in zip(input_grads, flat_args)] + \
            [_as_gradient(g, x) for g, x in zip(variable_grads, reads)]

    outs = execute(IDENTITY_N, tuple(flat_result + flat_args + reads), {"grad_fn": gradient},
                   name)
    return nest.pack_sequence_as(result, outs[:n_result])


class _CustomGradientFunction:
    """What `@custom_gradient` returns: callable, and bindable as a method."""

    def __init__(self, f):
        self._f = f
        functools.update_wrapper(self, f)

    def __call__(self, *args, **kwargs):
        return _call_with_custom_gradient(self._f, args, kwargs)

    def __get__(self, instance, owner):
        if instance is None:
            return self
        return _CustomGradientFunction(self._f.__get__(instance, owner))


def custom_gradient(f=None):
    """Decorator to define a function with a custom gradient.

    `f(*x)` must return `(y, grad_fn)`: `y` a tensor or nested structure of tensors, and
    `grad_fn(*upstream)` a function of the gradients of the (flattened) `y` that returns
    the gradients of the inputs `x`, one per (flattened) argument. When `f` reads
    variables, `grad_fn(*upstream, variables=None)` receives them and returns
    `(input_gradients, variable_gradients)`.

    Works eagerly with `tf.GradientTape`, inside `tf.function` and in TF1 graphs with
    `tf.gradients`.

    Args:
      f: the function; with no argument `custom_gradient()` returns the decorator.

    Returns:
      A function `h(*x)` returning `y`, whose gradient is given by `grad_fn`.
    """
    if f is None:
        return custom_gradient
    return _CustomGradientFunction(f)


def recompute_grad(f):
    """Makes `f` keep nothing for its gradient: the forward pass runs with the tapes paused
    and the gradient recomputes `f` under a tape of its own.

    Args:
      f: a function of tensors (it may read variables).

    Returns:
      A function computing the same values as `f`, whose gradient recomputes `f`.
    """
    @custom_gradient
    def recomputing(*args, **kwargs):
        with _stop_recording():
            result = f(*args, **kwargs)

        def grad_fn(*upstream, variables=None):
            watched = list(variables or [])
            with GradientTape() as tape:
                xs = nest.map_structure(array_ops.identity, args)
                tape.watch(xs)
                for v in watched:
                    tape.watch(v)
                recomputed = f(*xs, **kwargs)
            flat_xs = nest.flatten(xs)
            grads = tape.gradient(recomputed, flat_xs + watched, output_gradients=list(upstream),
                                  unconnected_gradients=UnconnectedGradients.ZERO)
            return grads[:len(flat_xs)], grads[len(flat_xs):]
        return result, grad_fn
    return functools.wraps(f)(recomputing)


export_many("", {"custom_gradient": custom_gradient, "recompute_grad": recompute_grad,
                 "identity_n": identity_n})
