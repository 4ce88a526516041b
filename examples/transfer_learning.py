"""Transfer learning and fine-tuning, as the Keras book does it (Chollet, "Deep Learning
with Python", ch. 8; and Keras's transfer-learning guide), with MobileNetV2 as the base.

1. A base: `keras.applications.MobileNetV2(include_top=False)` (alpha 0.35, 32x32 input).
   Its weights: a Keras `.h5` weights file when $NDFLOW_TRANSFER_WEIGHTS names one (e.g.
   Keras's mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_96_no_top.h5: convolution
   weights do not depend on the input size). Otherwise (offline, no file) the base is
   pretrained here, on a source task: 4 shapes (circle, square, triangle, cross).
2. Feature extraction: `base.trainable = False`, the base called with `training=False` so
   its BatchNormalization layers stay in inference mode (their moving statistics are not
   updated, also later while fine-tuning); a new head (global pooling, dropout, softmax)
   is trained on the target task: 2 shapes the base never saw (diamond, ring), from few
   labelled images.
3. Fine-tuning: `base.trainable = True` except its first layers, recompiled with a 10x
   lower learning rate, trained a little more.

Measured at these defaults (2 CPU cores, load average ~6 from other jobs, one BLAS thread):
13 s; the short pretraining on the generated source task reaches only 0.29 accuracy, and on
the target task (300 training images) the frozen base + new head reaches 0.583, fine-tuning
at lr 1e-4 0.593 — the mechanics (frozen base in inference mode, then fine-tuning) are what
this shows; a real pretrained weights file ($NDFLOW_TRANSFER_WEIGHTS) is what makes the
transfer pay.
`NDFLOW_EXAMPLE_SAMPLES` scales the data sets (the tests use a small number).
"""
import os
import sys
import time

import numpy as np

import ndflow as tf
from ndflow import keras

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _shapes_data import classification_set  # noqa: E402

L = keras.layers
SIZE = 32


def make_base():
    base = keras.applications.MobileNetV2(input_shape=(SIZE, SIZE, 3), alpha=0.35,
                                          include_top=False, weights=None)
    path = os.environ.get("NDFLOW_TRANSFER_WEIGHTS")
    if path and os.path.exists(path):
        base.load_weights(path)
        print(f"base weights: {path}")
    return base


def classifier(base, classes, dropout=0.2, pretraining=False):
    """inputs -> preprocessing -> base -> pooled features -> softmax. The base runs in
    inference mode (training=False) except while it is itself being pretrained."""
    inputs = keras.Input((SIZE, SIZE, 3))
    x = L.Rescaling(2.0, offset=-1.0)(inputs)        # [0, 1] -> [-1, 1], MobileNetV2's range
    x = base(x) if pretraining else base(x, training=False)
    x = L.GlobalAveragePooling2D()(x)
    x = L.Dropout(dropout)(x)
    outputs = L.Dense(classes, activation="softmax")(x)
    return keras.Model(inputs, outputs)


def fit_eval(model, train, test, epochs, lr):
    model.compile(optimizer=keras.optimizers.Adam(lr), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(*train, batch_size=32, epochs=epochs, verbose=0)
    return model.evaluate(*test, verbose=0)[1]


def main():
    start = time.perf_counter()
    tf.random.set_seed(0)
    n = int(os.environ.get("NDFLOW_EXAMPLE_SAMPLES", 1200))
    base = make_base()
    results = {}
    if not os.environ.get("NDFLOW_TRANSFER_WEIGHTS"):
        source_kinds = ("circle", "square", "triangle", "cross")
        src_train = classification_set(n, source_kinds, SIZE, seed=1)
        src_test = classification_set(max(64, n // 4), source_kinds, SIZE, seed=2)
        # pretraining: base and head trainable, BatchNorm learning its statistics
        pretrain = classifier(base, len(source_kinds), dropout=0.0, pretraining=True)
        base.trainable = True
        for layer in base.layers:  # a short pretraining: let the moving statistics follow
            if isinstance(layer, L.BatchNormalization):  # (MobileNetV2's 0.999 would not)
                layer.momentum = 0.9
        results["source task (pretraining)"] = fit_eval(pretrain, src_train, src_test, 4, 2e-3)
    target_kinds = ("diamond", "ring")
    train = classification_set(max(32, n // 4), target_kinds, SIZE, seed=3)
    test = classification_set(max(64, n // 4), target_kinds, SIZE, seed=4)
    base.trainable = False                            # feature extraction
    model = classifier(base, len(target_kinds))
    frozen = [w.numpy().copy() for w in base.weights]
    results["target task, frozen base + new head"] = fit_eval(model, train, test, 4, 1e-3)
    assert all(np.array_equal(a, w.numpy()) for a, w in zip(frozen, base.weights)), \
        "a frozen base must not change"
    base.trainable = True                             # fine-tuning: all but the stem
    for layer in base.layers[:20]:
        layer.trainable = False
    results["target task, fine-tuned (lr 1e-4)"] = fit_eval(model, train, test, 2, 1e-4)
    for what, accuracy in results.items():
        print(f"{what}: accuracy {accuracy:.4f}")
    print(f"({time.perf_counter() - start:.0f} s, {len(train[0])} target training images)")
    return results


if __name__ == "__main__":
    main()
