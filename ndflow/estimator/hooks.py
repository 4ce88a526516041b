"""TF1 session-run hooks: `tf.train.SessionRunHook` and the hooks Estimator programs pass to
`train(hooks=...)`, plus `CheckpointSaverListener` and `Scaffold`.

A hook sees the training loop: `begin()` before the graph is finalized, `after_create_session`
once the session exists, `before_run(run_context)` (returning `SessionRunArgs` of extra
fetches, run in the same `Session.run` as the train op), `after_run(run_context,
run_values)` and `end(session)`. `run_context.request_stop()` ends the loop.
"""
import collections
import logging
import time

import numpy as np

_log = logging.getLogger("ndflow.estimator")


class SessionRunArgs(collections.namedtuple("SessionRunArgs",
                                            ["fetches", "feed_dict", "options"])):
    """What `before_run` returns: extra `fetches` (any structure Session.run takes) and an
    optional `feed_dict` for the coming run.

    Args:
      fetches: The extra fetches.
      feed_dict: Extra feeds.
      options: Accepted for TF1 compatibility.
    """

    def __new__(cls, fetches, feed_dict=None, options=None):
        return super().__new__(cls, fetches, feed_dict, options)


SessionRunValues = collections.namedtuple("SessionRunValues",
                                          ["results", "options", "run_metadata"])
SessionRunValues.__doc__ = """What `after_run` receives: `results`, the values of the hook's
fetches."""


def request_fetches(args):
    """What to fetch for a hook's `before_run` result (None or fetches=None: nothing)."""
    return [] if args is None or args.fetches is None else args.fetches


def request_feeds(requests, feed_dict=None):
    """The run's feeds: `feed_dict` updated with every hook's `SessionRunArgs.feed_dict`
    (None when there are none)."""
    feeds = dict(feed_dict or {})
    for r in requests:
        if r is not None and r.feed_dict:
            feeds.update(r.feed_dict)
    return feeds or None


class SessionRunContext:
    """The context of one training-loop run, given to `before_run` and `after_run`.

    Args:
      original_args: The loop's own `SessionRunArgs`.
      session: The Session.
    """

    def __init__(self, original_args, session):
        self._original_args = original_args
        self._session = session
        self._stop_requested = False

    @property
    def original_args(self):
        return self._original_args

    @property
    def session(self):
        return self._session

    @property
    def stop_requested(self):
        return self._stop_requested

    def request_stop(self):
        """Asks the training loop to stop after this run."""
        self._stop_requested = True


class SessionRunHook:
    """Base class of training-loop hooks; every method does nothing by default."""

    def begin(self):
        """Called once before the session is created; the graph may still be changed."""

    def after_create_session(self, session, coord):
        """Called once the session exists and the variables are initialized or restored."""

    def before_run(self, run_context):
        """Called before each run; may return `SessionRunArgs` of extra fetches."""
        return None

    def after_run(self, run_context, run_values):
        """Called after each run with the values of the extra fetches."""

    def end(self, session):
        """Called once at the end of the loop (not after an error)."""


class CheckpointSaverListener:
    """Base class of objects told about checkpoint saves (`train(saving_listeners=...)`)."""

    def begin(self):
        """Called once before training starts."""

    def before_save(self, session, global_step_value):
        """Called before each checkpoint is written."""

    def after_save(self, session, global_step_value):
        """Called after each checkpoint is written; returning True stops training."""

    def end(self, session, global_step_value):
        """Called once at the end of training, after the last save."""


def _resolve(graph, fetch):
    """A tensor from a tensor, a tensor name ("x:0") or an op name ("x": its only output)."""
    if not isinstance(fetch, str):
        return fetch
    if ":" in fetch:
        return graph.as_graph_element(fetch)
    op = graph.get_operation_by_name(fetch)
    if len(op.outputs) != 1:
        raise ValueError(f"Name {fetch} is ambiguous, as this `Operation` has "
                         f"{len(op.outputs)} outputs; name the tensor ('{fetch}:0').")
    return op.outputs[0]


class LoggingTensorHook(SessionRunHook):
    """Logs the values of `tensors` (a dict name -> tensor or tensor name, or a list) every
    `every_n_iter` runs or `every_n_secs` seconds, at INFO level on the "ndflow.estimator"
    logger.

    Args:
      tensors: A dict of tag -> tensor (or name), or a list of tensors (or names).
      every_n_iter: Log every this many runs.
      every_n_secs: Or every this many seconds.
      at_end: Also log the last values when the loop ends.
      formatter: Optional function of the dict of values returning the message.

    Raises:
      ValueError: unless exactly one of `every_n_iter`/`every_n_secs` is given (or only
        `at_end`), or `every_n_iter` <= 0.
    """

    def __init__(self, tensors, every_n_iter=None, every_n_secs=None, at_end=False,
                 formatter=None):
        only_log_at_end = at_end and every_n_iter is None and every_n_secs is None
        if not only_log_at_end and (every_n_iter is None) == (every_n_secs is None):
            raise ValueError("either at_end and/or exactly one of every_n_iter and "
                             "every_n_secs must be provided.")
        if every_n_iter is not None and every_n_iter <= 0:
            raise ValueError(f"invalid every_n_iter={every_n_iter}.")
        if not isinstance(tensors, dict):
            tensors = {getattr(t, "name", t): t for t in tensors}
        self._tags = sorted(tensors)
        self._tensors = tensors
        self._every_n_iter, self._every_n_secs = every_n_iter, every_n_secs
        self._only_at_end, self._at_end = only_log_at_end, at_end
        self._formatter = formatter
        self._iter = 0
        self._last_time = None
        self.logged = []  # the dicts of values logged, in order (for programs and tests)

    def begin(self):
        from ..framework.graph import get_default_graph
        g = get_default_graph()
        self._current = {tag: _resolve(g, t) for tag, t in self._tensors.items()}
        self._iter = 0
        self._last_time = None

    def _due(self):
        if self._only_at_end:
            return False
        if self._every_n_iter is not None:
            return self._iter % self._every_n_iter == 0
        return self._last_time is None or time.time() - self._last_time >= self._every_n_secs

    def before_run(self, run_context):
        self._should = self._due()
        return SessionRunArgs(self._current) if self._should else None

    def _log(self, values):
        self.logged.append(values)
        if self._formatter is not None:
            _log.info(self._formatter(values))
        else:
            with np.printoptions(suppress=True):
                _log.info(", ".join(f"{tag} = {values[tag]}" for tag in self._tags))

    def after_run(self, run_context, run_values):
        if self._should:
            self._log(run_values.results)
            self._last_time = time.time()
        self._iter += 1

    def end(self, session):
        if self._at_end:
            self._log(session.run(self._current))


class StopAtStepHook(SessionRunHook):
    """Stops the loop when the global step reaches `last_step`, or after `num_steps` more.

    Args:
      num_steps: Steps to run from the step at the start.
      last_step: The global step to stop at.

    Raises:
      ValueError: unless exactly one of them is given.
    """

    def __init__(self, num_steps=None, last_step=None):
        if (num_steps is None) == (last_step is None):
            raise ValueError("One of num_steps or last_step must be specified.")
        if num_steps is not None and num_steps < 0:
            raise ValueError("Must specify num_steps >= 0.")
        self._num_steps, self._last_step = num_steps, last_step

    def begin(self):
        from ..train import get_global_step
        self._global_step = get_global_step()
        if self._global_step is None:
            raise RuntimeError("Global step should be created to use StopAtStepHook.")

    def after_create_session(self, session, coord):
        if self._last_step is None:
            self._last_step = int(session.run(self._global_step)) + self._num_steps

    def before_run(self, run_context):
        return SessionRunArgs(self._global_step)

    def after_run(self, run_context, run_values):
        if int(run_context.session.run(self._global_step)) >= self._last_step:
            run_context.request_stop()


class FeedFnHook(SessionRunHook):
    """Adds `feed_fn()` (a dict of feeds) to every run.

    Args:
      feed_fn: A function of no arguments returning a feed dict.
    """

    def __init__(self, feed_fn):
        self.feed_fn = feed_fn

    def before_run(self, run_context):
        return SessionRunArgs(fetches=None, feed_dict=self.feed_fn())


class FinalOpsHook(SessionRunHook):
    """Runs `final_ops` once at the end; their values are in `final_ops_values`.

    Args:
      final_ops: A tensor, op, or structure of them.
      final_ops_feed_dict: Feeds for that run.
    """

    def __init__(self, final_ops, final_ops_feed_dict=None):
        self._ops, self._feed = final_ops, final_ops_feed_dict
        self.final_ops_values = None

    def end(self, session):
        if self._ops is not None:
            self.final_ops_values = session.run(self._ops, feed_dict=self._feed)


class NanLossDuringTrainingError(RuntimeError):
    """Raised when the training loss becomes NaN."""

    def __str__(self):
        return "NaN loss during training."


class Scaffold:
    """The pieces of a training graph an `EstimatorSpec` may supply: `init_op`,
    `local_init_op`, `saver`, `init_fn(scaffold, session)` (run after initialization, when
    there is no checkpoint to restore).

    Args:
      init_op: Op initializing the variables (default: global_variables_initializer).
      init_feed_dict: Feeds for `init_op`.
      init_fn: Function called after `init_op`.
      ready_op: Accepted for TF1 compatibility.
      ready_for_local_init_op: Accepted for TF1 compatibility.
      local_init_op: Op initializing local variables (default: local_variables_initializer).
      summary_op: The summary op (default: merge_all).
      saver: The Saver (default: a Saver of all global variables).
      copy_from_scaffold: Accepted for TF1 compatibility.
    """

    def __init__(self, init_op=None, init_feed_dict=None, init_fn=None, ready_op=None,
                 ready_for_local_init_op=None, local_init_op=None, summary_op=None, saver=None,
                 copy_from_scaffold=None):
        self.init_op, self.init_feed_dict, self.init_fn = init_op, init_feed_dict, init_fn
        self.local_init_op, self.summary_op, self.saver = local_init_op, summary_op, saver
        self.ready_op, self.ready_for_local_init_op = ready_op, ready_for_local_init_op


NAMES = {"SessionRunHook": SessionRunHook, "SessionRunArgs": SessionRunArgs,
         "SessionRunContext": SessionRunContext, "SessionRunValues": SessionRunValues,
         "LoggingTensorHook": LoggingTensorHook, "StopAtStepHook": StopAtStepHook,
         "FeedFnHook": FeedFnHook, "FinalOpsHook": FinalOpsHook,
         "CheckpointSaverListener": CheckpointSaverListener,
         "NanLossDuringTrainingError": NanLossDuringTrainingError, "Scaffold": Scaffold}
