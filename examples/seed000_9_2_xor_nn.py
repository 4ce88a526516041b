"""Seed 000, [9-2 xor-nn]: XOR with two layers ("the accuracy becomes 1.0").

The seed gives only the two layers; everything else (data, placeholders, cost, optimizer,
accuracy, the Session loop and its prints) is filled in from [9-1], which 9-2 continues.
The listing is kept verbatim, including its typo: `W1` has shape [2, 1] while `b1` has
shape [2] (the lab intends [2, 2]). It still runs, because [4, 1] + [2] broadcasts to a
[4, 2] hidden layer whose two units see the same projection X @ W1 with different biases.
That net can still represent XOR, but whether gradient descent finds it depends on the
initial weights: with ndflow's generator, 11 of the graph seeds 0..19 reach accuracy 1.0
in 10001 steps and the rest stop at 0.75 (8 seeds) or 0.5 (1 seed); the intended [2, 2]
layer does no better (5 of the seeds 0..9 reach 1.0, the rest stall). The listing leaves
seeding open, so `tf.set_random_seed(2)` is added: one of the seeds that reaches 1.0
(already after 1000 steps). `NDFLOW_EXAMPLE_STEPS` may lower the 10001 steps.
"""
import os

import numpy as np

import ndflow.compat.v1 as tf

STEPS = int(os.environ.get("NDFLOW_EXAMPLE_STEPS", 10001))
tf.set_random_seed(2)

x_data = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype = np.float32)
y_data = np.array([[0], [1], [1], [0]], dtype = np.float32)
X = tf.placeholder(tf.float32, [None, 2])
Y = tf.placeholder(tf.float32, [None, 1])

W1 = tf.Variable(tf.random_normal([2, 1]), name ='weight1')
b1 = tf.Variable(tf.random_normal([2]), name = 'bias1')
layer1 = tf.sigmoid(tf.matmul(X, W1) + b1)
#layer1을 만든다. 여기다 layer2를 연결하여 학습 시킨다.
W2 = tf.Variable(tf.random_normal([2, 1]), name= 'weight2')
b2 = tf.Variable(tf.random_normal([1]), name= 'bias2')
hypothesis = tf.sigmoid(tf.matmul(layer1, W2) + b2)
#layer2를 생성하여 layer1과 연결한다.

cost = -tf.reduce_mean(Y * tf.log(hypothesis) + (1 - Y) * tf.log(1 - hypothesis))
train = tf.train.GradientDescentOptimizer(learning_rate = 0.1).minimize(cost)
predicted = tf.cast(hypothesis > 0.5, dtype = tf.float32)
accuracy = tf.reduce_mean(tf.cast(tf.equal(predicted, Y), dtype = tf.float32))
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(STEPS):
        _, cost_val = sess.run([train, cost], feed_dict = {X: x_data, Y: y_data})
        if step % 100 == 0:
            print(step, cost_val)
    h, c, a = sess.run([hypothesis, predicted, accuracy], feed_dict = {X:x_data, Y: y_data})
    print("Hypothesis : ", h, "\nCorrect : ", c, "\nPrediction : ", a)
