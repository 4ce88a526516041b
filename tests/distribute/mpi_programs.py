"""Programs the distributed tests run, each once under `mpiexec -n 2` and once as a single
process: `python mpi_programs.py MODE OUT_DIR`. Each rank writes its final weights (and
what else the test compares) to OUT_DIR/MODE_rank<R>.npz.

The data and initial weights are fixed (seeded NumPy), the global batch is 64 and nothing
is shuffled, so every run must end with the same weights as one process training on the
global batch.
"""
import os
import sys

import numpy as np

GLOBAL_BATCH = 64
ROWS = 192           # 3 steps per epoch
FEATURES, HIDDEN, CLASSES = 6, 8, 3


def data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(ROWS, FEATURES)).astype("float32")
    y = rng.integers(0, CLASSES, size=ROWS).astype("int64")
    return x, y


def initial_weights():
    rng = np.random.default_rng(1)
    return [rng.normal(scale=0.5, size=(FEATURES, HIDDEN)).astype("float32"),
            np.zeros(HIDDEN, "float32"),
            rng.normal(scale=0.5, size=(HIDDEN, CLASSES)).astype("float32"),
            np.zeros(CLASSES, "float32")]


def save(out_dir, mode, rank, weights, **arrays):
    arrays.update({f"w{i}": w for i, w in enumerate(weights)})
    np.savez(os.path.join(out_dir, f"{mode}_rank{rank}.npz"), **arrays)


def keras_fit(out_dir):
    import ndflow as tf
    from ndflow import keras
    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    rank = strategy.cluster_resolver.task_id
    with strategy.scope():
        model = keras.Sequential([keras.Input((FEATURES,)),
                                  keras.layers.Dense(HIDDEN, activation="tanh"),
                                  keras.layers.Dense(CLASSES, activation="softmax")])
        model.set_weights(initial_weights())
        model.compile(optimizer=keras.optimizers.SGD(0.5, momentum=0.5),
                      loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        # made from each rank's own random stream, then broadcast from rank 0
        probe = tf.Variable(np.random.default_rng(100 + rank).normal(size=3).astype("f4"))
    x, y = data()
    # 181 rows: the last global batch (53 rows) splits unevenly, 26 + 27, and so do the
    # validation batches (71 rows: 64, then 3 + 4)
    history = model.fit(x[:181], y[:181], batch_size=GLOBAL_BATCH, epochs=2, shuffle=False,
                        verbose=0, validation_data=(x[:71], y[:71]))
    logs = model.evaluate(x, y, batch_size=GLOBAL_BATCH, verbose=0, return_dict=True)
    pred = model.predict(x[:100], batch_size=GLOBAL_BATCH, verbose=0)
    weights = model.get_weights()
    save(out_dir, "keras", rank, weights, probe=probe.numpy(),
         loss=np.array(history.history["loss"]), acc=np.array(history.history["accuracy"]),
         val_loss=np.array(history.history["val_loss"]),
         eval_loss=np.array(logs["loss"]), pred=pred,
         replicas=np.array(strategy.num_replicas_in_sync))


def keras_custom_step(out_dir):
    """A subclassed model with its own train_step (compute_loss + apply_gradients), trained
    with fit under the strategy: the ranks must stay in step, equal to one process."""
    import ndflow as tf
    from ndflow import keras

    class CustomStep(keras.Model):
        def __init__(self):
            super().__init__()
            self.hidden = keras.layers.Dense(HIDDEN, activation="tanh")
            self.out = keras.layers.Dense(CLASSES, activation="softmax")

        def call(self, x):
            return self.out(self.hidden(x))

        def train_step(self, data):
            x, y = data
            with tf.GradientTape() as tape:
                y_pred = self(x, training=True)
                loss = self.compute_loss(y=y, y_pred=y_pred)
            grads = tape.gradient(loss, self.trainable_variables)
            self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
            return {"loss": loss}

    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    rank = strategy.cluster_resolver.task_id
    with strategy.scope():
        model = CustomStep()
        model(np.zeros((1, FEATURES), "float32"))
        model.set_weights(initial_weights())
        model.compile(optimizer=keras.optimizers.SGD(0.5),
                      loss="sparse_categorical_crossentropy")
    x, y = data()
    model.fit(x, y, batch_size=GLOBAL_BATCH, epochs=2, shuffle=False, verbose=0)
    save(out_dir, "custom", rank, model.get_weights(),
         replicas=np.array(strategy.num_replicas_in_sync))


def tf1_session(out_dir):
    import ndflow.compat.v1 as tf
    import ndflow.horovod as hvd
    tf.disable_eager_execution()
    hvd.init()
    rank, n = hvd.rank(), hvd.size()
    x_all, y_all = data()
    w0 = initial_weights()
    x = tf.placeholder(tf.float32, [None, FEATURES])
    y = tf.placeholder(tf.int64, [None])
    # rank-dependent initial values: the broadcast hook must make them rank 0's
    w1 = tf.Variable(w0[0] + rank, name="w1")
    b1 = tf.Variable(w0[1], name="b1")
    w2 = tf.Variable(w0[2] * (1 + rank), name="w2")
    b2 = tf.Variable(w0[3], name="b2")
    logits = tf.matmul(tf.tanh(tf.matmul(x, w1) + b1), w2) + b2
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y,
                                                                         logits=logits))
    opt = hvd.DistributedOptimizer(tf.train.MomentumOptimizer(0.5, 0.5))
    train = opt.minimize(loss)
    hook = hvd.BroadcastGlobalVariablesHook(0)
    hook.begin()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        if rank == 0:  # rank 0 starts from the shared initial weights
            for v, value in zip([w1, b1, w2, b2], w0):
                v.load(value, sess)
        hook.after_create_session(sess, None)
        local = GLOBAL_BATCH // n
        for epoch in range(2):
            for start in range(0, ROWS, GLOBAL_BATCH):
                lo = start + rank * local
                sess.run(train, {x: x_all[lo:lo + local], y: y_all[lo:lo + local]})
        weights = sess.run([w1, b1, w2, b2])
    save(out_dir, "tf1", rank, weights)


def tf2_tape(out_dir):
    import ndflow as tf
    import ndflow.horovod as hvd
    from ndflow import keras
    hvd.init()
    rank, n = hvd.rank(), hvd.size()
    x_all, y_all = data()
    w0 = initial_weights()
    variables = [tf.Variable(w + rank) for w in w0]   # made equal by broadcast_variables
    opt = keras.optimizers.SGD(0.5, momentum=0.5)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    @tf.function
    def step(x, y):
        with tf.GradientTape() as tape:
            h = tf.tanh(tf.matmul(x, variables[0]) + variables[1])
            loss = loss_fn(y, tf.matmul(h, variables[2]) + variables[3])
        tape = hvd.DistributedGradientTape(tape)
        grads = tape.gradient(loss, variables)
        opt.apply_gradients(zip(grads, variables))
        return loss

    if rank == 0:
        for v, value in zip(variables, w0):
            v.assign(value)
    hvd.broadcast_variables(variables, root_rank=0)
    local = GLOBAL_BATCH // n
    for epoch in range(2):
        for start in range(0, ROWS, GLOBAL_BATCH):
            lo = start + rank * local
            step(tf.constant(x_all[lo:lo + local]), tf.constant(y_all[lo:lo + local]))
    hvd.broadcast_variables(opt.variables, root_rank=0)  # a no-op here: already equal
    save(out_dir, "tf2", rank, [v.numpy() for v in variables])


def backup(out_dir):
    """A 3-epoch fit with BackupAndRestore in OUT_DIR/backup; with NDFLOW_TEST_KILL=1, rank
    1 kills itself (SIGKILL) at the end of epoch 2, and a rerun resumes from the backup."""
    import signal
    import ndflow as tf
    from ndflow import keras
    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    rank = strategy.cluster_resolver.task_id

    class Kill(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 1 and rank == 1 and os.environ.get("NDFLOW_TEST_KILL") == "1":
                os.kill(os.getpid(), signal.SIGKILL)

    with strategy.scope():
        model = keras.Sequential([keras.Input((FEATURES,)),
                                  keras.layers.Dense(HIDDEN, activation="tanh"),
                                  keras.layers.Dense(CLASSES, activation="softmax")])
        model.set_weights(initial_weights())
        model.compile(optimizer=keras.optimizers.SGD(0.5, momentum=0.5),
                      loss="sparse_categorical_crossentropy")
    x, y = data()
    callbacks = [keras.callbacks.BackupAndRestore(os.path.join(out_dir, "backup")), Kill()]
    history = model.fit(x, y, batch_size=GLOBAL_BATCH, epochs=3, shuffle=False, verbose=0,
                        callbacks=callbacks)
    save(out_dir, "backup", rank, model.get_weights(),
         epochs_run=np.array(len(history.history["loss"])))


def api(out_dir):
    """The collectives and the rank-0-only callbacks on 2 ranks; raises on any mismatch."""
    import ndflow as tf
    import ndflow.horovod as hvd
    import ndflow.horovod.keras as hvdk
    from ndflow import keras
    hvd.init()
    rank, n = hvd.rank(), hvd.size()
    assert n == 2 and hvd.local_size() == 2 and hvd.cross_size() == 1
    x = tf.constant([1.0 + rank, 10.0])
    np.testing.assert_allclose(hvd.allreduce(x).numpy(), [1.5, 10.0])
    np.testing.assert_allclose(hvd.allreduce(x, op=hvd.Sum).numpy(), [3.0, 20.0])
    np.testing.assert_allclose(hvd.allreduce(x, op=hvd.Max).numpy(), [2.0, 10.0])
    np.testing.assert_allclose(hvd.allreduce(x, compression=hvd.Compression.fp16).numpy(),
                               [1.5, 10.0])
    ints = hvd.grouped_allreduce([tf.constant([rank], "int32"), x], op=hvd.Sum)
    assert ints[0].numpy().tolist() == [1] and ints[0].dtype == tf.int32
    gathered = hvd.allgather(tf.fill([rank + 1, 2], float(rank)))
    assert gathered.numpy().tolist() == [[0.0, 0.0], [1.0, 1.0], [1.0, 1.0]]
    assert hvd.broadcast(x, root_rank=1).numpy().tolist() == [2.0, 10.0]
    # tf.distribute on the same job
    s = tf.distribute.MultiWorkerMirroredStrategy()
    assert s.num_replicas_in_sync == 2 and s.cluster_resolver.task_id == rank
    assert s.extended.should_checkpoint == (rank == 0)
    total = s.reduce("SUM", tf.constant([[1.0, 2.0]]) * (rank + 1), axis=0)
    np.testing.assert_allclose(total.numpy(), [3.0, 6.0])
    mean = s.reduce("MEAN", tf.fill([rank + 1], float(rank)), axis=0)
    np.testing.assert_allclose(mean.numpy(), 2.0 / 3.0, rtol=1e-6)
    assert s.gather(tf.constant([[rank]]), axis=1).numpy().tolist() == [[0, 1]]
    ds = tf.data.Dataset.range(8).batch(4)
    mine = [b.numpy().tolist() for b in s.experimental_distribute_dataset(ds)]
    assert mine == ([[0, 1], [4, 5]] if rank == 0 else [[2, 3], [6, 7]]), mine
    ctx_ids = s.distribute_datasets_from_function(
        lambda ctx: tf.data.Dataset.range(4).shard(ctx.num_input_pipelines,
                                                   ctx.input_pipeline_id))
    assert [int(b) for b in ctx_ids] == [rank, rank + 2]
    # Keras under the strategy: only the chief writes files and prints
    xs, ys = data()
    with s.scope():
        model = keras.Sequential([keras.Input((FEATURES,)),
                                  keras.layers.Dense(CLASSES, activation="softmax")])
        model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    csv_path = os.path.join(out_dir, f"log_rank{rank}.csv")
    ckpt = os.path.join(out_dir, f"model_rank{rank}.weights.h5")
    model.fit(xs, ys, batch_size=GLOBAL_BATCH, epochs=1, verbose=2,
              callbacks=[keras.callbacks.CSVLogger(csv_path),
                         keras.callbacks.ModelCheckpoint(ckpt, save_weights_only=True,
                                                         monitor="loss")])
    # a tf.data dataset of global batches: each rank trains on its rows of each
    model.fit(tf.data.Dataset.from_tensor_slices((xs, ys)).batch(GLOBAL_BATCH), epochs=1,
              verbose=0)
    flat = np.concatenate([w.ravel() for w in model.get_weights()])
    pair = hvd.allgather(tf.constant(flat[None])).numpy()
    np.testing.assert_array_equal(pair[0], pair[1])
    assert os.path.exists(csv_path) == (rank == 0)
    assert os.path.exists(ckpt) == (rank == 0)
    # horovod Keras: per-rank batches, averaged gradients and metrics, warmup
    model = keras.Sequential([keras.Input((FEATURES,)), keras.layers.Dense(CLASSES)])
    model.compile(hvdk.DistributedOptimizer(keras.optimizers.SGD(0.1)),
                  keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    lo = rank * ROWS // n
    warm = hvdk.callbacks.LearningRateWarmupCallback(0.1, warmup_epochs=2)
    hist = model.fit(xs[lo:lo + ROWS // n], ys[lo:lo + ROWS // n], batch_size=32, epochs=2,
                     verbose=0, callbacks=[hvdk.callbacks.BroadcastGlobalVariablesCallback(0),
                                           hvdk.callbacks.MetricAverageCallback(), warm])
    weights = np.concatenate([w.ravel() for w in model.get_weights()])
    both = hvd.allgather(tf.constant(weights[None])).numpy()
    np.testing.assert_array_equal(both[0], both[1])
    losses = hvd.allgather(tf.constant([hist.history["loss"]])).numpy()
    np.testing.assert_allclose(losses[0], losses[1], rtol=1e-6)
    assert abs(hist.history["lr"][-1] - 0.1) < 1e-7, hist.history["lr"]
    # a TF2 custom loop in strategy.run: the optimizer sums the replicas' gradients of
    # compute_average_loss; it must match one process on the global batch
    def run_loop(strategy_or_none):
        w0 = initial_weights()
        scope = strategy_or_none.scope() if strategy_or_none else tf.distribute.get_strategy(
        ).scope()
        with scope:
            var = [tf.Variable(w0[0][:, :CLASSES]), tf.Variable(w0[3])]
            opt = keras.optimizers.SGD(0.5)
        loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True,
                                                             reduction="none")

        @tf.function
        def step(xb, yb):
            def replica(xb, yb):
                with tf.GradientTape() as tape:
                    per = loss_fn(yb, tf.matmul(xb, var[0]) + var[1])
                    loss = tf.nn.compute_average_loss(per, global_batch_size=GLOBAL_BATCH)
                opt.apply_gradients(zip(tape.gradient(loss, var), var))
                return loss
            if strategy_or_none is None:
                return replica(xb, yb)
            per_replica = strategy_or_none.run(replica, args=(xb, yb))
            return strategy_or_none.reduce("SUM", per_replica, axis=None)
        for start in range(0, ROWS, GLOBAL_BATCH):
            xb, yb = xs[start:start + GLOBAL_BATCH], ys[start:start + GLOBAL_BATCH]
            if strategy_or_none is not None:
                part = GLOBAL_BATCH // n
                xb, yb = xb[rank * part:(rank + 1) * part], yb[rank * part:(rank + 1) * part]
            step(tf.constant(xb), tf.constant(yb))
        return [v.numpy() for v in var]
    for a, b in zip(run_loop(s), run_loop(None)):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    print(f"rank {rank}: api ok", flush=True)


def failing(out_dir):
    import ndflow as tf
    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    rank = strategy.cluster_resolver.task_id
    if rank == 1:
        raise RuntimeError("rank 1 failed on purpose")
    # rank 0 waits in a collective that rank 1 never joins
    strategy.reduce("SUM", tf.constant([1.0]), axis=None)
    print("rank 0 finished: should not happen", flush=True)


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__)))))
    {"keras": keras_fit, "custom": keras_custom_step, "tf1": tf1_session, "tf2": tf2_tape,
     "backup": backup, "api": api,
     "fail": failing}[sys.argv[1]](sys.argv[2])
