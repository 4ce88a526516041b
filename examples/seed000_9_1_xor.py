"""Seed 000, [9-1 xor]: logistic regression (one layer) on XOR, which cannot separate it.

The seed's listing verbatim with `import ndflow.compat.v1 as tf`. Filled in: the imports,
`tf.set_random_seed(777)` (the listing leaves seeding open; this makes the run repeatable)
and the step count, which `NDFLOW_EXAMPLE_STEPS` may lower (the seed trains 10001 steps).
As the seed says, the accuracy never reaches 1.0 ("Prediction" 0.5 to 0.75).
"""
import os

import numpy as np

import ndflow.compat.v1 as tf

STEPS = int(os.environ.get("NDFLOW_EXAMPLE_STEPS", 10001))
tf.set_random_seed(777)

x_data = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype = np.float32)
y_data = np.array([[0], [1], [1], [0]], dtype = np.float32)
#xor dataset을 준비한다.
X = tf.placeholder(tf.float32, [None, 2])
Y = tf.placeholder(tf.float32, [None, 1])
#placeholder 공간 설정
W = tf.Variable(tf.random_normal([2, 1]), name = 'weight')
b = tf.Variable(tf.random_normal([1]), name ='bias')
#가중치와 편향을 설정한다.
hypothesis = tf.sigmoid(tf.matmul(X, W) + b)
#xor문제도 이진 분류기이기 떄문에 sigmoid활성함수를 사용하여 출력한다.
cost = -tf.reduce_mean(Y * tf.log(hypothesis) + (1 - Y) * tf.log(1 - hypothesis))
train = tf.train.GradientDescentOptimizer(learning_rate = 0.1).minimize(cost)
#cost함수와 optimizer를 설정한다.
predicted = tf.cast(hypothesis > 0.5, dtype = tf.float32)
accuracy = tf.reduce_mean(tf.cast(tf.equal(predicted, Y), dtype = tf.float32))
#정확도를 예측하기 위한 작업을 설정한다.
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(STEPS):
        _,cost_val,W_val = sess.run([train, cost, W], feed_dict = {X: x_data, Y: y_data})
        if step % 100 == 0:
            print(step, cost_val, W_val)
    h, c, a = sess.run([hypothesis, predicted, accuracy], feed_dict = {X:x_data, Y: y_data})
    print("Hypothesis : ", h, "\nCorrect : ", c, "\nPrediction : ", a)
#실제로 학습을 시킨 결과 절대로 완벽하게 분리해 낼 수 없다.
