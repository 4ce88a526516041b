"""Prints the TensorFlow 2.21 values pinned in tests/test_book_programs.py.

Run with the reference TensorFlow (e.g. /work/tfref/bin/python); the test suite itself never
needs TensorFlow.
"""
import numpy as np
import tensorflow as tf

logits = tf.constant([[0.1, 2.0, -1.0, 0.5, 1.0]])
print("categorical seed=1, 10 samples:", tf.random.categorical(logits, 10, seed=1).numpy().tolist())
tf.random.set_seed(5)
print("set_seed(5), op seed=1, three calls of 3:",
      [tf.random.categorical(logits, 3, seed=1).numpy().tolist() for _ in range(3)])
print("two rows, -inf masked, seed=3:",
      tf.random.categorical([[0., float("-inf"), 0.], [1., 1., 1.]], 6, seed=3,
                            dtype=tf.int32).numpy().tolist())
x = tf.reshape(tf.range(16.), (4, 4))
print("band_part(x, 1, 1):", tf.linalg.band_part(x, 1, 1).numpy().tolist())
windows = tf.keras.utils.timeseries_dataset_from_array(
    np.arange(100), None, sequence_length=10, sampling_rate=2, sequence_stride=3,
    batch_size=4, start_index=5, end_index=90)
batches = [b.numpy() for b in windows]
print("windows: first", batches[0][0].tolist(), "last", batches[-1][-1].tolist(),
      "count", sum(len(b) for b in batches))
