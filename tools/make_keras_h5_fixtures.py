"""Writes tests/fixtures/keras_h5/*.h5: whole models saved in the legacy HDF5 format by
Keras 2 (tf_keras 2.21) and by Keras 3.15 (which still writes it, with a warning), and
tests/fixtures/keras_h5/predictions.npz with each model's input and predictions.

The models are small, compiled, and trained for one step so the files hold a
training_config and optimizer weights:
  mlp: Sequential Dense MLP (Adam, categorical crossentropy, accuracy);
  cnn: Functional Conv2D / BatchNormalization / MaxPooling2D / Dropout / Flatten / Dense
       (SGD with momentum, sparse categorical crossentropy from logits);
  text: Sequential Embedding / LSTM / GRU / Dense (RMSprop, binary crossentropy);
  lambda: a Lambda layer (Keras 2 stores its bytecode; loaders must refuse it);
  multi (Keras 2 only): two inputs, a shared Dense, Add and Concatenate, a nested
       Sequential (Keras 2 numbers its calls from 1), two outputs with loss weights and
       per-output metrics (Adam);
  seq (Keras 2 only): Masking, Bidirectional(LSTM), TimeDistributed(Dense), Conv1D,
       GlobalAveragePooling1D (RMSprop).
File names: <library>_<model>.h5, library `k2` (tf_keras) or `k3` (Keras 3).

    /work/tfref/bin/python tools/make_keras_h5_fixtures.py
"""
import os
import warnings

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests",
                   "fixtures", "keras_h5")


def inputs():
    rng = np.random.default_rng(7)
    out = {"mlp": rng.normal(size=(5, 4)).astype(np.float32),
           "cnn": rng.normal(size=(3, 8, 8, 1)).astype(np.float32),
           "text": rng.integers(1, 20, size=(4, 6)).astype(np.int32),
           "lambda": rng.normal(size=(2, 3)).astype(np.float32),
           "multi_a": rng.normal(size=(6, 5)).astype(np.float32),
           "multi_b": rng.normal(size=(6, 5)).astype(np.float32),
           "seq": rng.normal(size=(4, 7, 3)).astype(np.float32)}
    out["seq"][:, 5:] = 0  # masked steps
    return out


def targets(name, x):
    rng = np.random.default_rng(11)
    n = len(x)
    if name == "multi":
        return [rng.normal(size=(6, 2)), rng.integers(0, 2, (6, 1)).astype(np.float32)]
    if name == "seq":
        return rng.normal(size=(4, 1))
    if name == "mlp":
        return np.eye(3, dtype=np.float32)[rng.integers(0, 3, n)]
    if name == "cnn":
        return rng.integers(0, 2, n)
    return rng.integers(0, 2, (n, 1)).astype(np.float32)


def build(K, name):
    L = K.layers
    if name == "mlp":
        model = K.Sequential([K.Input((4,)), L.Dense(8, activation="relu", name="hidden"),
                              L.Dense(3, activation="softmax", name="probs")], name="mlp")
        model.compile(optimizer=K.optimizers.Adam(1e-2), loss="categorical_crossentropy",
                      metrics=["accuracy"])
    elif name == "cnn":
        x_in = K.Input((8, 8, 1), name="image")
        x = L.Conv2D(4, 3, padding="same", activation="relu", name="conv")(x_in)
        x = L.BatchNormalization(name="bn")(x)
        x = L.MaxPooling2D(2, name="pool")(x)
        x = L.Dropout(0.25, name="drop")(x)
        x = L.Flatten(name="flat")(x)
        out = L.Dense(2, name="logits")(x)
        model = K.Model(x_in, out, name="cnn")
        model.compile(optimizer=K.optimizers.SGD(0.05, momentum=0.9),
                      loss=K.losses.SparseCategoricalCrossentropy(from_logits=True),
                      metrics=["accuracy"])
    elif name == "text":
        model = K.Sequential([K.Input((6,), dtype="int32"), L.Embedding(20, 4, name="emb"),
                              L.LSTM(5, return_sequences=True, name="lstm"),
                              L.GRU(3, name="gru"), L.Dense(1, activation="sigmoid",
                                                            name="out")], name="text")
        model.compile(optimizer=K.optimizers.RMSprop(1e-2), loss="binary_crossentropy",
                      metrics=["accuracy"])
    elif name == "multi":
        a, b = K.Input((5,), name="a"), K.Input((5,), name="b")
        shared = L.Dense(4, activation="tanh", name="shared")
        inner = K.Sequential([L.Dense(3, name="in1"), L.BatchNormalization(name="inbn")],
                             name="inner")
        sa, sb = shared(a), shared(b)
        o1 = L.Dense(2, name="o1")(inner(L.Add(name="add")([sa, sb])))
        o2 = L.Dense(1, activation="sigmoid", name="o2")(L.Concatenate(name="cat")([sa, sb]))
        model = K.Model([a, b], [o1, o2], name="multi")
        model.compile(optimizer=K.optimizers.Adam(1e-3), loss=["mse", "binary_crossentropy"],
                      loss_weights=[1.0, 0.5], metrics=[["mae"], ["accuracy"]])
    elif name == "seq":
        model = K.Sequential([K.Input((7, 3)), L.Masking(0.0),
                              L.Bidirectional(L.LSTM(4, return_sequences=True), name="bi"),
                              L.TimeDistributed(L.Dense(2), name="td"),
                              L.Conv1D(3, 2, name="c1"), L.GlobalAveragePooling1D(name="gap"),
                              L.Dense(1, name="out")], name="seq")
        model.compile(optimizer="rmsprop", loss="mse")
    else:
        model = K.Sequential([K.Input((3,)), L.Dense(2, name="d"),
                              L.Lambda(lambda t: t * 2.0, name="double")], name="lam")
        model.compile(optimizer="sgd", loss="mse")
    return model


def write(tag):
    """Saves the models of one library (each library runs in its own process)."""
    import importlib
    K = importlib.import_module({"k2": "tf_keras", "k3": "keras"}[tag])
    xs = inputs()
    out = {}
    K.utils.set_random_seed(3)
    for name in ("mlp", "cnn", "text", "lambda", "multi", "seq"):
        if tag == "k3" and name in ("lambda", "multi", "seq"):
            continue  # Keras 3 stores no lambda code; the others once (Keras 2) suffice
        model = build(K, name)
        x = [xs["multi_a"], xs["multi_b"]] if name == "multi" else xs[name]
        model.fit(x, targets(name, x), epochs=1, batch_size=len(xs.get(name, x[0])),
                  verbose=0)
        path = os.path.join(OUT, f"{tag}_{name}.h5")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.save(path)
        pred = model.predict(x, verbose=0)
        if isinstance(pred, list):
            for i, p in enumerate(pred):
                out[f"{tag}_{name}_{i}"] = np.asarray(p)
        else:
            out[f"{tag}_{name}"] = np.asarray(pred)
        print(path, os.path.getsize(path))
    np.savez(os.path.join(OUT, f"predictions_{tag}.npz"), **out)


def main():
    import subprocess
    import sys
    os.makedirs(OUT, exist_ok=True)
    for tag in ("k2", "k3"):
        subprocess.run([sys.executable, __file__, tag], check=True)
    out = {f"input_{k}": v for k, v in inputs().items()}
    for tag in ("k2", "k3"):
        part = os.path.join(OUT, f"predictions_{tag}.npz")
        with np.load(part) as f:
            out.update(f)
        os.remove(part)
    np.savez(os.path.join(OUT, "predictions.npz"), **out)


if __name__ == "__main__":
    import sys
    if len(sys.argv) > 1:
        write(sys.argv[1])
    else:
        main()
