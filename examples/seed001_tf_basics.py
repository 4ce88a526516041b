"""Seed 001, "텐서플로우 기본" (TensorFlow basics): its TensorFlow listings.

Part 1 is TF1 code (`import ndflow.compat.v1 as tf`), part 2 TF2 code (`import ndflow as
tf`), each verbatim. Filled in: values for the notes' `값` ("value") placeholders, prints
for what a notebook would display, and a `run_this` fetch for the notes' `실행변수`
("the thing to run"). The Keras, scikit-learn and Keras Tuner listings of this seed are
examples of their own.

`a = tf.placeholder(2, tf.int32)` has its arguments swapped (the signature is
`placeholder(dtype, shape=None, name=None)`). TensorFlow reads the 2 as a DataType enum
value (`tf.as_dtype(2)` is `tf.float64`) and then fails on the shape: a DType is not a
dimension, so it raises TypeError ("Cannot convert <dtype: 'int32'> to Dimension").
ndflow does the same: `as_dtype(2)` is float64 and the shape raises TypeError. The example
shows the error, then runs the placeholder the notes meant, `tf.placeholder(tf.int32)`.
"""
import numpy as np

# --- Part 1: TensorFlow 1 ------------------------------------------------------------------
import ndflow.compat.v1 as tf

a = tf.Variable(10)
b = tf.Variable(20)
init = tf.global_variables_initializer()
with tf.Session() as sess:
    sess.run(init)
    print(sess.run(tf.add(a, b)))

a = tf.Variable(3)
b = tf.constant(4) #상수
c = tf.cast(b, tf.float32)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    print(sess.run([a, b, c]))

print("tf.as_dtype(2) =", tf.as_dtype(2))
try:
    a = tf.placeholder(2, tf.int32)
except TypeError as error:
    print("tf.placeholder(2, tf.int32) raises TypeError:", error)

a = tf.placeholder(tf.int32)
run_this = a * 2
with tf.Session() as sess:
    print(sess.run(run_this, {a: 10}))

x = tf.constant(6.)
y = tf.constant(3.)
with tf.Session() as sess:
    print(sess.run([tf.add(x, y), tf.subtract(x, y), tf.multiply(x, y), tf.divide(x, y)]))

# --- Part 2: TensorFlow 2 ------------------------------------------------------------------
import ndflow as tf  # noqa: E402

a = tf.constant(1)
print(a.numpy())

a = np.array([10, 20])
print(tf.square(a))

a = tf.constant([1, 2, 3], tf.float32)
b = tf.constant([5, 5, 5], tf.float32)
c= a+b
print(c)
c= tf.add(a,b)
print(c)
