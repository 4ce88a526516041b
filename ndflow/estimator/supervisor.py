"""tf.train.Supervisor: TF1's training-session manager before MonitoredTrainingSession.

    sv = tf.train.Supervisor(logdir="/tmp/model")
    with sv.managed_session() as sess:
        for step in range(1000):
            if sv.should_stop():
                break
            sess.run(train_op)

`managed_session` gives a Session whose variables are restored from the newest checkpoint in
`logdir`, or initialized when there is none; it starts the graph's queue runners and, with a
`logdir`, the standard services: a thread saving `logdir/model.ckpt-<global step>` every
`save_model_secs` and one writing `summary_op` every `save_summaries_secs` (the first of
each before the session is handed out; TensorFlow's threads make it soon after). Leaving the block stops and joins the
threads; an OutOfRangeError inside it (the input ran out) ends it quietly.
"""
import contextlib
import os
import threading

from ..compat import v1 as _tf1
from ..compat.queues import QUEUE_RUNNERS, Coordinator
from ..framework.errors import OutOfRangeError
from . import hooks as _hooks
from .monitored_session import ChiefSessionCreator


class _Timer(threading.Thread):
    """Calls `fn()` every `interval` seconds until the coordinator stops (the caller makes
    the first call itself, so it has happened when the session is handed out)."""

    def __init__(self, coord, interval, fn):
        super().__init__(daemon=True)
        self._coord, self._interval, self._fn = coord, interval, fn

    def run(self):
        with self._coord.stop_on_exception():
            while not self._coord.wait_for_stop(self._interval):
                self._fn()


class Supervisor:
    """Initializes or restores a session, runs queue runners, checkpoints and summaries.

    Args:
      graph: The graph (default: the default graph).
      ready_op: Accepted for TF1 compatibility.
      is_chief: Accepted (every process is the chief here).
      init_op: Op initializing the variables (default: global_variables_initializer; None:
        none).
      init_feed_dict: Feeds for `init_op`.
      local_init_op: Op initializing local variables and tables (default:
        local_variables_initializer).
      logdir: Directory for checkpoints and summaries (None: neither is written).
      summary_op: The summary op the summary thread runs (default: merge_all; None: none).
      saver: The Saver (default: the graph's, else a Saver of all variables; None: no
        checkpoints).
      global_step: The global step tensor (default: the graph's).
      save_summaries_secs: Seconds between summaries (None or 0: none).
      save_model_secs: Seconds between checkpoints (None or 0: none).
      recovery_wait_secs, stop_grace_secs: Accepted for TF1 compatibility.
      checkpoint_basename: The checkpoints' file prefix in `logdir`.
      session_manager: Accepted for TF1 compatibility.
      summary_writer: A FileWriter (default: one on `logdir`).
      init_fn: Called as `init_fn(sess)` after `init_op` when nothing was restored.
      local_init_run_options: Accepted for TF1 compatibility.
    """

    USE_DEFAULT = 0

    def __init__(self, graph=None, ready_op=USE_DEFAULT, ready_for_local_init_op=USE_DEFAULT,
                 is_chief=True, init_op=USE_DEFAULT, init_feed_dict=None,
                 local_init_op=USE_DEFAULT, logdir=None, summary_op=USE_DEFAULT,
                 saver=USE_DEFAULT, global_step=USE_DEFAULT, save_summaries_secs=120,
                 save_model_secs=600, recovery_wait_secs=30, stop_grace_secs=120,
                 checkpoint_basename="model.ckpt", session_manager=None,
                 summary_writer=USE_DEFAULT, init_fn=None, local_init_run_options=None):
        from ..framework.graph import get_default_graph
        self._graph = graph or get_default_graph()
        default = self.USE_DEFAULT
        with self._graph.as_default():
            if saver is default:
                found = self._graph.get_collection("savers")
                saver = found[0] if found else _tf1.train.Saver(allow_empty=True)
            if global_step is default:
                global_step = _tf1.train.get_global_step(self._graph)
            if summary_op is default:
                summary_op = _tf1.summary.merge_all()
            if init_op is default:
                init_op = _tf1.global_variables_initializer()
            elif init_op is None:
                init_op = _tf1.no_op()
            if summary_writer is default:
                summary_writer = logdir and _tf1.summary.FileWriter(logdir, self._graph)
        self._saver, self._global_step, self._summary_op = saver, global_step, summary_op
        self._summary_writer, self._logdir, self._is_chief = summary_writer, logdir, is_chief
        self._save_path = logdir and os.path.join(logdir, checkpoint_basename)
        self._save_model_secs, self._save_summaries_secs = save_model_secs, save_summaries_secs
        self._scaffold = _hooks.Scaffold(
            init_op=init_op, init_feed_dict=init_feed_dict,
            init_fn=init_fn and (lambda scaffold, sess: init_fn(sess)),
            local_init_op=None if local_init_op is default else local_init_op,
            saver=saver or None)
        self._coord = Coordinator()
        self._threads = []

    # --- what TF1 programs read off a Supervisor -------------------------------------------
    saver = property(lambda self: self._saver)
    global_step = property(lambda self: self._global_step)
    summary_op = property(lambda self: self._summary_op)
    summary_writer = property(lambda self: self._summary_writer)
    coord = property(lambda self: self._coord)
    logdir = property(lambda self: self._logdir)
    is_chief = property(lambda self: self._is_chief)
    save_path = property(lambda self: self._save_path)
    save_model_secs = property(lambda self: self._save_model_secs)
    save_summaries_secs = property(lambda self: self._save_summaries_secs)

    def prepare_or_wait_for_session(self, master="", config=None, wait_for_checkpoint=False,
                                    max_wait_secs=7200, start_standard_services=True):
        """A Session restored from `logdir` or initialized, with queue runners started."""
        with self._graph.as_default():
            sess = ChiefSessionCreator(self._scaffold, checkpoint_dir=self._logdir
                                       if self._saver else None).create_session()
        if start_standard_services:
            self.start_standard_services(sess)
        self.start_queue_runners(sess)
        return sess

    def start_standard_services(self, sess):
        """Starts the checkpoint and summary threads (only with a `logdir`)."""
        if not self._logdir:
            return []
        threads = []
        if self._saver and self._save_model_secs:
            threads.append(_Timer(self._coord, self._save_model_secs,
                                  lambda: self.saver.save(sess, self._save_path,
                                                          global_step=self._global_step)))
        if self._summary_op is not None and self._summary_writer and self._save_summaries_secs:
            threads.append(_Timer(self._coord, self._save_summaries_secs,
                                  lambda: self._write_summary(sess)))
        for t in threads:
            t._fn()
            t.start()
        self._threads += threads
        return threads

    def _write_summary(self, sess):
        fetches = [self._summary_op] + ([self._global_step] if self._global_step is not None
                                        else [])
        values = sess.run(fetches)
        self.summary_computed(sess, values[0], values[1] if len(values) > 1 else None)

    def start_queue_runners(self, sess, queue_runners=None):
        """Starts the graph's queue runners (or `queue_runners`) under this coordinator."""
        runners = queue_runners if queue_runners is not None else \
            self._graph.get_collection(QUEUE_RUNNERS)
        threads = []
        for qr in runners:
            threads += qr.create_threads(sess, self._coord, daemon=True, start=True)
        self._threads += threads
        return threads

    def summary_computed(self, sess, summary, global_step=None):
        """Writes a computed summary to the summary writer."""
        if self._summary_writer is None:
            raise RuntimeError("Supervisor.summary_computed needs a summary writer: give the "
                               "Supervisor a logdir or a summary_writer.")
        if global_step is None and self._global_step is not None:
            global_step = sess.run(self._global_step)
        self._summary_writer.add_summary(summary, global_step)

    def loop(self, timer_interval_secs, target, args=None, kwargs=None):
        """Runs `target(*args, **kwargs)` every `timer_interval_secs` in a thread."""
        t = _Timer(self._coord, timer_interval_secs, lambda: target(*(args or ()),
                                                                    **(kwargs or {})))
        t._fn()
        t.start()
        self._threads.append(t)
        return t

    def should_stop(self):
        return self._coord.should_stop()

    def request_stop(self, ex=None):
        self._coord.request_stop(ex)

    def stop(self, threads=None, close_summary_writer=True, ignore_live_threads=False):
        """Stops and joins the threads (re-raising a thread's error), then closes the writer."""
        self._coord.request_stop()
        try:
            self._coord.join(self._threads + list(threads or []))
        finally:
            self._threads = []
            if close_summary_writer and self._summary_writer:
                self._summary_writer.close()

    @contextlib.contextmanager
    def managed_session(self, master="", config=None, start_standard_services=True,
                        close_summary_writer=True):
        """A context manager giving a prepared Session; see the module docstring."""
        sess = self.prepare_or_wait_for_session(master, config,
                                                start_standard_services=start_standard_services)
        try:
            yield sess
        except OutOfRangeError:
            pass  # the input ran out: the loop is over
        except Exception as err:
            self._coord.request_stop(err)
        finally:
            try:
                self.stop(close_summary_writer=close_summary_writer)
            finally:
                sess.close()


NAMES = {"Supervisor": Supervisor}
