"""ndflow: TensorFlow 1, TensorFlow 2 and Keras programs on a small NumPy engine.

    import ndflow as tf                 # TF2: eager, GradientTape, tf.function
    import ndflow.compat.v1 as tf       # TF1: placeholder, Session, train.*Optimizer
"""
import warnings as _warnings

# Like TensorFlow, kernels return inf/nan for log(0), 0/0... without warning about it.
_warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"ndflow\.")

from . import ops as _ops  # noqa: F401,E402  (registers every op)
from .framework import autodiff as _autodiff  # noqa: F401  (installs the tape hook)
from .framework import dtypes
from .framework.autodiff import GradientTape, UnconnectedGradients
from .framework.context import executing_eagerly, init_scope
from .framework.dtypes import (DType, as_dtype, bool, complex64, complex128, double,  # noqa: A004
                               float16, float32, float64, half, int8, int16, int32, int64, string,
                               uint8, uint16, uint32, uint64)
from .framework.function import function
from .framework.graph import Graph, Operation
from .framework.tensor import Tensor, TensorSpec, is_tensor
from .framework.tensor_shape import TensorShape
from .framework.variables import Variable
from .initializers import (constant_initializer, ones_initializer,  # noqa: F401
                           random_normal_initializer, random_uniform_initializer,
                           zeros_initializer)
from .module import Module
from . import autograph  # noqa: E402  (installs tf.function's AutoGraph converter)
from .util.export import populate as _populate

_populate(globals(), "")

from . import (config, debugging, errors, initializers, linalg, math, nn, random,  # noqa: E402
               testing, train)

from . import version  # noqa: E402  (ndflow's own release: version.VERSION)

# The TensorFlow API level ndflow implements, with ndflow's release as a PEP 440 local label
# ("2.16.0+ndflow.0.1.0"): minimum-version checks pass and the string says it is ndflow.
__version__ = version.TF_VERSION
newaxis = None


def name_scope(name):
    """tf.name_scope: prefixes op names while building a graph; a no-op eagerly."""
    from .framework.graph import graph_for_building
    import contextlib
    g = graph_for_building()
    if g is None:
        return contextlib.nullcontext(name + "/")
    return g.name_scope(name)


def device(device_name):
    """tf.device: ndflow places ops itself (NumPy on the CPU); the scope is accepted."""
    import contextlib
    return contextlib.nullcontext()


def gradients(ys, xs, grad_ys=None, name="gradients", **kwargs):
    from .framework.autodiff import gradients as _gradients
    return _gradients(ys, xs, grad_ys, name, **kwargs)


class test:
    """tf.test: numerical gradient checks."""
    from .testing import compute_gradient  # noqa: F401
    compute_gradient = staticmethod(compute_gradient)

    @staticmethod
    def is_gpu_available(cuda_only=False, min_cuda_compute_capability=None):
        from .framework.device import gpu_available
        return gpu_available()

    @staticmethod
    def is_built_with_cuda():
        return False


def __getattr__(name):  # keras loads on first use so `import ndflow` stays light
    if name in ("keras", "summary", "plotting", "export", "autograph", "compat", "data", "io",
                "sparse", "sets", "distribute", "image"):
        import importlib
        return importlib.import_module("." + name, __name__)
    if name == "lookup":  # tf.lookup tables (ndflow/lookup)
        import importlib
        return importlib.import_module(".lookup", __name__)
    if name in ("ragged", "strings"):
        import importlib
        return importlib.import_module("." + name, __name__)
    if name in ("RaggedTensor", "RaggedTensorSpec"):
        from . import ragged
        return getattr(ragged, name)
    if name in ("optimizers", "losses", "metrics", "activations"):  # TF 2's Keras aliases
        import importlib
        return importlib.import_module(".keras." + name, __name__)
    raise AttributeError(f"module 'ndflow' has no attribute {name!r}")
