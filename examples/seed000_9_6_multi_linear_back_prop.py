"""Seed 000, [9-6 multi-linear-back_prop]: three-feature linear regression, hand backprop.

The seed's listing verbatim under `import ndflow.compat.v1 as tf`. Filled in: the
placeholders ([None, 3] and [None, 1], so the listing's shape assert holds), `W` and `b`
(random normal), and the Session loop with its print, as in [9-5].
`NDFLOW_EXAMPLE_STEPS` may lower the 1000 steps.
"""
import os

import ndflow.compat.v1 as tf

STEPS = int(os.environ.get("NDFLOW_EXAMPLE_STEPS", 1000))
tf.set_random_seed(777)

x_data = [[73., 80., 75.],
[93., 88., 93.],
[89., 91., 90.],
[96., 98., 100.],
[73., 66., 70.]]
y_data = [[152.],[185.],[180.], [196.], [142.]]
#multi variable에 대한 dataset을 준비한다.
X = tf.placeholder(tf.float32, shape=[None, 3])
Y = tf.placeholder(tf.float32, shape=[None, 1])
W = tf.Variable(tf.random_normal([3, 1]), name='weight')
b = tf.Variable(tf.random_normal([1]), name='bias')

hypothesis = tf.matmul(X, W) + b
#사용될 모델을 설정한다.
assert hypothesis.shape.as_list() == Y.shape.as_list()
diff = (hypothesis - Y)
d_l1 = diff
d_b = d_l1
d_w = tf.matmul(tf.transpose(X), d_l1)
#back_prop에 대하여 설정한다. 거슬러 올라간다고 생각하면 된다.
learning_rate = 1e-6
step = [
tf.assign(W, W - learning_rate * d_w),
tf.assign(b, b - learning_rate * tf.reduce_mean(d_b)),
]
#learning_Rate을 부여하고 단계별로 거슬러 올라갈때의 w와 b를 추정한다.
RMSE = tf.reduce_mean(tf.square((Y - hypothesis)))
#cost함수는 마찬가지로 RMSE 오차를 사용한다.
sess = tf.Session()
sess.run(tf.global_variables_initializer())
for i in range(STEPS):
    print(i, sess.run([step, RMSE], feed_dict = {X: x_data, Y: y_data}))
print(sess.run(hypothesis, feed_dict = {X: x_data}))
