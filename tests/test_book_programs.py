"""Programs the way the two Keras books write them (Chollet's "Deep Learning with Python",
Geron's "Hands-On Machine Learning"), each a short version in our own words of a listing
that failed under ndflow before its fix. TensorFlow's values come from
tools/make_book_programs_reference.py.
"""
import numpy as np
import pytest

import ndflow as tf
from ndflow import keras
from ndflow.keras import layers


# --- DLwP ch. 7: a subclassed model on integer (multi-hot) arrays -------------------------

class TicketModel(keras.Model):
    def __init__(self, num_departments):
        super().__init__()
        self.concat = layers.Concatenate()
        self.mix = layers.Dense(16, activation="relu")
        self.priority = layers.Dense(1, activation="sigmoid")
        self.department = layers.Dense(num_departments, activation="softmax")

    def call(self, inputs):
        features = self.mix(self.concat([inputs["title"], inputs["body"]]))
        return self.priority(features), self.department(features)


def test_subclassed_model_trains_on_integer_feature_arrays():
    rng = np.random.default_rng(0)
    data = {"title": rng.integers(0, 2, size=(64, 30)), "body": rng.integers(0, 2, (64, 40))}
    priority = rng.random((64, 1))
    department = keras.utils.to_categorical(rng.integers(0, 4, 64), 4)
    model = TicketModel(num_departments=4)
    p, d = model(data)  # int64 inputs: Dense computes in float32, as Keras 3 does
    assert p.dtype == tf.float32 and tuple(d.shape) == (64, 4)
    model.compile(optimizer="rmsprop", loss=["mean_squared_error", "categorical_crossentropy"])
    history = model.fit(data, [priority, department], epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    assert history.history["loss"][1] < history.history["loss"][0]


def test_dense_on_int_input_matches_float_input():
    dense = layers.Dense(3)
    x = np.array([[1, 0, 2], [0, 1, 1]])
    np.testing.assert_allclose(dense(x).numpy(), dense(x.astype("float32")).numpy())


# --- DLwP ch. 10 / HOML ch. 15: windows over a timeseries ----------------------------------

def test_timeseries_dataset_small_example():
    seq = np.arange(10)
    ds = keras.utils.timeseries_dataset_from_array(seq[:-3], targets=seq[3:], sequence_length=3,
                                                   batch_size=2)
    pairs = [([int(v) for v in x], int(y)) for xs, ys in ds for x, y in zip(xs.numpy(),
                                                                           ys.numpy())]
    assert pairs == [([0, 1, 2], 3), ([1, 2, 3], 4), ([2, 3, 4], 5), ([3, 4, 5], 6),
                     ([4, 5, 6], 7)]


def test_timeseries_dataset_rate_stride_and_range_match_tensorflow():
    batches = [b.numpy() for b in keras.utils.timeseries_dataset_from_array(
        np.arange(100), None, sequence_length=10, sampling_rate=2, sequence_stride=3,
        batch_size=4, start_index=5, end_index=90)]
    assert batches[0][0].tolist() == [5, 7, 9, 11, 13, 15, 17, 19, 21, 23]
    assert batches[-1][-1].tolist() == [71, 73, 75, 77, 79, 81, 83, 85, 87, 89]
    assert sum(len(b) for b in batches) == 23


def test_timeseries_forecast_trains_on_shuffled_windows():
    t = np.arange(1200)
    raw = np.stack([np.sin(t / 20), np.cos(t / 20)], axis=1)  # float64, as a CSV gives
    temperature = raw[:, 0]
    sequence_length, delay = 12, 12 + 4
    train = keras.utils.timeseries_dataset_from_array(
        raw[:-delay], targets=temperature[delay:], sequence_length=sequence_length,
        shuffle=True, seed=1, batch_size=64, start_index=0, end_index=800)
    val = keras.utils.timeseries_dataset_from_array(
        raw[:-delay], targets=temperature[delay:], sequence_length=sequence_length,
        batch_size=64, start_index=800)
    samples, targets = next(iter(train))
    assert tuple(samples.shape) == (64, 12, 2) and samples.dtype == tf.float64
    starts = [int(np.argmin(np.abs(raw[:, 0] - s[0, 0]) + np.abs(raw[:, 1] - s[0, 1])))
              for s in samples.numpy()[:5]]
    np.testing.assert_allclose(targets.numpy()[:5], temperature[np.array(starts) + delay])
    inputs = keras.Input(shape=(sequence_length, 2))
    outputs = layers.Dense(1)(layers.Flatten()(inputs))
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="mse", metrics=["mae"])
    history = model.fit(train, epochs=8, validation_data=val, verbose=0)
    assert history.history["val_mae"][-1] < 0.1  # TensorFlow: about 0.005


def test_timeseries_dataset_rejects_bad_ranges():
    with pytest.raises(ValueError, match="start_index"):
        keras.utils.timeseries_dataset_from_array(np.arange(10), None, 3, start_index=10)
    with pytest.raises(ValueError, match="sampling_rate"):
        keras.utils.timeseries_dataset_from_array(np.arange(10), None, 3, sampling_rate=0)
    with pytest.raises(ValueError, match="end_index"):
        keras.utils.timeseries_dataset_from_array(np.arange(10), None, 3, end_index=10)


# --- DLwP ch. 9: reading images and masks with load_img / img_to_array ---------------------

def test_load_img_and_img_to_array_for_segmentation_inputs(tmp_path):
    pytest.importorskip("PIL")
    rng = np.random.default_rng(0)
    photo = rng.integers(0, 256, (30, 40, 3)).astype("uint8")
    trimap = rng.integers(1, 4, (30, 40, 1)).astype("uint8")
    keras.utils.save_img(tmp_path / "photo.png", photo, scale=False)
    keras.utils.save_img(tmp_path / "mask.png", trimap, scale=False)
    img = keras.utils.img_to_array(keras.utils.load_img(tmp_path / "photo.png"))
    assert img.shape == (30, 40, 3) and img.dtype == np.float32
    np.testing.assert_array_equal(img, photo)
    resized = keras.utils.load_img(tmp_path / "photo.png", target_size=(20, 25))
    assert resized.size == (25, 20)
    mask = keras.utils.img_to_array(
        keras.utils.load_img(tmp_path / "mask.png", target_size=(20, 25),
                             color_mode="grayscale"))
    assert mask.shape == (20, 25, 1)
    assert set(np.unique(mask.astype("uint8") - 1)) <= {0, 1, 2}
    picture = keras.utils.array_to_img(img / 255.0)  # scaled back to 0..255
    assert picture.mode == "RGB" and picture.size == (40, 30)
    with pytest.raises(ValueError, match="rank 3"):
        keras.utils.array_to_img(np.zeros((2, 3)))


# --- HOML ch. 16: encoder-decoder with RepeatVector; causal masks ---------------------------

def test_repeat_vector_encoder_decoder():
    model = keras.Sequential([
        keras.Input(shape=(5,)),
        layers.Dense(8, activation="relu"),
        layers.RepeatVector(4),
        layers.Dense(3),
    ])
    assert model.output_shape == (None, 4, 3)
    x = np.arange(10, dtype="float32").reshape(2, 5)
    repeated = layers.RepeatVector(3)(x).numpy()
    assert repeated.shape == (2, 3, 5)
    np.testing.assert_array_equal(repeated[:, 1], x)
    config = layers.RepeatVector(3).get_config()
    assert layers.RepeatVector.from_config(config).n == 3
    with pytest.raises(TypeError, match="integer"):
        layers.RepeatVector(2.5)


def test_band_part_causal_mask_matches_tensorflow():
    x = tf.reshape(tf.range(16.), (4, 4))
    assert tf.linalg.band_part(x, 1, 1).numpy().tolist() == [
        [0.0, 1.0, 0.0, 0.0], [4.0, 5.0, 6.0, 0.0], [0.0, 9.0, 10.0, 11.0],
        [0.0, 0.0, 14.0, 15.0]]
    causal = tf.linalg.band_part(tf.ones((3, 3)), -1, 0)  # the book's look-ahead mask
    np.testing.assert_array_equal(causal.numpy(), np.tril(np.ones((3, 3))))
    with pytest.raises(ValueError, match="num_lower"):
        tf.linalg.band_part(tf.ones((4, 4)), 5, 1)


# --- HOML ch. 16: sampling the next character with tf.random.categorical -------------------

def test_categorical_matches_tensorflow_for_the_same_seeds():
    logits = tf.constant([[0.1, 2.0, -1.0, 0.5, 1.0]])
    assert tf.random.categorical(logits, 10, seed=1).numpy().tolist() == [
        [4, 1, 3, 3, 1, 1, 1, 1, 1, 1]]
    tf.random.set_seed(5)
    calls = [tf.random.categorical(logits, 3, seed=1).numpy().tolist() for _ in range(3)]
    assert calls == [[[1, 1, 1]], [[0, 0, 0]], [[1, 1, 1]]]
    two_rows = tf.random.categorical([[0., float("-inf"), 0.], [1., 1., 1.]], 6, seed=3,
                                     dtype=tf.int32)
    assert two_rows.dtype == tf.int32
    assert two_rows.numpy().tolist() == [[0, 2, 2, 2, 2, 2], [1, 1, 1, 0, 1, 2]]


def test_next_char_sampling_with_temperature():
    tf.random.set_seed(42)
    probas = tf.constant([[0.05, 0.9, 0.05]])

    @tf.function
    def next_char(temperature):
        rescaled = tf.math.log(probas) / temperature
        return tf.random.categorical(rescaled, num_samples=1)

    picks = np.array([int(next_char(1.0)[0, 0]) for _ in range(200)])
    assert set(picks) <= {0, 1, 2} and 0.8 < np.mean(picks == 1) < 0.97
    cold = [int(next_char(0.01)[0, 0]) for _ in range(20)]
    assert cold == [1] * 20
    with pytest.raises(ValueError, match="matrix"):
        tf.random.categorical(tf.constant([0.5, 0.5]), 2)


# --- Keras 2 era listings: keras.preprocessing.sequence / .image -----------------------------

def test_pad_sequences_for_an_embedding_classifier():
    from ndflow.keras.preprocessing.sequence import pad_sequences
    reviews = [[5, 8, 2], [7], [3, 9, 4, 1, 6]]
    padded = pad_sequences(reviews, maxlen=4)
    assert padded.dtype == np.int32
    assert padded.tolist() == [[0, 5, 8, 2], [0, 0, 0, 7], [9, 4, 1, 6]]
    post = keras.utils.pad_sequences(reviews, maxlen=4, padding="post", truncating="post")
    assert post.tolist() == [[5, 8, 2, 0], [7, 0, 0, 0], [3, 9, 4, 1]]
    model = keras.Sequential([keras.Input((4,)), layers.Embedding(10, 4),
                              layers.GlobalAveragePooling1D(), layers.Dense(1)])
    assert model.predict(padded, verbose=0).shape == (3, 1)
    with pytest.raises(ValueError, match="dtype=object"):
        pad_sequences([["a"]], value="x")
    with pytest.raises(ValueError, match="Padding type"):
        pad_sequences(reviews, padding="middle")


def test_preprocessing_image_module_and_smart_resize():
    from ndflow.keras.preprocessing import image
    assert image.load_img is keras.utils.load_img
    assert keras.preprocessing.timeseries_dataset_from_array is \
        keras.utils.timeseries_dataset_from_array
    photo = np.arange(10 * 20 * 3, dtype="uint8").reshape(10, 20, 3)
    out = image.smart_resize(photo, (5, 5))
    assert tuple(out.shape) == (5, 5, 3) and out.dtype == tf.float32
    # the centred 10 x 10 window, halved: its corner is the mean of a 2 x 2 block
    np.testing.assert_allclose(out.numpy()[0, 0], photo[0:2, 5:7].astype("float32")
                               .mean(axis=(0, 1)))
    batch = image.smart_resize(np.ones((2, 8, 8, 1), "float32"), (4, 2))
    assert tuple(batch.shape) == (2, 4, 2, 1)


# --- HOML ch. 14: a depthwise max-pool layer built from tf.shape arithmetic -----------------

class DepthPool(keras.layers.Layer):
    def __init__(self, pool_size=2, **kwargs):
        super().__init__(**kwargs)
        self.pool_size = pool_size

    def call(self, inputs):
        shape = tf.shape(inputs)
        groups = shape[-1] // self.pool_size
        new_shape = tf.concat([shape[:-1], [groups, self.pool_size]], axis=0)
        return tf.reduce_max(tf.reshape(inputs, new_shape), axis=-1)


def test_depth_pool_layer_concatenates_shape_pieces():
    maps = np.random.default_rng(0).random((2, 4, 4, 6)).astype("float32")
    pooled = DepthPool(pool_size=3)(maps)
    np.testing.assert_allclose(pooled.numpy(), maps.reshape(2, 4, 4, 2, 3).max(axis=-1))
    traced = tf.function(lambda x: DepthPool(pool_size=2)(x))(maps)
    assert tuple(traced.shape) == (2, 4, 4, 3)
    shape = tf.shape(tf.ones((1, 5, 6)))
    packed = tf.concat([shape[:-1], [shape[-1] // 2, 2]], axis=0)
    assert packed.dtype == tf.int32 and packed.numpy().tolist() == [1, 5, 3, 2]


# --- HOML ch. 12: strings, one element at a time ---------------------------------------------

def test_string_scalars_and_unicode_round_trip():
    cafe = tf.constant([ord(c) for c in "café"])
    encoded = tf.strings.unicode_encode(cafe, "UTF-8")
    assert encoded.dtype == tf.string and encoded.shape.rank == 0
    assert encoded.numpy() == "café".encode("utf-8")
    assert int(tf.strings.length(encoded, unit="UTF8_CHAR")) == 4
    words = tf.constant(["Café", "Coffee", "caffè", "咖啡"])
    assert words[0].dtype == tf.string and words[0].numpy() == "Café".encode("utf-8")
    decoded = tf.strings.unicode_decode(words, "UTF8")  # ICU's spelling without the dash
    assert decoded.to_list()[3] == [21654, 21857]


# --- HOML ch. 16 (written for Keras 2): char-RNN on raw text, stateful RNN --------------------

def test_sequential_starting_with_text_vectorization_predicts_on_raw_text():
    text_vec = layers.TextVectorization(split="character", standardize="lower")
    text_vec.adapt(["to be or not to be"])
    model = keras.Sequential([
        text_vec,
        layers.Lambda(lambda ids: ids - 2),  # drop the padding and OOV ids
        layers.Embedding(input_dim=8, output_dim=4),
        layers.GRU(8, return_sequences=True),
        layers.Dense(6, activation="softmax"),
    ])
    proba = model.predict(["To be or not to b"], verbose=0)
    assert proba.shape == (1, 17, 6)
    np.testing.assert_allclose(proba.sum(axis=-1), 1.0, rtol=1e-5)
    assert model.predict(tf.constant(["be", "or"]), verbose=0).shape == (2, 2, 6)


class ResetStatesCallback(keras.callbacks.Callback):
    def on_epoch_begin(self, epoch, logs):
        self.model.reset_states()


def test_stateful_rnn_resets_its_state_each_epoch():
    model = keras.Sequential([
        keras.Input(batch_shape=(1, None, 3)),
        layers.GRU(4, stateful=True, return_sequences=True),
        layers.Dense(2),
    ])
    x = np.ones((1, 5, 3), "float32")
    first, carried = model(x).numpy(), model(x).numpy()
    assert not np.allclose(first, carried)  # the second call starts from the first's state
    model.reset_states()
    np.testing.assert_allclose(model(x).numpy(), first, rtol=1e-6)
    model.compile(loss="mse", optimizer="sgd")
    history = model.fit(x, np.zeros((1, 5, 2)), epochs=2, verbose=0,
                        callbacks=[ResetStatesCallback()])
    assert len(history.history["loss"]) == 2


# --- HOML ch. 15: a hand-written RNN layer's initial state ----------------------------------

def test_zeros_with_a_batch_size_from_tf_shape_inside_tf_function():
    @tf.function
    def initial_state(inputs):
        batch_size = tf.shape(inputs)[0]
        return [tf.zeros([batch_size, 4], dtype=inputs.dtype), tf.ones([batch_size, 2])]

    zeros, ones = initial_state(tf.ones((3, 7)))
    assert zeros.numpy().tolist() == [[0.0] * 4] * 3 and ones.numpy().sum() == 6.0
    assert zeros.dtype == tf.float32


# --- HOML ch. 16: positional encodings sliced to the batch's length --------------------------

class PositionalEncoding(keras.layers.Layer):
    def __init__(self, max_length, embed_size, dtype=tf.float32, **kwargs):
        super().__init__(dtype=dtype, **kwargs)
        p, i = np.meshgrid(np.arange(max_length), 2 * np.arange(embed_size // 2))
        pos_emb = np.empty((1, max_length, embed_size))
        pos_emb[0, :, ::2] = np.sin(p / 10_000 ** (i / embed_size)).T
        pos_emb[0, :, 1::2] = np.cos(p / 10_000 ** (i / embed_size)).T
        self.pos_encodings = tf.constant(pos_emb.astype(self.dtype))
        self.supports_masking = True

    def call(self, inputs):
        batch_max_length = tf.shape(inputs)[1]
        return inputs + self.pos_encodings[:, :batch_max_length]


def test_positional_encoding_slices_with_a_runtime_length():
    layer = PositionalEncoding(max_length=50, embed_size=8)
    inputs = keras.Input(shape=[None, 8])
    model = keras.Model(inputs, layer(inputs))
    out = model.predict(np.zeros((2, 7, 8), "float32"), verbose=0)
    assert out.shape == (2, 7, 8)
    np.testing.assert_allclose(out[0], layer.pos_encodings.numpy()[0, :7], rtol=1e-6)
    table = tf.Variable(np.arange(10.0, dtype="float32"))

    @tf.function
    def pieces(x):
        n = tf.shape(x)[0]
        return table[:n], table[1:n:2], table[n - 2:]

    with tf.GradientTape() as tape:
        head, odd, tail = pieces(tf.zeros(4))
        loss = tf.reduce_sum(head)
    assert head.numpy().tolist() == [0, 1, 2, 3] and odd.numpy().tolist() == [1, 3]
    assert tail.numpy().tolist() == [2, 3, 4, 5, 6, 7, 8, 9]
    assert tape.gradient(loss, table).numpy().tolist() == [1] * 4 + [0] * 6
