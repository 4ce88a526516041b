"""PyTorch eager, written idiomatically (nn.Module, torch.optim), CPU, float32."""
import numpy as np
import torch
from torch import nn

from benchmarks import common as C

NAME = "torch"
VARIANTS = C.VARIANTS[NAME]


def version():
    return torch.__version__


def load_dense(linear, kernel, bias):
    with torch.no_grad():
        linear.weight.copy_(torch.from_numpy(kernel.T.copy()))
        linear.bias.copy_(torch.from_numpy(bias))


def load_conv(conv, kernel_hwio, bias):
    with torch.no_grad():
        conv.weight.copy_(torch.from_numpy(kernel_hwio.transpose(3, 2, 0, 1).copy()))
        conv.bias.copy_(torch.from_numpy(bias))


def mnist(shape):
    (x_tr, y_tr), (x_te, y_te) = C.load_mnist_uint8()
    return ((torch.from_numpy(C.scale(x_tr).reshape(shape)), torch.from_numpy(y_tr.astype(np.int64))),
            (torch.from_numpy(C.scale(x_te).reshape(shape)), y_te))


def bce(p, y):
    return torch.mean(-(y * torch.log(p) + (1.0 - y) * torch.log(1.0 - p)))


def w1(quick):
    x, y = (torch.from_numpy(a) for a in C.xor_data())
    sizes = C.XOR_SIZES
    layers = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(n_in, n_out), nn.Sigmoid()]
    model = nn.Sequential(*layers)
    weights = C.xor_weights()
    for i, linear in enumerate(model[0::2]):
        load_dense(linear, weights[2 * i], weights[2 * i + 1])
    optimizer = torch.optim.SGD(model.parameters(), lr=C.XOR_LR)

    def step():
        optimizer.zero_grad()
        loss = bce(model(x), y)
        loss.backward()
        optimizer.step()
        return loss

    step()
    steps = C.n_steps(quick, C.XOR_STEPS)
    with C.Clock() as clock:
        for _ in range(steps):
            loss = step()
    return {"value": clock.seconds / steps, "loss": float(loss.item())}


def w2(quick):
    x, y = (torch.from_numpy(a) for a in C.linreg_data())
    w = torch.ones(1, requires_grad=True)
    b = torch.ones(1, requires_grad=True)
    optimizer = torch.optim.SGD([w, b], lr=C.LINREG_LR)

    def step():
        optimizer.zero_grad()
        cost = torch.mean(torch.square(w * x + b - y))
        cost.backward()
        optimizer.step()
        return cost

    step()
    steps = C.n_steps(quick, C.LINREG_STEPS)
    with C.Clock() as clock:
        for _ in range(steps):
            loss = step()
    return {"value": clock.seconds / steps, "loss": float(loss.item())}


def train_epoch(step, x_tr, y_tr, bs, quick, max_batches):
    step(x_tr[:bs], y_tr[:bs])
    batches, full = C.n_batches(len(x_tr), bs, quick, max_batches)
    with C.Clock() as clock:
        for i in range(batches):
            step(x_tr[i * bs:(i + 1) * bs], y_tr[i * bs:(i + 1) * bs])
    return clock.seconds, batches, full


def w3(quick, max_batches):
    (x_tr, y_tr), (x_te, y_te) = mnist((-1, 784))
    onehot = torch.nn.functional.one_hot(y_tr, 10).float()
    w0, b0 = C.softmax_weights()
    W = torch.from_numpy(w0).requires_grad_()
    B = torch.from_numpy(b0).requires_grad_()

    def step(X, Y):
        H = torch.softmax(X @ W + B, dim=1)
        loss = torch.mean(-torch.sum(Y * torch.log(H), dim=1))
        gw, gb = torch.autograd.grad(loss, [W, B])
        with torch.no_grad():
            W.sub_(C.SOFTMAX_LR * gw)
            B.sub_(C.SOFTMAX_LR * gb)

    seconds, batches, full = train_epoch(step, x_tr, onehot, C.SOFTMAX_BATCH, quick, max_batches)
    with torch.no_grad():
        acc = C.accuracy((x_te @ W + B).numpy(), y_te)
    return C.epoch_result(seconds, batches, full, accuracy=acc)


def mlp_model():
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 300), nn.ReLU(),
                          nn.Linear(300, 100), nn.ReLU(), nn.Linear(100, 10))
    w = C.mlp_weights()
    for i, linear in enumerate([model[1], model[3], model[5]]):
        load_dense(linear, w[2 * i], w[2 * i + 1])
    return model


def cnn_model():
    model = nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Flatten(), nn.Linear(7 * 7 * 64, 128), nn.ReLU(),
                          nn.Linear(128, 10))
    w = C.cnn_weights()
    load_conv(model[0], w[0], w[1])
    load_conv(model[3], w[2], w[3])
    # Keras flattens NHWC as (h, w, c); torch flattens NCHW as (c, h, w): reorder the rows
    chw_rows = w[4].reshape(7, 7, 64, 128).transpose(2, 0, 1, 3).reshape(-1, 128)
    load_dense(model[7], chw_rows, w[5])
    load_dense(model[9], w[6], w[7])
    return model


def predict(model, x):
    model.eval()
    with torch.no_grad():
        return torch.cat([model(x[i:i + C.PREDICT_BATCH])
                          for i in range(0, len(x), C.PREDICT_BATCH)]).numpy()


def train_keras_like(model, data, bs, quick, max_batches):
    (x_tr, y_tr), (x_te, y_te) = data
    adam = C.ADAM
    optimizer = torch.optim.Adam(model.parameters(), lr=adam["learning_rate"],
                                 betas=(adam["beta_1"], adam["beta_2"]), eps=adam["epsilon"])
    loss_fn = nn.CrossEntropyLoss()
    model.train()

    def step(x, y):
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()

    seconds, batches, full = train_epoch(step, x_tr, y_tr, bs, quick, max_batches)
    return C.epoch_result(seconds, batches, full, accuracy=C.accuracy(predict(model, x_te), y_te))


def w6(variant, quick):
    if variant == "mlp":
        model, (_, (x, _)) = mlp_model(), mnist((-1, 28, 28))
    else:
        model, (_, (x, _)) = cnn_model(), mnist((-1, 1, 28, 28))
    if quick:
        x = x[:C.QUICK_BATCHES * C.PREDICT_BATCH]
    predict(model, x[:C.PREDICT_BATCH])
    with C.Clock() as clock:
        out = predict(model, x)
    return {"value": len(x) / clock.seconds, "out_mean": float(out.mean())}


def run(workload, variant, quick, max_batches=None):
    if workload == "W1":
        return w1(quick)
    if workload == "W2":
        return w2(quick)
    if workload == "W3":
        return w3(quick, max_batches)
    if workload == "W4":
        return train_keras_like(mlp_model(), mnist((-1, 28, 28)), C.MLP_BATCH, quick, max_batches)
    if workload == "W5":
        return train_keras_like(cnn_model(), mnist((-1, 1, 28, 28)), C.CNN_BATCH, quick,
                                max_batches)
    return w6(variant, quick)
