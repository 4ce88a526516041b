"""tf.estimator.Estimator: train / evaluate / predict a `model_fn` as TF1 did.

Every call builds a fresh graph, calls `input_fn` and `model_fn` in it, opens a Session and
restores the newest checkpoint of `model_dir` (if any): training continues from that global
step and saves `model_dir/model.ckpt-<step>` with the TF1 Saver (at the start, every
`save_checkpoints_steps` steps or `save_checkpoints_secs` seconds, and at the end).
"""
import contextlib
import inspect
import logging
import os
import sys
import tempfile
import time

import numpy as np

from ..compat import v1 as _tf1
from ..framework import context as _context
from ..framework.context import building_graph
from ..framework.errors import OutOfRangeError
from ..framework.graph import Graph
from . import hooks as _hooks

_log = logging.getLogger("ndflow.estimator")
_USE_DEFAULT = object()


class ModeKeys:
    """The modes a `model_fn` is called in: TRAIN ('train'), EVAL ('eval'), PREDICT
    ('infer')."""
    TRAIN = "train"
    EVAL = "eval"
    PREDICT = "infer"


class RunConfig:
    """Where and how an Estimator runs: its model directory, seed, and how often it saves
    checkpoints and summaries.

    Args:
      model_dir: The directory of checkpoints and event files.
      tf_random_seed: The graph-level random seed of every graph the Estimator builds.
      save_summary_steps: Write the loss (and the graph's summaries) every this many steps.
      save_checkpoints_steps: Save a checkpoint every this many steps.
      save_checkpoints_secs: Or every this many seconds (default 600 when neither is given).
      session_config: A `ConfigProto` for the sessions (accepted, unused by ndflow).
      keep_checkpoint_max: The number of recent checkpoints kept (default 5).
      keep_checkpoint_every_n_hours: Also keep one checkpoint per this many hours.
      log_step_count_steps: Log the loss every this many steps.
      train_distribute: Must be None (no distribution strategies in Estimators).
      device_fn: Accepted for TF1 compatibility.
      protocol: Accepted for TF1 compatibility.
      eval_distribute: Must be None.
      experimental_distribute: Must be None.
      experimental_max_worker_delay_secs: Accepted for TF1 compatibility.
      session_creation_timeout_secs: Accepted for TF1 compatibility.
      checkpoint_save_graph_def: Accepted for TF1 compatibility.

    Raises:
      ValueError: both save_checkpoints_steps and save_checkpoints_secs, a negative count, or
        a distribution strategy.
    """

    def __init__(self, model_dir=None, tf_random_seed=None, save_summary_steps=100,
                 save_checkpoints_steps=_USE_DEFAULT, save_checkpoints_secs=_USE_DEFAULT,
                 session_config=None, keep_checkpoint_max=5, keep_checkpoint_every_n_hours=10000,
                 log_step_count_steps=100, train_distribute=None, device_fn=None,
                 protocol=None, eval_distribute=None, experimental_distribute=None,
                 experimental_max_worker_delay_secs=None, session_creation_timeout_secs=7200,
                 checkpoint_save_graph_def=True):
        steps = None if save_checkpoints_steps is _USE_DEFAULT else save_checkpoints_steps
        secs = None if save_checkpoints_secs is _USE_DEFAULT else save_checkpoints_secs
        if steps is not None and secs is not None:
            raise ValueError("Can not provide both save_checkpoints_secs and "
                             "save_checkpoints_steps.")
        if save_checkpoints_steps is _USE_DEFAULT and save_checkpoints_secs is _USE_DEFAULT:
            secs = 600  # neither given: every 10 minutes, as TensorFlow
        for name, value in (("save_summary_steps", save_summary_steps),
                            ("save_checkpoints_steps", steps), ("save_checkpoints_secs", secs),
                            ("keep_checkpoint_max", keep_checkpoint_max),
                            ("log_step_count_steps", log_step_count_steps)):
            if value is not None and value < 0:
                raise ValueError(f"{name} should be >= 0, given: {value}")
        if train_distribute is not None or eval_distribute is not None or \
                experimental_distribute is not None:
            raise ValueError("RunConfig: distribution strategies are not supported by ndflow's "
                             "Estimator; use Keras Model.fit under a strategy instead.")
        self._model_dir = None if model_dir is None else os.fspath(model_dir)
        self._tf_random_seed = tf_random_seed
        self._save_summary_steps = save_summary_steps
        self._save_checkpoints_steps = steps
        self._save_checkpoints_secs = secs
        self._session_config = session_config
        self._keep_checkpoint_max = keep_checkpoint_max
        self._keep_checkpoint_every_n_hours = keep_checkpoint_every_n_hours
        self._log_step_count_steps = log_step_count_steps
        self._device_fn = device_fn
        self._protocol = protocol
        self._session_creation_timeout_secs = session_creation_timeout_secs
        self._checkpoint_save_graph_def = checkpoint_save_graph_def

    _FIELDS = ("model_dir", "tf_random_seed", "save_summary_steps", "save_checkpoints_steps",
               "save_checkpoints_secs", "session_config", "keep_checkpoint_max",
               "keep_checkpoint_every_n_hours", "log_step_count_steps", "device_fn", "protocol",
               "session_creation_timeout_secs", "checkpoint_save_graph_def")

    def replace(self, **kwargs):
        """A copy with the given fields replaced (e.g. `config.replace(tf_random_seed=1)`).

        Raises:
          ValueError: an unknown field, or both checkpoint frequencies.
        """
        unknown = set(kwargs) - set(self._FIELDS)
        if unknown:
            raise ValueError(f"Replacing {sorted(unknown)} is not supported. Allowed "
                             f"properties are {sorted(self._FIELDS)}.")
        args = {f: getattr(self, f) for f in self._FIELDS}
        if "save_checkpoints_steps" in kwargs and "save_checkpoints_secs" not in kwargs:
            args["save_checkpoints_secs"] = None
        if "save_checkpoints_secs" in kwargs and "save_checkpoints_steps" not in kwargs:
            args["save_checkpoints_steps"] = None
        args.update(kwargs)
        return RunConfig(**args)

    model_dir = property(lambda self: self._model_dir)
    tf_random_seed = property(lambda self: self._tf_random_seed)
    save_summary_steps = property(lambda self: self._save_summary_steps)
    save_checkpoints_steps = property(lambda self: self._save_checkpoints_steps)
    save_checkpoints_secs = property(lambda self: self._save_checkpoints_secs)
    session_config = property(lambda self: self._session_config)
    keep_checkpoint_max = property(lambda self: self._keep_checkpoint_max)
    keep_checkpoint_every_n_hours = property(lambda self: self._keep_checkpoint_every_n_hours)
    log_step_count_steps = property(lambda self: self._log_step_count_steps)
    device_fn = property(lambda self: self._device_fn)
    protocol = property(lambda self: self._protocol)
    session_creation_timeout_secs = property(lambda self: self._session_creation_timeout_secs)
    checkpoint_save_graph_def = property(lambda self: self._checkpoint_save_graph_def)
    train_distribute = eval_distribute = property(lambda self: None)
    cluster_spec = property(lambda self: {})
    is_chief = property(lambda self: True)
    master = evaluation_master = property(lambda self: "")
    num_ps_replicas = property(lambda self: 0)
    num_worker_replicas = property(lambda self: 1)
    task_id = global_id_in_cluster = property(lambda self: 0)
    task_type = property(lambda self: "worker")
    service = property(lambda self: None)


class EstimatorSpec:
    """What a `model_fn` returns: the ops and tensors of one mode.

    TRAIN needs `loss` and `train_op`; EVAL needs `loss`; PREDICT needs `predictions`.

    Args:
      mode: A `ModeKeys` value.
      predictions: A tensor or a dict of tensors.
      loss: A scalar float tensor.
      train_op: The op (or tensor) that runs one training step.
      eval_metric_ops: A dict of metric name -> (value tensor, update op), as `tf.metrics`
        functions return.
      export_outputs: Accepted for TF1 compatibility.
      training_chief_hooks: Hooks for training (all processes are the chief here).
      training_hooks: Hooks for training.
      scaffold: A `Scaffold` (its saver / init_fn are used).
      evaluation_hooks: Hooks for evaluation.
      prediction_hooks: Hooks for prediction.

    Raises:
      ValueError: a missing part of the mode, a non-scalar loss or bad metrics.
      TypeError: a metric that is not a (value, update) pair.
    """

    def __init__(self, mode, predictions=None, loss=None, train_op=None, eval_metric_ops=None,
                 export_outputs=None, training_chief_hooks=None, training_hooks=None,
                 scaffold=None, evaluation_hooks=None, prediction_hooks=None):
        if mode not in (ModeKeys.TRAIN, ModeKeys.EVAL, ModeKeys.PREDICT):
            raise ValueError(f"mode must be one of {ModeKeys.TRAIN!r}, {ModeKeys.EVAL!r}, "
                             f"{ModeKeys.PREDICT!r}; given: {mode!r}")
        if train_op is None and mode == ModeKeys.TRAIN:
            raise ValueError("Missing train_op.")
        if loss is None and mode in (ModeKeys.TRAIN, ModeKeys.EVAL):
            raise ValueError("Missing loss.")
        if predictions is None and mode == ModeKeys.PREDICT:
            raise ValueError("Missing predictions.")
        if loss is not None:
            loss = _tf1.convert_to_tensor(loss)
            if loss.shape.rank is not None and loss.shape.num_elements() != 1:
                raise ValueError(f"Loss must be scalar, given: {loss}")
            if loss.shape.rank not in (None, 0):
                loss = _tf1.reshape(loss, [])
        metrics = {}
        for name, value in (eval_metric_ops or {}).items():
            if not isinstance(value, (tuple, list)) or len(value) != 2:
                raise TypeError(f"Values of eval_metric_ops must be (metric_value, update_op) "
                                f"tuples, given: {value} for key: {name}")
            metrics[name] = tuple(value)
        self.mode, self.predictions, self.loss, self.train_op = mode, predictions, loss, train_op
        self.eval_metric_ops = metrics
        self.export_outputs = export_outputs
        self.training_chief_hooks = list(training_chief_hooks or ())
        self.training_hooks = list(training_hooks or ())
        self.evaluation_hooks = list(evaluation_hooks or ())
        self.prediction_hooks = list(prediction_hooks or ())
        self.scaffold = scaffold or _hooks.Scaffold()

    def _replace(self, **kwargs):
        args = {k: getattr(self, k) for k in (
            "mode", "predictions", "loss", "train_op", "eval_metric_ops", "export_outputs",
            "training_chief_hooks", "training_hooks", "scaffold", "evaluation_hooks",
            "prediction_hooks")}
        args.update(kwargs)
        return EstimatorSpec(**args)


def _fn_args(fn):
    target = fn.func if hasattr(fn, "func") and hasattr(fn, "args") else fn  # partial
    try:
        params = inspect.signature(target).parameters
    except (TypeError, ValueError):
        return ()
    names = tuple(params)
    if hasattr(fn, "keywords") and fn is not target:
        names = tuple(n for n in names if n not in (fn.keywords or {}))[len(fn.args):]
    return names


def _check_hooks(hooks):
    hooks = list(hooks or ())
    for h in hooks:
        if not isinstance(h, _hooks.SessionRunHook):
            raise TypeError(f"All hooks must be SessionRunHook instances, given: {h}")
    return hooks


def _check_steps(name, value):
    if value is not None and value <= 0:
        raise ValueError(f"Must specify {name} > 0, given: {value}")


class Estimator:
    """A model given by `model_fn(features, labels, mode, params, config)` returning an
    `EstimatorSpec`, trained, evaluated and used for prediction from `input_fn`s.

    `input_fn()` (optionally taking `params`, `mode`, `config`) returns a `tf.data.Dataset`
    of (features, labels) or features, or the tensors (features, labels) themselves.

    Args:
      model_fn: The model function (its parameters may be any of features, labels, mode,
        params, config; features is required).
      model_dir: The directory of checkpoints and summaries (default: `config.model_dir`, else
        a new temporary directory).
      config: A `RunConfig`.
      params: A dict passed to `model_fn` (and to `input_fn`s that take `params`).
      warm_start_from: Not supported (must be None).

    Raises:
      ValueError: a model_fn without `features`, `params` given to a model_fn that does not
        take them, or two different model directories.
    """

    def __init__(self, model_fn, model_dir=None, config=None, params=None,
                 warm_start_from=None):
        if not callable(model_fn):
            raise ValueError(f"model_fn must be provided to Estimator. Given: {model_fn!r}")
        args = _fn_args(model_fn)
        if "features" not in args:
            raise ValueError(f"model_fn ({model_fn}) must include features argument.")
        if params is not None and "params" not in args:
            raise ValueError(f"model_fn ({model_fn}) does not include params argument, but "
                             f"params ({params}) is passed to Estimator.")
        if warm_start_from is not None:
            raise ValueError("Estimator: warm_start_from is not supported by ndflow; restore "
                             "the variables in a Scaffold init_fn instead.")
        if config is None:
            config = RunConfig()
        elif not isinstance(config, RunConfig):
            raise ValueError(f"config must be an instance of `RunConfig`, but provided "
                             f"{config}.")
        if model_dir is not None:
            model_dir = os.fspath(model_dir)
            if config.model_dir is not None and \
                    os.path.abspath(config.model_dir) != os.path.abspath(model_dir):
                raise ValueError(f"`model_dir` are set both in constructor and `RunConfig`, but "
                                 f"with different values. In constructor: '{model_dir}', in "
                                 f"`RunConfig`: '{config.model_dir}' ")
        model_dir = model_dir or config.model_dir
        if model_dir is None:
            model_dir = tempfile.mkdtemp()
            _log.warning("Using temporary folder as model directory: %s", model_dir)
        self._config = config.replace(model_dir=model_dir)
        self._model_dir = model_dir
        self._model_fn = model_fn
        self._params = dict(params or {})

    model_dir = property(lambda self: self._model_dir)
    config = property(lambda self: self._config)
    params = property(lambda self: dict(self._params))
    model_fn = property(lambda self: self._model_fn)

    # --- building -------------------------------------------------------------------------

    def _new_graph(self):
        g = Graph()
        if self._config.tf_random_seed is not None:
            g.seed = int(self._config.tf_random_seed)
        return g

    @contextlib.contextmanager
    def _building(self, g):
        """Builds in `g`, with Keras layer names counted afresh for this graph (TF1 keeps
        Keras' name counters per graph), so `keras.layers.Dense` in a model_fn is `dense` in
        the train, eval and predict graphs alike; tf.data seeds come from tf_random_seed."""
        backend = sys.modules.get("ndflow.keras.backend")
        saved = dict(backend._NAME_UIDS) if backend is not None else None
        if backend is not None:
            backend._NAME_UIDS.clear()
        # tf.data takes its seeds from the global seed: with tf_random_seed, the datasets an
        # input_fn builds are seeded from it, counting afresh per graph (as TF1's graph seed)
        seed, saved_seed = g.seed, _context.state.global_seed
        key = ("tf.data op seeds", seed)
        saved_count = _context.state.eager_generators.pop(key, None)
        if seed is not None:
            _context.state.global_seed = seed
        try:
            with g.as_default(), building_graph(g):
                yield g
        finally:
            if backend is not None:
                backend._NAME_UIDS.clear()
                backend._NAME_UIDS.update(saved)
            _context.state.global_seed = saved_seed
            _context.state.eager_generators.pop(key, None)
            if saved_count is not None:
                _context.state.eager_generators[key] = saved_count

    def _call_input_fn(self, input_fn, mode):
        args = _fn_args(input_fn)
        kwargs = {}
        if "mode" in args:
            kwargs["mode"] = mode
        if "params" in args:
            kwargs["params"] = self.params
        if "config" in args:
            kwargs["config"] = self._config
        result = input_fn(**kwargs)
        from ..data.dataset import Dataset
        if isinstance(result, Dataset):
            result = _tf1.data.make_one_shot_iterator(result).get_next()
        if isinstance(result, (tuple, list)):
            if len(result) == 2:
                return result[0], result[1]
            if len(result) == 1:
                return result[0], None
            raise ValueError(f"input_fn should return (features, labels) as a len 2 tuple; "
                             f"got a tuple of length {len(result)}.")
        return result, None

    def _call_model_fn(self, features, labels, mode):
        args = _fn_args(self._model_fn)
        kwargs = {}
        if "labels" in args:
            kwargs["labels"] = labels
        elif labels is not None:
            raise ValueError("model_fn does not take labels, but input_fn returns labels.")
        if "mode" in args:
            kwargs["mode"] = mode
        if "params" in args:
            kwargs["params"] = self.params
        if "config" in args:
            kwargs["config"] = self._config
        spec = self._model_fn(features=features, **kwargs)
        if not isinstance(spec, EstimatorSpec):
            raise ValueError(f"model_fn should return an EstimatorSpec. Given: {type(spec)}")
        return spec

    def _session(self, graph, scaffold, checkpoint_path):
        """A Session on `graph` with every variable initialized, then restored from
        `checkpoint_path` (if not None)."""
        sess = _tf1.Session(graph=graph)
        with graph.as_default(), building_graph(graph):
            init = scaffold.init_op if scaffold.init_op is not None else \
                _tf1.global_variables_initializer()
            local = scaffold.local_init_op if scaffold.local_init_op is not None else \
                _tf1.local_variables_initializer()
            tables = graph.get_collection("table_initializer")
        sess.run(init, feed_dict=scaffold.init_feed_dict)
        sess.run(local)
        if tables:
            sess.run(tables)
        if checkpoint_path is not None:
            self._saver(graph, scaffold).restore(sess, checkpoint_path)
        elif scaffold.init_fn is not None:
            scaffold.init_fn(scaffold, sess)
        return sess

    def _saver(self, graph, scaffold):
        if scaffold.saver is not None:
            return scaffold.saver
        saver = graph.get_collection("savers")
        if saver:
            return saver[0]
        with graph.as_default(), building_graph(graph):
            saver = _tf1.train.Saver(
                max_to_keep=self._config.keep_checkpoint_max,
                keep_checkpoint_every_n_hours=self._config.keep_checkpoint_every_n_hours,
                allow_empty=True)
        scaffold.saver = saver
        return saver

    def latest_checkpoint(self):
        """The prefix of the newest checkpoint in `model_dir`, or None."""
        return _tf1.train.latest_checkpoint(self._model_dir)

    def _checkpoint_step(self):
        path = self.latest_checkpoint()
        if path is None:
            return 0
        from ..train.saver import read_checkpoint
        tensors = read_checkpoint(path + ".safetensors")
        return int(tensors["global_step"]) if "global_step" in tensors else 0

    def get_variable_names(self):
        """The names of the variables in the newest checkpoint.

        Raises:
          ValueError: if `model_dir` holds no checkpoint.
        """
        return sorted(self._read_latest())

    def get_variable_value(self, name):
        """The value (a NumPy array) of variable `name` in the newest checkpoint.

        Args:
          name: The variable's name, e.g. "dnn/logits/kernel" (see `get_variable_names`).

        Returns:
          A NumPy array.

        Raises:
          ValueError: if `model_dir` holds no checkpoint.
          NotFoundError: if the checkpoint has no variable `name`.
        """
        tensors = self._read_latest()
        if name not in tensors:
            from ..framework.errors import NotFoundError
            raise NotFoundError(f"Key {name} not found in checkpoint {self.latest_checkpoint()}")
        return tensors[name]

    def _read_latest(self):
        path = self.latest_checkpoint()
        if path is None:
            raise ValueError(f"Could not find trained model in model_dir: {self._model_dir}.")
        from ..train.saver import read_checkpoint
        return read_checkpoint(path + ".safetensors")

    # --- train ----------------------------------------------------------------------------

    def train(self, input_fn, hooks=None, steps=None, max_steps=None, saving_listeners=None):
        """Trains the model on the batches of `input_fn`.

        Args:
          input_fn: The input function (see the class docstring).
          hooks: `SessionRunHook`s to run in the training loop.
          steps: Train this many more steps (counted from the checkpoint's global step).
            None: until `input_fn`'s data ends.
          max_steps: Train until the global step reaches this (nothing if it already has).
          saving_listeners: `CheckpointSaverListener`s told about every checkpoint save.

        Returns:
          self, so that calls can be chained.

        Raises:
          ValueError: both steps and max_steps, or a value <= 0.
          NanLossDuringTrainingError: the loss became NaN.
        """
        if steps is not None and max_steps is not None:
            raise ValueError("Can not provide both steps and max_steps.")
        _check_steps("steps", steps)
        _check_steps("max_steps", max_steps)
        if max_steps is not None and max_steps <= self._checkpoint_step():
            _log.info("Skipping training since max_steps has already saved.")
            return self
        hooks = _check_hooks(hooks)
        listeners = list(saving_listeners or ())
        g = self._new_graph()
        with self._building(g):
            global_step = _tf1.train.get_or_create_global_step()
            features, labels = self._call_input_fn(input_fn, ModeKeys.TRAIN)
            spec = self._call_model_fn(features, labels, ModeKeys.TRAIN)
            hooks += spec.training_chief_hooks + spec.training_hooks
            _tf1.summary.scalar("loss", spec.loss)
            summary_op = spec.scaffold.summary_op or _tf1.summary.merge_all()
            saver = self._saver(g, spec.scaffold)
            for hook in hooks:
                hook.begin()
            for listener in listeners:
                listener.begin()
        latest = self.latest_checkpoint()
        sess = self._session(g, spec.scaffold, latest)
        if latest is not None:  # as TF1's SessionManager: older checkpoints are pruned in turn
            state = _tf1.train.get_checkpoint_state(self._model_dir)
            if state is not None:
                saver.recover_last_checkpoints(list(state.all_model_checkpoint_paths))
        try:
            self._train_loop(sess, g, spec, global_step, summary_op, saver, hooks, listeners,
                             steps, max_steps)
        finally:
            sess.close()
        return self

    def _train_loop(self, sess, g, spec, global_step, summary_op, saver, hooks, listeners,
                    steps, max_steps):
        cfg = self._config
        step = int(sess.run(global_step))
        last_step = step + steps if steps is not None else max_steps
        prefix = os.path.join(self._model_dir, "model.ckpt")
        writer = _summary_writer(self._model_dir, g)
        for hook in hooks:
            hook.after_create_session(sess, None)
        stop = {"stop": False}

        def save(at):
            for listener in listeners:
                listener.before_save(sess, at)
            saver.save(sess, prefix, global_step=at)
            _log.info("Saving checkpoints for %d into %s.", at, prefix)
            for listener in listeners:
                if listener.after_save(sess, at):
                    stop["stop"] = True
            return at, time.time()

        saved_step, saved_time = save(step)
        runs, loss_value, warned, summarized = 0, None, False, None
        while not stop["stop"] and (last_step is None or step < last_step):
            if steps is not None and runs >= steps:  # a train_op that leaves the step alone
                break
            summary_due = writer is not None and cfg.save_summary_steps and \
                summary_op is not None and (summarized is None or
                                            step - summarized >= cfg.save_summary_steps)
            fetches = {"train": spec.train_op, "loss": spec.loss}
            if summary_due:
                fetches["summary"] = summary_op
            context = _hooks.SessionRunContext(_hooks.SessionRunArgs(fetches), sess)
            requests = [h.before_run(context) for h in hooks]
            try:
                results = sess.run([fetches, [_hooks.request_fetches(r) for r in
                                              requests]],
                                   feed_dict=_hooks.request_feeds(requests))
            except OutOfRangeError:
                break
            values, hook_values = results
            runs += 1
            loss_value = values["loss"]
            if np.isnan(loss_value):
                raise _hooks.NanLossDuringTrainingError()
            new_step = int(sess.run(global_step))
            if new_step == step and not warned:
                _log.warning("It seems that global step (tf.train.get_global_step) has not "
                             "been increased. Current value (could be stable): %d", step)
                warned = True
            if summary_due:  # the first run, then every save_summary_steps (TF's timer)
                writer.add_summary(values["summary"], step)
                summarized = step
            step = new_step
            if cfg.log_step_count_steps and runs % cfg.log_step_count_steps == 0:
                _log.info("loss = %s, step = %d", loss_value, step)
            for hook, r, v in zip(hooks, requests, hook_values):
                hook.after_run(context, _hooks.SessionRunValues(v if r is not None else None,
                                                                None, None))
            if context.stop_requested:
                stop["stop"] = True
            if cfg.save_checkpoints_steps and step - saved_step >= cfg.save_checkpoints_steps:
                saved_step, saved_time = save(step)
            elif cfg.save_checkpoints_secs and \
                    time.time() - saved_time >= cfg.save_checkpoints_secs:
                saved_step, saved_time = save(step)
        if step != saved_step:
            save(step)
        _log.info("Loss for final step: %s.", loss_value)
        for hook in hooks:
            hook.end(sess)
        for listener in listeners:
            listener.end(sess, step)
        if writer is not None:
            writer.close()

    # --- evaluate -------------------------------------------------------------------------

    def evaluate(self, input_fn, steps=None, hooks=None, checkpoint_path=None, name=None):
        """Evaluates the model on `input_fn`'s data: runs the metrics' update ops over the
        batches (all of them, or `steps`), then returns their values.

        Args:
          input_fn: The input function.
          steps: Evaluate on this many batches (None: until the data ends).
          hooks: `SessionRunHook`s.
          checkpoint_path: The checkpoint to evaluate (default: the newest in model_dir; with
            none the freshly initialized model is evaluated).
          name: The evaluation's name: its summaries go to `model_dir/eval_<name>` (default
            `model_dir/eval`).

        Returns:
          A dict: each `eval_metric_ops` value, `loss` (the mean of the per-batch loss) and
          `global_step`.

        Raises:
          ValueError: steps <= 0, or a metric named "loss".
        """
        _check_steps("steps", steps)
        hooks = _check_hooks(hooks)
        g = self._new_graph()
        with self._building(g):
            global_step = _tf1.train.get_or_create_global_step()
            features, labels = self._call_input_fn(input_fn, ModeKeys.EVAL)
            spec = self._call_model_fn(features, labels, ModeKeys.EVAL)
            if "loss" in spec.eval_metric_ops:
                raise ValueError('Metric with name "loss" is not allowed, because Estimator '
                                 'already defines a default metric with the same name.')
            metrics = dict(spec.eval_metric_ops)
            metrics["loss"] = _tf1.metrics.mean(spec.loss)
            values = {k: v for k, (v, _) in metrics.items()}
            updates = [u for _, u in metrics.values()]
            hooks += spec.evaluation_hooks
            for hook in hooks:
                hook.begin()
        path = checkpoint_path or self.latest_checkpoint()
        if path is None:
            _log.info("Could not find trained model in model_dir: %s, running initialization "
                      "to evaluate.", self._model_dir)
        sess = self._session(g, spec.scaffold, path)
        try:
            for hook in hooks:
                hook.after_create_session(sess, None)
            done = 0
            while steps is None or done < steps:
                context = _hooks.SessionRunContext(_hooks.SessionRunArgs(updates), sess)
                requests = [h.before_run(context) for h in hooks]
                try:
                    _, hook_values = sess.run(
                        [updates, [_hooks.request_fetches(r) for r in requests]],
                        feed_dict=_hooks.request_feeds(requests))
                except OutOfRangeError:
                    break
                done += 1
                for hook, r, v in zip(hooks, requests, hook_values):
                    hook.after_run(context, _hooks.SessionRunValues(
                        v if r is not None else None, None, None))
                if context.stop_requested:
                    break
            results = sess.run(values)
            results["global_step"] = np.int64(sess.run(global_step))
            for hook in hooks:
                hook.end(sess)
        finally:
            sess.close()
        self._write_eval_summaries(results, name)
        return results

    def _write_eval_summaries(self, results, name):
        directory = os.path.join(self._model_dir, "eval" if not name else "eval_" + name)
        writer = _summary_writer(directory, None)
        if writer is None:
            return
        from ..summary import _protos
        summary_pb2 = _protos.tensorboard_protos()[3]
        summary = summary_pb2.Summary()
        for key, value in sorted(results.items()):
            if key == "global_step":
                continue
            arr = np.asarray(value)
            if arr.size == 1 and arr.dtype.kind in "biuf":
                summary.value.add(tag=key, simple_value=float(arr.reshape(())))
        writer.add_summary(summary, int(results["global_step"]))
        writer.close()

    # --- predict --------------------------------------------------------------------------

    def predict(self, input_fn, predict_keys=None, hooks=None, checkpoint_path=None,
                yield_single_examples=True):
        """Yields the model's predictions for `input_fn`'s features (labels are ignored).

        Args:
          input_fn: The input function (its data should end, e.g. `num_epochs=1`).
          predict_keys: With dict predictions, the keys to keep (default all).
          hooks: `SessionRunHook`s.
          checkpoint_path: The checkpoint to use (default the newest in model_dir).
          yield_single_examples: Yield one example at a time (default) or whole batches.

        Yields:
          Dicts of NumPy arrays (dict predictions) or arrays, per example or per batch.

        Raises:
          ValueError: an unknown key in `predict_keys`, or prediction tensors whose batch
            sizes differ when yielding single examples.
        """
        hooks = _check_hooks(hooks)
        g = self._new_graph()
        with self._building(g):
            _tf1.train.get_or_create_global_step()
            features, _ = self._call_input_fn(input_fn, ModeKeys.PREDICT)
            spec = self._call_model_fn(features, None, ModeKeys.PREDICT)
            predictions = spec.predictions
            if predict_keys is not None:
                if not isinstance(predictions, dict):
                    raise ValueError("predict_keys argument is not valid in case of non-dict "
                                     "predictions.")
                keys = [predict_keys] if isinstance(predict_keys, str) else list(predict_keys)
                missing = [k for k in keys if k not in predictions]
                if missing:
                    raise ValueError(f"Expected to run at least one output from "
                                     f"{sorted(predictions)}, provided {keys}.")
                predictions = {k: predictions[k] for k in keys}
            hooks += spec.prediction_hooks
            for hook in hooks:
                hook.begin()
        path = checkpoint_path or self.latest_checkpoint()
        if path is None:
            _log.info("Could not find trained model in model_dir: %s, running initialization "
                      "to predict.", self._model_dir)
        sess = self._session(g, spec.scaffold, path)
        try:
            for hook in hooks:
                hook.after_create_session(sess, None)
            while True:
                context = _hooks.SessionRunContext(_hooks.SessionRunArgs(predictions), sess)
                requests = [h.before_run(context) for h in hooks]
                try:
                    batch, hook_values = sess.run(
                        [predictions, [_hooks.request_fetches(r) for r in requests]],
                        feed_dict=_hooks.request_feeds(requests))
                except OutOfRangeError:
                    break
                for hook, r, v in zip(hooks, requests, hook_values):
                    hook.after_run(context, _hooks.SessionRunValues(
                        v if r is not None else None, None, None))
                if not yield_single_examples:
                    yield batch
                elif isinstance(batch, dict):
                    lengths = {k: (np.shape(v)[0] if np.ndim(v) else None)
                               for k, v in batch.items()}
                    if len(set(lengths.values())) != 1 or None in lengths.values():
                        raise ValueError(f"Batch length of predictions should be same. "
                                         f"{lengths}")
                    for i in range(next(iter(lengths.values()))):
                        yield {k: v[i] for k, v in batch.items()}
                else:
                    for row in batch:
                        yield row
                if context.stop_requested:
                    break
            for hook in hooks:
                hook.end(sess)
        finally:
            sess.close()

    def export_saved_model(self, export_dir_base, serving_input_receiver_fn, assets_extra=None,
                           as_text=False, checkpoint_path=None, experimental_mode=None):
        """Not supported: ndflow writes no TensorFlow SavedModels.

        Raises:
          NotImplementedError: always.
        """
        raise NotImplementedError("Estimator.export_saved_model: ndflow cannot write a "
                                  "TensorFlow SavedModel; use the checkpoints in model_dir.")

    export_savedmodel = export_saved_model


def _summary_writer(directory, graph):
    """A TF1 FileWriter on `directory` (with `graph`), or None when the tensorboard package
    that writes event files is not installed."""
    try:
        from ..summary import _protos
        _protos.tensorboard_protos()
    except ImportError:
        return None
    return _tf1.summary.FileWriter(directory, graph)
