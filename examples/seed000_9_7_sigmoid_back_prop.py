"""Seed 000, [9-7 sigmoid_back_prop]: logistic regression trained by hand-written backprop.

The seed's listing verbatim under `import ndflow.compat.v1 as tf`. Filled in: a small
synthetic binary dataset (100 points, 4 features, labelled by a fixed linear rule, from
NumPy's seeded generator; the notes do not say which data they used), the placeholders
`X` and `target`, `W` and `b`, `sigma` and `sigma_prime` (the logistic function and its
derivative sigma(x) * (1 - sigma(x))), `layer_1`, `y_pred`, the loss and accuracy for the
prints, and the Session loop. `NDFLOW_EXAMPLE_STEPS` may lower the 1000 steps.
"""
import os

import numpy as np

import ndflow.compat.v1 as tf

STEPS = int(os.environ.get("NDFLOW_EXAMPLE_STEPS", 1000))
tf.set_random_seed(777)

rng = np.random.RandomState(7)
X_data = rng.normal(size=(100, 4)).astype(np.float32)
y_data = (X_data @ np.array([[1.5], [-2.0], [0.5], [1.0]]) + 0.3 > 0).astype(np.float32)

X = tf.placeholder(tf.float32, [None, 4])
target = tf.placeholder(tf.float32, [None, 1])
W = tf.Variable(tf.random_normal([4, 1]), name='weight')
b = tf.Variable(tf.random_normal([1]), name='bias')


def sigma(x):
    return 1. / (1. + tf.exp(-x))


def sigma_prime(x):
    return sigma(x) * (1. - sigma(x))


layer_1 = tf.matmul(X, W) + b
y_pred = sigma(layer_1)
loss = -tf.reduce_mean(target * tf.log(y_pred + 1e-7) + (1 - target) * tf.log(1 - y_pred + 1e-7))
accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.cast(y_pred > 0.5, tf.float32), target), tf.float32))

assert y_pred.shape.as_list() == target.shape.as_list()
d_loss = (y_pred - target) / (y_pred * (1. - y_pred) + 1e-7)
d_sigma = sigma_prime(layer_1)
d_layer = d_loss * d_sigma
d_b = d_layer
d_W = tf.matmul(tf.transpose(X), d_layer)
#별 어려운거 없이. 똑같이 back_prop작업을 설정하고 적용시키면된다.
learning_rate = 0.01
train_step = [
tf.assign(W, W - learning_rate * d_W),
tf.assign(b, b - learning_rate * tf.reduce_sum(d_b)),
]
#learning_Rate설정과 단계별로 w와b를 적용시킨다.
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(STEPS):
        sess.run(train_step, feed_dict={X: X_data, target: y_data})
        if step % 100 == 0:
            print(step, sess.run([loss, accuracy], feed_dict={X: X_data, target: y_data}))
    print("Accuracy:", sess.run(accuracy, feed_dict={X: X_data, target: y_data}))
