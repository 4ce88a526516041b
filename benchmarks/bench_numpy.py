"""Hand-written NumPy reference: what an expert gets from NumPy alone (float32 throughout).

Parameters of a model live in one flat buffer (views per layer) so Adam updates all of
them in a few array operations; gradients are written into a matching flat buffer.
"""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from benchmarks import common as C

NAME = "numpy"
VARIANTS = C.VARIANTS[NAME]


def version():
    return np.__version__


class FlatParams:
    """Parameters as views into one float32 buffer, plus a gradient buffer of the same layout."""

    def __init__(self, arrays):
        sizes = [a.size for a in arrays]
        self.flat = np.concatenate([a.ravel() for a in arrays]).astype(np.float32)
        self.grad = np.zeros_like(self.flat)
        offsets = np.cumsum([0] + sizes)
        self.values = [self.flat[o:o + a.size].reshape(a.shape)
                       for o, a in zip(offsets, arrays)]
        self.grads = [self.grad[o:o + a.size].reshape(a.shape)
                      for o, a in zip(offsets, arrays)]


class Adam:
    def __init__(self, params, learning_rate, beta_1, beta_2, epsilon):
        self.p, self.lr, self.b1, self.b2, self.eps = params, learning_rate, beta_1, beta_2, epsilon
        self.m = np.zeros_like(params.flat)
        self.v = np.zeros_like(params.flat)
        self.t = 0
        self.tmp = np.zeros_like(params.flat)

    def step(self):
        self.t += 1
        g, m, v, tmp = self.p.grad, self.m, self.v, self.tmp
        m *= self.b1
        m += (1 - self.b1) * g
        np.multiply(g, g, out=tmp)
        tmp *= 1 - self.b2
        v *= self.b2
        v += tmp
        lr_t = self.lr * np.sqrt(1 - self.b2 ** self.t) / (1 - self.b1 ** self.t)
        np.sqrt(v, out=tmp)
        tmp += self.eps
        np.divide(m, tmp, out=tmp)
        tmp *= lr_t
        self.p.flat -= tmp


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def softmax_xent_grad(logits, labels):
    """Mean sparse softmax cross-entropy and its gradient with respect to the logits."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    probs = exp / exp.sum(axis=1, keepdims=True)
    n = len(labels)
    loss = -np.mean(np.log(probs[np.arange(n), labels]))
    probs[np.arange(n), labels] -= 1.0
    probs /= n
    return loss, probs


# ---------------------------------------------------------------- W1, W2

def w1(quick):
    x, y = C.xor_data()
    params = FlatParams(C.xor_weights())
    ws = params.values

    def step():
        acts = [x]
        for i in range(0, 8, 2):
            acts.append(sigmoid(acts[-1] @ ws[i] + ws[i + 1]))
        p = acts[-1]
        loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
        delta = (p - y) / len(x)  # d(mean BCE)/d(pre-sigmoid)
        for i in range(6, -1, -2):
            params.grads[i][...] = acts[i // 2].T @ delta
            params.grads[i + 1][...] = delta.sum(axis=0)
            if i:
                a = acts[i // 2]
                delta = (delta @ ws[i].T) * a * (1 - a)
        params.flat -= C.XOR_LR * params.grad
        return loss

    step()
    steps = C.n_steps(quick, C.XOR_STEPS)
    with C.Clock() as clock:
        for _ in range(steps):
            loss = step()
    return {"value": clock.seconds / steps, "loss": float(loss)}


def w2(quick):
    x, y = C.linreg_data()
    w, b = np.float32(1.0), np.float32(1.0)
    lr = np.float32(C.LINREG_LR)

    def step(w, b):
        err = w * x + b - y
        loss = np.mean(err * err)
        return w - lr * np.mean(2 * err * x), b - lr * np.mean(2 * err), loss

    w, b, _ = step(w, b)
    steps = C.n_steps(quick, C.LINREG_STEPS)
    with C.Clock() as clock:
        for _ in range(steps):
            w, b, loss = step(w, b)
    return {"value": clock.seconds / steps, "loss": float(loss)}


# ---------------------------------------------------------------- W3

def w3(quick, max_batches=None):
    (x_tr, y_tr), (x_te, y_te) = C.load_mnist_uint8()
    x_tr, x_te = C.scale(x_tr).reshape(-1, 784), C.scale(x_te).reshape(-1, 784)
    onehot = np.eye(10, dtype=np.float32)[y_tr]
    w, b = C.softmax_weights()
    lr, bs = np.float32(C.SOFTMAX_LR), C.SOFTMAX_BATCH

    def step(xb, yb):
        logits = xb @ w + b
        logits -= logits.max(axis=1, keepdims=True)
        h = np.exp(logits)
        h /= h.sum(axis=1, keepdims=True)
        d = (h - yb) / np.float32(len(xb))  # seed 002's -sum(Y log softmax) mean
        w[...] -= lr * (xb.T @ d)
        b[...] -= lr * d.sum(axis=0)

    step(x_tr[:bs], onehot[:bs])
    batches, full = C.n_batches(len(x_tr), bs, quick, max_batches)
    with C.Clock() as clock:
        for i in range(batches):
            step(x_tr[i * bs:(i + 1) * bs], onehot[i * bs:(i + 1) * bs])
    return C.epoch_result(clock.seconds, batches, full, accuracy=C.accuracy(x_te @ w + b, y_te))


# ---------------------------------------------------------------- W4 MLP

class Mlp:
    def __init__(self):
        self.params = FlatParams(C.mlp_weights())

    def forward(self, x):
        w = self.params.values
        h1 = np.maximum(x @ w[0] + w[1], 0)
        h2 = np.maximum(h1 @ w[2] + w[3], 0)
        return h2 @ w[4] + w[5], (h1, h2)

    def backward(self, x, acts, dlogits):
        w, g = self.params.values, self.params.grads
        h1, h2 = acts
        np.matmul(h2.T, dlogits, out=g[4])
        dlogits.sum(axis=0, out=g[5])
        d2 = dlogits @ w[4].T
        d2 *= h2 > 0
        np.matmul(h1.T, d2, out=g[2])
        d2.sum(axis=0, out=g[3])
        d1 = d2 @ w[2].T
        d1 *= h1 > 0
        np.matmul(x.T, d1, out=g[0])
        d1.sum(axis=0, out=g[1])


def w4(quick, max_batches=None):
    (x_tr, y_tr), (x_te, y_te) = C.load_mnist_uint8()
    x_tr, x_te = C.scale(x_tr).reshape(-1, 784), C.scale(x_te).reshape(-1, 784)
    model = Mlp()
    adam = Adam(model.params, **C.ADAM)
    bs = C.MLP_BATCH

    def step(xb, yb):
        logits, acts = model.forward(xb)
        _, dlogits = softmax_xent_grad(logits, yb)
        model.backward(xb, acts, dlogits)
        adam.step()

    step(x_tr[:bs], y_tr[:bs])
    batches, full = C.n_batches(len(x_tr), bs, quick, max_batches)
    with C.Clock() as clock:
        for i in range(batches):
            step(x_tr[i * bs:(i + 1) * bs], y_tr[i * bs:(i + 1) * bs])
    return C.epoch_result(clock.seconds, batches, full,
                          accuracy=C.accuracy(model.forward(x_te)[0], y_te))


# ---------------------------------------------------------------- W5 CNN

def im2col_3x3_same(x):
    """(N, H, W, C) -> (N*H*W, 9*C) patches in (kh, kw, c) order, matching HWIO kernels."""
    n, h, w, c = x.shape
    padded = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
    windows = sliding_window_view(padded, (3, 3), axis=(1, 2))  # (N, H, W, C, 3, 3)
    return windows.transpose(0, 1, 2, 4, 5, 3).reshape(n * h * w, 9 * c)


def col2im_3x3_same(cols, shape):
    """The adjoint of im2col_3x3_same: sums each patch entry back onto its pixel."""
    n, h, w, c = shape
    patches = cols.reshape(n, h, w, 3, 3, c)
    padded = np.zeros((n, h + 2, w + 2, c), np.float32)
    for i in range(3):
        for j in range(3):
            padded[:, i:i + h, j:j + w, :] += patches[:, :, :, i, j, :]
    return padded[:, 1:-1, 1:-1, :]


def maxpool2(x):
    n, h, w, c = x.shape
    return x.reshape(n, h // 2, 2, w // 2, 2, c).max(axis=(2, 4))


def maxpool2_grad(x, pooled, dpooled):
    n, h, w, c = x.shape
    windows = x.reshape(n, h // 2, 2, w // 2, 2, c)
    mask = windows == pooled[:, :, None, :, None, :]
    return (mask * dpooled[:, :, None, :, None, :]).reshape(x.shape)


class Cnn:
    def __init__(self):
        self.params = FlatParams(C.cnn_weights())

    def forward(self, x):
        k1, b1, k2, b2, w3, b3, w4, b4 = self.params.values
        n = len(x)
        cols1 = im2col_3x3_same(x)
        a1 = np.maximum(cols1 @ k1.reshape(9, 32) + b1, 0).reshape(n, 28, 28, 32)
        p1 = maxpool2(a1)
        cols2 = im2col_3x3_same(p1)
        a2 = np.maximum(cols2 @ k2.reshape(288, 64) + b2, 0).reshape(n, 14, 14, 64)
        p2 = maxpool2(a2).reshape(n, -1)
        h3 = np.maximum(p2 @ w3 + b3, 0)
        return h3 @ w4 + b4, (cols1, a1, p1, cols2, a2, p2, h3)

    def backward(self, dlogits, acts):
        k1, b1, k2, b2, w3, b3, w4, b4 = self.params.values
        g = self.params.grads
        cols1, a1, p1, cols2, a2, p2, h3 = acts
        np.matmul(h3.T, dlogits, out=g[6])
        dlogits.sum(axis=0, out=g[7])
        d3 = dlogits @ w4.T
        d3 *= h3 > 0
        np.matmul(p2.T, d3, out=g[4])
        d3.sum(axis=0, out=g[5])
        dp2 = (d3 @ w3.T).reshape(len(a2), 7, 7, 64)
        da2 = maxpool2_grad(a2, maxpool2(a2), dp2)
        da2 *= a2 > 0
        da2 = da2.reshape(-1, 64)
        g[2][...] = (cols2.T @ da2).reshape(g[2].shape)
        da2.sum(axis=0, out=g[3])
        dp1 = col2im_3x3_same(da2 @ k2.reshape(288, 64).T, p1.shape)
        da1 = maxpool2_grad(a1, p1, dp1)
        da1 *= a1 > 0
        da1 = da1.reshape(-1, 32)
        g[0][...] = (cols1.T @ da1).reshape(g[0].shape)
        da1.sum(axis=0, out=g[1])


def predict_batches(forward, x, batch):
    return np.concatenate([forward(x[i:i + batch])[0] for i in range(0, len(x), batch)])


def w5(quick, max_batches=None):
    (x_tr, y_tr), (x_te, y_te) = C.load_mnist_uint8()
    x_tr, x_te = C.scale(x_tr)[..., None], C.scale(x_te)[..., None]
    model = Cnn()
    adam = Adam(model.params, **C.ADAM)
    bs = C.CNN_BATCH

    def step(xb, yb):
        logits, acts = model.forward(xb)
        _, dlogits = softmax_xent_grad(logits, yb)
        model.backward(dlogits, acts)
        adam.step()

    step(x_tr[:bs], y_tr[:bs])
    batches, full = C.n_batches(len(x_tr), bs, quick, max_batches)
    with C.Clock() as clock:
        for i in range(batches):
            step(x_tr[i * bs:(i + 1) * bs], y_tr[i * bs:(i + 1) * bs])
    logits = predict_batches(model.forward, x_te, C.PREDICT_BATCH)
    return C.epoch_result(clock.seconds, batches, full, accuracy=C.accuracy(logits, y_te))


# ---------------------------------------------------------------- W6

def w6(variant, quick):
    _, (x_te, _) = C.load_mnist_uint8()
    if variant == "mlp":
        model, x = Mlp(), C.scale(x_te).reshape(-1, 784)
    else:
        model, x = Cnn(), C.scale(x_te)[..., None]
    if quick:
        x = x[:C.QUICK_BATCHES * C.PREDICT_BATCH]
    model.forward(x[:C.PREDICT_BATCH])
    with C.Clock() as clock:
        out = predict_batches(model.forward, x, C.PREDICT_BATCH)
    return {"value": len(x) / clock.seconds, "out_mean": float(out.mean())}


def run(workload, variant, quick, max_batches=None):
    if workload == "W6":
        return w6(variant, quick)
    if workload in ("W1", "W2"):
        return {"W1": w1, "W2": w2}[workload](quick)
    return {"W3": w3, "W4": w4, "W5": w5}[workload](quick, max_batches)
