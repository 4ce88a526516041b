"""The workloads written against the TensorFlow 2 / TF1 / Keras API, once for ndflow and TF.

`build(tf, get_keras, load_mnist, v1)` returns `run(workload, variant, quick, max_batches)` bound to a
framework: ndflow (`import ndflow as tf`) or TensorFlow itself, so both run the same source.
`v1` is the compat.v1 module for the Session variants (ndflow only here).
"""
import numpy as np

from benchmarks import common as C


def cnn_model(k):
    """W5/W6's Keras CNN with the shared initial weights (k: a Keras module)."""
    model = k.Sequential([k.layers.Input(shape=(28, 28, 1)),
                          k.layers.Conv2D(32, 3, padding="same", activation="relu"),
                          k.layers.MaxPooling2D(2),
                          k.layers.Conv2D(64, 3, padding="same", activation="relu"),
                          k.layers.MaxPooling2D(2),
                          k.layers.Flatten(),
                          k.layers.Dense(128, activation="relu"),
                          k.layers.Dense(10)])
    model.set_weights(C.cnn_weights())
    return model


def build(tf, get_keras, load_mnist, v1=None):
    """The workload functions closed over the framework module `tf`; `load_mnist()` gives
    the uint8 arrays ((x_train, y_train), (x_test, y_test))."""

    def mnist(shape):
        (x_tr, y_tr), (x_te, y_te) = load_mnist()
        return (C.scale(x_tr).reshape(shape), y_tr), (C.scale(x_te).reshape(shape), y_te)

    # ---------------------------------------------------------------- W1 xor

    def xor_forward(weights, x):
        h = x
        for i in range(0, len(weights), 2):
            h = tf.sigmoid(tf.matmul(h, weights[i]) + weights[i + 1])
        return h

    def bce(p, y):
        return tf.reduce_mean(-(y * tf.math.log(p) + (1.0 - y) * tf.math.log(1.0 - p)))

    def w1(variant, quick):
        x, y = C.xor_data()
        steps = C.n_steps(quick, C.XOR_STEPS)
        if variant == "session":
            return w1_session(x, y, steps)
        weights = [tf.Variable(w) for w in C.xor_weights()]
        xt, yt = tf.constant(x), tf.constant(y)

        def step():
            with tf.GradientTape() as tape:
                loss = bce(xor_forward(weights, xt), yt)
            for var, grad in zip(weights, tape.gradient(loss, weights)):
                var.assign_sub(C.XOR_LR * grad)
            return loss

        if variant == "function":
            step = tf.function(step)
        step()
        with C.Clock() as clock:
            for _ in range(steps):
                loss = step()
        return {"value": clock.seconds / steps, "loss": float(loss.numpy())}

    def w1_session(x, y, steps):
        with tf.Graph().as_default():
            xp = v1.placeholder(tf.float32, [None, 2])
            yp = v1.placeholder(tf.float32, [None, 1])
            weights = [v1.Variable(w) for w in C.xor_weights()]
            loss = bce(xor_forward(weights, xp), yp)
            train = v1.train.GradientDescentOptimizer(C.XOR_LR).minimize(loss)
            with v1.Session() as sess:
                sess.run(v1.global_variables_initializer())
                feed = {xp: x, yp: y}
                sess.run(train, feed_dict=feed)
                with C.Clock() as clock:
                    for _ in range(steps):
                        _, loss_value = sess.run([train, loss], feed_dict=feed)
        return {"value": clock.seconds / steps, "loss": float(loss_value)}

    # ---------------------------------------------------------------- W2 linreg (seed 004)

    def w2(variant, quick):
        x, y = C.linreg_data()
        steps = C.n_steps(quick, C.LINREG_STEPS)
        if variant == "session":
            with tf.Graph().as_default():
                xp, yp = v1.placeholder(tf.float32), v1.placeholder(tf.float32)
                w = v1.Variable([1], dtype=tf.float32)
                b = v1.Variable([1], dtype=tf.float32)
                cost = tf.reduce_mean(tf.square(w * xp + b - yp))
                train = v1.train.GradientDescentOptimizer(learning_rate=C.LINREG_LR).minimize(cost)
                with v1.Session() as sess:
                    sess.run(v1.global_variables_initializer())
                    feed = {xp: x, yp: y}
                    sess.run(train, feed_dict=feed)
                    with C.Clock() as clock:
                        for _ in range(steps):
                            _, loss = sess.run([train, cost], feed_dict=feed)
            return {"value": clock.seconds / steps, "loss": float(loss)}
        w = tf.Variable([1.0])
        b = tf.Variable([1.0])
        xt, yt = tf.constant(x), tf.constant(y)

        @tf.function
        def step():
            with tf.GradientTape() as tape:
                cost = tf.reduce_mean(tf.square(w * xt + b - yt))
            gw, gb = tape.gradient(cost, [w, b])
            w.assign_sub(C.LINREG_LR * gw)
            b.assign_sub(C.LINREG_LR * gb)
            return cost

        step()
        with C.Clock() as clock:
            for _ in range(steps):
                loss = step()
        return {"value": clock.seconds / steps, "loss": float(loss.numpy())}

    # ---------------------------------------------------------------- W3 softmax (seed 002)

    def w3(quick, max_batches):
        (x_tr, y_tr), (x_te, y_te) = mnist((-1, 784))
        y_onehot = tf.one_hot(y_tr, 10).numpy()
        w0, b0 = C.softmax_weights()
        W, B = tf.Variable(w0, name="weight"), tf.Variable(b0, name="bias")

        @tf.function
        def hypothesis(X):
            return tf.nn.softmax(tf.add(tf.matmul(tf.cast(X, tf.float32), W), B))

        @tf.function
        def loss(H, Y):
            return tf.reduce_mean(-tf.reduce_sum(Y * tf.math.log(H), axis=1))

        @tf.function
        def train(X, Y, learning_rate=0.1):
            with tf.GradientTape() as tape:
                _loss = loss(hypothesis(X), Y)
            _w, _b = tape.gradient(_loss, [W, B])
            W.assign_sub(learning_rate * _w)
            B.assign_sub(learning_rate * _b)

        bs = C.SOFTMAX_BATCH
        train(x_tr[:bs], y_onehot[:bs], learning_rate=C.SOFTMAX_LR)
        batches, full = C.n_batches(len(x_tr), bs, quick, max_batches)
        with C.Clock() as clock:
            for i in range(batches):
                train(x_tr[i * bs:(i + 1) * bs], y_onehot[i * bs:(i + 1) * bs],
                      learning_rate=C.SOFTMAX_LR)
        return C.epoch_result(clock.seconds, batches, full,
                              accuracy=C.accuracy(hypothesis(x_te).numpy(), y_te))

    # ---------------------------------------------------------------- W4/W5 Keras models

    def mlp_model(k):
        model = k.Sequential([k.layers.Input(shape=(28, 28)),
                              k.layers.Flatten(),
                              k.layers.Dense(300, activation="relu"),
                              k.layers.Dense(100, activation="relu"),
                              k.layers.Dense(10)])
        model.set_weights(C.mlp_weights())
        return model

    def compile_model(k, model):
        model.compile(optimizer=k.optimizers.Adam(**C.ADAM),
                      loss=k.losses.SparseCategoricalCrossentropy(from_logits=True),
                      metrics=["accuracy"])

    def fit_epoch(model, data, batch, quick, max_batches):
        """One warm-up step on the first batch, then one timed epoch through model.fit."""
        (x_tr, y_tr), (x_te, y_te) = data
        model.fit(x_tr[:batch], y_tr[:batch], batch_size=batch, epochs=1, verbose=0, shuffle=False)
        batches, full = C.n_batches(len(x_tr), batch, quick, max_batches)
        n = batches * batch
        with C.Clock() as clock:
            model.fit(x_tr[:n], y_tr[:n], batch_size=batch, epochs=1, verbose=0, shuffle=False)
        logits = model.predict(x_te, batch_size=C.PREDICT_BATCH, verbose=0)
        return C.epoch_result(clock.seconds, batches, full, accuracy=C.accuracy(logits, y_te))

    def w4(variant, quick, max_batches):
        k = get_keras()
        data = mnist((-1, 28, 28))
        model = mlp_model(k)
        if variant == "fit":
            compile_model(k, model)
            return fit_epoch(model, data, C.MLP_BATCH, quick, max_batches)
        (x_tr, y_tr), (x_te, y_te) = data
        optimizer = k.optimizers.Adam(**C.ADAM)
        loss_fn = k.losses.SparseCategoricalCrossentropy(from_logits=True)

        @tf.function
        def train_step(x, y):
            with tf.GradientTape() as tape:
                loss = loss_fn(y, model(x, training=True))
            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables))
            return loss

        bs = C.MLP_BATCH
        train_step(x_tr[:bs], y_tr[:bs])
        batches, full = C.n_batches(len(x_tr), bs, quick, max_batches)
        with C.Clock() as clock:
            for i in range(batches):
                train_step(x_tr[i * bs:(i + 1) * bs], y_tr[i * bs:(i + 1) * bs])
        logits = model.predict(x_te, batch_size=C.PREDICT_BATCH, verbose=0)
        return C.epoch_result(clock.seconds, batches, full, accuracy=C.accuracy(logits, y_te))

    def w5(quick, max_batches):
        k = get_keras()
        model = cnn_model(k)
        compile_model(k, model)
        return fit_epoch(model, mnist((-1, 28, 28, 1)), C.CNN_BATCH, quick, max_batches)

    def w6(variant, quick):
        k = get_keras()
        _, (x_te, _) = mnist((-1, 28, 28) if variant == "mlp" else (-1, 28, 28, 1))
        model = mlp_model(k) if variant == "mlp" else cnn_model(k)
        if quick:
            x_te = x_te[:C.QUICK_BATCHES * C.PREDICT_BATCH]
        model.predict(x_te[:C.PREDICT_BATCH], batch_size=C.PREDICT_BATCH, verbose=0)
        with C.Clock() as clock:
            out = model.predict(x_te, batch_size=C.PREDICT_BATCH, verbose=0)
        return {"value": len(x_te) / clock.seconds, "out_mean": float(np.mean(out))}

    def run(workload, variant, quick, max_batches=None):
        if workload == "W1":
            return w1(variant, quick)
        if workload == "W2":
            return w2(variant, quick)
        if workload == "W3":
            return w3(quick, max_batches)
        if workload == "W4":
            return w4(variant, quick, max_batches)
        if workload == "W5":
            return w5(quick, max_batches)
        return w6(variant, quick)

    return run
