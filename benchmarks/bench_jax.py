"""JAX: pure functions, jax.grad, the whole train step under jax.jit (CPU, float32)."""
import functools
import os

os.environ.setdefault("JAX_PLATFORMS", "cpu")
import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

from benchmarks import common as C  # noqa: E402

NAME = "jax"
VARIANTS = C.VARIANTS[NAME]


def version():
    return jax.__version__


def sgd_step(loss_fn, lr):
    @jax.jit
    def step(params, *batch):
        loss, grads = jax.value_and_grad(loss_fn)(params, *batch)
        return [p - lr * g for p, g in zip(params, grads)], loss
    return step


def bce(p, y):
    return jnp.mean(-(y * jnp.log(p) + (1.0 - y) * jnp.log(1.0 - p)))


def xor_loss(params, x, y):
    h = x
    for i in range(0, len(params), 2):
        h = jax.nn.sigmoid(h @ params[i] + params[i + 1])
    return bce(h, y)


def time_steps(step, params, batch, steps):
    params, loss = step(params, *batch)
    with C.Clock() as clock:
        for _ in range(steps):
            params, loss = step(params, *batch)
        loss.block_until_ready()
    return clock.seconds / steps, float(loss)


def w1(quick):
    x, y = (jnp.asarray(a) for a in C.xor_data())
    params = [jnp.asarray(w) for w in C.xor_weights()]
    per_step, loss = time_steps(sgd_step(xor_loss, C.XOR_LR), params, (x, y),
                                C.n_steps(quick, C.XOR_STEPS))
    return {"value": per_step, "loss": loss}


def w2(quick):
    x, y = (jnp.asarray(a) for a in C.linreg_data())

    def cost(params, x, y):
        w, b = params
        return jnp.mean(jnp.square(w * x + b - y))

    params = [jnp.ones(1, jnp.float32), jnp.ones(1, jnp.float32)]
    per_step, loss = time_steps(sgd_step(cost, C.LINREG_LR), params, (x, y),
                                C.n_steps(quick, C.LINREG_STEPS))
    return {"value": per_step, "loss": loss}


def train_epoch(step, state, x_tr, y_tr, bs, quick, max_batches):
    """One warm-up step on the first batch, then the timed (possibly shortened) epoch."""
    state, _ = step(state, x_tr[:bs], y_tr[:bs])
    batches, full = C.n_batches(len(x_tr), bs, quick, max_batches)
    with C.Clock() as clock:
        for i in range(batches):
            state, loss = step(state, x_tr[i * bs:(i + 1) * bs], y_tr[i * bs:(i + 1) * bs])
        loss.block_until_ready()
    return state, clock.seconds, batches, full


def w3(quick, max_batches):
    (x_tr, y_tr), (x_te, y_te) = C.load_mnist_uint8()
    x_tr, x_te = C.scale(x_tr).reshape(-1, 784), C.scale(x_te).reshape(-1, 784)
    onehot = np.eye(10, dtype=np.float32)[y_tr]

    def loss(params, X, Y):
        H = jax.nn.softmax(X @ params[0] + params[1], axis=1)
        return jnp.mean(-jnp.sum(Y * jnp.log(H), axis=1))

    params = [jnp.asarray(a) for a in C.softmax_weights()]
    params, seconds, batches, full = train_epoch(sgd_step(loss, C.SOFTMAX_LR), params, x_tr,
                                                 onehot, C.SOFTMAX_BATCH, quick, max_batches)
    logits = np.asarray(x_te @ params[0] + params[1])
    return C.epoch_result(seconds, batches, full, accuracy=C.accuracy(logits, y_te))


# ---------------------------------------------------------------- W4/W5: models, Adam

def mlp_apply(params, x):
    h = x.reshape(len(x), -1)
    for i in range(0, 4, 2):
        h = jax.nn.relu(h @ params[i] + params[i + 1])
    return h @ params[4] + params[5]


def conv_same(x, kernel, bias):
    y = jax.lax.conv_general_dilated(x, kernel, (1, 1), "SAME",
                                     dimension_numbers=("NHWC", "HWIO", "NHWC"))
    return jax.nn.relu(y + bias)


def maxpool2(x):
    return jax.lax.reduce_window(x, -jnp.inf, jax.lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "VALID")


def cnn_apply(params, x):
    k1, b1, k2, b2, w3, b3, w4, b4 = params
    h = maxpool2(conv_same(x, k1, b1))
    h = maxpool2(conv_same(h, k2, b2)).reshape(len(x), -1)
    return jax.nn.relu(h @ w3 + b3) @ w4 + b4


def adam_train_step(apply):
    a = C.ADAM
    lr, b1, b2, eps = a["learning_rate"], a["beta_1"], a["beta_2"], a["epsilon"]

    def loss_fn(params, x, y):
        logits = apply(params, x)
        logp = jax.nn.log_softmax(logits)
        return -jnp.mean(jnp.take_along_axis(logp, y[:, None], axis=1))

    @jax.jit
    def step(state, x, y):
        params, m, v, t = state
        loss, grads = jax.value_and_grad(loss_fn)(params, x, y)
        t = t + 1
        m = [b1 * mi + (1 - b1) * g for mi, g in zip(m, grads)]
        v = [b2 * vi + (1 - b2) * g * g for vi, g in zip(v, grads)]
        lr_t = lr * jnp.sqrt(1 - b2 ** t) / (1 - b1 ** t)
        params = [p - lr_t * mi / (jnp.sqrt(vi) + eps) for p, mi, vi in zip(params, m, v)]
        return (params, m, v, t), loss
    return step


@functools.cache
def jitted(apply):
    return jax.jit(apply)


def predict(apply, params, x):
    fn = jitted(apply)
    return np.concatenate([np.asarray(fn(params, x[i:i + C.PREDICT_BATCH]))
                           for i in range(0, len(x), C.PREDICT_BATCH)])


def train_model(apply, weights, shape, bs, quick, max_batches):
    (x_tr, y_tr), (x_te, y_te) = C.load_mnist_uint8()
    x_tr, x_te = C.scale(x_tr).reshape(shape), C.scale(x_te).reshape(shape)
    y_tr = y_tr.astype(np.int32)
    params = [jnp.asarray(w) for w in weights]
    state = (params, [jnp.zeros_like(p) for p in params], [jnp.zeros_like(p) for p in params],
             jnp.float32(0))
    state, seconds, batches, full = train_epoch(adam_train_step(apply), state, x_tr, y_tr, bs,
                                                quick, max_batches)
    return C.epoch_result(seconds, batches, full,
                          accuracy=C.accuracy(predict(apply, state[0], x_te), y_te))


def w6(variant, quick):
    _, (x_te, _) = C.load_mnist_uint8()
    if variant == "mlp":
        apply, weights, x = mlp_apply, C.mlp_weights(), C.scale(x_te).reshape(-1, 28, 28)
    else:
        apply, weights, x = cnn_apply, C.cnn_weights(), C.scale(x_te).reshape(-1, 28, 28, 1)
    if quick:
        x = x[:C.QUICK_BATCHES * C.PREDICT_BATCH]
    params = [jnp.asarray(w) for w in weights]
    predict(apply, params, x[:C.PREDICT_BATCH])
    with C.Clock() as clock:
        out = predict(apply, params, x)
    return {"value": len(x) / clock.seconds, "out_mean": float(out.mean())}


def run(workload, variant, quick, max_batches=None):
    if workload == "W1":
        return w1(quick)
    if workload == "W2":
        return w2(quick)
    if workload == "W3":
        return w3(quick, max_batches)
    if workload == "W4":
        return train_model(mlp_apply, C.mlp_weights(), (-1, 28, 28), C.MLP_BATCH, quick,
                           max_batches)
    if workload == "W5":
        return train_model(cnn_apply, C.cnn_weights(), (-1, 28, 28, 1), C.CNN_BATCH, quick,
                           max_batches)
    return w6(variant, quick)
