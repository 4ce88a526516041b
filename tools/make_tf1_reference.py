"""Writes tests/compat/fixtures/tf1_reference.json: TF1 values (tf.compat.v1 in graph mode)
that tests/compat/test_tf1_numerics.py checks ndflow against.

Run with a TensorFlow install (the reference venv):
    /work/tfref/bin/python tools/make_tf1_reference.py
Inputs are made here with NumPy and stored next to the outputs, so the test never needs
TensorFlow.
"""
import json
import os

import sys

import numpy as np
import tensorflow as tf

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "compat"))
import tf1_metric_cases  # noqa: E402  (the same metric definitions the test runs)

v1 = tf.compat.v1
v1.disable_eager_execution()
OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "compat", "fixtures",
                   "tf1_reference.json")
REDUCTIONS = ["none", "weighted_sum", "weighted_mean", "weighted_sum_over_batch_size",
              "weighted_sum_by_nonzero_weights"]


def run(fetches, feed=None, local=False):
    with v1.Session() as s:
        s.run(v1.global_variables_initializer())
        if local:
            s.run(v1.local_variables_initializer())
        return s.run(fetches, feed)


def tolist(x):
    return np.asarray(x, np.float64).tolist()


def losses_cases(rng):
    labels = rng.rand(4, 3).astype(np.float32)
    preds = rng.rand(4, 3).astype(np.float32)
    logits = rng.randn(4, 3).astype(np.float32) * 2
    binary = (rng.rand(4, 3) > 0.5).astype(np.float32)
    onehot = np.eye(3, dtype=np.float32)[[0, 2, 1, 2]]
    sparse = np.array([0, 2, 1, 2], np.int32)
    unit = labels / np.linalg.norm(labels, axis=1, keepdims=True)
    unit_p = preds / np.linalg.norm(preds, axis=1, keepdims=True)
    weights = {"scalar": 2.0, "per_example": np.array([[1.0], [0.0], [2.0], [0.5]], np.float32),
               "full": (rng.rand(4, 3) > 0.3).astype(np.float32) * 1.5}
    inputs = {"labels": labels, "preds": preds, "logits": logits, "binary": binary,
              "onehot": onehot, "sparse": sparse, "unit": unit, "unit_p": unit_p}
    L = v1.losses
    makers = {
        "mean_squared_error": lambda w, r: L.mean_squared_error(labels, preds, w, reduction=r),
        "absolute_difference": lambda w, r: L.absolute_difference(labels, preds, w,
                                                                  reduction=r),
        "huber_loss": lambda w, r: L.huber_loss(labels * 3, preds, w, delta=0.7, reduction=r),
        "log_loss": lambda w, r: L.log_loss(binary, preds, w, reduction=r),
        "hinge_loss": lambda w, r: L.hinge_loss(binary, logits, w, reduction=r),
        "sigmoid_cross_entropy": lambda w, r: L.sigmoid_cross_entropy(
            binary, logits, w, label_smoothing=0.1, reduction=r),
        "cosine_distance": lambda w, r: L.cosine_distance(unit, unit_p, axis=1,
                                                          weights=w, reduction=r),
        "softmax_cross_entropy": lambda w, r: L.softmax_cross_entropy(
            onehot, logits, w, label_smoothing=0.2, reduction=r),
        "sparse_softmax_cross_entropy": lambda w, r: L.sparse_softmax_cross_entropy(
            sparse, logits, w, reduction=r),
    }
    per_example_only = {"softmax_cross_entropy", "sparse_softmax_cross_entropy",
                        "cosine_distance"}
    cases = []
    for name, make in makers.items():
        for wname, w in weights.items():
            if name in per_example_only and wname == "full":
                continue
            if name in ("softmax_cross_entropy", "sparse_softmax_cross_entropy") and \
                    wname == "per_example":
                w = w.reshape(-1)
            for r in REDUCTIONS:
                v1.reset_default_graph()
                out = run(make(w, r))
                cases.append({"loss": name, "weights": wname, "reduction": r,
                              "value": tolist(out)})
    return {"inputs": {k: tolist(v) for k, v in inputs.items()},
            "weights": {k: tolist(v) for k, v in weights.items()}, "cases": cases}


def metrics_cases(rng):
    batches = []
    for _ in range(3):
        batches.append({"labels": (rng.rand(8) > 0.5).astype(np.int64),
                        "scores": rng.rand(8).astype(np.float32),
                        "classes": rng.randint(0, 3, size=8).astype(np.int64),
                        "pred_classes": rng.randint(0, 3, size=8).astype(np.int64),
                        "values": rng.randn(8).astype(np.float32),
                        "weights": (rng.rand(8) > 0.25).astype(np.float32)})
    v1.reset_default_graph()
    ph = tf1_metric_cases.placeholders(v1)
    metrics = tf1_metric_cases.metrics(v1, ph)
    names = [v.name for v in v1.local_variables()]
    out = {k: {"updates": [], "values": []} for k in metrics}
    with v1.Session() as s:
        s.run(v1.local_variables_initializer())
        for b in batches:
            feed = {ph[k]: v for k, v in b.items()}
            ups = s.run({k: m[1] for k, m in metrics.items()}, feed)
            vals = s.run({k: m[0] for k, m in metrics.items()})
            for k in metrics:
                out[k]["updates"].append(tolist(ups[k]))
                out[k]["values"].append(tolist(vals[k]))
    return {"batches": [{k: v.tolist() for k, v in b.items()} for b in batches],
            "metrics": out, "local_variable_names": names}


def optimizer_cases():
    x = np.array([[1.0, 2.0, -1.0], [0.5, -1.5, 2.0]], np.float32)
    y = np.array([1.0, -2.0], np.float32)
    T = v1.train
    makers = {
        "adadelta": lambda: T.AdadeltaOptimizer(1.0, rho=0.9, epsilon=1e-6),
        "ftrl": lambda: T.FtrlOptimizer(0.1, l1_regularization_strength=0.01,
                                         l2_regularization_strength=0.02),
        "ftrl_power": lambda: T.FtrlOptimizer(0.2, learning_rate_power=-0.3,
                                               initial_accumulator_value=0.5,
                                               l2_shrinkage_regularization_strength=0.05),
        "proximal_gd": lambda: T.ProximalGradientDescentOptimizer(
            0.05, l1_regularization_strength=0.02, l2_regularization_strength=0.1),
        "proximal_gd_plain": lambda: T.ProximalGradientDescentOptimizer(0.05),
    }
    out = {}
    for name, make in makers.items():
        v1.reset_default_graph()
        w = v1.Variable(np.array([0.3, -0.2, 0.1], np.float32), name="w")
        loss = v1.reduce_sum(v1.square(v1.tensordot(x, w, 1) - y))
        train = make().minimize(loss)
        steps = []
        with v1.Session() as s:
            s.run(v1.global_variables_initializer())
            for _ in range(5):
                s.run(train)
                steps.append(tolist(s.run(w)))
        out[name] = steps
    return {"x": tolist(x), "y": tolist(y), "w0": [0.3, -0.2, 0.1], "steps": out}


def decay_cases():
    v1.reset_default_graph()
    step = v1.placeholder(tf.int64, [])
    T = v1.train
    scheds = {
        "exponential": T.exponential_decay(0.1, step, 10, 0.96),
        "exponential_staircase": T.exponential_decay(0.1, step, 10, 0.5, staircase=True),
        "piecewise": T.piecewise_constant(step, [5, 10], [1.0, 0.5, 0.1]),
        "polynomial": T.polynomial_decay(0.1, step, 20, 0.01, power=0.5),
        "polynomial_cycle": T.polynomial_decay(0.1, step, 20, 0.01, power=2.0, cycle=True),
        "cosine": T.cosine_decay(0.1, step, 20, alpha=0.1),
        "inverse_time": T.inverse_time_decay(0.1, step, 10, 0.5),
        "inverse_time_staircase": T.inverse_time_decay(0.1, step, 10, 0.5, staircase=True),
        "natural_exp": T.natural_exp_decay(0.1, step, 10, 0.5),
        "natural_exp_staircase": T.natural_exp_decay(0.1, step, 10, 0.5, staircase=True),
        "cosine_restarts": T.cosine_decay_restarts(0.1, step, 4, alpha=0.05),
        "cosine_restarts_t1": T.cosine_decay_restarts(0.1, step, 6, t_mul=1.0, m_mul=0.5),
        "linear_cosine": T.linear_cosine_decay(0.1, step, 30, num_periods=2.0, alpha=0.1),
    }
    steps = [0, 3, 5, 10, 15, 25, 45]
    out = {k: [] for k in scheds}
    with v1.Session() as s:
        for st in steps:
            vals = s.run(scheds, {step: st})
            for k in scheds:
                out[k].append(float(vals[k]))
    return {"steps": steps, "values": out}


def ema_cases():
    v1.reset_default_graph()
    a = v1.Variable(np.array([1.0, 2.0], np.float32), name="a")
    b = v1.Variable(3.0, name="b")
    step = v1.Variable(0, trainable=False, name="step")
    ema = v1.train.ExponentialMovingAverage(0.9, num_updates=step)
    apply = ema.apply([a, b])
    bump = [v1.assign_add(a, [1.0, -1.0]), v1.assign_add(b, 2.0), v1.assign_add(step, 1)]
    out = []
    with v1.Session() as s:
        s.run(v1.global_variables_initializer())
        for _ in range(4):
            s.run(bump)
            s.run(apply)
            out.append([tolist(s.run(ema.average(a))), float(s.run(ema.average(b)))])
        names = sorted(ema.variables_to_restore().keys())
    v1.reset_default_graph()
    c = v1.Variable(0.0, name="c")
    ema2 = v1.train.ExponentialMovingAverage(0.5)
    apply2 = ema2.apply([c])
    plain = []
    with v1.Session() as s:
        s.run(v1.global_variables_initializer())
        for i in range(3):
            s.run(v1.assign(c, float(i + 1)))
            s.run(apply2)
            plain.append(float(s.run(ema2.average(c))))
    return {"with_num_updates": out, "plain": plain, "restore_names": names,
            "average_name": ema2.average_name(c)}


def nn_cases(rng):
    v1.reset_default_graph()
    pred = rng.randn(5, 4).astype(np.float32)
    targets = np.array([0, 3, 1, 2, 2], np.int32)
    pred[4, 2] = pred[4, 1]  # a tie: in_top_k counts ties as in the top k
    ks = [1, 2]
    outs = run([v1.nn.in_top_k(pred, targets, k) for k in ks])
    lengths = [1, 3, 0, 2]
    mask = run(v1.sequence_mask(lengths, 4))
    sampled = {}
    weights = rng.randn(6, 3).astype(np.float32)
    biases = rng.randn(6).astype(np.float32)
    inputs = rng.randn(2, 3).astype(np.float32)
    for num_true, labels in ((1, [[1], [4]]), (2, [[1, 3], [4, 0]])):
        labels = np.asarray(labels, np.int64)
        values = (np.array([0, 2, 4], np.int64),
                  rng.rand(2, num_true).astype(np.float32) * 0.5 + 0.1,
                  rng.rand(3).astype(np.float32) * 0.5 + 0.1)
        v1.reset_default_graph()
        w, b = v1.constant(weights), v1.constant(biases)
        x = v1.constant(inputs)
        ssl = v1.nn.sampled_softmax_loss(w, b, labels, x, 3, 6, num_true=num_true,
                                         sampled_values=values)
        nce = v1.nn.nce_loss(w, b, labels, x, 3, 6, num_true=num_true, sampled_values=values)
        nce_hits = v1.nn.nce_loss(w, b, labels, x, 3, 6, num_true=num_true,
                                  sampled_values=values, remove_accidental_hits=True)
        grads = [v1.convert_to_tensor(g) for g in
                 v1.gradients(v1.reduce_sum(ssl) + v1.reduce_sum(nce), [w, x])]
        got = run([ssl, nce, nce_hits] + grads)
        sampled[str(num_true)] = {"labels": labels.tolist(),
                                  "values": [tolist(v) for v in values],
                                  "sampled_softmax": tolist(got[0]), "nce": tolist(got[1]),
                                  "nce_hits": tolist(got[2]), "grad_w": tolist(got[3]),
                                  "grad_x": tolist(got[4])}
    return {"pred": tolist(pred), "targets": targets.tolist(), "ks": ks,
            "in_top_k": [o.tolist() for o in outs], "sequence_mask": mask.tolist(),
            "sampled": {"weights": tolist(weights), "biases": tolist(biases),
                        "inputs": tolist(inputs), "cases": sampled}}


def image_cases():
    img = np.arange(2 * 3 * 4 * 2, dtype=np.float32).reshape(2, 3, 4, 2) ** 1.3
    out = {}
    for method, name in ((0, "bilinear"), (1, "nearest")):
        for align in (False, True):
            for size in ((5, 3), (2, 7)):
                v1.reset_default_graph()
                r = run(v1.image.resize_images(img, size, method=method, align_corners=align))
                out[f"{name}-{align}-{size[0]}x{size[1]}"] = tolist(r)
    return {"image": tolist(img), "resize_images": out}


def main():
    rng = np.random.RandomState(1234)
    ref = {"losses": losses_cases(rng), "metrics": metrics_cases(rng),
           "optimizers": optimizer_cases(), "decay": decay_cases(), "ema": ema_cases(),
           "nn": nn_cases(rng), "image": image_cases(), "tensorflow": tf.__version__}
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    tmp = OUT + ".tmp"
    with open(tmp, "w") as f:
        json.dump(ref, f, indent=0, sort_keys=True)
    os.replace(tmp, OUT)
    print("wrote", os.path.normpath(OUT))


if __name__ == "__main__":
    main()
