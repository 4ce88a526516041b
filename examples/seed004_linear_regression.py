"""Seed 004: TensorFlow as a dataflow graph; linear regression W * x + b in a Session.

The seed's code verbatim under `import ndflow.compat.v1 as tf`. Filled in: the notebook
cells' displayed values (`type(x)`, the attribute-set comparisons, the predictions) are
printed, with special and private names left out of the sets as the notes say they did;
the notes show the second session's output but not its loop, so the same loop runs with
`sess2`. `NDFLOW_EXAMPLE_STEPS` may lower the second session's 1000 epochs.

Expected (the seed's own output): epoch 0 loss 41.0 weight [4.5] bias [2.2] in both
sessions; after 1000 epochs weight [3.000001] bias [1.9999975]; predictions 17 and 20.
"""
import os

import ndflow.compat.v1 as tf

EPOCHS2 = int(os.environ.get("NDFLOW_EXAMPLE_STEPS", 1000))


def public(names):
    return sorted(n for n in names if not n.startswith("_"))


x_data = [1,2,3,4]
y_data = [5,8,11,14]

x = tf.placeholder(tf.float32)
y = tf.placeholder(tf.float32)

print(type(x)) # y도 동일

W = tf.Variable([1], dtype=tf.float32) # 가중치, 편향치 모두 경험적으로 1로 세팅했다
b = tf.Variable([1], dtype=tf.float32)

print(public(set(dir(W)) & set(dir(x)))) # 공통점으로 dtype, shape, name 등이 있는걸로 봐서 tensor 객체인것은 공통점
print(public(set(dir(W)) - set(dir(x)))) # Variable에만 있는 함수와 변수들
print(public(set(dir(x)) - set(dir(W)))) # placeholder에만 있는 함수와 변수들

hypothesis = W * x + b

cost = tf.reduce_mean(tf.square(hypothesis-y))

optimizer = tf.train.GradientDescentOptimizer(learning_rate = 0.1)
# 학습률은 보통 0.1 또는 0.01을 사용한다

train_op = optimizer.minimize(cost)

sess = tf.Session()
sess.run(tf.global_variables_initializer()) # tensor를 선언하고 초기화 하지 않았기 때문에
# 초기화를 한 후 실행해야 한다

for step in range(100):
    _, cost_val = sess.run([train_op, cost], feed_dict={x: x_data, y: y_data})
    print("Epoch: ",step, "loss: ",cost_val," weight: ", sess.run(W)," bias: ", sess.run(b))

print(sess.run(hypothesis, feed_dict={x:5}))  # 3*5 + 2 = 17
print(sess.run(hypothesis, feed_dict={x:6})) # 3*6 + 2 = 20

sess2 = tf.Session()
sess2.run(tf.global_variables_initializer())

for step in range(EPOCHS2):
    _, cost_val = sess2.run([train_op, cost], feed_dict={x: x_data, y: y_data})
    print("Epoch: ",step, "loss: ",cost_val," weight: ", sess2.run(W)," bias: ", sess2.run(b))

print(sess2.run(hypothesis, feed_dict={x:5}))  # 3*5 + 2 = 17
print(sess2.run(hypothesis, feed_dict={x:6})) # 3*6 + 2 = 20
