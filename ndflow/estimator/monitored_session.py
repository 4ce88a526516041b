"""TF1's monitored sessions: `tf.train.MonitoredTrainingSession` and friends.

    with tf.train.MonitoredTrainingSession(checkpoint_dir="ckpt", hooks=[
            tf.train.StopAtStepHook(last_step=1000), tf.train.NanTensorHook(loss)]) as sess:
        while not sess.should_stop():
            sess.run(train_op)

The session initializes the variables (or restores the newest checkpoint of
`checkpoint_dir`), runs the hooks around every `run`, saves checkpoints and summaries, and
ends quietly when the input runs out (OutOfRangeError inside the `with` block).
"""
import logging
import os
import time

import numpy as np

from ..compat import v1 as _tf1
from ..framework.errors import OutOfRangeError
from . import hooks as _hooks

_log = logging.getLogger("ndflow.estimator")
_USE_DEFAULT = object()


class NanTensorHook(_hooks.SessionRunHook):
    """Stops training (or raises `NanLossDuringTrainingError`) when `loss_tensor` is NaN.

    Args:
      loss_tensor: The scalar loss tensor.
      fail_on_nan_loss: Raise (default) rather than only stop.
    """

    def __init__(self, loss_tensor, fail_on_nan_loss=True):
        self._loss, self._fail = loss_tensor, fail_on_nan_loss

    def before_run(self, run_context):
        return _hooks.SessionRunArgs(self._loss)

    def after_run(self, run_context, run_values):
        if np.isnan(run_values.results):
            if self._fail:
                raise _hooks.NanLossDuringTrainingError()
            _log.warning("Model diverged with loss = NaN.")
            run_context.request_stop()


def _global_step_value(session):
    step = _tf1.train.get_global_step(session.graph)
    return None if step is None else int(session.run(step))


class CheckpointSaverHook(_hooks.SessionRunHook):
    """Saves `checkpoint_dir/model.ckpt-<step>` when the session starts, every `save_steps`
    steps or `save_secs` seconds, and at the end.

    Args:
      checkpoint_dir: The directory.
      save_secs: Save every this many seconds.
      save_steps: Or every this many global steps.
      saver: The Saver (default: one of all global variables).
      checkpoint_basename: The file prefix (default "model.ckpt").
      scaffold: A Scaffold whose saver to use.
      listeners: `CheckpointSaverListener`s.

    Raises:
      ValueError: unless exactly one of save_secs / save_steps is given.
    """

    def __init__(self, checkpoint_dir, save_secs=None, save_steps=None, saver=None,
                 checkpoint_basename="model.ckpt", scaffold=None, listeners=None):
        if (save_secs is None) == (save_steps is None):
            raise ValueError("exactly one of save_secs or save_steps must be provided.")
        self._dir, self._secs, self._steps = checkpoint_dir, save_secs, save_steps
        self._saver, self._scaffold = saver, scaffold
        self._prefix = os.path.join(checkpoint_dir, checkpoint_basename)
        self._listeners = list(listeners or ())

    def begin(self):
        if self._saver is None:
            self._saver = (self._scaffold.saver if self._scaffold is not None and
                           self._scaffold.saver is not None else None)
        if self._saver is None:
            found = _tf1.get_collection("savers")
            self._saver = found[0] if found else _tf1.train.Saver(allow_empty=True)
        for listener in self._listeners:
            listener.begin()

    def _save(self, session, step):
        for listener in self._listeners:
            listener.before_save(session, step)
        self._saver.save(session, self._prefix, global_step=step)
        self._last_step, self._last_time = step, time.time()
        stop = False
        for listener in self._listeners:
            stop = bool(listener.after_save(session, step)) or stop
        return stop

    def after_create_session(self, session, coord):
        self._save(session, _global_step_value(session) or 0)

    def after_run(self, run_context, run_values):
        step = _global_step_value(run_context.session) or 0
        due = (self._steps is not None and step - self._last_step >= self._steps) or \
            (self._secs is not None and time.time() - self._last_time >= self._secs)
        if due and self._save(run_context.session, step):
            run_context.request_stop()

    def end(self, session):
        step = _global_step_value(session) or 0
        if step != self._last_step:
            self._save(session, step)
        for listener in self._listeners:
            listener.end(session, step)


class SummarySaverHook(_hooks.SessionRunHook):
    """Writes `summary_op` (default: merge_all) every `save_steps` global steps (the first
    run included) to a FileWriter in `output_dir`.

    Args:
      save_steps: Write every this many steps.
      save_secs: Or every this many seconds.
      output_dir: The event file directory.
      summary_writer: A FileWriter (instead of output_dir).
      scaffold: A Scaffold whose summary_op to use.
      summary_op: The summary tensor(s).

    Raises:
      ValueError: unless exactly one of save_steps / save_secs, and a place to write.
    """

    def __init__(self, save_steps=None, save_secs=None, output_dir=None, summary_writer=None,
                 scaffold=None, summary_op=None):
        if (save_steps is None) == (save_secs is None):
            raise ValueError("exactly one of save_steps or save_secs must be provided.")
        if output_dir is None and summary_writer is None:
            raise ValueError("output_dir or summary_writer must be provided.")
        self._steps, self._secs = save_steps, save_secs
        self._dir, self._writer = output_dir, summary_writer
        self._scaffold, self._op = scaffold, summary_op
        self._last = None

    def begin(self):
        if self._op is None and self._scaffold is not None:
            self._op = self._scaffold.summary_op
        if self._op is None:
            self._op = _tf1.summary.merge_all()
        if self._writer is None:
            from ..framework.graph import get_default_graph
            self._writer = _tf1.summary.FileWriter(self._dir, get_default_graph())

    def before_run(self, run_context):
        self._step = _global_step_value(run_context.session) or 0
        self._due = self._op is not None and (
            self._last is None or
            (self._steps is not None and self._step - self._last[0] >= self._steps) or
            (self._secs is not None and time.time() - self._last[1] >= self._secs))
        return _hooks.SessionRunArgs(self._op) if self._due else None

    def after_run(self, run_context, run_values):
        if self._due:
            self._writer.add_summary(run_values.results, self._step)
            self._last = (self._step, time.time())

    def end(self, session):
        self._writer.flush()


class ChiefSessionCreator:
    """Creates the Session of a MonitoredSession: variables initialized, or restored from
    the newest checkpoint of `checkpoint_dir` (or `checkpoint_filename_with_path`).

    Args:
      scaffold: A Scaffold.
      master: Accepted for TF1 compatibility.
      config: Accepted for TF1 compatibility.
      checkpoint_dir: The directory to restore from.
      checkpoint_filename_with_path: A checkpoint prefix to restore from.
    """

    def __init__(self, scaffold=None, master="", config=None, checkpoint_dir=None,
                 checkpoint_filename_with_path=None):
        self._scaffold = scaffold or _hooks.Scaffold()
        self._dir, self._path = checkpoint_dir, checkpoint_filename_with_path

    def create_session(self):
        """The initialized (or restored) Session on the default graph."""
        from ..framework.graph import get_default_graph
        g = get_default_graph()
        sc = self._scaffold
        init = sc.init_op if sc.init_op is not None else _tf1.global_variables_initializer()
        local = sc.local_init_op if sc.local_init_op is not None else \
            _tf1.local_variables_initializer()
        if sc.saver is None:
            found = g.get_collection("savers")
            sc.saver = found[0] if found else _tf1.train.Saver(allow_empty=True)
        sess = _tf1.Session(graph=g)
        sess.run(init, feed_dict=sc.init_feed_dict)
        sess.run(local)
        tables = g.get_collection("table_initializer")
        if tables:
            sess.run(tables)
        path = self._path or (self._dir and _tf1.train.latest_checkpoint(self._dir))
        if path:
            sc.saver.restore(sess, path)
            state = self._dir and _tf1.train.get_checkpoint_state(self._dir)
            if state:
                sc.saver.recover_last_checkpoints(list(state.all_model_checkpoint_paths))
        elif sc.init_fn is not None:
            sc.init_fn(sc, sess)
        return sess


class MonitoredSession:
    """A Session that runs `hooks` around every `run` and stops when one asks to.

    `with MonitoredSession(...) as sess:` ends quietly on OutOfRangeError (the input ran
    out) and calls every hook's `end`.

    Args:
      session_creator: A `ChiefSessionCreator` (default: one with a plain Scaffold).
      hooks: `SessionRunHook`s.
      stop_grace_period_secs: Accepted for TF1 compatibility.
    """

    def __init__(self, session_creator=None, hooks=None, stop_grace_period_secs=120):
        self._hooks = list(hooks or ())
        for h in self._hooks:
            if not isinstance(h, _hooks.SessionRunHook):
                raise TypeError(f"All hooks must be SessionRunHook instances, given: {h}")
        for h in self._hooks:
            h.begin()
        self._sess = (session_creator or ChiefSessionCreator()).create_session()
        self._stop = False
        self._closed = False
        for h in self._hooks:
            h.after_create_session(self._sess, None)

    @property
    def graph(self):
        return self._sess.graph

    def should_stop(self):
        """True once a hook requested a stop (or the session was closed)."""
        return self._stop or self._closed

    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        """Runs `fetches` (and the hooks' extra fetches) in one Session.run."""
        context = _hooks.SessionRunContext(_hooks.SessionRunArgs(fetches, feed_dict), self._sess)
        requests = [h.before_run(context) for h in self._hooks]
        values, extra = self._sess.run(
            [fetches, [_hooks.request_fetches(r) for r in requests]],
            feed_dict=_hooks.request_feeds(requests, feed_dict))
        for h, r, v in zip(self._hooks, requests, extra):
            h.after_run(context, _hooks.SessionRunValues(v if r is not None else None, None,
                                                         None))
        if context.stop_requested:
            self._stop = True
        return values

    def run_step_fn(self, step_fn):
        """Calls `step_fn(step_context)`; `step_context.run_with_hooks(...)` runs with the
        hooks, `step_context.session` is the raw Session."""
        monitored = self

        class _StepContext:
            session = self._sess

            @staticmethod
            def run_with_hooks(*args, **kwargs):
                return monitored.run(*args, **kwargs)

            @staticmethod
            def request_stop():
                monitored._stop = True
        return step_fn(_StepContext)

    def close(self):
        """Calls the hooks' `end` and closes the Session."""
        if self._closed:
            return
        try:
            for h in self._hooks:
                h.end(self._sess)
        finally:
            self._closed = True
            self._sess.close()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None or issubclass(exc_type, (OutOfRangeError, StopIteration)):
            self.close()
            return exc_type is not None  # the input ran out: a normal end
        self._closed = True
        self._sess.close()
        return False


class SingularMonitoredSession(MonitoredSession):
    """A MonitoredSession for one process, with `raw_session()`.

    Args:
      hooks: `SessionRunHook`s.
      scaffold: A Scaffold.
      master: Accepted for TF1 compatibility.
      config: Accepted for TF1 compatibility.
      checkpoint_dir: The directory to restore from.
      stop_grace_period_secs: Accepted for TF1 compatibility.
      checkpoint_filename_with_path: A checkpoint prefix to restore from.
    """

    def __init__(self, hooks=None, scaffold=None, master="", config=None, checkpoint_dir=None,
                 stop_grace_period_secs=120, checkpoint_filename_with_path=None):
        super().__init__(ChiefSessionCreator(scaffold, master, config, checkpoint_dir,
                                             checkpoint_filename_with_path), hooks)

    def raw_session(self):
        """The underlying Session."""
        return self._sess


def MonitoredTrainingSession(master="", is_chief=True, checkpoint_dir=None, scaffold=None,  # noqa: N802
                             hooks=None, chief_only_hooks=None,
                             save_checkpoint_secs=_USE_DEFAULT, save_summaries_steps=_USE_DEFAULT,
                             save_summaries_secs=_USE_DEFAULT, config=None,
                             stop_grace_period_secs=120, log_step_count_steps=100,
                             max_wait_secs=7200, save_checkpoint_steps=_USE_DEFAULT,
                             summary_dir=None, save_graph_def=True):
    """TF1's training session: a MonitoredSession that restores from and saves to
    `checkpoint_dir` (every 600 s by default, or `save_checkpoint_steps`) and writes
    summaries every 100 steps there (or to `summary_dir`).

    Args:
      master: Accepted for TF1 compatibility.
      is_chief: Accepted (every process is the chief here).
      checkpoint_dir: Where to restore from and save checkpoints and summaries (None: none).
      scaffold: A Scaffold.
      hooks: `SessionRunHook`s.
      chief_only_hooks: More hooks.
      save_checkpoint_secs: Seconds between checkpoints (default 600; None: only steps).
      save_summaries_steps: Steps between summaries (default 100).
      save_summaries_secs: Or seconds between summaries.
      config: Accepted for TF1 compatibility.
      stop_grace_period_secs: Accepted for TF1 compatibility.
      log_step_count_steps: Accepted for TF1 compatibility.
      max_wait_secs: Accepted for TF1 compatibility.
      save_checkpoint_steps: Steps between checkpoints (instead of seconds).
      summary_dir: The summaries' directory (default checkpoint_dir).
      save_graph_def: Accepted for TF1 compatibility.

    Returns:
      A `MonitoredSession`.
    """
    scaffold = scaffold or _hooks.Scaffold()
    all_hooks = list(chief_only_hooks or ()) + list(hooks or ())
    if save_checkpoint_steps is _USE_DEFAULT and save_checkpoint_secs is _USE_DEFAULT:
        save_checkpoint_steps, save_checkpoint_secs = None, 600
    elif save_checkpoint_steps is _USE_DEFAULT:
        save_checkpoint_steps = None
    elif save_checkpoint_secs is _USE_DEFAULT:
        save_checkpoint_secs = None
    if save_summaries_steps is _USE_DEFAULT and save_summaries_secs is _USE_DEFAULT:
        save_summaries_steps, save_summaries_secs = 100, None
    elif save_summaries_steps is _USE_DEFAULT:
        save_summaries_steps = None
    elif save_summaries_secs is _USE_DEFAULT:
        save_summaries_secs = None
    summary_dir = summary_dir or checkpoint_dir
    if summary_dir is not None and (save_summaries_steps or save_summaries_secs):
        all_hooks.append(SummarySaverHook(save_summaries_steps or None,
                                          None if save_summaries_steps else
                                          save_summaries_secs, output_dir=summary_dir,
                                          scaffold=scaffold))
    if checkpoint_dir is not None and (save_checkpoint_steps or save_checkpoint_secs):
        all_hooks.append(CheckpointSaverHook(
            checkpoint_dir, save_secs=None if save_checkpoint_steps else save_checkpoint_secs,
            save_steps=save_checkpoint_steps or None, scaffold=scaffold))
    return MonitoredSession(ChiefSessionCreator(scaffold, checkpoint_dir=checkpoint_dir),
                            all_hooks)


NAMES = {"MonitoredTrainingSession": MonitoredTrainingSession,
         "MonitoredSession": MonitoredSession,
         "SingularMonitoredSession": SingularMonitoredSession,
         "ChiefSessionCreator": ChiefSessionCreator, "NanTensorHook": NanTensorHook,
         "CheckpointSaverHook": CheckpointSaverHook, "SummarySaverHook": SummarySaverHook}
