"""ndflow: TensorFlow 1, TensorFlow 2 and Keras programs on a small NumPy engine.

    import ndflow as tf                 # TF2: eager, GradientTape, tf.function
    import ndflow.compat.v1 as tf       # TF1: placeholder, Session, train.*Optimizer

The top level holds the core ops (tf.add, tf.matmul, tf.reshape...), Tensor, Variable,
GradientTape and function; the rest is grouped in namespaces, as in TensorFlow.

Namespaces:
    nn            activations, losses with logits, convolution, pooling, dropout
    math          elementwise math, reductions, segment ops
    linalg        matrix products and decompositions
    random        random draws, seeds, stateless and Generator-based sampling
    train         checkpoints, TF1 optimizers (in compat.v1.train), learning-rate decay
    image         resizing, colour conversions, crops and flips, boxes
    signal        FFTs, frames, windows, stft, mel filterbanks, DCT and MFCCs
    audio         WAV decoding and encoding
    strings       string ops (split, join, regex, unicode, hashing)
    sparse        SparseTensor and its ops
    ragged        RaggedTensor and its ops
    sets          set operations on the last dimension
    lookup        hash tables and vocabularies
    data          tf.data: Dataset, iterators, file datasets, options
    io            files (gfile), TFRecord, Example parsing, image codecs
    distribute    distribution strategies over MPI
    compat.v1     the TensorFlow 1 API: graphs, Session, placeholders, tf.layers
    keras         Keras 3: layers, models, losses, metrics, optimizers, callbacks
    summary       TensorBoard event files
    estimator     TF1's Estimator, canned estimators and input functions
    feature_column  how raw features become model inputs (numeric, categorical, embedding)
    config        devices and execution settings
    debugging     assertions and numeric checks
    errors        the error classes (InvalidArgumentError...)
    initializers  variable initializers
    dtypes        DType and the dtype constants (float32, int64...)
    testing       numerical gradient checks
    autograph     AutoGraph switches and generated-code inspection
    tuner         Keras-Tuner-style hyperparameter search (import ndflow.tuner)
    sklearn       scikit-learn estimators (import ndflow.sklearn)
    horovod       the Horovod API on MPI (import ndflow.horovod)
"""
import warnings as _warnings

# Like TensorFlow, kernels return inf/nan for log(0), 0/0... without warning about it.
_warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"ndflow\.")

from .util.allocator import tune_allocator as _tune_allocator  # noqa: E402
_tune_allocator()  # large arrays reuse freed heap blocks (glibc; NDFLOW_MALLOC_TUNING=0: off)
from .util.blas_threads import quiet_idle_workers as _quiet_idle_workers  # noqa: E402
_quiet_idle_workers()  # OpenBLAS's idle workers sleep, leaving cores to ndflow's pieces

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
    """TF1: builds the symbolic gradients of `sum(ys)` with respect to each of `xs`.

    Only valid while building a graph (TF1 code or inside `tf.function`); eagerly use
    `GradientTape`.

    Args:
      ys: A tensor or list of tensors to differentiate.
      xs: A tensor, variable or list of them: the sources.
      grad_ys: Optional list of initial gradients, one per `ys` (default ones).
      name: The name scope of the gradient ops.
      **kwargs: `stop_gradients`, `unconnected_gradients` ("none" or "zero") and TF1's
        ignored options (`colocate_gradients_with_ops`, `gate_gradients`,
        `aggregation_method`).

    Returns:
      A list of tensors, one per `xs` (None for a source `ys` does not depend on, unless
      `unconnected_gradients="zero"`).

    Raises:
      TypeError: If `ys` are eager tensors.
    """
    from .framework.autodiff import gradients as _gradients
    return _gradients(ys, xs, grad_ys, name, **kwargs)


class test:
    """tf.test: numerical gradient checks."""
    from .testing import compute_gradient  # noqa: F401
    compute_gradient = staticmethod(compute_gradient)

    @staticmethod
    def is_gpu_available(cuda_only=False, min_cuda_compute_capability=None):
        """Tells whether ndflow can run on a GPU (CuPy imports and finds a device).

        Args:
          cuda_only: Accepted for TensorFlow compatibility.
          min_cuda_compute_capability: Accepted for TensorFlow compatibility.

        Returns:
          A bool.
        """
        from .framework.device import gpu_available
        return gpu_available()

    @staticmethod
    def gpu_device_name():
        """The name of the GPU ndflow would use ("/device:GPU:0"), or "" without one."""
        from .framework.device import gpu_available
        return "/device:GPU:0" if gpu_available() else ""

    @staticmethod
    def is_built_with_cuda():
        """Tells whether ndflow was built with CUDA: always False (GPUs are reached through
        CuPy, installed separately)."""
        return False


def __getattr__(name):  # keras loads on first use so `import ndflow` stays light
    if name in ("keras", "summary", "plotting", "export", "autograph", "compat", "data", "io",
                "sparse", "sets", "distribute", "image", "signal", "audio"):
        import importlib
        return importlib.import_module("." + name, __name__)
    if name == "lookup":  # tf.lookup tables (ndflow/lookup)
        import importlib
        return importlib.import_module(".lookup", __name__)
    if name in ("ragged", "strings", "experimental"):
        import importlib
        return importlib.import_module("." + name, __name__)
    if name == "nest":  # tf.nest: flatten, map_structure, pack_sequence_as, ...
        from .util import nest
        return nest
    if name == "queue":  # tf.queue: the queues of compat/queues.py, eager in TF2
        from .compat.input_v1 import queue_v2
        return queue_v2
    if name in ("estimator", "feature_column"):  # tf.estimator, tf.feature_column (TF2 forms)
        import importlib
        estimator = importlib.import_module(".estimator", __name__)
        return estimator if name == "estimator" else estimator.feature_column_v2
    if name in ("RaggedTensor", "RaggedTensorSpec"):
        from . import ragged
        return getattr(ragged, name)
    if name in ("optimizers", "losses", "metrics", "activations"):  # TF 2's Keras aliases
        import importlib
        return importlib.import_module(".keras." + name, __name__)
    raise AttributeError(f"module 'ndflow' has no attribute {name!r}")
