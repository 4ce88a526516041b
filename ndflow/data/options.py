"""tf.data.Options: settings a pipeline carries (`with_options`, `options()`).

The options are recorded and merged as TensorFlow merges them. `deterministic` (or
`experimental_deterministic`) = False lets a parallel `map` hand out elements as they are
ready; the other options are recorded so programs that set them run.
"""
from .transforms import _Unary


class _OptionGroup:
    _fields = {}

    def __init__(self):
        for k, v in self._fields.items():
            object.__setattr__(self, k, v() if isinstance(v, type) else v)

    def __setattr__(self, name, value):
        if name not in self._fields:
            raise AttributeError(f"{type(self).__name__} has no option {name!r}; known options: "
                                 f"{sorted(self._fields)}.")
        object.__setattr__(self, name, value)

    def _merge(self, other):
        out = type(self)()
        for k in self._fields:
            a, b = getattr(self, k), getattr(other, k)
            if isinstance(a, _OptionGroup):
                object.__setattr__(out, k, a._merge(b))
            else:
                object.__setattr__(out, k, b if b is not None else a)
        return out

    def __eq__(self, other):
        return type(self) is type(other) and all(
            getattr(self, k) == getattr(other, k) for k in self._fields)

    def __repr__(self):
        body = ", ".join(f"{k}={getattr(self, k)!r}" for k in self._fields)
        return f"{type(self).__name__}({body})"


class AutoShardPolicy:
    """How a distributed dataset is sharded: OFF (-1), AUTO (0), FILE (1), DATA (2), HINT (3)."""
    OFF, AUTO, FILE, DATA, HINT = -1, 0, 1, 2, 3


class AutotuneOptions(_OptionGroup):
    """`tf.data.Options().autotune`: a group of `tf.data.Options` fields; setting an unknown field
    raises AttributeError.

    Fields: enabled, cpu_budget, ram_budget (recorded; ndflow does not autotune).
    """
    _fields = {"enabled": None, "cpu_budget": None, "ram_budget": None}


class DistributeOptions(_OptionGroup):
    """`tf.data.Options().experimental_distribute`: a group of `tf.data.Options` fields; setting an
    unknown field raises AttributeError.

    Fields: auto_shard_policy, num_devices.
    """
    _fields = {"auto_shard_policy": None, "num_devices": None}


class OptimizationOptions(_OptionGroup):
    """`tf.data.Options().experimental_optimization`: a group of `tf.data.Options` fields; setting
    an unknown field raises AttributeError.

    The graph-rewrite switches (map_fusion, parallel_batch...) are recorded; ndflow
    runs pipelines as written.
    """
    _fields = {"apply_default_optimizations": None, "filter_fusion": None,
               "map_and_batch_fusion": None, "map_and_filter_fusion": None,
               "map_fusion": None, "map_parallelization": None, "noop_elimination": None,
               "parallel_batch": None, "shuffle_and_repeat_fusion": None,
               "inject_prefetch": None}


class ThreadingOptions(_OptionGroup):
    """`tf.data.Options().threading`: a group of `tf.data.Options` fields; setting an unknown field
    raises AttributeError.

    Fields: max_intra_op_parallelism, private_threadpool_size.
    """
    _fields = {"max_intra_op_parallelism": None, "private_threadpool_size": None}


class Options(_OptionGroup):
    """tf.data.Options."""
    _fields = {"deterministic": None, "experimental_deterministic": None,
               "experimental_distribute": DistributeOptions,
               "experimental_optimization": OptimizationOptions,
               "experimental_slack": None, "experimental_external_state_policy": None,
               "experimental_symbolic_checkpoint": None, "experimental_warm_start": None,
               "autotune": AutotuneOptions, "threading": ThreadingOptions,
               "experimental_threading": ThreadingOptions}

    def merge(self, options):
        """The options of `self` overridden by those set in `options`."""
        return self._merge(options)


class OptionsDataset(_Unary):
    def __init__(self, input_dataset, options):
        super().__init__(input_dataset)
        if not isinstance(options, Options):
            raise TypeError(f"Dataset.with_options(): expected tf.data.Options, got "
                            f"{options!r}.")
        self._own_options = options
        chosen = options.deterministic
        if chosen is None:
            chosen = options.experimental_deterministic
        if chosen is not None:  # options apply to the whole pipeline, upstream maps too
            for d in input_dataset._walk():
                if hasattr(d, "_pipeline_deterministic"):
                    d._pipeline_deterministic = bool(chosen)

    def _iterate(self):
        return self._input._iterate()
