"""MultiHeadAttention on inputs of rank > 3 and with `attention_axes`, against Keras 3."""
import numpy as np
import pytest

import ndflow
from ndflow import keras

from .keras_reference import reference_keras, to_numpy

RNG = np.random.default_rng(13)


@pytest.mark.parametrize("q_shape,v_shape,axes,masked", [
    ((2, 3, 4, 8), (2, 3, 4, 8), None, False),      # attention over axes 1 and 2 together
    ((2, 3, 4, 8), (2, 3, 5, 8), (2,), True),       # axis 2 only, with an attention mask
    ((2, 3, 4, 2, 8), (2, 3, 4, 2, 6), (1, 3), False),
])
def test_matches_keras(q_shape, v_shape, axes, masked):
    rk = reference_keras()
    q = RNG.normal(size=q_shape).astype("float32")
    v = RNG.normal(size=v_shape).astype("float32")
    kw = {}
    if masked:
        kw["attention_mask"] = RNG.random(q_shape[:-1] + v_shape[-2:-1]) > 0.3
    ours = keras.layers.MultiHeadAttention(2, 3, attention_axes=axes)
    theirs = rk.layers.MultiHeadAttention(2, 3, attention_axes=axes)
    ours(q, v, **kw)
    theirs(q, v, **kw)
    theirs.set_weights([w.numpy() for w in ours.weights])
    out, scores = ours(q, v, return_attention_scores=True, **kw)
    t_out, t_scores = theirs(q, v, return_attention_scores=True, **kw)
    np.testing.assert_allclose(out.numpy(), to_numpy(t_out), atol=1e-5)
    np.testing.assert_allclose(scores.numpy(), to_numpy(t_scores), atol=1e-5)
    assert ours.get_config()["attention_axes"] == list(theirs.get_config()["attention_axes"])
    traced = ndflow.function(lambda a, b: ours(a, b, **kw))(q, v)
    np.testing.assert_allclose(traced.numpy(), out.numpy(), atol=1e-6)


def test_bad_axes():
    layer = keras.layers.MultiHeadAttention(2, 3, attention_axes=(3,))
    x = np.zeros((2, 3, 4, 8), "float32")
    with pytest.raises(ValueError, match="feature axis"):
        layer(x, x)
    with pytest.raises(ValueError, match="attention_axes"):
        keras.layers.MultiHeadAttention(2, 3, attention_axes="1")
