"""Fused optimizer updates: one op updates every variable of a model at once.

Updating a few hundred thousand parameters variable by variable costs a dozen small array
operations per variable; here the gradients are gathered into one flat buffer and the
update runs as a handful of whole-buffer NumPy operations. The slots (Adam's m and v) live
in flat buffers whose slices are the slot variables' values; each step writes the
parameters into a fresh flat buffer whose slices become the variables' new values, so a
value read before the step keeps its numbers (as with any assign).

The arithmetic is the per-variable rule's (ndflow/ops/update_rules.py), operation for
operation, so both paths give the same float32 results.
"""
import numpy as np

from ..framework.registry import execute, op


class FlatState:
    """Flat buffers for the variables of one fused update and their slots."""

    def __init__(self, variables, slot_lists):
        self.variables = list(variables)
        self.slot_lists = [list(s) for s in slot_lists]  # one list of slot Variables per kind
        self.sizes = [int(np.prod(v.shape.as_list())) for v in self.variables]
        self.offsets = np.cumsum([0] + self.sizes).tolist()
        self.shapes = [tuple(v.shape.as_list()) for v in self.variables]
        self.dtype = self.variables[0].dtype._np
        self.slot_flats = [None] * len(self.slot_lists)
        self.params = None
        self.grads = np.empty(self.offsets[-1], self.dtype)

    def _views(self, flat):
        return [flat[a:b].reshape(shape) for a, b, shape in
                zip(self.offsets, self.offsets[1:], self.shapes)]

    def slots(self, store):
        """The flat slot buffers, re-gathered if a slot was assigned from elsewhere."""
        for k, slot_vars in enumerate(self.slot_lists):
            flat = self.slot_flats[k]
            if flat is None or any(store.read(s).base is not flat for s in slot_vars):
                flat = np.concatenate([np.ravel(store.read(s)) for s in slot_vars])
                for s, view in zip(slot_vars, self._views(flat)):
                    store.write(s, view)
                self.slot_flats[k] = flat
        return self.slot_flats

    def current_params(self, store):
        flat = self.params
        if flat is None or any(store.read(v).base is not flat for v in self.variables):
            flat = np.concatenate([np.ravel(store.read(v)) for v in self.variables])
        return flat

    def gather(self, grads):
        return np.concatenate([np.ravel(g) for g in grads], out=self.grads)

    def set_params(self, store, flat):
        self.params = flat
        for v, view in zip(self.variables, self._views(flat)):
            store.write(v, view)


@op("FusedAdamUpdate", uses_store=True, side_effect=True, differentiable=False,
    infer=lambda ts, a: [])
def FUSED_ADAM(xp, store, *inputs, state, beta_1, beta_2, epsilon):
    n = len(state.variables)
    grads, (lr, beta1_power, beta2_power) = inputs[:n], inputs[n:]
    g = state.gather(grads)
    m, v = state.slots(store)
    alpha = lr * xp.sqrt(1.0 - beta2_power) / (1.0 - beta1_power)
    step = xp.subtract(g, m)          # m + (g - m) * (1 - beta_1)
    step *= 1.0 - beta_1
    m += step
    xp.square(g, out=step)            # v + (g^2 - v) * (1 - beta_2)
    step -= v
    step *= 1.0 - beta_2
    v += step
    denom = xp.sqrt(v)                # m * alpha / (sqrt(v) + epsilon)
    denom += epsilon
    xp.multiply(m, alpha, out=step)
    step /= denom
    state.set_params(store, xp.subtract(state.current_params(store), step))


def fused_adam(state, grads, lr, beta_1, beta_2, epsilon, beta1_power, beta2_power):
    return execute(FUSED_ADAM, tuple(grads) + (lr, beta1_power, beta2_power),
                   {"state": state, "beta_1": beta_1, "beta_2": beta_2, "epsilon": epsilon})
