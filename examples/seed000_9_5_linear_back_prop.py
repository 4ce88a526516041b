"""Seed 000, [9-5 linear_back_prop]: linear regression trained by hand-written backprop.

The seed's listing verbatim under `import ndflow.compat.v1 as tf`. Filled in: the data
(y = x on three points), the placeholders, `W` (truncated normal) and `b` (a deliberately
wrong 5.0), `diff = hypothesis - Y` (the listing uses `diff` without defining it; 9-6
defines it this way) and the Session. `NDFLOW_EXAMPLE_STEPS` may lower the 1000 steps.
"""
import os

import ndflow.compat.v1 as tf

STEPS = int(os.environ.get("NDFLOW_EXAMPLE_STEPS", 1000))
tf.set_random_seed(777)

x_data = [[1.], [2.], [3.]]
y_data = [[1.], [2.], [3.]]
X = tf.placeholder(tf.float32, shape=[None, 1])
Y = tf.placeholder(tf.float32, shape=[None, 1])
W = tf.Variable(tf.truncated_normal([1, 1]))
b = tf.Variable(5.)

hypothesis = tf.matmul(X, W) + b
#우선 모델을 설정한다.
diff = hypothesis - Y
d_l1 = diff
d_b = d_l1
d_w = tf.matmul(tf.transpose(X), d_l1)
#chain Rule인 역전파 알고리즘을 생성한다.
learning_rate = 0.1
step = [
tf.assign(W, W - learning_rate * d_w),
tf.assign(b, b - learning_rate * tf.reduce_mean(d_b)),
]
#learning_rate을 설정하고 단계별로 가중치와 편향을 할당한다.
RMSE = tf.reduce_mean(tf.square((Y - hypothesis)))
#RMSE오차 방법을 사용한다.
sess = tf.Session()
sess.run(tf.global_variables_initializer())
for i in range(STEPS):
    print(i, sess.run([step, RMSE], feed_dict = {X: x_data, Y: y_data}))
#결과 실행
print(sess.run(hypothesis, feed_dict = {X: x_data}))
