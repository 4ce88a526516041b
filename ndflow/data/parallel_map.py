"""`Dataset.map(num_parallel_calls=...)`: the traced function's compiled plan runs on
several elements at once, in a pool of worker threads.

NumPy kernels release the GIL on large arrays (decoding, resizing, big arithmetic), so
threads pay for heavy elements; small elements spend their time in the Python
interpreter, which runs one thread at a time, and threads only add hand-off costs. So
whether threads pay is measured on each pass: the first elements run in the calling
thread, then a window runs in the pool, and the faster way runs the rest.

The source iterator is only read in the calling thread. Workers run chunks of consecutive
elements (sized to take about CHUNK_SECONDS each) so the hand-off cost is shared. Output
order is the input order unless the pipeline is nondeterministic (`deterministic=False`
or `tf.data.Options().deterministic = False`); an error surfaces at its element, after
the elements before it, as it does without threads.

Compiled plans are safe to run from several threads: their kernels read only their
inputs, their bound attributes and the variable store, never the graph-building state of
`framework.context.state`. Two kinds of op are kept out of the pool:
- ops whose kernels run the user's Python on eager tensors (`tf.py_function`): they
  switch `state.building` and record on `state.tapes`, which are process-wide, not per
  thread; such functions always run in the calling thread;
- ops drawing random numbers or with side effects (assignments, prints): in the pool they
  would run in a scheduling-dependent order, so they run there only when the pipeline is
  nondeterministic (TensorFlow leaves their order unspecified too).
"""
import collections
import concurrent.futures as futures
import os
import time

from .dataset import AUTOTUNE

PROBE_ELEMENTS = 16        # run in the calling thread first, to time one element
MIN_ELEMENT_SECONDS = 2e-5  # below this per element the interpreter dominates: no threads
CHUNK_SECONDS = 2e-3       # work handed to a worker at a time
MAX_CHUNK = 256
TRIAL_CHUNKS = 4           # chunks per worker in the parallel trial window
GAIN = 1.1                 # parallel must be this much faster than sequential to stay

SAFE, ORDERED, UNSAFE = "safe", "ordered", "unsafe"
_PYTHON_EAGER_OPS = {"EagerPyFunc", "EagerPyFuncGrad"}


def worker_count(num_parallel_calls):
    """Worker threads for `num_parallel_calls` (AUTOTUNE: one per CPU core)."""
    cores = os.cpu_count() or 1
    if num_parallel_calls is None:
        return 1
    if num_parallel_calls == AUTOTUNE:
        return cores
    return max(1, int(num_parallel_calls))


def _ops_of(graph, seen):
    """The ops of `graph` and of the graphs its control-flow ops hold."""
    for operation in graph.get_operations():
        yield operation
        for value in operation.attrs.values():
            items = value if isinstance(value, (list, tuple)) else (value,)
            for item in items:
                inner = getattr(item, "graph", item)
                if hasattr(inner, "get_operations") and id(inner) not in seen:
                    seen.add(id(inner))
                    yield from _ops_of(inner, seen)


def thread_safety(function):
    """SAFE, ORDERED (draws random numbers or has side effects) or UNSAFE (runs Python
    on eager tensors, or the function runs eagerly in debug mode) for a
    StructuredFunction."""
    concrete = getattr(function, "concrete", None)
    if concrete is None:
        return UNSAFE
    kind = SAFE
    for operation in _ops_of(concrete.graph, set()):
        op_def = operation.op_def
        if op_def.name in _PYTHON_EAGER_OPS or (
                op_def.name == "PyFuncEffect" and operation.attrs.get("eager")):
            return UNSAFE
        if op_def.needs_rng or op_def.side_effect:
            kind = ORDERED
    return kind


def _run_chunk(function, items):
    """(results, error): the outputs of the items before the first failure, and it."""
    results = []
    for index, element in items:
        try:
            results.append(tuple(function(element, index)))
        except BaseException as e:  # noqa: BLE001 - re-raised in the consumer, in order
            return results, e
    return results, None


def _sequential(function, indexed):
    for index, element in indexed:
        yield tuple(function(element, index))


def parallel_map(function, source, workers, deterministic):
    """Yields `function(element, index)` for the elements of `source`, using up to
    `workers` threads where that is measured to be faster."""
    indexed = enumerate(source)
    clock = time.perf_counter
    spent = 0.0  # in the function
    count = 0
    for index, element in indexed:
        start = clock()
        out = tuple(function(element, index))
        spent += clock() - start
        yield out
        count += 1
        if count == 1:
            first = clock()  # wall time from here on includes the consumer's
        if count >= PROBE_ELEMENTS:
            break
    else:
        return
    per_element = spent / count
    if workers <= 1 or per_element < MIN_ELEMENT_SECONDS:
        yield from _sequential(function, indexed)
        return
    sequential_rate = (count - 1) / max(clock() - first, 1e-9)
    chunk = int(min(MAX_CHUNK, max(1, CHUNK_SECONDS / per_element)))
    yield from _pooled(function, indexed, workers, chunk, deterministic, sequential_rate)


def _pooled(function, indexed, workers, chunk, deterministic, sequential_rate):
    pool = futures.ThreadPoolExecutor(workers, thread_name_prefix="ndflow-map")
    pending = collections.deque()
    exhausted = False

    def submit():
        nonlocal exhausted
        items, error = [], None
        try:
            for item in indexed:
                items.append(item)
                if len(items) >= chunk:
                    break
        except Exception as e:  # noqa: BLE001 - the input's error, after its elements
            error = e
        if items:
            pending.append(pool.submit(_run_chunk, function, items))
        if error is not None:
            failed = futures.Future()
            failed.set_result(([], error))
            pending.append(failed)
        if error is not None or not items:
            exhausted = True
            return False
        return True

    def next_chunk():
        if deterministic:
            return pending.popleft().result()
        done, _ = futures.wait(pending, return_when=futures.FIRST_COMPLETED)
        first = next(iter(done))
        pending.remove(first)
        return first.result()

    try:
        window = 2 * workers
        while len(pending) < window and submit():
            pass
        trial = TRIAL_CHUNKS * workers  # chunks timed before deciding to keep the pool
        started, produced = time.perf_counter(), 0
        while pending:
            results, error = next_chunk()
            if not exhausted:
                submit()
            yield from results
            if error is not None:
                raise error
            produced += len(results)
            if trial:
                trial -= 1
                if not trial:
                    rate = produced / max(time.perf_counter() - started, 1e-9)
                    if rate < GAIN * sequential_rate:
                        break  # threads do not pay here: drain in order, then sequential
        while pending:
            results, error = next_chunk()
            yield from results
            if error is not None:
                raise error
        yield from _sequential(function, indexed)
    finally:
        for f in pending:
            f.cancel()
        pool.shutdown(wait=False, cancel_futures=True)
