"""Trials on a Dask cluster: each trial one task, the oracle stays with the chief.

    from dask.distributed import Client
    client = Client("tcp://scheduler:8786")            # or Client(LocalCluster(...))
    tuner = kt.RandomSearch(build_model, "val_accuracy", max_trials=20, executor=client)
    tuner.search(x, y, epochs=5, validation_split=0.2)

or `tuner.search(..., distribution="dask")`, which uses the Client already in scope
(`dask.distributed.default_client()`) or starts a LocalCluster with one worker process per
core. The chief keeps the oracle and writes every trial's JSON state; workers write
checkpoints into the trial directories, so chief and workers must share the project's
file system (a cluster's shared home or scratch directory).

A worker process runs one trial at a time: ndflow's runtime state (default graph, tapes,
seeds) is per process, so two trials in one process's threads would share it. Each trial is
therefore pinned to a worker that has no trial running, whatever its thread count.
"""
from .executors import TrialExecutor


def _distributed():
    try:
        import dask.distributed as distributed
    except ImportError as error:
        raise ImportError("Dask trials need dask.distributed: pip install 'ndflow[dask]'"
                          ) from error
    return distributed


def is_dask_client(value):
    """Whether `value` is a dask.distributed.Client (without importing Dask)."""
    return any(c.__module__.startswith("distributed") and c.__name__ == "Client"
               for c in type(value).__mro__)


class DaskExecutor(TrialExecutor):
    """Runs trials as tasks of a `dask.distributed.Client`, one per worker at a time.

    Args:
      client: a `dask.distributed.Client`. None: the default client in scope, else a new
        `LocalCluster` (closed again by `shutdown()`).
      n_workers: workers of that LocalCluster (default: one per core).
    """

    def __init__(self, client=None, n_workers=None):
        distributed = _distributed()
        self._own_cluster = None
        if client is None:
            try:
                client = distributed.default_client()
            except ValueError:  # no client in scope: start a local cluster
                self._own_cluster = distributed.LocalCluster(
                    n_workers=n_workers, threads_per_worker=1, processes=True,
                    dashboard_address=None)
                client = distributed.Client(self._own_cluster)
        elif not is_dask_client(client):
            raise TypeError(f"DaskExecutor: client must be a dask.distributed.Client. "
                            f"Received: {client!r}")
        self.client = client
        self._wait = distributed.wait
        self._busy = {}  # future -> address of the worker running it

    @property
    def max_workers(self):
        return max(1, len(self._workers()))

    def _workers(self):
        return sorted(self.client.scheduler_info()["workers"])

    def submit(self, fn, *args):
        busy = set(self._busy.values())
        idle = [w for w in self._workers() if w not in busy]
        if not idle:
            raise RuntimeError("DaskExecutor: every worker is running a trial; wait for one "
                               "with wait_first() before submitting another.")
        # loose pinning: should that worker die, Dask may rerun the trial elsewhere
        future = self.client.submit(fn, *args, workers=[idle[0]], allow_other_workers=True,
                                    pure=False)
        self._busy[future] = idle[0]
        return future

    def wait_first(self, futures):
        done = self._wait(list(futures), return_when="FIRST_COMPLETED").done
        for future in done:
            self._busy.pop(future, None)
        return done

    def shutdown(self):
        for future in list(self._busy):
            future.cancel()
        self._busy.clear()
        if self._own_cluster is not None:
            self.client.close()
            self._own_cluster.close()
            self._own_cluster = None
