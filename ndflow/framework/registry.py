"""The op registry: every primitive, defined once.

Every primitive is an `OpDef`: a kernel `f(xp, *arrays, **attrs)` written against the
array module `xp`, a static shape/dtype inference `infer(inputs, attrs)` and a
gradient `grad(op, *output_grads)` written in ndflow ops. Running ops is dispatch's job
(dispatch.py), turning Python values into arrays coercion's (coercion.py), and inferring
shapes of ops without an `infer` shape_fns's.
"""
import numpy as np

from . import dtypes
from .tensor_shape import TensorShape

ALL = "all"          # `unify=ALL`: every input shares one dtype
_NO_ATTRS = {}
REGISTRY = {}        # name -> OpDef


class OpDef:
    __slots__ = ("name", "kernel", "grad", "infer", "unify", "multi_output", "stateful",
                 "side_effect", "uses_store", "needs_rng", "differentiable", "grad_inputs",
                 "host", "fast", "binder", "grad_takes_needs", "plain", "array_grad")

    def __init__(self, name, kernel, infer=None, unify=None, multi_output=False, stateful=False,
                 side_effect=False, uses_store=False, needs_rng=False, differentiable=True,
                 grad_inputs=None, host=False, fast=None):
        self.name = name
        self.kernel = kernel
        self.grad = None
        self.infer = infer
        self.unify = unify
        self.multi_output = multi_output
        self.stateful = stateful or side_effect or needs_rng
        self.side_effect = side_effect
        self.uses_store = uses_store
        self.needs_rng = needs_rng
        self.differentiable = differentiable
        # indices of the inputs that take gradients (None: all); backprop gives the others
        # none, whatever the gradient function returns for them
        self.grad_inputs = None if grad_inputs is None else frozenset(grad_inputs)
        # `host`: the kernel runs on the host with NumPy whatever the device (files, strings,
        # queues, summaries), as TensorFlow pins such ops to the CPU
        self.host = host
        # `fast`: an array-only callable equal to the kernel when there are no attrs (e.g.
        # np.add), called directly to skip a Python frame per op.
        self.fast = fast
        # `plain`: the kernel takes only the device's array module before its arrays (the
        # common case), so eager dispatch can skip `leading_args`
        self.plain = not (host or uses_store or needs_rng)
        self.binder = None
        self.grad_takes_needs = False
        # `array_grad(xp, inputs, outputs, attrs, dy, needs) -> input gradients`: on arrays,
        # used by eager backprop when no tape records the gradient computation (autodiff.py)
        self.array_grad = None

    def bind_to(self, fn):
        """Decorator: `fn(xp, operation, store, input_shapes) -> callable(*arrays)`
        specialises this op's kernel for one graph node, given its inputs' shapes as the plan
        knows them (used by compiled plans to avoid per-call overhead)."""
        self.binder = fn
        return fn

    def gradient(self, fn):
        """Decorator: registers `fn(op, *output_grads) -> input grads` as this op's gradient.

        A gradient that declares a keyword-only parameter `needs` receives a tuple of
        booleans saying which inputs need a gradient, so it can skip costly ones (an
        eager tape otherwise computes, e.g., a first layer's input gradient for nothing)."""
        import inspect
        self.grad = fn
        self.grad_takes_needs = "needs" in inspect.signature(fn).parameters
        return fn

    def leading_args(self, xp, store, generator):
        """What the kernel takes before its array inputs: the array module, then the
        variable store (state ops) or a random generator (random ops). `generator()` is
        called only for random ops. Every route that runs a kernel (eager dispatch, plans,
        shape inference on stand-ins) goes through here."""
        if self.host:
            xp = np
        if self.uses_store:
            return (xp, store)
        if self.needs_rng:
            return (xp, generator())
        return (xp,)

    def __call__(self, *inputs, name=None, **attrs):
        return execute(self, inputs, attrs or _NO_ATTRS, name)  # (imported at the bottom)

    def __repr__(self):
        return f"<OpDef {self.name}>"


def op(name, **options):
    """Decorator registering a kernel function as the primitive `name`; returns the OpDef."""
    def register(kernel):
        if name in REGISTRY:
            raise ValueError(f"Op {name!r} is already registered.")
        opdef = OpDef(name, kernel, **options)
        REGISTRY[name] = opdef
        return opdef
    return register


def get_op(name):
    """The registered primitive `name`, looked up at call time so the framework never imports
    the op libraries (ndflow.ops) that register most primitives."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise LookupError(f"Op {name!r} is not registered; import ndflow (or ndflow.ops) "
                          "first.") from None


# --- the op every graph needs: constants -------------------------------------------------------

@op("Const", differentiable=False,
    infer=lambda ts, a: [(TensorShape(np.shape(a["value"])),
                          dtypes.from_numpy(np.asarray(a["value"]).dtype))])
def CONST(xp, value):
    return value


# Dispatch and coercion used to live in this module; the op libraries still import these
# names from here.
from .dispatch import (_execute_graph, capture_eager, constant_in_graph, execute,  # noqa: E402,F401
                       graph_inputs, record_hook, run_kernel)
from .coercion import cast_array, default_array  # noqa: E402,F401
from .shape_fns import fallback_infer  # noqa: E402,F401
