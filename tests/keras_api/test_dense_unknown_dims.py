"""Dense over the last axis of inputs whose middle dimensions are known only at run time
(a language model's (batch, time, units) with variable-length sequences)."""
import numpy as np

from ndflow import keras


def test_dense_on_batch_time_features_with_unknown_time():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((None,), dtype="int32"),
                              keras.layers.Embedding(10, 4), keras.layers.Dense(3)])
    assert model.output_shape == (None, None, 3)
    dense = model.layers[1]
    for length in (5, 9):  # one model, two sequence lengths
        ids = np.arange(2 * length).reshape(2, length) % 10
        out = model(ids).numpy()
        embedded = model.layers[0](ids).numpy()
        want = embedded @ dense.kernel.numpy() + dense.bias.numpy()
        np.testing.assert_allclose(out, want, rtol=1e-6, atol=1e-6)
    model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(np.zeros((4, 6), np.int32), np.ones((4, 6), np.int32), epochs=3,
                        verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
