"""Where trials run. The tuner talks to an executor through three calls only —
`submit(fn, *args)`, `wait_first(futures)`, `shutdown()` — so a cluster engine (Ray, Dask,
an MPI pool...) can replace the local process pool by providing the same three.

`fn` and its arguments are plain picklable Python (the tuner, a trial's JSON state, the
fit arguments); the result is a small dict of metrics. Checkpoints are written by the
worker into the trial's directory, so workers and the parent must share a file system.
"""
import concurrent.futures
import multiprocessing


class TrialExecutor:
    """Base class of the engines that run trials (in this process, in threads or on Dask).

    Subclasses implement `submit(fn, *args)` returning a future, `wait_first(futures)` and
    `shutdown()`; `max_workers` says how many trials run at once.
    """
    max_workers = 1

    def submit(self, fn, *args):
        raise NotImplementedError

    def wait_first(self, futures):
        """Blocks until at least one of `futures` is done; returns the done ones."""
        raise NotImplementedError

    def shutdown(self):
        pass


class LocalProcessExecutor(TrialExecutor):
    """Trials in worker processes on this machine (spawned, so no BLAS thread or lock state
    is inherited from the parent)."""

    def __init__(self, max_workers=2):
        self.max_workers = int(max_workers)
        self._pool = concurrent.futures.ProcessPoolExecutor(
            max_workers=self.max_workers, mp_context=multiprocessing.get_context("spawn"))

    def submit(self, fn, *args):
        return self._pool.submit(fn, *args)

    def wait_first(self, futures):
        done, _ = concurrent.futures.wait(list(futures),
                                          return_when=concurrent.futures.FIRST_COMPLETED)
        return done

    def shutdown(self):
        self._pool.shutdown(wait=True, cancel_futures=True)
