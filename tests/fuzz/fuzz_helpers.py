"""Shared pieces of the fuzz suite: byte mutations, the outcome check, memory bound."""
import os
import tracemalloc
import warnings

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from ndflow.framework.errors import OpError

# Every loader's fuzz test runs this many mutants, derandomized (the same cases every run).
EXAMPLES = int(os.environ.get("NDFLOW_FUZZ_EXAMPLES", "100"))
PEAK_BYTES = 64 << 20   # Python/NumPy allocations while loading one mutant stay below this

FUZZ = settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                suppress_health_check=list(HealthCheck), print_blob=False)

OUTCOMES = {}           # loader -> {"clear error": n, "identical load": n, ...}, for the note


def record(loader, outcome):
    counts = OUTCOMES.setdefault(loader, {})
    counts[outcome] = counts.get(outcome, 0) + 1


def mutations(size):
    """A strategy of 1 to 3 byte-level edits of a file of `size` bytes."""
    position = st.integers(0, max(size - 1, 0))
    edit = st.one_of(
        st.tuples(st.just("flip"), position, st.integers(1, 255)),          # xor one byte
        st.tuples(st.just("set"), position, st.binary(min_size=1, max_size=8)),
        st.tuples(st.just("truncate"), position, st.just(b"")),
        st.tuples(st.just("insert"), position, st.binary(min_size=1, max_size=16)),
        st.tuples(st.just("delete"), position, st.integers(1, 64)),
        st.tuples(st.just("big"), position, st.sampled_from(
            [b"\xff" * 8, b"\x7f\xff\xff\xff", (1 << 40).to_bytes(8, "little"),
             b"\x00" * 8, (2 ** 31 - 1).to_bytes(4, "big")])),
    )
    return st.lists(edit, min_size=1, max_size=3)


def mutate(data, edits):
    data = bytearray(data)
    for kind, at, arg in edits:
        at = min(at, max(len(data) - 1, 0))
        if kind == "flip" and data:
            data[at] ^= arg
        elif kind in ("set", "big"):
            data[at:at + len(arg)] = arg
        elif kind == "truncate":
            del data[at:]
        elif kind == "insert":
            data[at:at] = arg
        elif kind == "delete":
            del data[at:at + arg]
    return bytes(data)


def run_bounded(load):
    """(result, exception, peak bytes) of `load()`, with warnings captured."""
    tracemalloc.start()
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                result, error = load(), None
            except Exception as e:  # noqa: BLE001 - classified by the caller
                result, error = None, e
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return result, error, peak, caught


def assert_clear_error(error, path, allowed=()):
    """A documented ndflow error (or one of `allowed`) whose message names the file."""
    assert isinstance(error, (OpError,) + tuple(allowed)), \
        f"{type(error).__name__} is not a documented error: {error}"
    name = os.path.basename(str(path))
    assert name in str(error), f"the message does not name {name}: {error}"


def listing(*directories):
    return {d: sorted(os.listdir(d)) for d in directories}
