"""The ndflow side of the MLP estimators: weights as ndflow Variables and one compiled
training step (forward, loss, GradientTape, sklearn's SGD/Adam update).

The estimator keeps the truth in NumPy arrays (`coefs_`, `intercepts_`, optimizer slots);
a `DenseNetwork` is a transient cache built from them, so estimators pickle without any
ndflow object inside.
"""
import numpy as np

import ndflow as nf
from ..ops import update_rules

HIDDEN_ACTIVATIONS = {
    "identity": lambda z: z,
    "logistic": nf.sigmoid,
    "tanh": nf.tanh,
    "relu": nf.nn.relu,
}


def forward(x, weights, biases, activation, out_activation):
    """Output-layer pre-activations ("logits") for a batch, in ndflow ops."""
    hidden = HIDDEN_ACTIVATIONS[activation]
    h = x
    last = len(weights) - 1
    for i, (w, b) in enumerate(zip(weights, biases)):
        h = nf.matmul(h, w) + b
        if i != last:
            h = hidden(h)
    return h


def output_from_logits(logits, out_activation):
    if out_activation == "softmax":
        return nf.nn.softmax(logits)
    if out_activation == "logistic":
        return nf.sigmoid(logits)
    return logits


def predict_output(x, coefs, intercepts, activation, out_activation):
    """NumPy in, NumPy out: the network's output layer (probabilities or values)."""
    x = np.asarray(x, dtype=np.float32)
    logits = forward(x, [np.asarray(c, np.float32) for c in coefs],
                     [np.asarray(b, np.float32) for b in intercepts], activation, out_activation)
    return output_from_logits(logits, out_activation).numpy()


def _data_loss(logits, y, out_activation):
    """(loss to differentiate, loss sklearn reports): both averaged over the batch."""
    n = nf.cast(nf.shape(y)[0], nf.float32)
    if out_activation == "softmax":
        per_sample = nf.nn.softmax_cross_entropy_with_logits(labels=y, logits=logits)
        total = nf.reduce_sum(per_sample) / n
        return total, total
    if out_activation == "logistic":
        per_elem = nf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=logits)
        total = nf.reduce_sum(per_elem) / n
        return total, total
    sq = nf.square(logits - y)
    # sklearn backpropagates (out - y)/n per output but reports the mean over outputs too.
    return nf.reduce_sum(sq) / (2.0 * n), nf.reduce_mean(sq) / 2.0


class DenseNetwork:
    """Variables for one MLP plus its optimizer state and a compiled train step."""

    def __init__(self, coefs, intercepts, activation, out_activation, solver, alpha,
                 hyper, optimizer_state=None):
        self.activation = activation
        self.out_activation = out_activation
        self.solver = solver
        self.alpha = float(alpha)
        self.weights = [nf.Variable(np.asarray(c, np.float32)) for c in coefs]
        self.biases = [nf.Variable(np.asarray(b, np.float32)) for b in intercepts]
        self.params = [p for pair in zip(self.weights, self.biases) for p in pair]
        self.learning_rate = nf.Variable(np.float32(hyper["learning_rate"]))
        self.hyper = hyper
        self.slots = [[nf.Variable(np.zeros(p.shape, np.float32)) for p in self.params]
                      for _ in range(2 if solver == "adam" else 1)]
        self.step_count = nf.Variable(np.float32(0.0))
        if optimizer_state is not None:
            self.set_optimizer_state(optimizer_state)
        n_in = coefs[0].shape[0]
        n_out = coefs[-1].shape[1]
        signature = [nf.TensorSpec([None, n_in], nf.float32),
                     nf.TensorSpec([None, n_out], nf.float32)]
        self.train_step = nf.function(self._train_step, input_signature=signature)

    # --- the step ------------------------------------------------------------------------------
    def _train_step(self, x, y):
        n = nf.cast(nf.shape(x)[0], nf.float32)
        with nf.GradientTape() as tape:
            logits = forward(x, self.weights, self.biases, self.activation, self.out_activation)
            loss, reported = _data_loss(logits, y, self.out_activation)
            # sklearn's L2 term: alpha / (2 n_batch) * sum of squared weights (not biases).
            penalty = nf.add_n([nf.reduce_sum(nf.square(w)) for w in self.weights])
            penalty = penalty * (0.5 * self.alpha) / n
            loss = loss + penalty
        grads = tape.gradient(loss, self.params)
        self._apply(grads)
        return reported + penalty

    def _apply(self, grads):
        lr = self.learning_rate
        if self.solver == "sgd":
            mom = self.hyper["momentum"]
            for p, g, v in zip(self.params, grads, self.slots[0]):
                if mom > 0:
                    update_rules.keras_sgd_momentum(p, g, v, lr, mom,
                                                    nesterov=self.hyper["nesterovs_momentum"])
                else:
                    update_rules.sgd(p, g, lr)
            return
        b1, b2, eps = self.hyper["beta_1"], self.hyper["beta_2"], self.hyper["epsilon"]
        t = self.step_count.assign_add(1.0)
        b1_power, b2_power = nf.pow(b1, t), nf.pow(b2, t)
        for p, g, m, v in zip(self.params, grads, self.slots[0], self.slots[1]):
            update_rules.adam(p, g, m, v, lr, b1, b2, eps, b1_power, b2_power)

    def loss_and_gradient_function(self, n_in, n_out):
        """A compiled (x, y) -> (full loss, gradients) without any update (for L-BFGS)."""
        def loss_and_gradient(x, y):
            n = nf.cast(nf.shape(x)[0], nf.float32)
            with nf.GradientTape() as tape:
                logits = forward(x, self.weights, self.biases, self.activation,
                                 self.out_activation)
                loss, reported = _data_loss(logits, y, self.out_activation)
                penalty = nf.add_n([nf.reduce_sum(nf.square(w)) for w in self.weights])
                penalty = penalty * (0.5 * self.alpha) / n
                loss = loss + penalty
            return reported + penalty, tape.gradient(loss, self.params)
        signature = [nf.TensorSpec([None, n_in], nf.float32),
                     nf.TensorSpec([None, n_out], nf.float32)]
        return nf.function(loss_and_gradient, input_signature=signature)

    # --- NumPy views ---------------------------------------------------------------------------
    def coefs(self):
        return [w.numpy().copy() for w in self.weights]

    def intercepts(self):
        return [b.numpy().copy() for b in self.biases]

    def optimizer_state(self):
        return {"step_count": float(self.step_count.numpy()),
                "slots": [[s.numpy().copy() for s in group] for group in self.slots]}

    def set_optimizer_state(self, state):
        self.step_count.assign(np.float32(state["step_count"]))
        for group, saved in zip(self.slots, state["slots"]):
            for var, value in zip(group, saved):
                var.assign(np.asarray(value, np.float32))

    def weights_from(self, coefs, intercepts):
        for var, value in zip(self.weights + self.biases, list(coefs) + list(intercepts)):
            var.assign(np.asarray(value, np.float32))

    def set_flat_params(self, flat, shapes):
        offset = 0
        for var, shape in zip(self.params, shapes):
            size = int(np.prod(shape))
            var.assign(np.asarray(flat[offset:offset + size], np.float32).reshape(shape))
            offset += size

    def set_learning_rate(self, value):
        self.learning_rate.assign(np.float32(value))
