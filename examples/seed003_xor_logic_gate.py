"""Seed 003: the XOR `LogicGate` (2-6-1 sigmoid net) trained with a numerical `derivative`.

Part 1 is the seed's plain-NumPy code as written. Filled in: `np.random.seed(0)` (the
listing leaves seeding open; this makes the run repeatable) and the step count, which
`NDFLOW_EXAMPLE_STEPS` may lower (the seed trains 20001 steps).

Part 2 (not in the seed) computes the same `derivative` of the trained gate's loss with
`ndflow.testing.numerical_gradient` (the same central differences) and the analytic
gradient with `ndflow.GradientTape`, and prints how far apart they are.
"""
import os

import numpy as np

STEPS = int(os.environ.get("NDFLOW_EXAMPLE_STEPS", 20001))
np.random.seed(0)

# --- Part 1: the seed's code ---------------------------------------------------------------

def sigmoid(z):
    return 1 / (1+np.exp(-z))

def derivative(f,x):
    delta_x = 1e-4
    grad = np.zeros_like(x)

    it = np.nditer(x, flags=['multi_index'], op_flags=['readwrite'])

    while not it.finished:
        idx = it.multi_index

        tmp_val = x[idx]
        x[idx] = float(tmp_val) + delta_x
        fx1 = f(x)

        x[idx] = tmp_val - delta_x
        fx2 = f(x)
        grad[idx] = (fx1 - fx2) / (2*delta_x)

        x[idx] = tmp_val
        it.iternext()

    return grad

class LogicGate:
    def __init__(self, gate_name, xdata, tdata):
        self.name = gate_name
        self.xdata = xdata.reshape(4,2)
        self.tdata = tdata.reshape(4,1)

        self.W2 = np.random.rand(2,6)
        self.b2 = np.random.rand(6)

        self.W3 = np.random.rand(6,1)
        self.b3 = np.random.rand(1)

        self.learning_rate = 1e-2

    def feed_forward(self):
        delta = 1e-7
        z2 = np.dot(self.xdata, self.W2) + self.b2
        a2 = sigmoid(z2)
        z3 = np.dot(a2, self.W3) + self.b3
        y = a3 = sigmoid(z3)
        return -np.sum(self.tdata*np.log(y+delta)+(1-self.tdata)*np.log((1-y)+delta))

    def loss_val(self):
        delta = 1e-7
        z2 = np.dot(self.xdata, self.W2) + self.b2
        a2 = sigmoid(z2)
        z3 = np.dot(a2, self.W3) + self.b3
        y = a3 = sigmoid(z3)
        return -np.sum(self.tdata*np.log(y+delta)+(1-self.tdata)*np.log((1-y)+delta))

    def train(self):
        f = lambda x: self.feed_forward()
        print("Initial loss value = ", self.loss_val())

        for step in range(STEPS):
            self.W2 -= self.learning_rate * derivative(f, self.W2)
            self.b2 -= self.learning_rate * derivative(f, self.b2)

            self.W3 -= self.learning_rate * derivative(f, self.W3)
            self.b3 -= self.learning_rate * derivative(f, self.b3)

            if (step % 1000 == 0):
                print("step = ", step, "loss value =", self.loss_val())

    def predict(self, xdata):
        z2 = np.dot(xdata, self.W2) + self.b2
        a2 = sigmoid(z2)
        z3 = np.dot(a2, self.W3) + self.b3
        y = a3 = sigmoid(z3)
        if y > 0.5:
            result = 1
        else:
            result = 0

        return y, result
xdata = np.array([ [0,0],[0,1],[1,0],[1,1] ])
tdata = np.array([0,1,1,0])

xor_obj = LogicGate("XOR", xdata, tdata)
xor_obj.train()
test_data = np.array([ [0,0],[0,1],[1,0],[1,1] ])
for data in test_data:
    (sigmoid_val, logical_val) = xor_obj.predict(data)
    print(data,"",logical_val)

# --- Part 2: the same derivative with ndflow --------------------------------------------------
import ndflow as tf  # noqa: E402
from ndflow.testing import numerical_gradient  # noqa: E402

f = lambda x: xor_obj.feed_forward()
by_hand = derivative(f, xor_obj.W2)
by_ndflow = numerical_gradient(f, xor_obj.W2, delta=1e-4)

W2 = tf.Variable(xor_obj.W2)  # float64, like the seed's arrays
with tf.GradientTape() as tape:
    y = tf.sigmoid(tf.matmul(tf.sigmoid(tf.matmul(xor_obj.xdata.astype(np.float64), W2)
                                        + xor_obj.b2), xor_obj.W3) + xor_obj.b3)
    t = xor_obj.tdata
    loss = -tf.reduce_sum(t * tf.math.log(y + 1e-7) + (1 - t) * tf.math.log((1 - y) + 1e-7))
analytic = tape.gradient(loss, W2).numpy()

print("dloss/dW2, seed's derivative:\n", by_hand)
print("max |seed derivative - ndflow.testing.numerical_gradient| =",
      np.max(np.abs(by_hand - by_ndflow)))
print("max |seed derivative - GradientTape gradient| =", np.max(np.abs(by_hand - analytic)))
