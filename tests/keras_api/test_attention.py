"""Attention, AdditiveAttention and MultiHeadAttention: values against NumPy and Keras 3,
masks, configs, `.keras` files both ways, and a small Transformer encoder that trains."""
import numpy as np
import pytest

import ndflow
from ndflow import keras

from .keras_reference import reference_keras, to_numpy

L = keras.layers
RNG = np.random.default_rng(0)
Q = RNG.normal(size=(2, 4, 6)).astype("float32")
V = RNG.normal(size=(2, 5, 6)).astype("float32")
VMASK = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], bool)


def _softmax(s):
    e = np.exp(s - s.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def test_dot_attention_values_masks_and_scores():
    layer = L.Attention()
    out, scores = layer([Q, V], mask=[None, VMASK], return_attention_scores=True)
    s = Q @ V.transpose(0, 2, 1) - 1e9 * ~VMASK[:, None, :]
    np.testing.assert_allclose(scores.numpy(), _softmax(s), atol=1e-6)
    np.testing.assert_allclose(out.numpy(), _softmax(s) @ V, atol=1e-5)
    causal = L.Attention()([Q, Q], use_causal_mask=True, return_attention_scores=True)[1]
    np.testing.assert_array_equal(np.triu(causal.numpy()[0], 1), 0)
    qmask = np.array([[1, 1, 0, 0], [1, 1, 1, 1]], bool)
    masked = L.Attention()([Q, V], mask=[qmask, None]).numpy()
    np.testing.assert_array_equal(masked[0, 2:], 0)
    with pytest.raises(ValueError, match="list of inputs"):
        L.Attention()(Q)
    with pytest.raises(ValueError, match="score_mode"):
        L.Attention(score_mode="cosine")


def test_multi_head_attention_weights_and_masks():
    layer = L.MultiHeadAttention(num_heads=2, key_dim=3)
    out, scores = layer(Q, V, return_attention_scores=True)
    assert out.shape == (2, 4, 6) and scores.shape == (2, 2, 4, 5)
    assert L.MultiHeadAttention(2, 3, value_dim=4, output_shape=5)(Q, V).shape == (2, 4, 5)
    assert [tuple(w.shape.as_list()) for w in layer.weights] == [
        (6, 2, 3), (2, 3), (6, 2, 3), (2, 3), (6, 2, 3), (2, 3), (2, 3, 6), (6,)]
    mask = RNG.random((2, 4, 5)) > 0.4
    mask[:, :, 0] = True
    _, scores = layer(Q, V, attention_mask=mask, return_attention_scores=True)
    np.testing.assert_allclose(scores.numpy() * ~mask[:, None], 0, atol=1e-7)
    _, causal = layer(Q, Q, use_causal_mask=True, return_attention_scores=True)
    np.testing.assert_array_equal(np.triu(causal.numpy()[0, 1], 1), 0)
    clone = L.MultiHeadAttention.from_config(layer.get_config())
    clone(Q, V)
    clone.set_weights(layer.get_weights())
    np.testing.assert_allclose(clone(Q, V).numpy(), layer(Q, V).numpy(), atol=1e-6)


@pytest.mark.parametrize("make", [lambda k: k.layers.Attention(use_scale=True),
                                  lambda k: k.layers.Attention(score_mode="concat"),
                                  lambda k: k.layers.AdditiveAttention()],
                         ids=["dot", "concat", "additive"])
def test_dense_attention_matches_keras(make):
    rk = reference_keras()
    ours, theirs = make(keras), make(rk)
    ours([Q, V])
    theirs([Q, V])
    theirs.set_weights(ours.get_weights())
    for kwargs in ({"mask": [None, VMASK]}, {"use_causal_mask": True,
                                             "return_attention_scores": True}):
        a = ours([Q, V], **kwargs)
        b = theirs([Q, V], **kwargs)
        for x, y in zip(a if isinstance(a, tuple) else [a], b if isinstance(b, tuple) else [b]):
            np.testing.assert_allclose(x.numpy(), to_numpy(y), atol=1e-5)


def test_multi_head_attention_matches_keras_with_masks():
    rk = reference_keras()
    ours, theirs = L.MultiHeadAttention(2, 3), rk.layers.MultiHeadAttention(2, 3)
    ours(Q, V)
    theirs(Q, V)
    theirs.set_weights(ours.get_weights())
    mask = RNG.random((2, 4, 5)) > 0.3
    for kwargs in ({}, {"attention_mask": mask, "return_attention_scores": True}):
        a, b = ours(Q, V, **kwargs), theirs(Q, V, **kwargs)
        for x, y in zip(a if isinstance(a, tuple) else [a], b if isinstance(b, tuple) else [b]):
            np.testing.assert_allclose(x.numpy(), to_numpy(y), atol=1e-5)
    np.testing.assert_allclose(ours(Q, Q, use_causal_mask=True).numpy(),
                               to_numpy(theirs(Q, Q, use_causal_mask=True)), atol=1e-5)


def _encoder(k, vocab=30, steps=8, dim=16):
    """The Transformer encoder block of the Keras book: self-attention, residual +
    LayerNormalization, a feed-forward block, residual + LayerNormalization."""
    inp = k.Input((steps,), dtype="int32")
    x = k.layers.Embedding(vocab, dim, mask_zero=True)(inp)
    att = k.layers.MultiHeadAttention(num_heads=2, key_dim=dim)(x, x)
    x = k.layers.LayerNormalization()(k.layers.Add()([x, att]))
    ff = k.layers.Dense(dim)(k.layers.Dense(32, activation="relu")(x))
    x = k.layers.LayerNormalization()(k.layers.Add()([x, ff]))
    x = k.layers.GlobalAveragePooling1D()(x)
    return k.Model(inp, k.layers.Dense(2, activation="softmax")(x))


def _token_task(n=256, steps=8, seed=0):
    rng = np.random.default_rng(seed)
    ids = rng.integers(3, 30, size=(n, steps))
    lengths = rng.integers(3, steps + 1, size=n)
    ids[np.arange(steps)[None, :] >= lengths[:, None]] = 0
    y = (ids == 7).any(1).astype("int32")  # does the sentence contain token 7?
    ids[y == 0] = np.where(ids[y == 0] == 7, 8, ids[y == 0])
    return ids.astype("int32"), y


def test_transformer_encoder_block_trains():
    ndflow.random.set_seed(1)
    model = _encoder(keras)
    ids, y = _token_task()
    model.compile(keras.optimizers.Adam(3e-3), "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    hist = model.fit(ids, y, epochs=12, batch_size=32, verbose=0)
    assert hist.history["accuracy"][-1] > 0.9, hist.history


def test_transformer_keras_files_both_ways(tmp_path):
    rk = reference_keras()
    ids, _ = _token_task(n=4)
    ours = _encoder(keras)
    path = str(tmp_path / "ours.keras")
    ours.save(path)
    theirs = rk.models.load_model(path)
    np.testing.assert_allclose(to_numpy(theirs(ids)), ours.predict(ids, verbose=0), atol=1e-5)
    keras_made = _encoder(rk)
    path = str(tmp_path / "theirs.keras")
    keras_made.save(path)
    back = keras.models.load_model(path)
    np.testing.assert_allclose(back.predict(ids, verbose=0), to_numpy(keras_made(ids)),
                               atol=1e-5)
