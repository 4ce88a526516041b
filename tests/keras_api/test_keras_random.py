"""keras.random: the numbers Keras 3's TensorFlow backend draws for the same seeds (values
below taken from Keras 3.15 + TensorFlow 2.21), SeedGenerator's sequence, and a VAE-style
sampling layer trained with a custom train_step on x alone, as keras-io's VAE does."""
import numpy as np
import pytest

import ndflow as tf
from ndflow import keras
from ndflow.keras import layers, ops



def _close(got, expected):
    np.testing.assert_allclose(np.asarray(got), expected, rtol=0, atol=2e-6)


def test_int_seeds_draw_tensorflow_backend_numbers():
    r = keras.random
    _close(r.normal((2, 3), seed=1), [[0.12665, -0.493017, 0.631191],
                                      [-0.788847, 0.568309, -1.556994]])
    _close(r.normal((4,), mean=2.0, stddev=0.5, seed=7),
           [1.662914, 1.820654, 1.060209, 1.263553])
    _close(r.uniform((3,), minval=-1, maxval=2, seed=3), [-0.412262, 1.818036, 0.596826])
    _close(r.truncated_normal((5,), seed=4),
           [-0.581849, 0.865359, -1.566188, 0.197839, -1.797753])
    drawn = r.randint((4,), 0, 10, seed=5)
    assert drawn.dtype == tf.int32 and drawn.numpy().tolist() == [3, 0, 7, 9]
    dropped = r.dropout(np.ones((2, 5), "float32"), 0.4, seed=9).numpy()
    np.testing.assert_array_equal(dropped != 0, [[1, 1, 0, 1, 1], [1, 0, 0, 1, 1]])
    np.testing.assert_allclose(dropped[dropped != 0], 1 / 0.6, rtol=1e-6)


def test_seed_generator_hands_out_one_seed_per_draw():
    g = keras.random.SeedGenerator(42)
    first, second = keras.random.normal((3,), seed=g), keras.random.normal((3,), seed=g)
    _close(first, [0.015817, -1.590087, 0.103594])
    _close(second, [1.129204, 0.046967, 0.959445])
    _close(keras.random.uniform((2,), seed=g), [0.962692, 0.015205])
    assert g.state.numpy().tolist() == [42, 3]
    with pytest.raises(ValueError, match="seed"):
        keras.random.SeedGenerator("abc")
    with pytest.raises(ValueError, match="seed"):
        keras.random.normal((2,), seed=1.5)


class Sampling(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.seed_generator = keras.random.SeedGenerator(1337)

    def call(self, inputs):
        z_mean, z_log_var = inputs
        batch, dim = ops.shape(z_mean)[0], ops.shape(z_mean)[1]
        epsilon = keras.random.normal(shape=(batch, dim), seed=self.seed_generator)
        return z_mean + ops.exp(0.5 * z_log_var) * epsilon


class VAE(keras.Model):
    def __init__(self, encoder, decoder, **kwargs):
        super().__init__(**kwargs)
        self.encoder, self.decoder = encoder, decoder
        self.total_loss_tracker = keras.metrics.Mean(name="total_loss")

    @property
    def metrics(self):
        return [self.total_loss_tracker]

    def train_step(self, data):
        with tf.GradientTape() as tape:
            z_mean, z_log_var, z = self.encoder(data)
            reconstruction = self.decoder(z)
            rec = ops.sum(keras.losses.binary_crossentropy(data[..., None],
                                                           reconstruction[..., None]), axis=1)
            rec = ops.mean(rec)
            kl = -0.5 * (1 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var))
            total = rec + ops.mean(ops.sum(kl, axis=1))
        grads = tape.gradient(total, self.trainable_weights)
        self.optimizer.apply_gradients(zip(grads, self.trainable_weights))
        self.total_loss_tracker.update_state(total)
        return {"loss": self.total_loss_tracker.result()}


def test_vae_sampling_layer_trains_with_data_alone():
    keras.utils.set_random_seed(0)
    inputs = keras.Input((8,))
    h = layers.Dense(16, activation="relu")(inputs)
    z_mean, z_log_var = layers.Dense(2)(h), layers.Dense(2)(h)
    encoder = keras.Model(inputs, [z_mean, z_log_var, Sampling()([z_mean, z_log_var])])
    latent = keras.Input((2,))
    decoder = keras.Model(latent, layers.Dense(8, activation="sigmoid")(
        layers.Dense(16, activation="relu")(latent)))
    data = (np.random.default_rng(0).random((256, 8)) > 0.5).astype("float32")
    vae = VAE(encoder, decoder)
    vae.compile(optimizer=keras.optimizers.Adam(1e-2))
    history = vae.fit(data, epochs=5, batch_size=64, verbose=0)
    losses = history.history["loss"]
    assert losses[-1] < losses[0] and np.isfinite(losses).all()
    state = encoder.layers[-1].seed_generator.state.numpy()
    assert state[0] == 1337 and state[1] >= 5 * 4  # one draw per training step at least
