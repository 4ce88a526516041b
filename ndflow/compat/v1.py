"""The TF1 API: `import ndflow.compat.v1 as tf`.

TF1 programs build a graph first and run it in a Session. Every op function reached
through this module therefore adds nodes to the default graph (as TensorFlow 1 did),
unless `enable_eager_execution()` was called; the TF2 namespace `ndflow` keeps
executing eagerly. Python operators on graph tensors build graph nodes anyway.
"""
import contextlib
import functools
import sys
import types

import ndflow as _tf
from ndflow.framework import context as _context
from ndflow.framework import random_seed as _random_seed
from ndflow.compat import variable_scope as _vs
from ndflow.framework import variables as _variables
from ndflow.ops import variable_collections as _collections
from ndflow.framework.autodiff import gradients as _gradients
from ndflow.framework.graph import (Graph, get_default_graph, reset_default_graph,  # noqa: F401
                                    graph_for_building as _graph_for_building)
from ndflow.framework.session import (InteractiveSession, Session,  # noqa: F401
                                      get_default_session)
from ndflow.util.export import EXPORTS as _EXPORTS
from ndflow import ragged as _ragged_pkg, strings as _strings_pkg  # noqa: F401,E402  (exports)

_eager_enabled = [False]


def _in_default_graph(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if _context.state.building is not None or _context.state.eager_disabled \
                or _eager_enabled[0]:
            return fn(*args, **kwargs)
        with _context.building_graph(get_default_graph()):
            return fn(*args, **kwargs)
    return wrapper


def _wrap_all(names):
    return {k: _in_default_graph(v) if isinstance(v, types.FunctionType) else v
            for k, v in names.items()}


def _namespace(name, *tables):
    mod = types.ModuleType(f"{__name__}.{name}")
    for table in tables:
        mod.__dict__.update(_wrap_all(table))
    sys.modules[mod.__name__] = mod
    return mod


globals().update({k: v for k, v in _tf.__dict__.items()
                  if not k.startswith("_") and not isinstance(v, types.ModuleType)})
globals().update(_wrap_all(_EXPORTS.get("", {})))
globals().update(_wrap_all(_EXPORTS.get("v1", {})))
__version__ = _tf.__version__  # as tf.compat.v1.__version__ in TensorFlow 2: the TF version
version = _tf.version

nn = _namespace("nn", _EXPORTS.get("nn", {}), _EXPORTS.get("v1.nn", {}))
math = _namespace("math", _EXPORTS.get("math", {}), _EXPORTS.get("v1.math", {}))
random = _namespace("random", _EXPORTS.get("random", {}), _EXPORTS.get("v1.random", {}))
linalg = _namespace("linalg", _EXPORTS.get("linalg", {}))
debugging = _namespace("debugging", _EXPORTS.get("debugging", {}),
                       _EXPORTS.get("v1.debugging", {}))


class SparseTensor(_tf.SparseTensor):
    """tf.compat.v1.SparseTensor: its parts become constants of the default graph."""
    __init__ = _in_default_graph(_tf.SparseTensor.__init__)


sparse = _namespace("sparse", _EXPORTS.get("sparse", {}), _EXPORTS.get("v1.sparse", {}),
                    {"SparseTensor": SparseTensor})
sets = _namespace("sets", _EXPORTS.get("sets", {}), _EXPORTS.get("v1.sets", {}))
ragged = _namespace("ragged", _EXPORTS.get("ragged", {}), _EXPORTS.get("v1.ragged", {}))
strings = _namespace("strings", _EXPORTS.get("strings", {}))
signal = _namespace("signal", _EXPORTS.get("signal", {}))  # tf.compat.v1.signal, tf.audio
audio = _namespace("audio", _EXPORTS.get("audio", {}))
from ndflow import lookup as _lookup_pkg  # noqa: E402  (tf.compat.v1.lookup)
lookup = _namespace("lookup", _EXPORTS.get("lookup", {}))
lookup.experimental = _namespace("lookup.experimental", _EXPORTS.get("lookup.experimental", {}))
RaggedTensor, RaggedTensorSpec = _ragged_pkg.RaggedTensor, _ragged_pkg.RaggedTensorSpec
dtypes = _tf.dtypes
errors = _tf.errors
config = _tf.config
testing = _tf.testing
initializers = _tf.initializers


class Variable(_variables.Variable):
    """TF1 tf.Variable: a graph variable of the default graph (eager after
    enable_eager_execution)."""

    def __init__(self, *args, **kwargs):
        if _context.state.building is None and not _context.state.eager_disabled \
                and not _eager_enabled[0]:
            with _context.building_graph(get_default_graph()):
                super().__init__(*args, **kwargs)
        else:
            super().__init__(*args, **kwargs)


get_variable = _in_default_graph(_vs.get_variable)
variable_scope = _vs.variable_scope
get_variable_scope = _vs.get_variable_scope
AUTO_REUSE = _vs.AUTO_REUSE
global_variables = _collections.global_variables
trainable_variables = _collections.trainable_variables
local_variables = _collections.local_variables
all_variables = _collections.global_variables
global_variables_initializer = _in_default_graph(_collections.global_variables_initializer)
initialize_all_variables = global_variables_initializer
local_variables_initializer = _in_default_graph(_collections.local_variables_initializer)
variables_initializer = _in_default_graph(_collections.variables_initializer)
gradients = _in_default_graph(_gradients)


def set_random_seed(seed):
    """Sets the graph-level seed of the default graph (and the eager global seed)."""
    get_default_graph().seed = None if seed is None else int(seed)  # op seeds keep counting
    _random_seed.set_seed(seed)
    get_default_graph().seed = None if seed is None else int(seed)


def name_scope(name, default_name=None, values=None):
    """TF1: a context manager prefixing the names of ops created inside it with `name/`.

    Args:
      name: The scope's name (None: use `default_name`).
      default_name: The name used when `name` is None.
      values: Accepted for TF1 compatibility.

    Returns:
      A context manager yielding the scope's full name.
    """
    g = _graph_for_building() or get_default_graph()
    return g.name_scope(name if name is not None else default_name)


def control_dependencies(control_inputs):
    """TF1: ops created inside the context run only after `control_inputs` (in the default graph).

    Args:
      control_inputs: A list of operations or tensors, or None to clear the dependencies.

    Returns:
      A context manager.
    """
    return get_default_graph().control_dependencies(control_inputs)


def disable_eager_execution():
    """TF1: makes the TF2 namespace build graphs too, so `tf.constant(...)` etc. add graph nodes.

    TF1 functions reached through `compat.v1` always build graphs unless
    `enable_eager_execution()` was called.
    """
    _context.state.eager_disabled = True


def enable_eager_execution(config=None, device_policy=None, execution_mode=None):
    """TF1: makes `compat.v1` functions run eagerly, as TensorFlow 2 does.

    Args:
      config: Accepted for TF1 compatibility.
      device_policy: Accepted for TF1 compatibility.
      execution_mode: Accepted for TF1 compatibility.
    """
    _eager_enabled[0] = True
    _context.state.eager_disabled = False


def disable_v2_behavior():
    """TF1: switches to TensorFlow 1 behaviour; in ndflow, `disable_eager_execution()`."""
    disable_eager_execution()


def enable_v2_behavior():
    """TF1: switches to TensorFlow 2 behaviour; in ndflow, `enable_eager_execution()`."""
    enable_eager_execution()


def executing_eagerly():
    """TF1: tells whether `compat.v1` functions run eagerly (after `enable_eager_execution()`).

    Returns:
      A bool; False in TF1 programs, whose functions build the default graph.
    """
    return _context.executing_eagerly() and _eager_enabled[0]


def get_collection(key, scope=None):
    """TF1: the values in the default graph's collection `key`.

    Args:
      key: The collection's name, e.g. `GraphKeys.TRAINABLE_VARIABLES` or "losses".
      scope: Optional regular expression; only items whose name matches it from the start are
        returned.

    Returns:
      A list (a copy), empty for an unknown collection.
    """
    return get_default_graph().get_collection(key, scope)


def add_to_collection(name, value):
    """TF1: adds `value` to the default graph's collection `name`.

    Args:
      name: The collection's name.
      value: Any object (typically a tensor, variable or op).
    """
    get_default_graph().add_to_collection(name, value)


class GraphKeys:
    """TF1: the standard collection names of a graph.

    GLOBAL_VARIABLES, TRAINABLE_VARIABLES, LOCAL_VARIABLES, SUMMARIES, UPDATE_OPS (batch-norm
    moving-average updates to run with the train op), REGULARIZATION_LOSSES, GLOBAL_STEP,
    LOSSES, METRIC_VARIABLES, MOVING_AVERAGE_VARIABLES and the others TF1 programs refer to.
    """
    GLOBAL_VARIABLES = "variables"
    TRAINABLE_VARIABLES = "trainable_variables"
    LOCAL_VARIABLES = "local_variables"
    SUMMARIES = "summaries"
    UPDATE_OPS = "update_ops"
    REGULARIZATION_LOSSES = "regularization_losses"
    GLOBAL_STEP = "global_step"
    LOSSES = "losses"
    METRIC_VARIABLES = "metric_variables"
    MOVING_AVERAGE_VARIABLES = "moving_average_variables"
    MODEL_VARIABLES = "model_variables"
    WEIGHTS = "weights"
    BIASES = "biases"
    ACTIVATIONS = "activations"


class ConfigProto:
    """TF1: session configuration; its fields are accepted and stored.

    ndflow's sessions do not depend on them (e.g. `allow_soft_placement`,
    `log_device_placement`, `gpu_options`, thread counts).

    Args:
      **kwargs: The fields, stored as attributes.
    """
    def __init__(self, **kwargs):
        self.__dict__.update(kwargs)


class GPUOptions:
    """TF1: GPU settings for a `ConfigProto` (e.g. `allow_growth`); accepted and stored.

    Args:
      **kwargs: The fields, stored as attributes.
    """
    def __init__(self, **kwargs):
        self.__dict__.update(kwargs)


train = _namespace("train", {})
for _name in ("GradientDescentOptimizer", "MomentumOptimizer", "AdamOptimizer",
              "RMSPropOptimizer", "AdagradOptimizer", "Optimizer", "get_or_create_global_step",
              "get_global_step", "Saver", "get_checkpoint_state", "latest_checkpoint",
              "checkpoint_exists"):
    setattr(train, _name, getattr(_tf.train, _name))
train.__dict__.update(_EXPORTS.get("v1.train", {}))

from ndflow.compat import input_v1 as _input_v1  # noqa: E402  (tf.data, queues and readers)

data, io, python_io, queue = _input_v1.data, _input_v1.io, _input_v1.python_io, _input_v1.queue
globals().update(_input_v1.TOP_LEVEL)
train.__dict__.update(_input_v1.TRAIN)


def _train_getattr(name):  # tf.train hooks, MonitoredTrainingSession, Supervisor (estimator)
    from ndflow.estimator import hooks as _hooks, monitored_session as _monitored
    from ndflow.estimator import supervisor as _supervisor
    names = {**_hooks.NAMES, **_monitored.NAMES, **_supervisor.NAMES}
    if name in names:
        return names[name]
    return _input_v1.train_getattr(name)


train.__getattr__ = _train_getattr

from ndflow.initializers import (constant_initializer, glorot_normal_initializer,  # noqa: E402,F401
                                 glorot_uniform_initializer, ones_initializer,
                                 random_normal_initializer, random_uniform_initializer,
                                 truncated_normal_initializer, variance_scaling_initializer,
                                 zeros_initializer)

from ndflow.summary import v1 as summary  # noqa: E402  (TF1 summary ops, FileWriter)

from ndflow.compat import contrib as _contrib  # noqa: E402  (tf.contrib.layers, .framework)

contrib = types.SimpleNamespace(layers=_namespace("contrib.layers", _contrib.LAYERS),
                                framework=_namespace("contrib.framework", _contrib.FRAMEWORK))
contrib.eager = types.ModuleType("ndflow.compat.v1.contrib.eager")  # TF 1.x tutorials' tfe
contrib.eager.__dict__.update(_contrib.eager_names(), __getattr__=_contrib.eager_getattr,
                              enable_eager_execution=enable_eager_execution,
                              executing_eagerly=executing_eagerly)

from ndflow.compat import rnn as _rnn  # noqa: E402  (tf.nn.rnn_cell, dynamic_rnn, contrib.rnn)

from ndflow.compat import rnn_wrappers as _rnn_wrappers  # noqa: E402

nn.rnn_cell = types.SimpleNamespace(**_rnn.rnn_cell._asdict(), **_rnn_wrappers.CORE)
for _name in ("dynamic_rnn", "static_rnn", "bidirectional_dynamic_rnn", "embedding_lookup",
              "static_bidirectional_rnn"):
    if not hasattr(nn, _name):
        setattr(nn, _name, _in_default_graph(getattr(_rnn, _name)))
contrib.rnn = types.SimpleNamespace(static_rnn=nn.static_rnn, **_rnn.rnn_cell._asdict(),
                                    **_rnn_wrappers.CONTRIB)
contrib.rnn.__dict__.update(static_bidirectional_rnn=nn.static_bidirectional_rnn, **{
    n: _in_default_graph(getattr(_rnn, n)) for n in ("stack_bidirectional_dynamic_rnn",
                                                       "stack_bidirectional_rnn")})
from ndflow.compat import seq2seq as _seq2seq  # noqa: E402  (tf.contrib.seq2seq)

contrib.seq2seq = types.SimpleNamespace(sequence_loss=_in_default_graph(_rnn.sequence_loss),
                                        **_seq2seq.tf1_names(_in_default_graph))

from ndflow.compat import app as _app  # noqa: E402  (tf.app.run, tf.flags)

app = types.SimpleNamespace(run=_app.run, flags=_app.flags)
flags = _app.flags

from ndflow.compat import layers as _layers  # noqa: E402  (tf.layers: TF1's graph layers)

from ndflow.compat import losses_v1 as _losses_v1, metrics_v1 as _metrics_v1  # noqa: E402

layers = _namespace("layers", _layers.NAMES)
losses = _namespace("losses", _losses_v1.NAMES)
metrics = _namespace("metrics", _metrics_v1.NAMES)
train.__dict__.update(_wrap_all({n: getattr(_tf.train, n) for n in (
    "AdadeltaOptimizer", "FtrlOptimizer", "ProximalGradientDescentOptimizer",
    "ProximalAdagradOptimizer", "ExponentialMovingAverage", "exponential_decay",
    "piecewise_constant", "polynomial_decay", "cosine_decay", "inverse_time_decay",
    "natural_exp_decay", "cosine_decay_restarts", "linear_cosine_decay")}))

from ndflow.compat import image_v1 as _image_v1  # noqa: E402  (tf.image with TF1's names)

image = _namespace("image", _image_v1.names())


class logging:
    """TF1: `tf.compat.v1.logging` levels (DEBUG, INFO, WARN, ERROR, FATAL), `set_verbosity`
    and `info`/`warning`/`error`/`debug`, on Python's "ndflow" logger.

    `set_verbosity(tf.logging.INFO)` makes ndflow's INFO messages (e.g. an Estimator's
    "loss = ..., step = ...") print to stderr, as TF1's did.
    """
    DEBUG, INFO, WARN, ERROR, FATAL = 10, 20, 30, 40, 50
    WARNING = WARN

    @staticmethod
    def set_verbosity(level):
        logger = _logging_module().getLogger("ndflow")
        logger.setLevel(level)
        if not logger.handlers:
            logger.addHandler(_logging_module().StreamHandler())

    @staticmethod
    def get_verbosity():
        return _logging_module().getLogger("ndflow").getEffectiveLevel()

    @staticmethod
    def debug(msg, *args):
        _logging_module().getLogger("ndflow").debug(msg, *args)

    @staticmethod
    def info(msg, *args):
        _logging_module().getLogger("ndflow").info(msg, *args)

    @staticmethod
    def warning(msg, *args):
        _logging_module().getLogger("ndflow").warning(msg, *args)

    warn = warning

    @staticmethod
    def error(msg, *args):
        _logging_module().getLogger("ndflow").error(msg, *args)


def _logging_module():
    import logging as _logging  # the class above shadows the module's name here
    return _logging


@contextlib.contextmanager
def device(name):
    """Device placement is chosen by ndflow; the scope is accepted for TF1 programs."""
    yield


def __getattr__(name):
    if name == "keras":
        return _tf.keras
    if name == "distribute":
        return _tf.distribute
    if name in ("estimator", "feature_column"):  # TF1's canned estimators and input_layer
        from ndflow import estimator as _estimator
        return _estimator.v1 if name == "estimator" else _estimator.feature_column_v1
    if name in _EXPORTS.get("v1.lazy", {}):
        return _EXPORTS["v1.lazy"][name]()
    raise AttributeError(f"module 'ndflow.compat.v1' has no attribute {name!r}")
