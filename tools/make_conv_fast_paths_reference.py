"""Writes tests/fixtures/tf_conv_fast_paths.npz: TensorFlow 2.21 / Keras 3 values for the
kernels' fast paths (tests/test_conv_fast_paths_tf.py compares ndflow with them).

    /work/tfref/bin/python tools/make_conv_fast_paths_reference.py

Cases: max pooling with ties (tiling 2x2 VALID, overlapping 3x3 stride 2 SAME) and its
gradient; a depthwise convolution (multiplier 2, stride 2, SAME) and both its gradients; a
convolution (cut into chunks of patches by the test) and both gradients;
Keras BatchNormalization in training (output, moving statistics, gradients) and inference;
Keras ReLU(6) and its gradient at 0 and 6.
"""
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests",
                   "fixtures", "tf_conv_fast_paths.npz")


def grads(fn, inputs, dy):
    inputs = [tf.constant(v) for v in inputs]
    with tf.GradientTape() as tape:
        for t in inputs:
            tape.watch(t)
        y = fn(*inputs)
    return [y.numpy()] + [g.numpy() for g in tape.gradient(y, inputs, output_gradients=dy)]


def main():
    rng = np.random.default_rng(0)
    f32 = np.float32
    out = {}
    # max pooling with ties
    x = rng.integers(0, 3, (2, 6, 8, 3)).astype(f32)
    for name, k, s, pad in (("pool_tiled", 2, 2, "VALID"), ("pool_overlap", 3, 2, "SAME")):
        y = tf.nn.max_pool2d(x, k, s, pad).numpy()
        dy = rng.standard_normal(y.shape).astype(f32)
        _, dx = grads(lambda t: tf.nn.max_pool2d(t, k, s, pad), [x], dy)
        out.update({f"{name}_x": x, f"{name}_dy": dy, f"{name}_y": y, f"{name}_dx": dx})
    # depthwise convolution
    x = rng.standard_normal((2, 9, 7, 4)).astype(f32)
    w = rng.standard_normal((3, 3, 4, 2)).astype(f32)
    conv = lambda a, b: tf.nn.depthwise_conv2d(a, b, [1, 2, 2, 1], "SAME")  # noqa: E731
    dy = rng.standard_normal(conv(x, w).shape).astype(f32)
    y, dx, dw = grads(conv, [x, w], dy)
    out.update(dw_x=x, dw_w=w, dw_dy=dy, dw_y=y, dw_dx=dx, dw_dw=dw)
    # a convolution the test cuts into chunks (W5's second layer, smaller)
    x = rng.standard_normal((6, 10, 10, 16)).astype(f32)
    w = (rng.standard_normal((3, 3, 16, 24)) * 0.1).astype(f32)
    conv = lambda a, b: tf.nn.conv2d(a, b, 1, "SAME")  # noqa: E731
    dy = rng.standard_normal((6, 10, 10, 24)).astype(f32)
    y, dx, dw = grads(conv, [x, w], dy)
    out.update(conv_x=x, conv_w=w, conv_dy=dy, conv_y=y, conv_dx=dx, conv_dw=dw)
    # Keras BatchNormalization: training step, moving statistics, inference
    x = (rng.standard_normal((6, 5, 5, 8)) * 2 + 1).astype(f32)
    dy = rng.standard_normal(x.shape).astype(f32)
    layer = keras.layers.BatchNormalization(momentum=0.9, epsilon=1e-3)
    layer.build(x.shape)
    gamma, beta = rng.uniform(0.5, 1.5, 8).astype(f32), rng.standard_normal(8).astype(f32)
    layer.set_weights([gamma, beta, np.zeros(8, f32), np.ones(8, f32)])
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        y = layer(xt, training=True)
    dx, dgamma, dbeta = tape.gradient(y, [xt, layer.gamma, layer.beta], output_gradients=dy)
    out.update(bn_x=x, bn_dy=dy, bn_gamma=gamma, bn_beta=beta, bn_train_y=y.numpy(),
               bn_dx=dx.numpy(), bn_dgamma=dgamma.numpy(), bn_dbeta=dbeta.numpy(),
               bn_moving_mean=layer.moving_mean.numpy(),
               bn_moving_variance=layer.moving_variance.numpy(),
               bn_infer_y=layer(xt, training=False).numpy())
    # Keras ReLU(6)
    x = np.array([-1.0, 0.0, 0.5, 6.0, 7.0], f32)
    y, dx = grads(keras.layers.ReLU(6.0), [x], np.ones(5, f32))
    out.update(relu6_x=x, relu6_y=y, relu6_dx=dx)
    tmp = OUT + ".tmp.npz"
    np.savez_compressed(tmp, **out)
    os.replace(tmp, OUT)
    print(f"wrote {OUT} ({len(out)} arrays) with TensorFlow {tf.__version__}, "
          f"Keras {keras.__version__}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
