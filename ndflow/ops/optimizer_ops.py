"""Fused optimizer updates: one op updates every variable of a model at once.

Updating a few hundred thousand parameters variable by variable costs a dozen small array
operations per variable; here the parameters and the slots (Adam's m and v) live in flat
buffers whose slices are the variables' values, and the update runs as a handful of NumPy
operations per cache-sized chunk of those buffers, reading each gradient where it lies
(no gathering copy) and writing into reused scratch chunks.

The buffers are updated in place, which is only safe while nothing but the variables sees
them: a value read before the step (an EagerTensor, a NumPy view, a tf.function output)
must keep its numbers, as with any assign. So before each step every buffer checks that
its variables still hold exactly the views it gave them and that no other reference to
the buffer or a view of it exists (CPython reference counts); if one does, that buffer is
copied first and the variables re-pointed at the copy (copy on write), leaving the escaped
value untouched. Where reference counts are not reliable (no sys.getrefcount, or a
free-threaded build) every step copies.

The arithmetic is the per-variable rule's (ndflow/ops/update_rules.py), operation for
operation and element by element, so both paths give the same float32 results. With Numba
(`ndflow.util.jit`) the update is one compiled loop per variable that reads g, m, v, p once
and writes m, v, p once, instead of about eleven NumPy passes; without it, the NumPy passes
run chunk by chunk. Both split large buffers across the cores (`ndflow.util.parallel`).
"""
import sys

import numpy as np

from ..framework.errors import InvalidArgumentError
from ..framework.registry import execute, op
from ..util import jit, parallel

# Elements per update chunk: six float32 operands of 128 KiB stay in a 2 MiB L2 cache,
# which measured 35-46% faster than whole-buffer passes on W4/W5's 267k/422k parameters.
CHUNK = 32768
# Elements below which an update runs on one core: the NumPy passes split at
# parallel.split's break-even size; the compiled loop, a memory-bound single pass (~0.4 ns
# an element), only for variables of a million elements or more, where a second core's
# memory bandwidth can outweigh handing a piece to it (on W4's 235k-element kernel it
# would save at most ~45 of its ~90 us).
SPLIT_ITEMS = parallel.MIN_ITEMS
SPLIT_ITEMS_COMPILED = 1 << 19

_getrefcount = getattr(sys, "getrefcount", None)
if getattr(sys, "_is_gil_enabled", lambda: True)() is False:
    _getrefcount = None  # deferred reference counting: counts cannot prove exclusivity


class FlatBuffer:
    """One flat array whose slices are the values of a list of variables."""

    def __init__(self, variables, offsets, shapes):
        self.variables = variables
        self.offsets = offsets
        self.shapes = shapes
        self.flat = None
        self.views = []
        self._baseline = None
        self.copies = 0  # how many steps had to copy (first step, escaped values, assigns)

    def _counts(self):
        return [_getrefcount(self.flat)] + [_getrefcount(v) for v in self.views]

    def _exclusive(self, store):
        if self.flat is None or _getrefcount is None:
            return False
        # (no loop variable may outlive the check: it would hold a view and change a count)
        if not all(store.read(var) is view for var, view in zip(self.variables, self.views)):
            return False  # assigned from elsewhere since the last step
        return self._counts() == self._baseline

    def writable(self, store):
        """The flat buffer, safe to update in place (a fresh copy when it was shared)."""
        if not self._exclusive(store):
            self.flat = np.concatenate([np.ravel(store.read(v)) for v in self.variables])
            self.views = [self.flat[a:b].reshape(shape) for a, b, shape in
                          zip(self.offsets, self.offsets[1:], self.shapes)]
            self._point(store)
            self._baseline = self._counts() if _getrefcount is not None else None
            self.copies += 1
        return self.flat

    def _point(self, store):
        for var, view in zip(self.variables, self.views):
            store.write(var, view)


class FlatState:
    """Flat buffers for the variables of one fused update and their slots."""

    def __init__(self, variables, slot_lists):
        self.variables = list(variables)
        self.sizes = [int(np.prod(v.shape.as_list())) for v in self.variables]
        self.offsets = np.cumsum([0] + self.sizes).tolist()
        self.shapes = [tuple(v.shape.as_list()) for v in self.variables]
        self.dtype = self.variables[0].dtype._np
        self.params = FlatBuffer(self.variables, self.offsets, self.shapes)
        self.slot_buffers = [FlatBuffer(list(s), self.offsets, self.shapes)
                             for s in slot_lists]
        self.chunks = _chunk_plan(self.offsets, CHUNK)
        self._width = max((hi - lo for lo, hi, _ in self.chunks), default=0)
        # first chunk of a piece of the update -> its scratch rows
        self._scratch = {0: np.empty((3, self._width), self.dtype)}

    def scratch(self, first):
        """Reused scratch rows (step, denominator, gathered gradients) for the piece of the
        update that starts at chunk `first` (each thread of a split update has its own)."""
        rows = self._scratch.get(first)
        if rows is None:
            rows = self._scratch[first] = np.empty((3, self._width), self.dtype)
        return rows

    def chunk_grads(self, flats, first, last, gathered):
        """Yields (lo, hi, pieces, gradient chunk) for chunks first..last-1 (`pieces` as in
        `_chunk_plan`): slices of the flat gradients themselves, gathered into `gathered`
        only where a chunk spans several small variables."""
        for lo, hi, pieces in self.chunks[first:last]:
            if len(pieces) == 1:
                i, a, b = pieces[0]
                yield lo, hi, pieces, flats[i][a:b]
            else:
                yield lo, hi, pieces, np.concatenate([flats[i][a:b] for i, a, b in pieces],
                                                     out=gathered[:hi - lo])


def _chunk_plan(offsets, chunk):
    """[(lo, hi, [(variable, start, stop), ...])]: the flat range in chunks of at most
    `chunk` elements, each broken at variable boundaries only when they fall inside it."""
    plan, total = [], offsets[-1]
    for lo in range(0, total, chunk):
        hi = min(lo + chunk, total)
        pieces = [(i, max(a, lo) - a, min(b, hi) - a)
                  for i, (a, b) in enumerate(zip(offsets, offsets[1:])) if a < hi and b > lo]
        plan.append((lo, hi, pieces))
    return plan


@op("FusedAdamUpdate", uses_store=True, side_effect=True, differentiable=False,
    infer=lambda ts, a: [])
def FUSED_ADAM(xp, store, *inputs, state, beta_1, beta_2, epsilon, decays=None,
               weight_decay=None):
    n = len(state.variables)
    grads, (lr, beta1_power, beta2_power) = inputs[:n], inputs[n:]
    m_flat, v_flat = (b.writable(store) for b in state.slot_buffers)
    p_flat = state.params.writable(store)
    alpha = lr * xp.sqrt(1.0 - beta2_power) / (1.0 - beta1_power)
    # float32 scalars: the NumPy passes cast Python floats to the arrays' float32 (NEP 50)
    dtype = state.dtype.type
    c1, c2, eps, alpha = dtype(1.0 - beta_1), dtype(1.0 - beta_2), dtype(epsilon), dtype(alpha)
    # AdamW: p - p * (lr * weight_decay) first, as update_rules.decoupled_weight_decay does
    decay = dtype(lr * weight_decay) if decays else dtype(0.0)
    decays = decays if decays and any(decays) else None
    flats = _checked_flats(xp, state, grads)
    if xp is np and jit.enabled():
        _adam_compiled(state.offsets, flats, m_flat, v_flat, p_flat, c1, c2, eps, alpha,
                       decays or (False,) * n, decay)
        return

    def update(first, last):  # chunks first..last-1, on this piece's own scratch
        step_, denom_, gathered = state.scratch(first)
        for lo, hi, pieces, g in state.chunk_grads(flats, first, last, gathered):
            m, v, p = m_flat[lo:hi], v_flat[lo:hi], p_flat[lo:hi]
            step, denom = step_[:hi - lo], denom_[:hi - lo]
            for i, a, b in pieces if decays else ():
                if decays[i]:                 # p - p * decay
                    start = state.offsets[i] + a
                    piece = p_flat[start:start + b - a]
                    xp.multiply(piece, decay, out=step[:b - a])
                    piece -= step[:b - a]
            xp.subtract(g, m, out=step)       # m + (g - m) * (1 - beta_1)
            step *= c1
            m += step
            xp.square(g, out=step)            # v + (g^2 - v) * (1 - beta_2)
            step -= v
            step *= c2
            v += step
            xp.sqrt(v, out=denom)             # p - m * alpha / (sqrt(v) + epsilon)
            denom += eps
            xp.multiply(m, alpha, out=step)
            step /= denom
            p -= step

    _split_chunks(state, update)


@jit.kernel
def _adam_loop(g, m, v, p, c1, c2, epsilon, alpha, decayed, decay):
    """The Adam rule in one pass over one variable's gradient and slices, in place (AdamW's
    decay first where `decayed`): the NumPy passes' float32 operations in their order,
    element by element."""
    for i in range(g.size):
        gi = g[i]
        mi = m[i] + (gi - m[i]) * c1
        vi = v[i] + (gi * gi - v[i]) * c2
        m[i] = mi
        v[i] = vi
        pi = p[i]
        if decayed:
            pi = pi - pi * decay
        # np.divide rather than `/`: Numba's `/` tests for a zero divisor (to raise
        # ZeroDivisionError), which keeps the loop from vectorising; the ufunc divides as
        # IEEE and NumPy do
        p[i] = pi - np.divide(mi * alpha, np.sqrt(vi) + epsilon)


def _adam_compiled(offsets, flats, m_flat, v_flat, p_flat, c1, c2, epsilon, alpha, decays,
                   decay):
    """`_adam_loop` over each variable's slices; a large variable is split across cores."""
    for g, lo, hi, decayed in zip(flats, offsets, offsets[1:], decays):
        _split(lambda a, b, g=g, m=m_flat[lo:hi], v=v_flat[lo:hi], p=p_flat[lo:hi], d=decayed:
               _adam_loop(g[a:b], m[a:b], v[a:b], p[a:b], c1, c2, epsilon, alpha, d, decay),
               hi - lo, SPLIT_ITEMS_COMPILED)


def _checked_flats(xp, state, grads):
    """The gradients as flat arrays, each of its variable's size (the loops trust sizes)."""
    flats = [xp.ravel(g) for g in grads]
    if any(g.size != size for g, size in zip(flats, state.sizes)):
        raise InvalidArgumentError(
            f"Fused optimizer update: each gradient must have its variable's shape. "
            f"Received: gradient shapes {[tuple(g.shape) for g in grads]} for variable "
            f"shapes {state.shapes}")
    return flats


def _split(fn, n, min_size):
    """fn(start, stop) over range(n): in pieces across the cores when n is large."""
    if parallel.pieces(n, min_size) == 1:
        fn(0, n)
    else:
        parallel.split(fn, n, min_size)


def _split_chunks(state, update):
    """update(first, last) over the state's chunks, in pieces across the cores when the
    buffer is large."""
    count, min_chunks = len(state.chunks), max(1, SPLIT_ITEMS // CHUNK)
    if parallel.pieces(count, min_chunks) == 1:
        update(0, count)
    else:
        parallel.split(update, count, min_chunks)


def fused_adam(state, grads, lr, beta_1, beta_2, epsilon, beta1_power, beta2_power,
               decays=None, weight_decay=None):
    """Adam over every variable of `state` at once; with `decays` (a bool per variable) and
    `weight_decay`, AdamW's decoupled decay first on the variables marked."""
    return execute(FUSED_ADAM, tuple(grads) + (lr, beta1_power, beta2_power),
                   {"state": state, "beta_1": beta_1, "beta_2": beta_2, "epsilon": epsilon,
                    "decays": decays, "weight_decay": weight_decay})
