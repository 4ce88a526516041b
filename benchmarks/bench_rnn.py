"""Sequence-model workloads.

W7 LSTM LM step: one training step of a character-level LSTM language model.

Embedding(vocab 65, 64) -> LSTM(256, return_sequences=True) -> Dense(65), batch 64,
sequence 100, Adam, softmax cross-entropy on logits (issue 10's sizes). Every framework
starts from the same NumPy weights and trains on the same token batches, so the losses
after the timed steps must agree. The value is seconds per step (shown as ms/step).

W8 GRU inference: GRU(256) over batch 16 x 1000 timesteps x 64 features (last output),
seconds per batch (shown as ms/batch); both frameworks get the same weights and inputs.

    python -m benchmarks.child ndflow W7 function      # one cell, as the runner runs it
"""
import time

import numpy as np

from benchmarks import common as C

VOCAB, EMBED, UNITS, BATCH, SEQ = 65, 64, 256, 64, 100
STEPS = 20
QUICK_STEPS = 2


def weights():
    """[embeddings, kernel, recurrent_kernel, bias, dense kernel, dense bias] (Keras 3
    layout: LSTM gates i, f, c, o along the 4*units columns; forget bias 1)."""
    rng = np.random.RandomState(7)
    emb = rng.uniform(-0.05, 0.05, (VOCAB, EMBED)).astype(np.float32)
    kernel = C.glorot_uniform(rng, (EMBED, 4 * UNITS))
    q, _ = np.linalg.qr(rng.standard_normal((4 * UNITS, UNITS)))
    recurrent = q.T.astype(np.float32)
    bias = np.zeros(4 * UNITS, np.float32)
    bias[UNITS:2 * UNITS] = 1.0
    return [emb, kernel, recurrent, bias, C.glorot_uniform(rng, (UNITS, VOCAB)),
            np.zeros(VOCAB, np.float32)]


def batches(n):
    """n (tokens, next tokens) int32 batches of shape (BATCH, SEQ)."""
    rng = np.random.RandomState(70)
    out = []
    for _ in range(n):
        seq = rng.randint(0, VOCAB, (BATCH, SEQ + 1)).astype(np.int32)
        out.append((seq[:, :-1], seq[:, 1:]))
    return out


def _timed(step, quick):
    n = QUICK_STEPS if quick else STEPS
    data = batches(n + 1)
    step(*data[0])
    cpu = time.process_time()
    with C.Clock() as clock:
        for x, y in data[1:]:
            loss = step(x, y)
    cpu = time.process_time() - cpu
    # CPU seconds too: on a machine shared with other work they move less than wall time
    return {"value": clock.seconds / n, "loss": float(loss), "cpu_s_per_step": cpu / n}


def run_ndflow(variant, quick):
    import ndflow as tf
    from ndflow import keras as k
    model = k.Sequential([k.Input((SEQ,), dtype="int32"), k.layers.Embedding(VOCAB, EMBED),
                          k.layers.LSTM(UNITS, return_sequences=True),
                          k.layers.Dense(VOCAB)])
    model.set_weights(weights())
    optimizer = k.optimizers.Adam(**C.ADAM)
    loss_fn = k.losses.SparseCategoricalCrossentropy(from_logits=True)
    if variant == "fit":
        model.compile(optimizer=optimizer, loss=loss_fn)
        return _timed(lambda x, y: model.train_on_batch(x, y), quick)

    @tf.function
    def train_step(x, y):
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    return _timed(lambda x, y: train_step(x, y).numpy(), quick)


def run_torch(variant, quick):
    import torch
    from torch import nn
    emb, kernel, recurrent, bias, dk, db = weights()

    class LM(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = nn.Embedding(VOCAB, EMBED)
            self.lstm = nn.LSTM(EMBED, UNITS, batch_first=True)
            self.dense = nn.Linear(UNITS, VOCAB)

        def forward(self, x):
            return self.dense(self.lstm(self.emb(x))[0])

    model = LM()
    with torch.no_grad():  # torch's gate order i, f, g, o is Keras's i, f, c, o
        model.emb.weight.copy_(torch.from_numpy(emb))
        model.lstm.weight_ih_l0.copy_(torch.from_numpy(kernel.T.copy()))
        model.lstm.weight_hh_l0.copy_(torch.from_numpy(recurrent.T.copy()))
        model.lstm.bias_ih_l0.copy_(torch.from_numpy(bias))
        model.lstm.bias_hh_l0.zero_()
        model.dense.weight.copy_(torch.from_numpy(dk.T.copy()))
        model.dense.bias.copy_(torch.from_numpy(db))
    adam = C.ADAM
    optimizer = torch.optim.Adam(model.parameters(), lr=adam["learning_rate"],
                                 betas=(adam["beta_1"], adam["beta_2"]), eps=adam["epsilon"])
    loss_fn = nn.CrossEntropyLoss()

    def step(x, y):
        x, y = torch.from_numpy(x).long(), torch.from_numpy(y).long()
        optimizer.zero_grad()
        loss = loss_fn(model(x).reshape(-1, VOCAB), y.reshape(-1))
        loss.backward()
        optimizer.step()
        return loss.item()

    return _timed(step, quick)


GRU_BATCH, GRU_STEPS, GRU_FEATURES, GRU_UNITS = 16, 1000, 64, 256


def gru_data():
    """(inputs, [kernel, recurrent_kernel, bias (2, 3*units)]) in Keras 3's layout."""
    rng = np.random.RandomState(8)
    x = rng.standard_normal((GRU_BATCH, GRU_STEPS, GRU_FEATURES)).astype(np.float32)
    kernel = C.glorot_uniform(rng, (GRU_FEATURES, 3 * GRU_UNITS))
    q, _ = np.linalg.qr(rng.standard_normal((3 * GRU_UNITS, GRU_UNITS)))
    bias = rng.uniform(-0.1, 0.1, (2, 3 * GRU_UNITS)).astype(np.float32)
    return x, [kernel, q.T.astype(np.float32), bias]


def _timed_inference(predict, x, quick):
    n = 1 if quick else 5
    predict(x)
    cpu = time.process_time()
    with C.Clock() as clock:
        for _ in range(n):
            out = predict(x)
    cpu = time.process_time() - cpu
    return {"value": clock.seconds / n, "out_mean": float(np.mean(out)),
            "cpu_s_per_step": cpu / n}


def gru_ndflow(variant, quick):
    import ndflow as tf
    from ndflow import keras as k
    x, weights = gru_data()
    model = k.Sequential([k.Input((None, GRU_FEATURES)), k.layers.GRU(GRU_UNITS)])
    model.set_weights(weights)
    if variant == "predict":
        return _timed_inference(lambda a: model.predict(a, batch_size=GRU_BATCH, verbose=0),
                                x, quick)
    forward = tf.function(lambda a: model(a, training=False))
    return _timed_inference(lambda a: forward(a).numpy(), x, quick)


def gru_torch(variant, quick):
    import torch
    x, (kernel, recurrent, bias) = gru_data()
    gru = torch.nn.GRU(GRU_FEATURES, GRU_UNITS, batch_first=True)
    with torch.no_grad():  # torch's gates r, z, n against Keras's z, r, h: swap the blocks
        order = np.r_[GRU_UNITS:2 * GRU_UNITS, 0:GRU_UNITS, 2 * GRU_UNITS:3 * GRU_UNITS]
        gru.weight_ih_l0.copy_(torch.from_numpy(kernel.T[order].copy()))
        gru.weight_hh_l0.copy_(torch.from_numpy(recurrent.T[order].copy()))
        gru.bias_ih_l0.copy_(torch.from_numpy(bias[0][order].copy()))
        gru.bias_hh_l0.copy_(torch.from_numpy(bias[1][order].copy()))

    def predict(a):
        with torch.no_grad():
            return gru(torch.from_numpy(a))[1][0].numpy()
    return _timed_inference(predict, x, quick)


def run(framework, variant, quick, workload="W7"):
    """The W7/W8 cell of `framework` (ndflow or torch); NotAvailable for the others."""
    cells = {("W7", "ndflow"): run_ndflow, ("W7", "torch"): run_torch,
             ("W8", "ndflow"): gru_ndflow, ("W8", "torch"): gru_torch}
    if (workload, framework) not in cells:
        raise C.NotAvailable(f"{workload} has no {framework} implementation yet")
    return cells[(workload, framework)](variant, quick)
